// Every flag a --help lists, with its default, is in the README's table for
// that program, with the same default; and the table lists no flag the
// program does not have. And the daemon's start line names the network
// kernels it chose (issue 16).
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "ml/models/nn/kernel_table.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/run_capture.hpp"

namespace {

using flag_table = std::map<std::string, std::string>;  // "--port N" -> "8765"

// Lines "  --flag ARG   meaning [default: X]" (config/flag_help.hpp).
flag_table help_flags(const std::string& help) {
  flag_table out;
  static const std::regex line_re(R"(^  (--[a-z-]+(?: [A-Z]+)?)  +.*\[default: (.*)\]$)");
  std::istringstream in(help);
  std::string line;
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_match(line, m, line_re)) out[m[1]] = m[2];
  return out;
}

std::string unquote(std::string s) {
  std::string out;
  for (char c : s)
    if (c != '`') out += c;
  return out;
}

// The rows "| `--flag ARG` | default | meaning |" of the "| flag |" table after `heading`.
flag_table readme_flags(const std::string& heading) {
  std::ifstream in(std::string(MLT_SOURCE_DIR) + "/README.md");
  std::string line;
  bool in_section = false, in_table = false;
  flag_table out;
  static const std::regex row_re(R"(^\| `(--[a-z-]+(?: [A-Z]+)?)` \| ([^|]*) \|)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line == heading) {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    if (line.rfind("| flag |", 0) == 0) in_table = true;  // the section's flag table, not its command table
    if (in_table && line.rfind("|", 0) == 0) {
      if (std::regex_search(line, m, row_re)) out[m[1]] = unquote(m[2]);
    } else if (in_table) {
      break;
    }
  }
  return out;
}

// `least`: the flags the program has at the least, so a help text the
// pattern no longer reads fails instead of comparing nothing.
void compare(const std::string& program, const flag_table& help, const flag_table& readme, std::size_t least = 4) {
  INFO(program);
  CHECK(help.size() >= least);
  for (const auto& [flag, def] : help) {
    INFO("--help lists " << flag << " [default: " << def << "]");
    REQUIRE(readme.count(flag) == 1);
    CHECK(readme.at(flag) == def);
  }
  for (const auto& [flag, def] : readme) {
    INFO("the README lists " << flag);
    CHECK(help.count(flag) == 1);
  }
}

std::string help_of(const std::string& cmd) {
  const auto r = mlt::test::run_capture(cmd);
  INFO(cmd << "\n" << r.output);
  CHECK(r.status == 0);
  return r.output;
}

}  // namespace

TEST_CASE("mltrainerd --help and the README's flag table agree", "[help]") {
  const auto help = help_of(mlt::test::binary("app/mltrainerd") + " --help");
  compare("mltrainerd", help_flags(help), readme_flags("### `mltrainerd` flags"));
}

TEST_CASE("mltrainer chat/ask --help and the README's client table agree", "[help]") {
  const auto chat = help_flags(help_of(mlt::test::binary("app/mltrainer") + " chat --help"));
  auto ask = help_flags(help_of(mlt::test::binary("app/mltrainer") + " ask --help"));
  // chat's flags are a subset of ask's, with the same defaults.
  for (const auto& [flag, def] : chat) {
    REQUIRE(ask.count(flag) == 1);
    CHECK(ask.at(flag) == def);
  }
  compare("mltrainer ask", ask, readme_flags("### `mltrainer` client"));
}

TEST_CASE("mltrainer features/backtest/cache --help and the README's tables agree", "[help]") {
  const std::string client = mlt::test::binary("app/mltrainer");
  compare("mltrainer features", help_flags(help_of(client + " features --help")),
          readme_flags("### `mltrainer features` flags"), 3);
  compare("mltrainer backtest", help_flags(help_of(client + " backtest --help")),
          readme_flags("### `mltrainer backtest` flags"), 17);
  compare("mltrainer cache", help_flags(help_of(client + " cache --help")),
          readme_flags("### `mltrainer cache` flags"), 3);
}

TEST_CASE("mltrainer --help names every command and exits 0", "[help]") {
  const auto help = help_of(mlt::test::binary("app/mltrainer") + " --help");
  for (const char* cmd : {"chat", "ask", "features", "backtest", "cache"}) CHECK_THAT(help, Catch::Contains(cmd));
}

TEST_CASE("mltrainerd's start line names the network kernels it chose", "[help][kernel]") {
  const auto state = mlt::test::fresh_dir("start-line");
  mlt::test::daemon_process d(state, {"--log-level", "info"});
  CHECK(d.stop() == 0);
  std::ifstream log(state + "/mltrainerd.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  // The daemon runs the same selection on the same CPU as this test.
  const std::string kernels = std::string("nn kernels ") + mlt::ml::nn::kernel_name() + ")";
  INFO(text);
  CHECK_THAT(text, Catch::Contains("listening on ws://") && Catch::Contains(kernels));
}

// OpenBLAS starts a thread when it is loaded, before main can block any signal;
// the daemon once died of SIGTERM's default action when the kernel chose it.
TEST_CASE("mltrainerd exits 0 on SIGTERM and SIGINT every time, right after its start", "[help][signal]") {
  const auto state = mlt::test::fresh_dir("signals");
  for (int round = 0; round < 6; ++round) {
    const int sig = round % 2 == 0 ? SIGTERM : SIGINT;
    mlt::test::daemon_process d(state, {});
    INFO("round " << round << ", signal " << sig);
    CHECK(d.stop(sig) == 0);
  }
}
