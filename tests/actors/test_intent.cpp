#include <catch2/catch.hpp>

#include <set>

#include "actors/brain/intent.hpp"
#include "ml/market/index_members.hpp"
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

TEST_CASE("commands, brains, comparisons and resumes are recognised (table)") {
  struct row {
    const char* text;
    bool has_proposal;
    intent::kind_t kind;
    std::int64_t trial_id;
    const char* brain_name;  // "" = none
  };
  const row rows[] = {
      {"use claude", false, intent::use_brain, 0, "anthropic"},
      {"Use Anthropic please", true, intent::use_brain, 0, "anthropic"},
      {"use openai", false, intent::use_brain, 0, "openai"},
      {"use gpt", false, intent::use_brain, 0, "openai"},
      {"use the local llm", false, intent::use_brain, 0, "openai"},
      {"use llama", false, intent::use_brain, 0, "openai"},
      {"use rules", true, intent::use_brain, 0, "rules"},
      {"switch to the rules brain", false, intent::use_brain, 0, "rules"},
      {"compare brains", false, intent::compare_brains, 0, ""},
      {"did the agent help?", false, intent::compare_brains, 0, ""},
      {"resume trial 12", false, intent::resume, 12, ""},
      {"re-run trial 12", false, intent::resume, 12, ""},
      {"run trial #7 again", false, intent::resume, 7, ""},
      {"show trial 3", false, intent::show, 3, ""},
      {"cancel trial 5", false, intent::cancel, 5, ""},
      {"stop trial 5", false, intent::cancel, 5, ""},
      {"what's running?", false, intent::status, 0, ""},
      {"list my trials", false, intent::list, 0, ""},
      {"help", false, intent::help, 0, ""},
      {"what can you do?", false, intent::help, 0, ""},
      {"how did trial 3 do?", false, intent::show, 3, ""},
      {"status of trial 4", false, intent::show, 4, ""},
      {"stop", false, intent::cancel, 0, ""},
      {"what is the meaning of life", false, intent::unknown, 0, ""},
      {"sing me a song", true, intent::unknown, 0, ""},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto in = parse(r.text, r.has_proposal);
    CHECK(mlt::brain::kind_name(in.kind) == std::string(mlt::brain::kind_name(r.kind)));
    CHECK(in.trial_id == r.trial_id);
    CHECK(in.brain_name == r.brain_name);
  }
}

TEST_CASE("compare models names the symbol and every model, in order") {
  auto a = parse("compare xgboost and lstm on TSLA");
  CHECK(a.kind == intent::compare_models);
  REQUIRE(a.changes.symbol);
  CHECK(*a.changes.symbol == "TSLA");
  CHECK(a.models == std::vector<std::string>{"xgboost", "lstm"});
  auto b = parse("compare models on AAPL");
  CHECK(b.kind == intent::compare_models);
  CHECK(*b.changes.symbol == "AAPL");
  CHECK(b.models.empty());
  auto d = parse("is lstm better than xgboost on SPY?");
  CHECK(d.kind == intent::compare_models);
  CHECK(d.models == std::vector<std::string>{"lstm", "xgboost"});
  auto c = parse("logistic vs transformer vs xgboost for Nvidia");
  CHECK(c.kind == intent::compare_models);
  CHECK(*c.changes.symbol == "NVDA");
  CHECK(c.models == std::vector<std::string>{"logistic", "transformer", "xgboost"});
}

