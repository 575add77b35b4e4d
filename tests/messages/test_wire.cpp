#include <catch2/catch.hpp>

#include <simdjson.h>

#include "messages/json_writer.hpp"
#include "messages/wire.hpp"

using namespace mlt::msg;

TEST_CASE("client frames decode into typed requests") {
  auto chat = decode_client_frame(R"({"type":"chat","text":"Run trial on TSLA"})");
  REQUIRE(chat.ok);
  CHECK(chat.frame.type == "chat");
  CHECK(chat.frame.text == "Run trial on TSLA");

  auto approve = decode_client_frame(R"({"type":"approve","proposal_id":12})");
  REQUIRE(approve.ok);
  CHECK(approve.frame.proposal_id == 12);

  auto approve_str = decode_client_frame(R"({"type":"approve","proposal_id":"7"})");
  REQUIRE(approve_str.ok);
  CHECK(approve_str.frame.proposal_id == 7);

  auto list = decode_client_frame(R"({"type":"list_trials","limit":5})");
  REQUIRE(list.ok);
  CHECK(list.frame.limit == 5);
}

TEST_CASE("bad client frames are refused with a code and a message naming the problem") {
  struct row {
    const char* text;
    const char* code;
    const char* mentions;
  };
  const row rows[] = {
      {"{oops", "bad_json", "not valid JSON"},
      {"[1,2]", "bad_frame", "object"},
      {R"({"text":"hi"})", "missing_field", "type"},
      {R"({"type":"fly"})", "unknown_type", "fly"},
      {R"({"type":"chat"})", "missing_field", "text"},
      {R"({"type":"chat","text":42})", "bad_field", "string"},
      {R"({"type":"chat","text":"   "})", "bad_field", "empty"},
      {R"({"type":"approve"})", "missing_field", "proposal_id"},
      {R"({"type":"approve","proposal_id":"x1"})", "bad_field", "integer"},
      {R"({"type":"approve","proposal_id":-3})", "bad_field", "positive"},
      {R"({"type":"cancel"})", "missing_field", "trial_id"},
      {R"({"type":"get_trial","trial_id":1.5})", "bad_field", "trial_id"},
      {R"({"type":"list_trials","limit":0})", "bad_field", "limit"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto d = decode_client_frame(r.text);
    CHECK_FALSE(d.ok);
    CHECK(d.error_code == r.code);
    CHECK(d.error_message.find(r.mentions) != std::string::npos);
  }
}

TEST_CASE("json writer escapes strings and keeps doubles exact") {
  json_writer w;
  w.begin_object().field("s", "a\"b\\c\n\x01").field("d", 0.1).field("i", std::int64_t{-5}).field("nan", 0.0 / 0.0);
  w.key("arr").begin_array().value(1).value(true).null().end_array().end_object();
  simdjson::dom::parser p;
  auto doc = p.parse(w.str());
  REQUIRE(!doc.error());
  CHECK(std::string(doc["s"].get_string().value()) == "a\"b\\c\n\x01");
  CHECK(doc["d"].get_double().value() == 0.1);
  CHECK(doc["i"].get_int64().value() == -5);
  CHECK(doc["nan"].is_null());
  CHECK(doc["arr"].get_array().size() == 3);
}

TEST_CASE("the report frame carries the numbers as numbers") {
  trial_report r;
  r.summary.trial_id = mlt::msg::trial_id{9};
  r.summary.symbol = "TSLA";
  r.summary.model = "xgboost";
  r.summary.data_source = "synthetic";
  r.summary.test.accuracy = 0.52;
  r.summary.test.n = 300;
  r.summary.paper.total_return = -0.031;
  r.summary.paper.sharpe = 0.4;
  r.summary.paper.max_drawdown = 0.12;
  r.summary.paper.trades = 17;
  mlt::ml::paper_trade t;
  t.side = "long";
  t.open = true;
  r.summary.trades.push_back(t);
  r.report.answer = "No edge.";
  auto json = encode_report(r);
  simdjson::dom::parser p;
  auto doc = p.parse(json);
  REQUIRE(!doc.error());
  CHECK(std::string(doc["type"].get_string().value()) == "report");
  CHECK(doc["trial_id"].get_int64().value() == 9);
  CHECK(doc["metrics"]["test"]["accuracy"].get_double().value() == 0.52);
  CHECK(doc["metrics"]["test"]["n"].get_uint64().value() == 300);
  CHECK(doc["paper"]["total_return"].get_double().value() == -0.031);
  CHECK(doc["paper"]["trades"].get_int64().value() == 17);
  CHECK(doc["trades"].at(0)["exit_price"].is_null());
  CHECK(std::string(doc["text"].get_string().value()).find("No edge.") != std::string::npos);
}

TEST_CASE("the report frame carries the walk-forward folds, pooled metrics with errors and its paper run") {
  trial_report r;
  r.summary.plan.wf_folds = 3;
  auto& wf = r.summary.walk_forward;
  wf.window = "expanding";
  wf.embargo = 2;
  walk_forward_fold f;
  f.fold = 1;
  f.first = "2019-01-02";
  f.last = "2019-06-28";
  f.n = 120;
  f.ic = -0.02;
  wf.folds = {f};
  wf.n = 120;
  wf.accuracy_se = 0.045;
  wf.folds_beating_majority = 1;
  wf.paper.total_return = 0.07;
  wf.sma_cross["total_return"] = -0.01;
  simdjson::dom::parser p;
  auto doc = p.parse(encode_report(r));
  REQUIRE(!doc.error());
  auto w = doc["walk_forward"];
  CHECK(std::string(w["window"].get_string().value()) == "expanding");
  CHECK(w["embargo"].get_int64().value() == 2);
  CHECK(std::string(w["folds"].at(0)["last"].get_string().value()) == "2019-06-28");
  CHECK(w["folds"].at(0)["ic"].get_double().value() == -0.02);
  CHECK(w["pooled"]["accuracy_se"].get_double().value() == 0.045);
  CHECK(w["pooled"]["folds_beating_majority"].get_int64().value() == 1);
  CHECK(w["paper"]["total_return"].get_double().value() == 0.07);
  CHECK(w["sma_cross"]["total_return"].get_double().value() == -0.01);
  CHECK(doc["plan"]["wf_folds"].get_int64().value() == 3);
}

TEST_CASE("the report frame states both configuration counts and which rows chose what") {
  trial_report r;
  r.summary.configurations_tried = 16;
  r.summary.daemon_tested = {"TSLA", "direction-1d", 212, 200, 30, 0.0012};
  r.summary.validation_use = {{"early stopping and checkpoint losses", "2013-01-02", "2015-06-30", 620},
                              {"configuration choice", "2015-07-02", "2016-12-30", 380}};
  auto json = encode_report(r);
  simdjson::dom::parser p;
  auto doc = p.parse(json);
  REQUIRE(!doc.error());
  auto m = doc["multiple_testing"];
  CHECK(std::string(m["target"].get_string().value()) == "direction-1d");
  CHECK(m["this_trial"].get_int64().value() == 16);
  CHECK(m["daemon_configurations"].get_int64().value() == 212);
  CHECK(m["daemon_trials"].get_int64().value() == 30);
  CHECK(m["with_sharpe"].get_int64().value() == 200);
  CHECK(m["sharpe_variance"].get_double().value() == 0.0012);
  CHECK(std::string(m["variance_source"].get_string().value()) == "across configurations");
  auto uses = doc["validation_use"].get_array().value();
  REQUIRE(uses.size() == 2);
  CHECK(std::string(uses.at(1)["purpose"].get_string().value()) == "configuration choice");
  CHECK(std::string(uses.at(0)["last_date"].get_string().value()) == "2015-06-30");
  CHECK(uses.at(1)["rows"].get_int64().value() == 380);
}

TEST_CASE("a paper frame carries the traded bar's date, equity and position, or an empty data object") {
  paper_note bar{"SPY", "2024-01-02: bought 10 at 470.10; equity 100250.50", true, "2024-01-02", 100250.5, 10};
  CHECK(encode_paper(bar) ==
        R"({"type":"paper","symbol":"SPY","text":"2024-01-02: bought 10 at 470.10; equity 100250.50",)"
        R"("data":{"date":"2024-01-02","equity":100250.5,"position":10}})");
  paper_note line{"SPY", "No new bars.", false, "", 0, 0};
  CHECK(encode_paper(line) == R"({"type":"paper","symbol":"SPY","text":"No new bars.","data":{}})");
}
