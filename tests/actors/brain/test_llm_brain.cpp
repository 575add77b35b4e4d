// The LLM brain driven through the real Anthropic and OpenAI-compatible
// clients against a scripted loopback server: valid calls are used, invalid
// ones get one repair and then the rules brain decides with a note.

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <vector>

#include "actors/brain/llm_brain.hpp"
#include "actors/brain/llm_tools.hpp"
#include "messages/json_writer.hpp"
#include "ml/market/universe.hpp"
#include "tests/net/loopback_http_server.hpp"

using namespace mlt;
using mlt::test::loopback_http_server;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;

namespace {

const std::string key = "sk-ant-api03-BRAIN-TEST-5ECRET-0042";

loopback_reply json_reply(std::string body, int status = 200) {
  loopback_reply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

// A Messages API answer that calls one tool.
loopback_reply anthropic_tool(const std::string& name, const std::string& input, int in = 400, int out = 60) {
  return json_reply(R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-test",)"
                    R"("content":[{"type":"tool_use","id":"toolu_1","name":")" + name + R"(","input":)" + input +
                    R"(}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":)" +
                    std::to_string(in) + R"(,"output_tokens":)" + std::to_string(out) + "}}");
}

// A chat-completions answer that calls one function; `arguments` is sent as
// the string the API uses, so it may be broken JSON.
loopback_reply openai_tool(const std::string& name, const std::string& arguments) {
  std::string args;
  msg::append_json_string(args, arguments);
  return json_reply(R"({"id":"chatcmpl-1","object":"chat.completion","model":"llama-test","choices":[{"index":0,)"
                    R"("message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",)"
                    R"("function":{"name":")" + name + R"(","arguments":)" + args +
                    R"(}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":300,"completion_tokens":40,"total_tokens":340}})");
}

// Serves the scripted replies in order, repeating the last one.
struct script {
  explicit script(std::vector<loopback_reply> replies)
      : replies_(std::move(replies)), server([this](const loopback_request&) {
          std::lock_guard<std::mutex> lock(m_);
          auto i = std::min(next_++, replies_.size() - 1);
          return replies_[i];
        }) {}
  std::size_t count() const { return server.requests().size(); }
  std::string body(std::size_t i) const { return server.requests().at(i).body; }

  std::mutex m_;
  std::size_t next_ = 0;
  std::vector<loopback_reply> replies_;
  loopback_http_server server;
};

net::llm_settings settings(const script& s, const char* kind) {
  net::llm_settings st;
  st.kind = kind;
  st.base_url = s.server.base_url();
  st.api_key = key;
  st.model = std::string(kind) == "anthropic" ? "claude-test" : "llama-test";
  st.max_retries = 0;
  st.max_backoff = std::chrono::milliseconds(20);
  return st;
}

brain::llm_brain claude(const script& s, brain::llm_brain_options o = {}) {
  return brain::llm_brain(net::make_anthropic_client(settings(s, "anthropic")), o);
}

msg::volatility_report high_vol(std::int64_t trial = 1) {
  msg::volatility_report r;
  r.trial_id = msg::trial_id{trial};
  r.symbol = "TSLA";
  r.vol_annual = 0.62;
  r.vol_recent = 0.70;
  r.regime = "high";
  r.bars = 2500;
  r.plan.symbol = "TSLA";
  return r;
}

msg::initial_results weak_results() {
  msg::initial_results r;
  r.trial_id = mlt::msg::trial_id{1};
  r.model = "xgboost";
  r.attempt = 1;
  r.val.n = 400;
  r.val.base_rate = 0.5;
  r.val.tp = r.val.fp = r.val.tn = r.val.fn = 100;
  r.val.accuracy = 0.51;
  r.train.accuracy = 0.55;
  r.budget_left = 5;
  r.tried_models = {"xgboost"};
  return r;
}

msg::progress_report checkpoint(std::int64_t trial = 1) {
  msg::progress_report p;
  p.trial_id = msg::trial_id{trial};
  p.model = "xgboost";
  p.train_loss = 0.68;
  p.val_loss = 0.685;
  p.val_loss_history = {0.69};
  return p;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

auto known = [](const std::string& s) { return ml::is_known_ticker(s); };

}  // namespace

