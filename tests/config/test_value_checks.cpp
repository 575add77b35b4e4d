#include <catch2/catch.hpp>

#include "config/value_checks.hpp"

using namespace mlt::config;

TEST_CASE("value checks accept and refuse what the config documents") {
  CHECK(iso_date_ok("2028-02-29"));
  CHECK_FALSE(iso_date_ok("2027-02-29"));
  CHECK_FALSE(iso_date_ok("2026-04-31"));
  CHECK(iso_date_ok("2026-12-31"));
  CHECK_FALSE(iso_date_ok("2026-1-31"));
  CHECK_FALSE(iso_date_ok("20260131"));

  CHECK(origin_ok("https://example.com"));
  CHECK(origin_ok("http://localhost:8765"));
  CHECK(origin_ok("http://[::1]:8765"));
  CHECK_FALSE(origin_ok("https://example.com/"));
  CHECK_FALSE(origin_ok("example.com"));
  CHECK_FALSE(origin_ok("http://example.com:port"));
  CHECK_FALSE(origin_ok("http://user@example.com"));

  CHECK(is_loopback_address("127.0.0.1"));
  CHECK(is_loopback_address("127.255.255.254"));
  CHECK(is_loopback_address("::1"));
  CHECK(is_loopback_address("localhost"));
  CHECK_FALSE(is_loopback_address("127.0.0.256"));
  CHECK_FALSE(is_loopback_address("127.0.0"));
  CHECK_FALSE(is_loopback_address("0.0.0.0"));
  CHECK_FALSE(is_loopback_address("::"));

  CHECK(env_name_ok("MLTRAINER_TOKENS"));
  CHECK_FALSE(env_name_ok("1ABC"));
  CHECK_FALSE(env_name_ok("A-B"));
  CHECK_FALSE(env_name_ok("aBcDeF0123456789"));  // looks like a pasted key
  CHECK(symbol_ok("BRK.B"));
  CHECK(symbol_ok("^GSPC"));
  CHECK_FALSE(symbol_ok("S P Y"));
  CHECK_FALSE(symbol_ok(""));

  CHECK(edit_distance("prot", "port") == 1);
  CHECK(edit_distance("Port", "port") == 0);
  CHECK(edit_distance("max_qeue", "max_queue") == 1);
  CHECK(number_text(1e12) == "1000000000000");
  CHECK(number_text(0.25) == "0.25");
  CHECK(quote("a\"b") == "\"a\\\"b\"");
}
