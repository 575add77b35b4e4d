#include "net/server/auth.hpp"

#include <catch2/catch.hpp>

using namespace mlt::net::detail;

TEST_CASE("constant-time comparison agrees with ordinary equality", "[net][security]") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK_FALSE(constant_time_equal("abcd", "abc"));
  CHECK_FALSE(constant_time_equal("", "a"));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), "a"));
}

TEST_CASE("query parameters are found and percent-decoded", "[net][security]") {
  CHECK(query_param("/ws?token=abc", "token") == "abc");
  CHECK(query_param("/ws?a=1&token=x%2By&b=2", "token") == "x+y");
  CHECK(query_param("/ws?a=1&b=2", "token").empty());
  CHECK(query_param("/ws", "token").empty());
  CHECK(query_param("/ws?mytoken=a", "token").empty());
  CHECK(query_param("/ws?token=a+b", "token") == "a+b");
  CHECK(query_param("/ws?token=bad%zz", "token") == "bad%zz");
}

TEST_CASE("the token parameter is removed from a target before it goes anywhere", "[net][security]") {
  CHECK(strip_token("/ws?token=abc") == "/ws");
  CHECK(strip_token("/api?limit=5&token=abc&x=1") == "/api?limit=5&x=1");
  CHECK(strip_token("/api?limit=5") == "/api?limit=5");
  CHECK(strip_token("/api") == "/api");
  CHECK(target_path("/ws?token=a") == "/ws");
}

TEST_CASE("a bearer token is accepted from the header or the query, case-insensitive scheme",
          "[net][security]") {
  const std::vector<std::string> tokens{"one", "two"};
  CHECK(token_accepted({}, "", "/ws"));
  CHECK(token_accepted(tokens, "Bearer two", "/ws"));
  CHECK(token_accepted(tokens, "bearer  one ", "/ws"));
  CHECK(token_accepted(tokens, "", "/ws?token=one"));
  CHECK_FALSE(token_accepted(tokens, "", "/ws"));
  CHECK_FALSE(token_accepted(tokens, "Bearer three", "/ws"));
  CHECK_FALSE(token_accepted(tokens, "Basic one", "/ws"));
  CHECK_FALSE(token_accepted(tokens, "Bearer ", "/ws?token="));
  CHECK_FALSE(token_accepted({""}, "", "/ws?token="));
}

TEST_CASE("origin checks pass absent origins and exact matches only", "[net][security]") {
  const std::vector<std::string> allowed{"http://localhost:8080"};
  CHECK(origin_accepted({}, true, "http://anything"));
  CHECK(origin_accepted(allowed, false, ""));
  CHECK(origin_accepted(allowed, true, "http://localhost:8080"));
  CHECK_FALSE(origin_accepted(allowed, true, "http://localhost:8081"));
  CHECK_FALSE(origin_accepted(allowed, true, "http://localhost:8080.evil.example"));
  CHECK_FALSE(origin_accepted(allowed, true, ""));
}
