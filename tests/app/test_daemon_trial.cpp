// The real daemon, a real WebSocket, a whole trial, a restart.
#include <catch2/catch.hpp>

#include <cmath>
#include <csignal>

#include <fstream>
#include <set>

#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::daemon_process;
using mlt::test::frame;
using mlt::test::frame_reader;

// Started without --data-dir, the daemon serves the shipped data/ folder:
// "Run trial on TSLA" trains on real Tesla bars and says which file and period.
TEST_CASE("a person negotiates, approves and watches a trial to its report, and it survives a restart",
          "[integration]") {
  const auto state = mlt::test::fresh_dir("trial");
  std::int64_t trial_id = 0;
  {
    daemon_process d(state);
    mlt::net::ws_client c;
    c.connect("127.0.0.1", d.port());
    frame_reader r(c);
    REQUIRE(r.next().type() == "hello");

    chat(c, "Run trial on TSLA");
    auto p1 = r.until("proposal");
    CHECK(p1.str("symbol") == "TSLA");
    CHECK(p1.str("model") == "xgboost");
    CHECK_THAT(p1.str("text"), Catch::Contains("TSLA.csv: 754 day bars, 2015-01-02 .. 2017-12-29 (real prices)"));
    const auto first_id = static_cast<std::int64_t>(p1.num("proposal_id"));

    chat(c, "use logistic and train ratio 0.65");
    auto p2 = r.until("proposal");
    CHECK(p2.str("model") == "logistic");
    CHECK(p2.num("train_ratio") == Approx(0.65));
    const auto second_id = static_cast<std::int64_t>(p2.num("proposal_id"));
    CHECK(second_id != first_id);

    // The superseded revision cannot be approved.
    c.send(R"({"type":"approve","proposal_id":)" + std::to_string(first_id) + "}");
    auto stale = r.until("error");
    CHECK(stale.str("code") == "stale_proposal");

    c.send(R"({"type":"approve","proposal_id":)" + std::to_string(second_id) + "}");
    auto ok = r.until("reply");
    trial_id = static_cast<std::int64_t>(ok.num("trial_id"));
    REQUIRE(trial_id > 0);

    r.seen.clear();
    auto report = r.until("report", std::chrono::seconds(300));

    // The negotiation streamed in order: every question answered by a decision.
    std::vector<std::string> kinds;
    std::int64_t last_seq = 0;
    for (const auto& f : r.seen) {
      if (f.type() != "event") continue;
      CHECK(static_cast<std::int64_t>(f.num("trial_id")) == trial_id);
      const auto seq = static_cast<std::int64_t>(f.num("seq"));
      CHECK(seq > last_seq);
      last_seq = seq;
      const auto kind = f.str("kind");
      if (kind == "question" || kind == "decision") kinds.push_back(kind);
    }
    int exchanges = 0;
    for (std::size_t i = 0; i + 1 < kinds.size(); ++i)
      if (kinds[i] == "question" && kinds[i + 1] == "decision") ++exchanges;
    CHECK(exchanges >= 3);

    // The report carries the numbers as numbers.
    CHECK(static_cast<std::int64_t>(report.num("trial_id")) == trial_id);
    CHECK(report.str("symbol") == "TSLA");
    CHECK(report.str("data_source") == "csv");
    auto test = frame{report.raw, report.doc["metrics"]["test"]};
    const double acc = test.num("accuracy");
    CHECK(acc >= 0.0);
    CHECK(acc <= 1.0);
    CHECK(test.num("n") > 50);
    auto paper = frame{report.raw, report.doc["paper"]};
    CHECK(std::isfinite(paper.num("total_return")));
    CHECK(std::isfinite(paper.num("sharpe")));
    CHECK(paper.num("max_drawdown") >= 0.0);
    CHECK(paper.num("trades") >= 0);
    auto sma = frame{report.raw, report.doc["sma_cross"]};
    CHECK(std::isfinite(sma.num("total_return")));
    CHECK(sma.num("slow") == 30);
    double dd = -1;
    CHECK(!report.doc["equity"].at(0)["drawdown"].get_double().get(dd));
    CHECK(dd >= 0);
    CHECK(report.str("text").find("SMA(10,30) crossover") != std::string::npos);
    CHECK(report.str("text").find("SYNTHETIC") == std::string::npos);
    CHECK_THAT(report.str("text"), Catch::Contains("2015-01-02 to 2017-12-29, 754 bars, source csv: ") &&
                                       Catch::Contains("data/TSLA.csv"));
    CHECK(report.str("text").find("ANSWER") != std::string::npos);
    CHECK(d.stop() == 0);
  }
  {
    daemon_process d(state);
    mlt::net::ws_client c;
    c.connect("127.0.0.1", d.port());
    frame_reader r(c);
    r.next();
    c.send(R"({"type":"list_trials"})");
    auto list = r.until("trials");
    bool found = false;
    for (auto t : list.doc["trials"].get_array()) {
      std::int64_t id = 0;
      if (!t["trial_id"].get_int64().get(id) && id == trial_id) {
        found = true;
        std::string_view status;
        CHECK(!t["status"].get_string().get(status));
        CHECK(status == "completed");
      }
    }
    CHECK(found);
    c.send(R"({"type":"get_trial","trial_id":)" + std::to_string(trial_id) + "}");
    auto trial = r.until("trial");
    CHECK(trial.doc["transcript"].get_array().size() >= 6);
    double acc = -1;
    CHECK(!trial.doc["report"]["metrics"]["test"]["accuracy"].get_double().get(acc));
    CHECK(acc >= 0);
  }
}

