// The first question of a trial, through the real daemon: its volatility is
// measured on rows that train under every allowed split, never on validation
// or test bars, and the leakage audit says so.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::daemon_process;
using mlt::test::frame_reader;

TEST_CASE("the volatility question sees only rows that train under any allowed split", "[integration]") {
  const auto data = mlt::test::fresh_dir("vol-data");
  {
    std::ifstream in(std::string(MLT_TEST_DATA_DIR) + "/SPY_daily.csv");
    REQUIRE(in);
    std::ofstream out(data + "/SPY.csv");
    out << in.rdbuf();
  }
  daemon_process d(mlt::test::fresh_dir("vol-state"), {"--data-dir", data});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  c.send(R"({"type":"chat","text":"Run trial on SPY with logistic from 2005-01-01"})");
  auto p = r.until("proposal");
  c.send(R"({"type":"approve","proposal_id":)" + std::to_string(static_cast<std::int64_t>(p.num("proposal_id"))) +
         "}");
  r.seen.clear();
  r.until("report", std::chrono::seconds(300));

  std::string window_first, window_last, question_text, val_first, audit;
  for (const auto& f : r.seen) {
    if (f.type() != "event") continue;
    const auto text = f.str("text");
    simdjson::dom::element data_el;
    std::string_view q;
    if (!f.doc["data"].get(data_el) && !data_el["question"].get_string().get(q) && q == "volatility") {
      std::string_view a, b;
      REQUIRE_FALSE(data_el["window_first"].get_string().get(a));
      REQUIRE_FALSE(data_el["window_last"].get_string().get(b));
      window_first = std::string(a);
      window_last = std::string(b);
      question_text = text;
    }
    std::smatch m;
    if (std::regex_search(text, m, std::regex(R"(validation rows, each used once: [^:]+: \d+ rows \((\d{4}-\d\d-\d\d) \.\.)"))) val_first = m[1];
    if (text.find("volatility question") != std::string::npos && f.str("kind") != "question") audit = text;
  }
  INFO(question_text);
  REQUIRE_FALSE(window_last.empty());
  REQUIRE_FALSE(val_first.empty());
  CHECK(window_first >= "2005-01-01");
  // The window ends before the first validation bar of the split that ran.
  CHECK(window_last < val_first);
  CHECK_THAT(question_text, Catch::Contains("measured on " + window_first + " .. " + window_last) &&
                                Catch::Contains("the rows that train under any allowed split"));
  INFO(audit);
  CHECK_THAT(audit, Catch::Contains("volatility question (asked before the split) is unchanged"));
}
