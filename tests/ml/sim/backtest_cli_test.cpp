#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "app/commands.hpp"

namespace {

struct result {
  int rc = 0;
  std::string out, err;
};

std::string drain(std::FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  std::fclose(f);
  return s;
}

// Runs `mltrainer backtest ARGS...` in-process, capturing stdout and stderr.
result backtest(std::vector<std::string> args) {
  args.insert(args.begin(), "backtest");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::fflush(stdout);
  std::fflush(stderr);
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  const int saved_out = dup(1), saved_err = dup(2);
  dup2(fileno(out), 1);
  dup2(fileno(err), 2);
  result r;
  r.rc = mlt::app::run_backtest(static_cast<int>(argv.size()), argv.data());
  std::fflush(stdout);
  std::fflush(stderr);
  std::cout.flush();
  std::cerr.flush();
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  r.out = drain(out);
  r.err = drain(err);
  return r;
}

const std::string goog = std::string(MLT_TEST_DATA_DIR) + "/GOOG_daily.csv";

bool have_goog() {
  std::FILE* f = std::fopen(goog.c_str(), "r");
  if (f) std::fclose(f);
  return f != nullptr;
}

}  // namespace

TEST_CASE("backtest --json prints stats, trades and equity in the documented shape",
          "[sim][cli]") {
  if (!have_goog()) {
    FAIL("missing: " << goog << " not found");
  }
  const result r = backtest({"--csv", goog, "--strategy", "sma_cross", "--fast", "10", "--slow",
                             "30", "--allow-short", "--cash", "10000", "--json"});
  REQUIRE(r.rc == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(!parser.parse(r.out).get(doc));
  const auto stats = doc["stats"];
  CHECK(double(stats["final_equity"]) == Approx(51959.95).epsilon(1e-12));
  CHECK(double(stats["total_return"]) == Approx(4.1959950).epsilon(1e-9));
  CHECK(double(stats["max_drawdown"]) == Approx(0.4798012705007589).epsilon(1e-12));
  CHECK(int64_t(stats["trades"]) == 66);
  CHECK(double(stats["win_rate"]) == Approx(0.4696969696969697).epsilon(1e-12));
  for (const char* k : {"sharpe", "sortino", "cagr", "calmar", "volatility", "exposure", "fees",
                        "sqn", "psr", "dsr", "profit_factor", "expectancy", "turnover"})
    CHECK(!stats[k].error());
  CHECK(!doc["buy_hold"]["final_equity"].error());

  simdjson::dom::array trades;
  REQUIRE(!doc["trades"].get_array().get(trades));
  REQUIRE(trades.size() == 66);
  const auto first = trades.at(0);
  CHECK(std::string_view(first["side"]) == "short");
  CHECK(int64_t(first["size"]) == 55);
  CHECK(std::string_view(first["entry_date"]) == "2004-11-29");
  CHECK(double(first["entry_price"]) == 180.36);
  CHECK(std::string_view(first["exit_date"]) == "2004-12-21");
  CHECK(double(first["exit_price"]) == 186.31);
  CHECK(double(first["pnl"]) == Approx(-327.25).epsilon(1e-12));
  CHECK(!first["return"].error());
  const auto last = trades.at(65);
  CHECK(last["exit_date"].is_null());
  CHECK(last["exit_price"].is_null());
  CHECK(bool(last["open"]));
  CHECK(double(last["mark_price"]) == 806.19);

  simdjson::dom::array equity;
  REQUIRE(!doc["equity"].get_array().get(equity));
  CHECK(equity.size() == 2148);
  CHECK(std::string_view(equity.at(0)["date"]) == "2004-08-19");
  CHECK(double(equity.at(0)["equity"]) == 10000);
  CHECK(double(equity.at(0)["drawdown"]) == 0);
}

TEST_CASE("backtest without --json prints a readable table beside buy-and-hold", "[sim][cli]") {
  if (!have_goog()) {
    FAIL("missing: " << goog << " not found");
  }
  const result r = backtest({"--csv", goog, "--strategy", "buy_hold", "--commission",
                             "per_share:0.005,min:1", "--slippage-bps", "5"});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("Final equity") != std::string::npos);
  CHECK(r.out.find("buy & hold") != std::string::npos);
  CHECK(r.out.find("marked to last close") != std::string::npos);
}

TEST_CASE("backtest refuses bad flags with exit code 2 and names the flag", "[sim][cli]") {
  struct row {
    std::vector<std::string> args;
    const char* says;
  };
  const std::vector<row> rows = {
      {{"--strategy", "buy_hold"}, "--csv FILE is required"},
      {{"--csv", goog, "--strategy", "momentum"}, "unknown strategy 'momentum'"},
      {{"--csv", goog, "--strategy", "sma_cross", "--fast", "30", "--slow", "10"},
       "--fast 30 must be below --slow 10"},
      {{"--csv", goog, "--strategy", "sma_cross", "--fast", "0", "--slow", "10"}, "--fast '0'"},
      {{"--csv", goog, "--strategy", "sma_cross", "--slow", "10"}, "needs --fast N and --slow M"},
      {{"--csv", goog, "--strategy", "buy_hold", "--size", "half"}, "--size 'half'"},
      {{"--csv", goog, "--strategy", "buy_hold", "--commission", "bps:x"}, "--commission 'bps:x'"},
      {{"--csv", goog, "--strategy", "buy_hold", "--commission", "per_share:0.01,max:3"},
       "min:Y"},
      {{"--csv", goog, "--strategy", "buy_hold", "--cash", "-5"}, "--cash '-5'"},
      {{"--csv", goog, "--strategy", "buy_hold", "--slippage-bps"}, "--slippage-bps needs a value"},
      {{"--csv", goog, "--strategy", "buy_hold", "--frobnicate", "1"}, "unknown option '--frobnicate'"},
  };
  for (const row& x : rows) {
    const result r = backtest(x.args);
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK(r.err.find(x.says) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("backtest reports an unreadable file with exit code 1", "[sim][cli]") {
  const result r = backtest({"--csv", "/nonexistent/prices.csv", "--strategy", "buy_hold"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("/nonexistent/prices.csv") != std::string::npos);
}
