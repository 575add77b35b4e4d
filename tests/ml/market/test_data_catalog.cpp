#include <catch2/catch.hpp>

#include <string>

#include "ml/market/data_catalog.hpp"
#include "ml/market/data_source.hpp"

using namespace mlt::ml;

namespace {
const std::string shipped = std::string(MLT_SOURCE_DIR) + "/data";
}

TEST_CASE("the shipped data folder lists each file's symbol, period and bar size", "[market][catalog]") {
  const auto files = list_csv_folder(shipped);
  REQUIRE(files.size() == 7);
  for (const auto& e : files) {
    INFO(e.path << ": " << e.problem);
    CHECK(e.problem.empty());
  }
  CHECK(files.front().symbol == "AAPL");
  const auto tsla = describe_csv(shipped, find_symbol_csv(shipped, "TSLA"));
  CHECK(tsla.bars == 754);
  CHECK(tsla.timespan == "day");
  CHECK(tsla.first == "2015-01-02");
  CHECK(tsla.last == "2017-12-29");
  const auto fx = describe_csv(shipped, find_symbol_csv(shipped, "EURUSD"));
  CHECK(fx.timespan == "hour");
  CHECK(fx.first == "2017-04-19 09:00:00");
  CHECK(csv_last_date(shipped, "SPY") == "2020-08-28");
  CHECK(find_symbol_csv(shipped, "NOPE").empty());
  CHECK(find_symbol_csv("", "TSLA").empty());
}

TEST_CASE("what data do you have names every source; a plan's line names its file or the generator", "[market][catalog]") {
  const auto all = describe_available_data(shipped, false);
  CHECK_THAT(all, Catch::Contains("EURUSD: 5000 hour bars, 2017-04-19 09:00:00 .. 2018-02-07 15:00:00"));
  CHECK_THAT(all, Catch::Contains("Synthetic market: any symbol, 10 years of business-day bars ending 2024-12-31"));
  CHECK_THAT(all, Catch::Contains("Polygon.io: not available"));
  CHECK_THAT(describe_available_data(shipped, true), Catch::Contains("Polygon.io: any US ticker"));
  CHECK_THAT(describe_available_data("", false), Catch::Contains("CSV folder: none configured"));

  CHECK_THAT(describe_data_choice("TSLA", "auto", shipped, false),
             Catch::Contains("TSLA.csv: 754 day bars, 2015-01-02 .. 2017-12-29 (real prices)"));
  CHECK_THAT(describe_data_choice("TSLA", "synthetic", shipped, false), Catch::StartsWith("the synthetic market"));
  CHECK_THAT(describe_data_choice("MSFT", "auto", shipped, false),
             Catch::Contains("synthetic market") && Catch::Contains("there is no MSFT.csv"));
  CHECK_THAT(describe_data_choice("TSLA", "auto", shipped, true), Catch::StartsWith("Polygon.io TSLA"));
  CHECK_THAT(describe_data_choice("MSFT", "csv", shipped, false), Catch::Contains("this will fail"));
}

TEST_CASE("the last date a load will hold follows the loader's choice of source", "[market][catalog]") {
  data_environment env;
  env.data_dir = shipped;
  data_request req;
  req.symbol = "SPY";
  req.source = "auto";
  CHECK(last_data_date(req, env) == "2020-08-28");  // the shipped CSV file
  req.source = "synthetic";
  CHECK(last_data_date(req, env) == "2024-12-31");
  req.source = "auto";
  env.polygon_api_key = "set";
  CHECK(last_data_date(req, env).empty());  // Polygon: current data
}
