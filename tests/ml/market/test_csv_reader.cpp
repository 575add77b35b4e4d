#include <catch2/catch.hpp>

#include <filesystem>

#include "market_test_util.hpp"
#include "ml/market/csv_reader.hpp"
#include "ml/market/validation.hpp"

using namespace mlt::ml;

TEST_CASE("our own CSV layout parses dates and OHLCV", "[market][csv]") {
  bar_series s = parse_csv("date,open,high,low,close,volume\n"
                           "2024-01-02,10,11,9,10.5,1000\n"
                           "2024-01-03,10.5,12,10,11.5,2000\r\n",
                           "mem.csv");
  REQUIRE(s.bars.size() == 2);
  CHECK(s.source == "csv");
  CHECK(s.origin == "mem.csv");
  CHECK(format_date(s.bars[0].time) == "2024-01-02");
  CHECK(s.bars[1].close == 11.5);
  CHECK(s.bars[1].volume == 2000);
  CHECK(s.timespan == "day");
  CHECK(s.warnings.empty());
}

TEST_CASE("intraday date-times infer a minute timespan", "[market][csv]") {
  bar_series s = parse_csv("date,open,high,low,close,volume\n"
                           "2006-01-02 09:01:00,1,2,1,2,5\n"
                           "2006-01-02 09:02:00,2,2,1,1,5\n"
                           "2006-01-02 09:03:00,1,2,1,2,5\n",
                           "m.csv");
  CHECK(s.timespan == "minute");
  CHECK(format_datetime(s.bars[2].time) == "2006-01-02 09:03:00");
}

TEST_CASE("Yahoo layout with Adj Close is adjusted by the ratio and says so", "[market][csv]") {
  bar_series s = parse_csv("Date,Open,High,Low,Close,Adj Close,Volume\n"
                           "2015-01-02,100,110,90,100,50,1000\n"
                           "2015-01-05,100,100,100,100,100,1000\n",
                           "yahoo.csv");
  REQUIRE(s.bars.size() == 2);
  CHECK(s.bars[0].open == Approx(50));
  CHECK(s.bars[0].high == Approx(55));
  CHECK(s.bars[0].low == Approx(45));
  CHECK(s.bars[0].close == Approx(50));
  CHECK(s.bars[0].volume == 1000);
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].find("Adj Close") != std::string::npos);
}

TEST_CASE("Polygon-like t,o,h,l,c,v with epoch milliseconds is read", "[market][csv]") {
  // 1704171600000 = 2024-01-02 05:00 UTC, Polygon's midnight New York.
  bar_series s = parse_csv("t,o,h,l,c,v\n1704171600000,10,11,9,10,100\n1704258000000,10,11,9,10,100\n", "p.csv");
  REQUIRE(s.bars.size() == 2);
  CHECK(s.timespan == "day");
  CHECK(format_datetime(s.bars[0].time) == "2024-01-02 00:00:00");
}

TEST_CASE("columns are matched by name in any order, with ticker prefixes and quotes", "[market][csv]") {
  bar_series s = parse_csv("Date,AAPL.Close,AAPL.Volume,AAPL.Open,AAPL.High,AAPL.Low\n"
                           "2015-10-15,\"221.31\",\"4,787,699\",216.43,221.73,213.7\n",
                           "n.csv");
  REQUIRE(s.bars.size() == 1);
  CHECK(s.bars[0].close == Approx(221.31));
  CHECK(s.bars[0].volume == 4787699);
  CHECK(s.bars[0].open == Approx(216.43));
}

TEST_CASE("a pandas index column without a header is the date", "[market][csv]") {
  bar_series s = parse_csv(",Open,High,Low,Close,Volume\n2004-08-19,100,104.06,95.96,100.34,22351900\n", "goog.csv");
  REQUIRE(s.bars.size() == 1);
  CHECK(format_date(s.bars[0].time) == "2004-08-19");
  CHECK(s.bars[0].close == Approx(100.34));
}

TEST_CASE("a newest-first file is reversed with a warning", "[market][csv]") {
  bar_series s = parse_csv("date,open,high,low,close,volume\n2024-01-03,1,1,1,1,1\n2024-01-02,1,1,1,1,1\n", "r.csv");
  CHECK(format_date(s.bars[0].time) == "2024-01-02");
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].find("newest-first") != std::string::npos);
}