TEST_CASE("a valid decide call from claude is used and its tokens are counted") {
  script s({anthropic_tool("decide", R"({"action":"set_train_ratio","reason":"62% annualised: high regime","params":{"train_ratio":0.6}})")});
  auto b = claude(s);
  auto d = b.on_volatility(high_vol());
  CHECK(d.brain == "anthropic");
  CHECK(d.action == msg::action::set_train_ratio);
  CHECK(d.params.at("train_ratio") == Approx(0.6));
  CHECK(d.note.empty());
  REQUIRE(s.count() == 1);
  // The decide tool was forced and the numbers went as JSON.
  CHECK(has(s.body(0), R"("tool_choice":{"type":"tool","name":"decide"})"));
  CHECK(has(s.body(0), "vol_annual"));
  auto u = b.usage(msg::trial_id{1});
  CHECK(u.input_tokens == 400);
  CHECK(u.output_tokens == 60);
  CHECK(u.llm_calls == 1);
  CHECK(u.llm_decisions == 1);
}

TEST_CASE("a model that does not exist gets one repair, then the rules brain decides with a note") {
  const auto bad = anthropic_tool("decide", R"({"action":"switch_model","reason":"try it","model":"gpt5"})");
  script s({bad, bad});
  auto b = claude(s);
  auto d = b.on_initial_results(weak_results());
  CHECK(d.brain == "rules");
  CHECK(d.action == msg::action::switch_model);  // the rules brain's own answer
  CHECK(d.model == "logistic");
  CHECK(has(d.note, "gpt5"));
  CHECK(has(d.note, "rules brain decided"));
  REQUIRE(s.count() == 2);
  // The repair answered the rejected call with an error result.
  CHECK(has(s.body(1), R"("type":"tool_result")"));
  CHECK(has(s.body(1), R"("is_error":true)"));
  CHECK(has(s.body(1), "gpt5"));
  CHECK(b.usage(msg::trial_id{1}).fallbacks == 1);
}

TEST_CASE("train_ratio 7 is refused and the repaired answer is used") {
  script s({anthropic_tool("decide", R"({"action":"set_train_ratio","reason":"high vol","params":{"train_ratio":7}})"),
            anthropic_tool("decide", R"({"action":"set_train_ratio","reason":"high vol","params":{"train_ratio":0.6}})")});
  auto b = claude(s);
  auto d = b.on_volatility(high_vol());
  CHECK(d.brain == "anthropic");
  CHECK(d.params.at("train_ratio") == Approx(0.6));
  CHECK(has(d.note, "train_ratio 7"));
  CHECK(has(d.note, "0.5-0.9"));
  REQUIRE(s.count() == 2);
  CHECK(has(s.body(1), "train_ratio 7 is out of range"));
}

TEST_CASE("a rejected key makes the rules brain decide, and the note never holds the key") {
  script s({json_reply(R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key )" + key +
                           R"("}})",
                       401)});
  auto b = claude(s);
  auto d = b.on_volatility(high_vol());
  CHECK(d.brain == "rules");
  CHECK(d.action == msg::action::set_train_ratio);
  CHECK(has(d.note, "rejected the API key"));
  CHECK(has(d.note, "401"));
  CHECK_FALSE(has(d.note, key));
  CHECK_FALSE(has(d.note, "5ECRET"));
}

TEST_CASE("a reply slower than the decision deadline is replaced by the rules brain") {
  auto slow = anthropic_tool("decide", R"({"action":"continue","reason":"fine"})");
  slow.delay = std::chrono::milliseconds(5000);
  script s({slow});
  brain::llm_brain_options o;
  o.decision_deadline = std::chrono::milliseconds(300);
  auto b = claude(s, o);
  auto d = b.on_progress(checkpoint());
  CHECK(d.brain == "rules");
  CHECK_FALSE(d.note.empty());
  CHECK(has(d.note, "rules brain decided"));
  s.server.stop();
}

TEST_CASE("malformed JSON: a body that is not the API's format, and tool arguments that are not JSON") {
  script broken_body({json_reply("{\"id\": \"msg_1\", \"content\": [tru")});
  auto b = claude(broken_body);
  auto d = b.on_progress(checkpoint());
  CHECK(d.brain == "rules");
  CHECK(has(d.note, "not the API's format"));

  script broken_args({openai_tool("decide", R"({"action": "continue", "reason": )"),
                      openai_tool("decide", R"({"action":"continue","reason":"validation loss still falling"})")});
  brain::llm_brain local(net::make_openai_client(settings(broken_args, "openai")));
  auto e = local.on_progress(checkpoint());
  CHECK(e.brain == "openai");
  CHECK(e.action == msg::action::continue_trial);
  CHECK(has(e.note, "not valid JSON"));
  REQUIRE(broken_args.count() == 2);
}

