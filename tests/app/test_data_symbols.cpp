// Through the real daemon: any SYMBOL.csv in the data folder is a symbol,
// whatever its length or case, the report names the bar size it measured,
// and a symbol no source knows gets an error that says where it looked.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"

using mlt::test::daemon_process;

TEST_CASE("an hourly EURUSD.csv is a symbol in any case and its report says hourly", "[integration][data]") {
  const auto data = mlt::test::fresh_dir("symbols-data");
  std::filesystem::copy_file(std::string(MLT_TEST_DATA_DIR) + "/EURUSD_hourly.csv", data + "/EURUSD.csv");
  daemon_process d(mlt::test::fresh_dir("symbols-state"), {"--data-dir", data});
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  r.next();

  mlt::test::chat(c, "run trial on GBPUSD");
  const auto unknown = r.until("error");
  INFO(unknown.raw);
  CHECK(unknown.str("code") == "unknown_symbol");
  CHECK_THAT(unknown.str("message"), Catch::Contains("GBPUSD") && Catch::Contains(data));

  const auto p = mlt::test::propose_and_approve(c, r, "run trial on eurusd with logistic");
  CHECK(p.str("symbol") == "EURUSD");
  r.seen.clear();
  const auto report = r.until("report", std::chrono::seconds(300));
  INFO(report.str("text").substr(0, 400));
  CHECK(report.str("data_source") == "csv");
  std::string_view bar_size;
  REQUIRE_FALSE(report.doc["data"]["bar_size"].get_string().get(bar_size));
  CHECK(bar_size == "hourly");
  CHECK_THAT(report.str("text"), Catch::Contains("EURUSD hourly data"));
  CHECK(d.stop() == 0);
}

TEST_CASE("the SMA baseline pays the trial's slippage and commissions, through the daemon", "[integration][costs]") {
  daemon_process d(mlt::test::fresh_dir("costs-state"));
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  r.next();
  auto sma_cost = [&](const std::string& request) {
    mlt::test::propose_and_approve(c, r, request);
    const auto report = r.until("report", std::chrono::seconds(300));
    double slippage = -1, fees = -1;
    REQUIRE_FALSE(report.doc["sma_cross"]["slippage"].get_double().get(slippage));
    REQUIRE_FALSE(report.doc["sma_cross"]["fees"].get_double().get(fees));
    return std::make_pair(slippage, fees);
  };
  const auto plain = sma_cost("run trial on SPY with logistic, commission 1 bps");
  const auto costly = sma_cost("run trial on SPY with logistic, commission 20 bps and slippage 25 bps");
  INFO("plain slippage " << plain.first << " fees " << plain.second << "; costly slippage " << costly.first
                         << " fees " << costly.second);
  CHECK(plain.first == 0);
  CHECK(costly.first > 0);
  CHECK(costly.second > plain.second);
}
