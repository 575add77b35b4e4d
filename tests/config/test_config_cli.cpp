#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/run_capture.hpp"

namespace {

using mlt::test::run_result;

/// Runs mltrainerd with `args` (shell words) and an empty token variable.
run_result run_daemon(const std::string& args) {
  auto r = mlt::test::run_capture("env -u MLTRAINER_TOKENS -u ANTHROPIC_API_KEY " + std::string(MLT_BINARY_DIR) +
                                  "/app/mltrainerd " + args);
  REQUIRE(r.started);
  return r;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::path(MLT_BINARY_DIR) / "tmp" / "config_cli";
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("mltrainerd --check-config passes the example config") {
  const std::string path = std::string(MLT_SOURCE_DIR) + "/config/mltrainer.example.json";
  const auto r = run_daemon("--check-config " + path);
  CHECK(r.status == 0);
  CHECK(r.output == path + ": OK\n");
}

TEST_CASE("mltrainerd --check-config lists every problem and exits 1; the daemon refuses the same file") {
  const auto path = write_temp("bad.json",
                               "{\n"
                               "  \"server\": {\"prot\": 1, \"bind\": \"0.0.0.0\"},\n"
                               "  \"limits\": {\"max_queue\": -3},\n"
                               "  \"schedules\": [{\"name\": \"x\", \"cron\": \"61 * * * *\", \"request\": {\"symbol\": \"SPY\"}}]\n"
                               "}\n");
  const auto check = run_daemon("--check-config " + path);
  INFO(check.output);
  CHECK(check.status == 1);
  CHECK_THAT(check.output, Catch::Contains(path + ":2:14: error: $.server.prot: unknown key (did you mean \"port\"?)"));
  CHECK_THAT(check.output, Catch::Contains(path + ":3:14: error: $.limits.max_queue: must be an integer in 1..10000, got -3"));
  CHECK_THAT(check.output, Catch::Contains("$.schedules[0].cron: bad cron expression \"61 * * * *\": minute 61 out of range 0-59"));
  CHECK_THAT(check.output, Catch::Contains("$.server.bind: refusing to listen on 0.0.0.0 without tokens"));
  CHECK_THAT(check.output, Catch::Contains(path + ": 4 problems"));

  const auto state = (std::filesystem::path(MLT_BINARY_DIR) / "tmp" / "config_cli" / "state").string();
  const auto start = run_daemon("--config " + path + " --port 0 --state-dir " + state);
  INFO(start.output);
  CHECK(start.status == 1);
  CHECK_THAT(start.output, Catch::Contains("$.limits.max_queue: must be an integer in 1..10000, got -3"));
  CHECK_THAT(start.output, Catch::Contains("refusing to start on a bad configuration"));
  CHECK_THAT(start.output, !Catch::Contains("listening"));
}

TEST_CASE("a flag fixes what the file got wrong only where flags reach") {
  // --bind on the command line overrides the file's public address.
  const auto path = write_temp("public.json", R"({"server": {"bind": "0.0.0.0"}})");
  const auto r = run_daemon("--check-config " + path + " --bind 127.0.0.1");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.output == path + ": OK\n");
}

TEST_CASE("a bad flag is a usage error (exit 2), not a config problem") {
  const auto r = run_daemon("--check-config /dev/null --port 99999");
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("--port must be 0..65535"));
}