TEST_CASE("bad frames get error frames that name the problem and the connection stays usable", "[integration]") {
  daemon_process d(mlt::test::fresh_dir("badinput"));
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();

  c.send("{not json");
  auto e1 = r.until("error");
  CHECK(e1.str("code") == "bad_json");

  c.send(R"({"type":"dance"})");
  auto e2 = r.until("error");
  CHECK(e2.str("code") == "unknown_type");
  CHECK(e2.str("message").find("dance") != std::string::npos);

  c.send(R"({"type":"chat"})");
  auto e3 = r.until("error");
  CHECK(e3.str("code") == "missing_field");

  c.send(R"({"type":"approve","proposal_id":999})");
  auto e4 = r.until("error");
  CHECK(e4.str("code") == "unknown_proposal");

  chat(c, "Run trial on XYZQW");
  auto e5 = r.until("error");
  CHECK(e5.str("code") == "unknown_symbol");
  CHECK(e5.str("message").find("XYZQW") != std::string::npos);

  c.send(R"({"type":"get_trial","trial_id":424242})");
  auto e6 = r.until("error");
  CHECK(e6.str("code") == "unknown_trial");

  c.send(R"({"type":"ping"})");
  CHECK(r.until("pong").type() == "pong");
}

TEST_CASE("cancelling a running trial stops it and records it as cancelled", "[integration]") {
  daemon_process d(mlt::test::fresh_dir("cancel"));
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  mlt::test::propose_and_approve(c, r, "Analyze AAPL with LSTM model on synthetic data");
  auto ok = r.until("reply");
  const auto id = static_cast<std::int64_t>(ok.num("trial_id"));
  // Cancel while the LSTM fits: that phase outlasts a round trip many times over.
  for (;;) {
    auto f = r.next();
    if (f.type() == "event" && f.str("text").rfind("Fitting lstm", 0) == 0) break;
  }
  c.send(R"({"type":"cancel","trial_id":)" + std::to_string(id) + "}");
  auto failed = r.until("trial_failed");
  CHECK(failed.str("status") == "cancelled");
  c.send(R"({"type":"get_trial","trial_id":)" + std::to_string(id) + "}");
  auto t = r.until("trial");
  std::string_view status;
  CHECK(!t.doc["trial"]["status"].get_string().get(status));
  CHECK(status == "cancelled");
}

TEST_CASE("a trial running when the daemon gets SIGTERM is recorded as interrupted", "[integration]") {
  const auto state = mlt::test::fresh_dir("sigterm");
  std::int64_t id = 0;
  {
    daemon_process d(state);
    mlt::net::ws_client c;
    c.connect("127.0.0.1", d.port());
    frame_reader r(c);
    r.next();
    mlt::test::propose_and_approve(c, r, "Analyze AAPL with LSTM model on synthetic data");
    // Wait until the LSTM is fitting (it takes well over the time a signal needs).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      auto f = r.next();
      if (f.type() == "reply" && f.num("trial_id") > 0) id = static_cast<std::int64_t>(f.num("trial_id"));
      if (f.type() == "event" && f.str("text").rfind("Fitting lstm", 0) == 0) break;
    }
    REQUIRE(id > 0);
    CHECK(d.stop(SIGTERM) == 0);
  }
  daemon_process d(state);
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  c.send(R"({"type":"get_trial","trial_id":)" + std::to_string(id) + "}");
  auto t = r.until("trial");
  std::string_view status;
  CHECK(!t.doc["trial"]["status"].get_string().get(status));
  CHECK(status == "interrupted");
  CHECK(t.doc["transcript"].get_array().size() >= 3);
}

TEST_CASE("a paper portfolio trades only bars that arrive after its trial and survives a restart", "[integration]") {
  const std::string spy = std::string(MLT_TEST_DATA_DIR) + "/SPY_daily.csv";
  std::ifstream in(spy);
  if (!in) {
    FAIL("missing: " << spy << " is absent");
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(lines.size() > 3100);
  const auto data = mlt::test::fresh_dir("paper-data");
  const auto state = mlt::test::fresh_dir("paper-state");
  auto write_rows = [&](std::size_t rows) {
    std::ofstream out(data + "/SPY.csv", std::ios::trunc);
    for (std::size_t i = 0; i <= rows; ++i) out << lines[i] << "\n";  // header + rows
  };
  write_rows(3000);
  std::string equity_before;
  {
    daemon_process d(state, {"--data-dir", data});
    mlt::net::ws_client c;
    c.connect("127.0.0.1", d.port());
    frame_reader r(c);
    r.next();
    chat(c, "paper trade SPY");
    CHECK(r.until("error").str("code") == "paper_failed");  // no trial yet

    mlt::test::propose_and_approve(c, r, "Run trial on SPY with xgboost");
    r.until("report", std::chrono::seconds(300));

    chat(c, "paper trade SPY");
    auto opened = r.until("reply");
    CHECK(opened.str("text").find("Opened a paper portfolio for SPY") != std::string::npos);
    CHECK(opened.str("text").find("No new bars") != std::string::npos);

    write_rows(3060);
    r.seen.clear();
    chat(c, "update my SPY paper portfolio");
    auto traded = r.until("reply");
    INFO(traded.str("text"));
    CHECK(traded.str("text").find("Traded 60 new bar(s) of SPY") != std::string::npos);
    equity_before = traded.str("text").substr(traded.str("text").find("equity"));
    CHECK(d.stop() == 0);
  }
  daemon_process d(state, {"--data-dir", data});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  chat(c, "update my SPY paper portfolio");
  auto again = r.until("reply");
  INFO(again.str("text"));
  CHECK(again.str("text").find("No new bars") != std::string::npos);
  CHECK(again.str("text").find(equity_before.substr(0, equity_before.find_first_of(",."))) != std::string::npos);
}
