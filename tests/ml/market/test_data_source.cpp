#include <catch2/catch.hpp>

#include "market_test_util.hpp"
#include "ml/market/data_source.hpp"

using namespace mlt::ml;

TEST_CASE("auto picks synthetic without a key or a CSV file", "[market][source]") {
  data_request req;
  req.symbol = "ZZZ";
  data_environment env;
  CHECK(resolve_source(req, env) == "synthetic");
  bar_series s = load_bars(req, env);
  CHECK(s.synthetic);
  CHECK(s.source == "synthetic");
  CHECK(s.symbol == "ZZZ");
  CHECK(s.bars.size() > 2000);
}

TEST_CASE("auto picks DATA_DIR/SYMBOL.csv when present", "[market][source]") {
  mlt_test::scratch_dir dir("source_auto_csv");
  dir.write("ABC.csv", mlt_test::daily_csv(300));
  data_request req;
  req.symbol = "ABC";
  data_environment env;
  env.data_dir = dir.path.string();
  CHECK(resolve_source(req, env) == "csv");
  bar_series s = load_bars(req, env);
  CHECK(s.source == "csv");
  CHECK_FALSE(s.synthetic);
  CHECK(s.bars.size() == 300);
  req.symbol = "OTHER";
  CHECK(resolve_source(req, env) == "synthetic");
}

TEST_CASE("auto picks Polygon when a key is set", "[market][source]") {
  data_request req;
  req.symbol = "ABC";
  data_environment env;
  env.polygon_api_key = "k";
  CHECK(resolve_source(req, env) == "polygon");
  CHECK_THROWS_WITH(load_bars(req, env), Catch::Contains("no Polygon client"));
  env.polygon_fetch = [](const remote_range& r, const data_progress&) {
    std::vector<bar> out;
    for (std::int64_t t = r.from; t <= r.to; t += seconds_per_day)
      if (is_business_day(day_of(t))) out.push_back(bar{t, 10, 11, 9, 10, 100});
    return out;
  };
  req.start = "2023-01-01";
  req.end = "2023-12-31";
  bar_series s = load_bars(req, env);
  CHECK(s.source == "polygon");
  CHECK(s.bars.size() > 240);
  CHECK(s.origin.find("2023-01-01") != std::string::npos);
}

TEST_CASE("explicit csv without a file names the expected path", "[market][source]") {
  mlt_test::scratch_dir dir("source_missing_csv");
  data_request req;
  req.symbol = "NOPE";
  req.source = "csv";
  data_environment env;
  env.data_dir = dir.path.string();
  CHECK_THROWS_WITH(load_bars(req, env), Catch::Contains("NOPE.csv") && Catch::Contains("expected"));
  env.data_dir.clear();
  CHECK_THROWS_WITH(load_bars(req, env), Catch::Contains("no data directory"));
}

TEST_CASE("start and end filter the bars, end inclusive", "[market][source]") {
  data_request req;
  req.symbol = "FLT";
  req.source = "synthetic";
  req.start = "2020-01-01";
  req.end = "2020-12-31";
  bar_series s = load_bars(req, data_environment{});
  CHECK(format_date(s.bars.front().time) == "2020-01-02");
  CHECK(format_date(s.bars.back().time) == "2020-12-31");
}

TEST_CASE("too few bars after filtering is a data error", "[market][source]") {
  data_request req;
  req.symbol = "FEW";
  req.source = "synthetic";
  req.start = "2020-01-01";
  req.end = "2020-02-28";
  CHECK_THROWS_WITH(load_bars(req, data_environment{}),
                    Catch::Contains("only") && Catch::Contains("FEW") && Catch::Contains("at least 100"));
}

TEST_CASE("bad requests are data errors that name the parameter", "[market][source]") {
  data_request req;
  req.symbol = "X";
  req.source = "bloomberg";
  CHECK_THROWS_WITH(load_bars(req, data_environment{}), Catch::Contains("bloomberg"));
  req.source = "synthetic";
  req.start = "2020-13-01";
  CHECK_THROWS_WITH(load_bars(req, data_environment{}), Catch::Contains("start"));
  req.start = "2021-01-01";
  req.end = "2020-01-01";
  CHECK_THROWS_WITH(load_bars(req, data_environment{}), Catch::Contains("after"));
  req.end.clear();
  req.timespan = "fortnight";
  CHECK_THROWS_WITH(load_bars(req, data_environment{}), Catch::Contains("fortnight"));
  req.timespan = "day";
  req.synthetic_mode = "magic";
  CHECK_THROWS_WITH(load_bars(req, data_environment{}), Catch::Contains("magic"));
}

TEST_CASE("a CSV file makes its symbol known whatever the case of name or request", "[market][source]") {
  mlt_test::scratch_dir dir("source_symbol_case");
  dir.write("EURUSD.csv", mlt_test::daily_csv(150));
  dir.write("btc-usd.csv", mlt_test::daily_csv(120));
  const std::string d = dir.path.string();
  CHECK(find_symbol_csv(d, "EURUSD") == (dir.path / "EURUSD.csv").string());
  CHECK(find_symbol_csv(d, "eurusd") == (dir.path / "EURUSD.csv").string());
  CHECK(find_symbol_csv(d, "BTC-USD") == (dir.path / "btc-usd.csv").string());
  CHECK(find_symbol_csv(d, "GBPUSD").empty());
  CHECK(find_symbol_csv(d, "../EURUSD").empty());
  CHECK(find_symbol_csv("", "EURUSD").empty());
  CHECK(symbol_available("EURUSD", d));
  CHECK(symbol_available("BTC-USD", d));
  CHECK(symbol_available("TSLA", d));  // built-in universe
  CHECK_FALSE(symbol_available("GBPUSD", d));

  // The loader finds the same file the symbol lookup found.
  data_request req;
  req.symbol = "BTC-USD";
  data_environment env;
  env.data_dir = d;
  CHECK(resolve_source(req, env) == "csv");
  bar_series s = load_bars(req, env);
  CHECK(s.source == "csv");
  CHECK(s.bars.size() == 120);
  CHECK(csv_last_date(d, "btc-usd") == format_date(s.bars.back().time));
}

TEST_CASE("a symbol no source knows gets a sentence naming where it was looked for", "[market][source]") {
  mlt_test::scratch_dir dir("source_unknown_symbol");
  const std::string text = unknown_symbol_text("GBPUSD", dir.path.string());
  CHECK(text.find("GBPUSD.csv") != std::string::npos);
  CHECK(text.find(dir.path.string()) != std::string::npos);
  CHECK(text.find("built-in list") != std::string::npos);
  const std::string no_dir = unknown_symbol_text("GBPUSD", "");
  CHECK(no_dir.find("no data folder is configured") != std::string::npos);
}