TEST_CASE("once the token budget is spent the rules brain answers without calling the server") {
  script s({anthropic_tool("decide", R"({"action":"continue","reason":"fine"})", 400, 200)});
  brain::llm_brain_options o;
  o.token_budget = 1000;
  auto b = claude(s, o);
  CHECK(b.on_progress(checkpoint()).brain == "anthropic");  // 600 tokens
  CHECK(b.on_progress(checkpoint()).brain == "anthropic");  // 1200 tokens
  auto d = b.on_progress(checkpoint());
  CHECK(d.brain == "rules");
  CHECK(has(d.note, "token budget"));
  CHECK(s.count() == 2);
  // Another trial has its own budget.
  CHECK(b.on_progress(checkpoint(2)).brain == "anthropic");
  CHECK(s.count() == 3);
}

TEST_CASE("after max_decisions the rules brain answers without calling the server") {
  script s({anthropic_tool("decide", R"({"action":"continue","reason":"fine"})")});
  brain::llm_brain_options o;
  o.max_decisions = 1;
  auto b = claude(s, o);
  CHECK(b.on_progress(checkpoint()).brain == "anthropic");
  auto d = b.on_progress(checkpoint());
  CHECK(d.brain == "rules");
  CHECK(has(d.note, "decision budget"));
  CHECK(s.count() == 1);
}

