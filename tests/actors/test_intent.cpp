#include <catch2/catch.hpp>

#include "actors/brain/intent.hpp"
#include "ml/market/universe.hpp"

using mlt::brain::intent;
using mlt::brain::parse_intent;

namespace {
intent parse(const std::string& text, bool has_proposal = false) {
  return parse_intent(text, has_proposal, [](const std::string& s) { return mlt::ml::is_known_ticker(s); });
}
}  // namespace

TEST_CASE("the rules brain reads trial requests, symbols and models") {
  struct row {
    const char* text;
    const char* symbol;
    const char* model;  // "" = none named
  };
  const row rows[] = {
      {"Run trial on TSLA", "TSLA", ""},
      {"Analyze AAPL with LSTM model", "AAPL", "lstm"},
      {"run a trial on tesla", "TSLA", ""},
      {"Can you analyze Apple using xgboost?", "AAPL", "xgboost"},
      {"backtest $NVDA with the transformer", "NVDA", "transformer"},
      {"train an ensemble on msft", "MSFT", "ensemble"},
      {"predict Microsoft with logistic regression", "MSFT", "logistic"},
      {"Run trial on TSLA.", "TSLA", ""},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto in = parse(r.text);
    CHECK(in.kind == intent::run_trial);
    REQUIRE(in.changes.symbol);
    CHECK(*in.changes.symbol == r.symbol);
    if (*r.model) {
      REQUIRE(in.changes.model);
      CHECK(*in.changes.model == r.model);
    } else {
      CHECK_FALSE(in.changes.model);
    }
  }
}

TEST_CASE("plain-word edits change the open proposal") {
  auto a = parse("use xgboost", true);
  CHECK(a.kind == intent::edit);
  CHECK(*a.changes.model == "xgboost");

  auto b = parse("train ratio 0.7", true);
  CHECK(b.kind == intent::edit);
  CHECK(*b.changes.train_ratio == Approx(0.7));

  auto c = parse("from 2015-01-01 to 2019-12-31", true);
  CHECK(*c.changes.start == "2015-01-01");
  CHECK(*c.changes.end == "2019-12-31");

  auto d = parse("use 80% for training and a 5 day horizon", true);
  CHECK(*d.changes.train_ratio == Approx(0.8));
  CHECK(*d.changes.horizon == 5);

  auto e = parse("allow shorting, commission 5 bps, cash $50k", true);
  CHECK(*e.changes.allow_short);
  CHECK(*e.changes.commission_bps == Approx(5));
  CHECK(*e.changes.cash == Approx(50000));

  auto f = parse("use synthetic data with seed 7", true);
  CHECK(*f.changes.data_source == "synthetic");
  CHECK(*f.changes.seed == 7u);

  auto h = parse("train ratio 7", true);
  CHECK(*h.changes.train_ratio == Approx(7.0));  // refused later as out of range, not read as 7%
  auto i = parse("train split 65%", true);
  CHECK(*i.changes.train_ratio == Approx(0.65));

  auto g = parse("since 2012", true);
  CHECK(*g.changes.start == "2012-01-01");
}

TEST_CASE("short answers approve, reject, and commands are recognised") {
  CHECK(parse("yes", true).kind == intent::approve);
  CHECK(parse("OK!", true).kind == intent::approve);
  CHECK(parse("go", true).kind == intent::approve);
  CHECK(parse("never mind", true).kind == intent::reject);
  CHECK(parse("help").kind == intent::help);
  CHECK(parse("list trials").kind == intent::list);
  CHECK(parse("what ran overnight?").kind == intent::list);
  auto show = parse("show trial 12");
  CHECK(show.kind == intent::show);
  CHECK(show.trial_id == 12);
  auto cancel = parse("cancel trial #4");
  CHECK(cancel.kind == intent::cancel);
  CHECK(cancel.trial_id == 4);
  CHECK(parse("status").kind == intent::status);
  CHECK(parse("tell me a joke").kind == intent::unknown);
}

TEST_CASE("a word shaped like a ticker that is no ticker is named") {
  auto in = parse("Run trial on XYZQW");
  CHECK(in.kind == intent::run_trial);
  CHECK_FALSE(in.changes.symbol);
  CHECK(in.unknown_symbol == "XYZQW");
  auto junk = parse("run trial on 12$$");
  CHECK(junk.kind == intent::run_trial);
  CHECK_FALSE(junk.changes.symbol);
}

TEST_CASE("paper trading requests name the symbol, a trial and a replay pace") {
  auto a = parse("update my AAPL paper portfolio");
  CHECK(a.kind == intent::paper);
  CHECK(*a.changes.symbol == "AAPL");
  auto b = parse("paper trade trial 4 with replay");
  CHECK(b.kind == intent::paper);
  CHECK(b.trial_id == 4);
  CHECK(b.pace_ms == 200);
  auto c = parse("start paper trading SPY, pace 50 ms");
  CHECK(c.kind == intent::paper);
  CHECK(c.pace_ms == 50);
}
