// The one vocabulary of the negotiation: its string tables, which actions
// each question allows, and check_decision / check_plan, the checks every
// brain's answer and every plan passes.

#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "messages/negotiation_checks.hpp"
#include "messages/type_ids.hpp"
#include "ml/models/model.hpp"

using namespace mlt;

namespace {

msg::decision make(msg::action a, std::map<std::string, double> params = {}, std::string model = "") {
  msg::decision d;
  d.action = a;
  d.reason = "because";
  d.params = std::move(params);
  d.model = std::move(model);
  return d;
}

std::string check(msg::decision d, msg::question q, std::string model = "xgboost", int budget = 1,
                  bool pinned = false) {
  return msg::check_decision(d, msg::decision_context{q, std::move(model), pinned, budget});
}

}  // namespace

TEST_CASE("every word reads back from its name", "[vocabulary]") {
  for (const auto& [a, name] : msg::action_words) CHECK(msg::parse_action(name) == a);
  for (const auto& [s, name] : msg::trial_status_words) CHECK(msg::parse_trial_status(name) == s);
  for (const auto& [s, name] : msg::event_speaker_words) CHECK(msg::parse_event_speaker(name) == s);
  for (const auto& [k, name] : msg::event_kind_words) CHECK(msg::parse_event_kind(name) == k);
  CHECK(std::string(msg::to_string(msg::action::continue_trial)) == "continue");
  CHECK(std::string(msg::to_string(msg::event_speaker::mltrainer)) == "mlTrainer");
  CHECK_FALSE(msg::parse_action("Continue"));
  CHECK_FALSE(msg::parse_action(""));
}

TEST_CASE("each question allows its own actions and no others", "[vocabulary]") {
  using A = msg::action;
  using Q = msg::question;
  const std::pair<Q, std::vector<A>> table[] = {
      {Q::volatility, {A::continue_trial, A::set_train_ratio}},
      {Q::progress, {A::continue_trial, A::modify, A::stop}},
      {Q::results, {A::continue_trial, A::retrain, A::switch_model, A::optimize}},
  };
  for (const auto& [q, allowed] : table) {
    INFO(msg::to_string(q));
    CHECK(msg::allowed_actions(q) == allowed);
    for (const auto& [a, name] : msg::action_words) {
      INFO(name);
      const bool is_allowed = std::find(allowed.begin(), allowed.end(), a) != allowed.end();
      const auto why = check(make(a), q);
      if (!is_allowed) CHECK(why.find("is not allowed here") != std::string::npos);
      else CHECK(why.find("is not allowed here") == std::string::npos);
    }
  }
}

TEST_CASE("check_decision judges parameters, models and the budget", "[vocabulary]") {
  using A = msg::action;
  using Q = msg::question;
  CHECK(check(make(A::set_train_ratio, {{"train_ratio", 0.6}}), Q::volatility).empty());
  CHECK(check(make(A::set_train_ratio, {{"train_ratio", 0.4}}), Q::volatility).find("0.5-0.9") != std::string::npos);
  CHECK(check(make(A::set_train_ratio, {}), Q::volatility).find("needs params.train_ratio") != std::string::npos);
  CHECK(check(make(A::set_train_ratio, {{"train_ratio", 0.6}}), Q::volatility, "xgboost", 1, true)
            .find("the person set train_ratio") != std::string::npos);
  CHECK(check(make(A::modify, {{"max_depth", 2}}), Q::progress).empty());
  CHECK(check(make(A::modify, {}), Q::progress).find("at least one hyperparameter") != std::string::npos);
  CHECK(check(make(A::modify, {{"dropout", 0.3}}), Q::progress).find("does not apply to xgboost") != std::string::npos);
  CHECK(check(make(A::modify, {{"dropout", 0.3}}), Q::progress, "lstm").empty());
  CHECK(check(make(A::modify, {{"max_depth", 2.5}}), Q::progress).find("whole number") != std::string::npos);
  CHECK(check(make(A::switch_model, {}, "lstm"), Q::results).empty());
  CHECK(check(make(A::switch_model, {}, "xgboost"), Q::results).find("already") != std::string::npos);
  CHECK(check(make(A::switch_model, {}, "svm"), Q::results).find("does not exist") != std::string::npos);
  CHECK(check(make(A::optimize, {{"budget", 500}}), Q::results).find("budget 500") != std::string::npos);
  CHECK(check(make(A::optimize), Q::results, "majority").find("nothing to tune") != std::string::npos);
  CHECK(check(make(A::retrain, {{"eta", 0.05}}), Q::results, "xgboost", 0).find("budget is spent") != std::string::npos);
  CHECK(check(make(A::continue_trial), Q::results, "xgboost", 0).empty());

  // Normalised: what the action does not use is dropped; optimize gets the default budget.
  auto d = make(A::optimize);
  REQUIRE(msg::check_decision(d, {Q::results, "xgboost"}).empty());
  CHECK(d.params == std::map<std::string, double>{{"budget", msg::plan_limits::optimize_budget}});
  auto c = make(A::continue_trial, {{"eta", 0.1}}, "lstm");
  REQUIRE(msg::check_decision(c, {Q::results, "xgboost"}).empty());
  CHECK(c.params.empty());
  CHECK(c.model.empty());
}