TEST_CASE("company and index names map to tickers (table)") {
  struct row {
    const char* text;
    const char* symbol;
  };
  const row rows[] = {
      {"analyze Apple", "AAPL"},          {"run a trial on tesla", "TSLA"},
      {"analyze microsoft", "MSFT"},      {"run trial on Google", "GOOG"},
      {"analyze alphabet", "GOOGL"},      {"backtest amazon", "AMZN"},
      {"predict nvidia", "NVDA"},         {"run trial on Meta", "META"},
      {"run trial on facebook", "META"},  {"analyze netflix", "NFLX"},
      {"analyze the S&P 500", "SPY"},     {"run trial on the nasdaq", "QQQ"},
      {"analyze bank of america", "BAC"}, {"analyze the Dow", "DIA"},
      {"analyze Target", "TGT"},          {"run trial on $AMD", "AMD"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto in = parse(r.text);
    CHECK(in.kind == intent::run_trial);
    REQUIRE(in.changes.symbol);
    CHECK(*in.changes.symbol == r.symbol);
  }
  // A common word is not a company unless capitalised.
  CHECK_FALSE(parse("what is the target horizon", true).changes.symbol);
}

TEST_CASE("dates, ranges, lookbacks, splits and horizons in plain words (table)") {
  struct row {
    const char* text;
    const char* start;  // "" = unset
    const char* end;
    int lookback_days;  // 0 = unset
    double train_ratio; // 0 = unset
    int horizon;        // 0 = unset
  };
  const row rows[] = {
      {"from 2018 to 2022", "2018-01-01", "2022-12-31", 0, 0, 0},
      {"use 2015-2020", "2015-01-01", "2020-12-31", 0, 0, 0},
      {"since March 2020", "2020-03-01", "", 0, 0, 0},
      {"from Jan 2019 to June 2021", "2019-01-01", "2021-06-30", 0, 0, 0},
      {"from March 5, 2019 until 2020-02-01", "2019-03-05", "2020-02-01", 0, 0, 0},
      {"only in 2020", "2020-01-01", "2020-12-31", 0, 0, 0},
      {"last 3 years", "", "", 3 * 365, 0, 0},
      {"over the past 18 months", "", "", 18 * 30, 0, 0},
      {"use the last decade", "", "", 3652, 0, 0},
      {"70/30 split", "", "", 0, 0.70, 0},
      {"train on 80%", "", "", 0, 0.80, 0},
      {"train on 0.65", "", "", 0, 0.65, 0},
      {"80% for training", "", "", 0, 0.80, 0},
      {"predict 5 days ahead", "", "", 0, 0, 5},
      {"a week ahead", "", "", 0, 0, 5},
      {"two weeks ahead", "", "", 0, 0, 10},
      {"horizon 3", "", "", 0, 0, 3},
      {"next-day direction", "", "", 0, 0, 1},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto in = parse(r.text, true);
    CHECK(in.kind == intent::edit);
    const auto& c = in.changes;
    CHECK(c.start.value_or("") == r.start);
    CHECK(c.end.value_or("") == r.end);
    CHECK(c.lookback_days.value_or(0) == r.lookback_days);
    CHECK(c.train_ratio.value_or(0) == Approx(r.train_ratio));
    CHECK(c.horizon.value_or(0) == r.horizon);
  }
}

TEST_CASE("a full request reads symbol, model, range, split and horizon together") {
  auto in = parse("Analyze Tesla with an LSTM from 2016 to 2023, 80/20 split, 5 days ahead, commission 2 bps");
  CHECK(in.kind == intent::run_trial);
  CHECK(*in.changes.symbol == "TSLA");
  CHECK(*in.changes.model == "lstm");
  CHECK(*in.changes.start == "2016-01-01");
  CHECK(*in.changes.end == "2023-12-31");
  CHECK(*in.changes.train_ratio == Approx(0.8));
  CHECK(*in.changes.horizon == 5);
  CHECK(*in.changes.commission_bps == Approx(2));
  auto b = parse("run a trial on SPY over the last 5 years using xgboost");
  CHECK(b.kind == intent::run_trial);
  CHECK(*b.changes.symbol == "SPY");
  CHECK(*b.changes.lookback_days == 5 * 365);
}

TEST_CASE("optimisation, paper settings and unavailable models are read") {
  auto a = parse("optimize it", true);
  CHECK(a.kind == intent::edit);
  CHECK(a.changes.optimize.value_or(false));
  auto b = parse("tune xgboost on AAPL");
  CHECK(b.kind == intent::run_trial);
  CHECK(*b.changes.symbol == "AAPL");
  CHECK(b.changes.optimize.value_or(false));
  auto c = parse("no optimization", true);
  CHECK(c.kind == intent::edit);
  CHECK_FALSE(c.changes.optimize.value_or(true));
  auto d = parse("slippage 2 bps, threshold 0.6, long only", true);
  CHECK(*d.changes.slippage_bps == Approx(2));
  CHECK(*d.changes.long_threshold == Approx(0.6));
  CHECK_FALSE(*d.changes.allow_short);
  auto e = parse("use a random forest", true);
  CHECK(e.kind == intent::edit);
  CHECK(*e.changes.model == "random forest");  // apply_edit refuses it with the list of models
  CHECK_FALSE(e.problems.empty());
}

TEST_CASE("any symbol with a CSV file is a symbol, whatever its length or case") {
  // The data source decides which symbols exist; here it knows three files
  // beside the built-in universe.
  const std::set<std::string> files = {"EURUSD", "BTCUSD", "BT-SAMPLE-FUTURE"};
  auto exists = [&](const std::string& s) { return mlt::ml::is_known_ticker(s) || files.count(s) > 0; };
  struct row {
    const char* text;
    const char* symbol;
  };
  const row rows[] = {
      {"Run trial on EURUSD", "EURUSD"},
      {"Run trial on BTCUSD", "BTCUSD"},
      {"run trial on eurusd", "EURUSD"},
      {"Analyze BT-SAMPLE-FUTURE with lstm", "BT-SAMPLE-FUTURE"},
      {"run a trial on bt-sample-future", "BT-SAMPLE-FUTURE"},
      {"Run trial on TSLA", "TSLA"},
      {"run a trial on the S&P 500", "SPY"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto in = parse_intent(r.text, false, exists);
    CHECK(in.kind == intent::run_trial);
    REQUIRE(in.changes.symbol);
    CHECK(*in.changes.symbol == r.symbol);
  }
  auto unknown = parse_intent("Run trial on GBPUSD", false, exists);
  CHECK(unknown.kind == intent::run_trial);
  CHECK_FALSE(unknown.changes.symbol);
  CHECK(unknown.unknown_symbol == "GBPUSD");
}

TEST_CASE("questions about the data are data_info; requests to use a source are not") {
  for (const char* text : {"What data do you have?", "which symbols can I use?", "what data is there",
                           "list the data", "show me your data sources", "which tickers do you have",
                           "what data do you have for TSLA?"}) {
    INFO(text);
    CHECK(parse(text).kind == intent::data_info);
  }
  for (const char* text : {"Run trial on TSLA on synthetic data", "use synthetic data", "list trials",
                           "use real data"}) {
    INFO(text);
    CHECK(parse(text, true).kind != intent::data_info);
  }
  CHECK(parse("Run trial on TSLA on synthetic data").kind == intent::run_trial);
  CHECK(*parse("Run trial on TSLA on synthetic data").changes.data_source == "synthetic");
}

TEST_CASE("several symbols or a named list make a universe request (table)") {
  struct row {
    const char* text;
    bool has_proposal;
    intent::kind_t kind;
    std::vector<std::string> symbols;
    const char* universe;  // "" = none
    const char* model;     // "" = none
  };
  const auto dow = mlt::ml::index_named("dow30")->tickers;
  const row rows[] = {
      {"Run trial on AAPL, MSFT and NVDA with lstm", false, intent::run_trial, {"AAPL", "MSFT", "NVDA"}, "", "lstm"},
      {"run trial on AAPL and TSLA", false, intent::run_trial, {"AAPL", "TSLA"}, "", ""},
      {"analyze Apple, Microsoft and Nvidia", false, intent::run_trial, {"AAPL", "MSFT", "NVDA"}, "", ""},
      {"run trial on the Dow 30", false, intent::run_trial, dow, "dow30", ""},
      {"Run trial on dow30 with xgboost", false, intent::run_trial, dow, "dow30", "xgboost"},
      {"backtest the DJIA", false, intent::run_trial, dow, "dow30", ""},
      {"compare models on the Dow 30", false, intent::compare_models, dow, "dow30", ""},
      {"compare models on AAPL, NVDA", false, intent::compare_models, {"AAPL", "NVDA"}, "", ""},
      {"compare xgboost and logistic on TSLA and SPY", false, intent::compare_models, {"TSLA", "SPY"}, "", "logistic"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto in = parse(r.text, r.has_proposal);
    CHECK(mlt::brain::kind_name(in.kind) == std::string(mlt::brain::kind_name(r.kind)));
    REQUIRE(in.changes.symbols);
    CHECK(*in.changes.symbols == r.symbols);
    REQUIRE(in.changes.symbol);
    CHECK(*in.changes.symbol == r.symbols.front());  // the first stands for the plan
    CHECK(in.changes.universe.value_or("") == r.universe);
    CHECK(in.changes.model.value_or("") == r.model);
  }
}

TEST_CASE("one symbol is no universe; the Dow alone is still DIA") {
  auto a = parse("Run trial on TSLA");
  CHECK_FALSE(a.changes.symbols);
  CHECK(*a.changes.symbol == "TSLA");
  auto b = parse("analyze the Dow");
  CHECK_FALSE(b.changes.symbols);
  CHECK(*b.changes.symbol == "DIA");
  // "30" belonged to the list's name: no horizon, no folds, no lookback.
  auto c = parse("run trial on the Dow 30");
  CHECK_FALSE(c.changes.horizon);
  CHECK_FALSE(c.changes.wf_folds);
  CHECK_FALSE(c.changes.lookback_days);
}

TEST_CASE("drop and add change a universe proposal's symbols, not its plan symbol") {
  auto a = parse("drop MSFT", true);
  CHECK(a.kind == intent::edit);
  CHECK(a.changes.drop_symbols == std::vector<std::string>{"MSFT"});
  CHECK_FALSE(a.changes.symbol);
  CHECK_FALSE(a.changes.symbols);
  auto b = parse("without MSFT and NVDA, use xgboost", true);
  CHECK(b.kind == intent::edit);
  CHECK(b.changes.drop_symbols == std::vector<std::string>{"MSFT", "NVDA"});
  CHECK(*b.changes.model == "xgboost");
  auto c = parse("add TSLA", true);
  CHECK(c.kind == intent::edit);
  CHECK(c.changes.add_symbols == std::vector<std::string>{"TSLA"});
  CHECK_FALSE(c.changes.symbol);
  auto d = parse("use xgboost", true);
  CHECK(d.changes.drop_symbols.empty());
  CHECK(d.changes.add_symbols.empty());
}

TEST_CASE("a universe request names the words that are no symbol") {
  auto in = parse("run trial on AAPL, ZZZQX and NVDA");
  CHECK(in.kind == intent::run_trial);
  REQUIRE(in.changes.symbols);
  CHECK(*in.changes.symbols == std::vector<std::string>{"AAPL", "NVDA"});
  CHECK(in.unknown_symbols == std::vector<std::string>{"ZZZQX"});
}
