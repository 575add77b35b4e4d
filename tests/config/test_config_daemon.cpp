#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "net/ws_client.hpp"
#include "tests/support/daemon_process.hpp"

using namespace std::chrono_literals;

namespace {

const char* token = "config-test-token-0123456789";

std::string write_config(const std::string& dir, const std::string& log_file) {
  const auto path = dir + "/mltrainerd.json";
  std::ofstream(path) << R"({
    "server": {"tokens": [")" << token << R"("], "allowed_origins": ["http://good.example"]},
    "limits": {"max_sessions": 1},
    "logging": {"file": ")" << log_file << R"(", "max_file_mb": 1, "max_files": 2}
  })";
  return path;
}

}  // namespace

TEST_CASE("the daemon started from a config file enforces its tokens, origins, session limit and log file") {
  const auto dir = mlt::test::fresh_dir("config-daemon");
  const auto log_file = dir + "/logs/daemon.log";
  const auto config = write_config(dir, log_file);
  // The helper passes --log-level warn; a later flag wins.
  mlt::test::daemon_process d(dir + "/state", {"--config", config, "--log-level", "info"});

  {
    mlt::net::ws_client anonymous;
    CHECK_THROWS(anonymous.connect("127.0.0.1", d.port(), "/ws"));
  }
  {
    mlt::net::ws_client wrong_origin;
    CHECK_THROWS(wrong_origin.connect("127.0.0.1", d.port(), "/ws",
                                      {{"Authorization", std::string("Bearer ") + token}, {"Origin", "http://evil.example"}}));
  }
  mlt::net::ws_client first;
  first.connect("127.0.0.1", d.port(), "/ws",
                {{"Authorization", std::string("Bearer ") + token}, {"Origin", "http://good.example"}});
  auto hello = first.read(10s);
  REQUIRE(hello);
  CHECK_THAT(*hello, Catch::Contains("\"hello\""));

  // limits.max_sessions = 1: a second session is told why and closed.
  mlt::net::ws_client second;
  second.connect("127.0.0.1", d.port(), "/ws", {{"Authorization", std::string("Bearer ") + token}});
  std::string seen;
  try {
    for (int i = 0; i < 5; ++i)
      if (auto f = second.read(5s)) seen += *f;
  } catch (const std::runtime_error&) {
    // closed by the daemon after the error frame
  }
  CHECK_THAT(seen, Catch::Contains("too_many_sessions"));
  first.close();

  CHECK(d.stop() == 0);
  // logging.file: the log went where the file said, without the token.
  REQUIRE(std::filesystem::exists(log_file));
  std::ifstream in(log_file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("1 token(s)"));
  CHECK(text.find(token) == std::string::npos);
}