TEST_CASE("CSV errors name the file, line and column", "[market][csv]") {
  const std::string head = "date,open,high,low,close,volume\n";
  CHECK_THROWS_WITH(parse_csv(head + "2024-01-02,1,2,1,1,1\n2024-01-03,1,x2,1,1,1\n", "f.csv"),
                    Catch::Contains("f.csv:3, column 3") && Catch::Contains("high"));
  CHECK_THROWS_WITH(parse_csv(head + "2024-02-30,1,2,1,1,1\n", "f.csv"),
                    Catch::Contains("f.csv:2, column 1") && Catch::Contains("bad date"));
  CHECK_THROWS_WITH(parse_csv(head + "2024-01-02,1,2,1,1\n", "f.csv"),
                    Catch::Contains("f.csv:2") && Catch::Contains("expected 6 fields"));
  CHECK_THROWS_WITH(parse_csv(head + "2024-01-02,1,,1,1,1\n", "f.csv"),
                    Catch::Contains("column 3") && Catch::Contains("empty high"));
  CHECK_THROWS_WITH(parse_csv("date,open,low,close\n", "f.csv"), Catch::Contains("no 'high' column"));
  CHECK_THROWS_WITH(parse_csv(head, "f.csv"), Catch::Contains("no data rows"));
  CHECK_THROWS_WITH(parse_csv("", "f.csv"), Catch::Contains("empty file"));
}

TEST_CASE("reading a path outside the data directory is refused", "[market][csv]") {
  mlt_test::scratch_dir dir("csv_outside");
  std::string inside = dir.write("data/AAA.csv", mlt_test::daily_csv(5));
  dir.write("secret.csv", mlt_test::daily_csv(5));
  std::string data = (dir.path / "data").string();
  CHECK(read_csv_file(data, "AAA.csv").bars.size() == 5);
  CHECK(read_csv_file(data, inside).bars.size() == 5);
  CHECK_THROWS_WITH(read_csv_file(data, "../secret.csv"), Catch::Contains("outside the data directory"));
  CHECK_THROWS_WITH(read_csv_file(data, (dir.path / "secret.csv").string()),
                    Catch::Contains("outside the data directory"));
  // A sibling whose name merely starts with the data dir's name is outside too.
  dir.write("data2/AAA.csv", mlt_test::daily_csv(5));
  CHECK_THROWS_WITH(read_csv_file(data, (dir.path / "data2" / "AAA.csv").string()),
                    Catch::Contains("outside the data directory"));
  std::error_code ec;
  std::filesystem::create_symlink(dir.path / "secret.csv", dir.path / "data" / "link.csv", ec);
  if (!ec) CHECK_THROWS_WITH(read_csv_file(data, "link.csv"), Catch::Contains("outside the data directory"));
  CHECK_THROWS_WITH(read_csv_file("", "AAA.csv"), Catch::Contains("no data directory"));
}

TEST_CASE("every converted file in the shared data folder loads and validates", "[market][csv][shared]") {
  std::filesystem::path dir(MLT_TEST_DATA_DIR);
  if (!std::filesystem::is_directory(dir)) {
    FAIL("missing: shared data folder " << dir.string() << " is absent");
  }
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".csv") continue;
    INFO(e.path().string());
    bar_series s = read_csv_file(dir.string(), e.path().filename().string());
    REQUIRE_NOTHROW(validate_series(s));
    CHECK(s.bars.size() > 100);
    ++files;
  }
  CHECK(files >= 10);
  bar_series orcl = read_csv_file(dir.string(), "ORCL_daily.csv");
  CHECK(orcl.bars.size() == 5036);
  CHECK(format_date(orcl.bars.front().time) == "1995-01-03");
  bar_series fut = read_csv_file(dir.string(), "BT-SAMPLE-FUTURE_1min_2006-01-02_2006-02-27.csv");
  CHECK(fut.bars.size() == 30889);
  CHECK(fut.timespan == "minute");
}

TEST_CASE("the bar size in words comes from the bars of real daily and intraday files", "[market][csv]") {
  struct row {
    const char* file;
    const char* words;
  };
  const row rows[] = {
      {"AAPL_daily.csv", "daily"},
      {"EURUSD_hourly.csv", "hourly"},
      {"BT-SAMPLE-FUTURE_1min_2006-01-02_2006-02-27.csv", "1-minute"},
      {"BT-SAMPLE-INDEX_5min_2006-01.csv", "5-minute"},
      {"BTCUSD_monthly.csv", "monthly"},
  };
  for (const auto& r : rows) {
    INFO(r.file);
    const bar_series s = read_csv_file(MLT_TEST_DATA_DIR, std::string(MLT_TEST_DATA_DIR) + "/" + r.file);
    CHECK(bar_size_words(s) == r.words);
  }
}