TEST_CASE("the parameter table names only models that exist", "[vocabulary]") {
  const auto names = ml::model_names();
  for (const auto& p : msg::decision_params()) {
    INFO(p.name);
    CHECK(p.lo <= p.hi);
    std::string models = p.models;
    for (std::size_t at = 0; at < models.size();) {
      auto end = models.find(' ', at);
      if (end == std::string::npos) end = models.size();
      CHECK(msg::model_known(models.substr(at, end - at)));
      at = end + 1;
    }
  }
  CHECK(names.size() >= 6);
}

TEST_CASE("check_plan uses the shared limits", "[vocabulary]") {
  msg::trial_plan p;
  p.symbol = "SPY";
  CHECK(msg::check_plan(p).empty());
  p.horizon = msg::plan_limits::max_horizon + 1;
  CHECK(msg::check_plan(p).find("horizon must be 1..60") != std::string::npos);
  p.horizon = 1;
  p.decision_budget = msg::plan_limits::max_decision_budget + 1;
  CHECK(msg::check_plan(p).find("decision_budget must be 0..100") != std::string::npos);
  p.decision_budget = 8;
  p.paper.commission_bps = msg::plan_limits::max_commission_bps + 1;
  CHECK(msg::check_plan(p).find("commission must be 0..500 bps") != std::string::npos);
  p.paper.commission_bps = 1;
  p.model = "lstm";
  p.start = "2020-01-01";
  p.end = "2021-06-01";
  CHECK(msg::check_plan(p).find("at least 500") != std::string::npos);
  CHECK(msg::min_bars_for("xgboost") == msg::plan_limits::min_bars_for_model);
}

TEST_CASE("a decision is stored by its action's name, so old records read back", "[vocabulary]") {
  caf::actor_system_config cfg;
  msg::register_message_types(cfg);
  caf::actor_system sys{cfg};
  // A checkpoint written before the action was an enum held the name as a string.
  std::vector<char> old_bytes;
  {
    caf::binary_serializer out{sys, old_bytes};
    std::string action = "switch_model", reason = "r", model = "lstm", brain = "rules", note = "";
    std::map<std::string, double> params;
    REQUIRE_FALSE(out(action, reason, params, model, brain, note));
  }
  msg::decision d;
  caf::binary_deserializer in{sys, old_bytes};
  REQUIRE_FALSE(in(d));
  CHECK(d.action == msg::action::switch_model);
  CHECK(d.model == "lstm");
  // And what is written now is the same bytes.
  std::vector<char> new_bytes;
  caf::binary_serializer out{sys, new_bytes};
  REQUIRE_FALSE(out(d));
  CHECK(new_bytes == old_bytes);
  // An unknown name is an error, not a silent "continue".
  std::vector<char> bad;
  {
    caf::binary_serializer o{sys, bad};
    std::string action = "sell_everything", e = "";
    std::map<std::string, double> params;
    REQUIRE_FALSE(o(action, e, params, e, e, e));
  }
  msg::decision x;
  caf::binary_deserializer bin{sys, bad};
  CHECK(bin(x));
}
