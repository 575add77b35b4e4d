#include <catch2/catch.hpp>

#include <vector>

#include "config/daemon_options.hpp"
#include "tests/config/parse_flags.hpp"

using mlt::config::daemon_options;

constexpr auto parse = mlt::test::parse_flags;

TEST_CASE("daemon flags override the built-in defaults") {
  daemon_options o;
  std::string err;
  CHECK(o.bind == "127.0.0.1");
  REQUIRE(parse({"--port", "9000", "--state-dir", "/tmp/s", "--data-dir=/tmp/d", "--max-trials", "3",
               "--parallel-fits", "4"}, o, err));
  CHECK(o.port == 9000);
  CHECK(o.state_dir == "/tmp/s");
  CHECK(o.data_dir == "/tmp/d");
  CHECK(o.max_concurrent_trials == 3);
  CHECK(o.parallel_fits == 4);
  CHECK(o.bind == "127.0.0.1");
}

TEST_CASE("bad daemon flags are refused with the flag named") {
  struct row {
    std::vector<std::string> args;
    const char* mentions;
  };
  const std::vector<row> rows = {
      {{"--port", "70000"}, "--port"},
      {{"--port", "abc"}, "--port"},
      {{"--port"}, "needs a value"},
      {{"--parallel-fits", "0"}, "--parallel-fits must be 1..256"},
      {{"--wat"}, "--wat"},
      {{"--brain", "gpt"}, "gpt"},
      {{"--log-level", "loud"}, "--log-level"},
      {{"--max-trials", "0"}, "--max-trials"},
  };
  for (const auto& r : rows) {
    daemon_options o;
    std::string err;
    INFO(r.args.front());
    CHECK_FALSE(parse(r.args, o, err));
    CHECK(err.find(r.mentions) != std::string::npos);
  }
}