TEST_CASE("decide calls are checked against the question (table)") {
  using brain::llm_tools::question;
  struct row {
    const char* what;
    question q;
    const char* args;
    bool ok;
    const char* error_contains;
  };
  const row rows[] = {
      {"continue", question::progress, R"({"action":"continue","reason":"ok"})", true, ""},
      {"action of another question", question::progress, R"({"action":"switch_model","reason":"x","model":"lstm"})", false, "not allowed"},
      {"modify without params", question::progress, R"({"action":"modify","reason":"x"})", false, "needs params"},
      {"modify with a foreign parameter", question::progress, R"({"action":"modify","reason":"x","params":{"dropout":0.3}})", false, "does not apply to xgboost"},
      {"eta 0", question::progress, R"({"action":"modify","reason":"x","params":{"eta":0}})", false, "eta 0 is out of range"},
      {"max_depth 2.5", question::progress, R"({"action":"modify","reason":"x","params":{"max_depth":2.5}})", false, "whole number"},
      {"max_depth 13", question::progress, R"({"action":"modify","reason":"x","params":{"max_depth":13}})", false, "max_depth 13"},
      {"good modify", question::progress, R"({"action":"modify","reason":"x","params":{"max_depth":2,"eta":"0.03"}})", true, ""},
      {"missing reason", question::progress, R"({"action":"stop"})", false, "reason"},
      {"not an object", question::progress, R"(["continue"])", false, "JSON object"},
      {"switch to the same model", question::results, R"({"action":"switch_model","reason":"x","model":"xgboost"})", false, "already"},
      {"switch to lstm", question::results, R"({"action":"switch_model","reason":"x","model":"lstm"})", true, ""},
      {"optimize with budget 500", question::results, R"({"action":"optimize","reason":"x","params":{"budget":500}})", false, "budget 500"},
      {"optimize with default budget", question::results, R"({"action":"optimize","reason":"x"})", true, ""},
      {"train_ratio 0.4", question::volatility, R"({"action":"set_train_ratio","reason":"x","params":{"train_ratio":0.4}})", false, "0.5-0.9"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    brain::llm_tools::decide_context ctx;
    ctx.model = "xgboost";
    ctx.budget_left = 3;
    auto c = brain::llm_tools::check_decide(r.args, r.q, ctx);
    CHECK(c.ok == r.ok);
    if (!r.ok) CHECK(has(c.error, r.error_contains));
  }
  brain::llm_tools::decide_context pinned;
  pinned.train_ratio_pinned = true;
  CHECK_FALSE(brain::llm_tools::check_decide(R"({"action":"set_train_ratio","reason":"x","params":{"train_ratio":0.6}})",
                                             question::volatility, pinned).ok);
  brain::llm_tools::decide_context spent;
  spent.model = "xgboost";
  spent.budget_left = 0;
  CHECK_FALSE(brain::llm_tools::check_decide(R"({"action":"retrain","reason":"x","params":{"eta":0.1}})",
                                             question::results, spent).ok);
}

TEST_CASE("chat: 'run a trial on apple' becomes the same run_trial intent as the rules parser's") {
  script s({anthropic_tool("propose_trial", R"({"symbol":"AAPL"})")});
  auto b = claude(s);
  std::string reply, note;
  auto in = b.understand("run a trial on apple", brain::parse_intent("run a trial on apple", false, known), false, known, reply, note);
  CHECK(in.kind == brain::intent::run_trial);
  REQUIRE(in.changes.symbol);
  CHECK(*in.changes.symbol == "AAPL");
  CHECK(reply.empty());
  CHECK(note.empty());
  REQUIRE(s.count() == 1);
  CHECK(has(s.body(0), R"("tool_choice":{"type":"any"})"));
  // Unambiguous commands need no LLM.
  in = b.understand("use rules", brain::parse_intent("use rules", false, known), false, known, reply, note);
  CHECK(in.kind == brain::intent::use_brain);
  CHECK(in.brain_name == "rules");
  CHECK(s.count() == 1);
}

TEST_CASE("chat: questions get a reply, invalid readings fall back to the rules parser, memory is bounded") {
  script s({anthropic_tool("reply", R"({"text":"A train ratio of 0.7 keeps 70% of the bars for fitting."})"),
            anthropic_tool("propose_trial", R"({"symbol":"ZZZZQ"})"),
            anthropic_tool("propose_trial", R"({"symbol":"ZZZZQ"})"),
            anthropic_tool("amend_proposal", R"({"train_ratio":0.8})")});
  brain::llm_brain_options o;
  o.memory_turns = 1;
  auto b = claude(s, o);
  std::string reply, note;
  auto in = b.understand("what does train ratio mean?", brain::parse_intent("what does train ratio mean?", false, known), false, known, reply, note);
  CHECK(in.kind == brain::intent::unknown);
  CHECK(has(reply, "70%"));

  in = b.understand("run a trial on tesla", brain::parse_intent("run a trial on tesla", false, known), false, known, reply, note);
  CHECK(in.kind == brain::intent::run_trial);
  CHECK(*in.changes.symbol == "TSLA");  // the rules parser's reading
  CHECK(has(note, "ZZZZQ"));
  CHECK(has(note, "rules parser"));

  in = b.understand("train on 80% please", brain::parse_intent("train on 80% please", true, known), true, known, reply, note);
  CHECK(in.kind == brain::intent::edit);
  CHECK(*in.changes.train_ratio == Approx(0.8));
  REQUIRE(s.count() == 4);
  // One remembered exchange: the last request holds the previous line only.
  CHECK(has(s.body(3), "run a trial on tesla"));
  CHECK_FALSE(has(s.body(3), "what does train ratio mean"));
}

TEST_CASE("the report comes from write_report and names the tokens; an invalid one falls back") {
  msg::trial_summary sum;
  sum.trial_id = mlt::msg::trial_id{1};
  sum.symbol = "SPY";
  sum.model = "xgboost";
  sum.synthetic = true;
  sum.test.n = 300;
  sum.test.base_rate = 0.5;
  sum.test.tp = sum.test.fp = sum.test.tn = sum.test.fn = 75;
  sum.test.accuracy = 0.5;
  const std::string good =
      R"({"answer":"No edge: 50.0% on 300 test bars.","analysis":"Train and test agree.","trading_insights":"Flat.",)"
      R"("recommendations":"Do not trade it.","caveats":"Synthetic data; small sample."})";
  script s({anthropic_tool("write_report", good, 900, 300)});
  auto b = claude(s);
  auto r = b.on_result(sum);
  CHECK(r.brain == "anthropic");
  CHECK(r.answer == "No edge: 50.0% on 300 test bars.");
  CHECK(r.input_tokens == 900);
  CHECK(r.output_tokens == 300);
  CHECK(r.llm_calls == 1);
  CHECK(has(r.caveats, "900 input and 300 output tokens"));

  const std::string silent =
      R"({"answer":"a","analysis":"b","trading_insights":"c","recommendations":"d","caveats":"none"})";
  script t({anthropic_tool("write_report", silent), anthropic_tool("write_report", silent)});
  auto c = claude(t);
  auto q = c.on_result(sum);
  CHECK(q.brain == "rules");
  CHECK(has(q.caveats, "SYNTHETIC"));
  CHECK(has(q.caveats, "the rules brain wrote this report"));
  CHECK(q.llm_fallbacks == 1);
  CHECK(q.llm_calls == 2);

  // Several configurations fitted: the caveats must name multiple testing.
  CHECK_FALSE(brain::llm_tools::check_report(good, true, 4).ok);
  CHECK(has(brain::llm_tools::check_report(good, true, 4).error, "multiple testing"));
  CHECK(brain::llm_tools::check_report(good, true, 1).ok);
  CHECK_FALSE(brain::llm_tools::check_report(R"({"answer":"a"})", false).ok);
}

TEST_CASE("chat through an OpenAI-compatible server: commands map to intents; a failing server leaves the rules parser") {
  script s({openai_tool("command", R"({"kind":"compare_models","symbol":"TSLA","models":["xgboost","lstm"]})"),
            json_reply(R"({"error":{"message":"boom","type":"server_error"}})", 500)});
  brain::llm_brain b(net::make_openai_client(settings(s, "openai")));
  CHECK(b.name() == "openai");
  std::string reply, note;
  auto in = b.understand("which of xgboost or lstm does better on tesla?", brain::parse_intent("which of xgboost or lstm does better on tesla?", false, known), false, known, reply, note);
  CHECK(in.kind == brain::intent::compare_models);
  CHECK(*in.changes.symbol == "TSLA");
  CHECK(in.models == std::vector<std::string>{"xgboost", "lstm"});
  CHECK(note.empty());
  REQUIRE(s.count() == 1);
  CHECK(has(s.body(0), R"("tool_choice":"required")"));

  in = b.understand("analyze nvidia", brain::parse_intent("analyze nvidia", false, known), false, known, reply, note);
  CHECK(in.kind == brain::intent::run_trial);
  CHECK(*in.changes.symbol == "NVDA");
  CHECK(has(note, "server error"));
  CHECK(has(note, "rules parser"));
  CHECK(b.usage().llm_calls == 2);
}

TEST_CASE("an LLM's symbols read as the rules parser reads several symbols, a named list and drop/add") {
  using brain::llm_tools::check_chat_call;
  const auto rules = brain::parse_intent("Run trial on AAPL, MSFT and NVDA with lstm", false, known);
  auto a = check_chat_call({"1", "propose_trial", R"({"symbols":["AAPL","msft","Nvidia"],"model":"lstm"})"}, false, known);
  REQUIRE(a.ok);
  CHECK(a.in.kind == rules.kind);
  REQUIRE(a.in.changes.symbols);
  CHECK(*a.in.changes.symbols == *rules.changes.symbols);
  CHECK(*a.in.changes.symbol == *rules.changes.symbol);

  auto dow = check_chat_call({"2", "command", R"({"kind":"compare_models","symbols":["dow30"]})"}, false, known);
  REQUIRE(dow.ok);
  const auto rules_dow = brain::parse_intent("compare models on the Dow 30", false, known);
  CHECK(dow.in.kind == rules_dow.kind);
  CHECK(*dow.in.changes.symbols == *rules_dow.changes.symbols);
  CHECK(dow.in.changes.universe == rules_dow.changes.universe);

  auto drop = check_chat_call({"3", "amend_proposal", R"({"drop_symbols":["MSFT"],"add_symbols":["TSLA"]})"}, true, known);
  REQUIRE(drop.ok);
  CHECK(drop.in.kind == brain::intent::edit);
  CHECK(drop.in.changes.drop_symbols == std::vector<std::string>{"MSFT"});
  CHECK(drop.in.changes.add_symbols == std::vector<std::string>{"TSLA"});

  auto one = check_chat_call({"4", "propose_trial", R"({"symbols":["TSLA"]})"}, false, known);
  REQUIRE(one.ok);
  CHECK_FALSE(one.in.changes.symbols);  // one symbol is a plain trial
  CHECK(*one.in.changes.symbol == "TSLA");

  auto bad = check_chat_call({"5", "propose_trial", R"({"symbols":["AAPL","ZZZQX"]})"}, false, known);
  CHECK_FALSE(bad.ok);
  CHECK(has(bad.error, "ZZZQX"));
  CHECK_FALSE(check_chat_call({"6", "propose_trial", R"({"symbols":"AAPL"})"}, false, known).ok);
}
