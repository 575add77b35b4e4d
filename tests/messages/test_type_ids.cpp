#include <catch2/catch.hpp>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "messages/type_ids.hpp"

using namespace mlt::msg;

namespace {
struct registered_config : caf::actor_system_config {
  registered_config() { register_message_types(*this); }
};

template <class T>
T round_trip(caf::actor_system& sys, T in) {
  std::vector<char> buf;
  caf::binary_serializer out{sys, buf};
  REQUIRE(!out(in));
  T back;
  caf::binary_deserializer src{sys, buf};
  REQUIRE(!src(back));
  return back;
}
}  // namespace

TEST_CASE("every message type has a registered name and survives serialisation") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  CHECK(std::string(caf::type_name<trial_plan>::value) == "mlt::msg::trial_plan");
  CHECK(caf::type_id<decision>::value > caf::first_custom_type_id);

  trial_plan plan;
  plan.symbol = "AAPL";
  plan.params["eta"] = 0.05;
  plan.pinned = {"model"};
  plan.paper.allow_short = true;
  auto p2 = round_trip(sys, plan);
  CHECK(p2.symbol == "AAPL");
  CHECK(p2.params.at("eta") == 0.05);
  CHECK(p2.pinned == std::vector<std::string>{"model"});
  CHECK(p2.paper.allow_short);

  trial_summary s;
  s.trial_id = 3;
  s.test.accuracy = 0.51;
  s.equity = {{86400, 100000.0}, {172800, 100100.0}};
  s.importance = {{"rsi_14", 0.3}};
  auto s2 = round_trip(sys, s);
  CHECK(s2.trial_id == 3);
  CHECK(s2.test.accuracy == 0.51);
  CHECK(s2.equity.size() == 2);
  CHECK(s2.importance.at(0).first == "rsi_14");

  mlt::ml::bar_series bars;
  bars.symbol = "TSLA";
  bars.bars.push_back({1, 2, 3, 1, 2.5, 100});
  auto b2 = round_trip(sys, bars);
  CHECK(b2.bars.at(0).close == 2.5);
}

TEST_CASE("walk-forward messages and the summary's walk-forward record survive serialisation") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  walk_forward_fold f;
  f.fold = 5;
  f.first = "2020-01-02";
  f.last = "2021-12-31";
  f.n = 500;
  f.accuracy = 0.512;
  f.beats_majority = true;
  walk_forward_progress p;
  p.trial_id = 4;
  p.fold = 5;
  p.folds = 5;
  p.fold_done = true;
  p.all_done = true;
  p.result = f;
  const auto p2 = round_trip(sys, p);
  CHECK(p2.result.first == "2020-01-02");
  CHECK(p2.result.accuracy == 0.512);
  CHECK(p2.result.beats_majority);
  CHECK(p2.all_done);

  trial_summary s;
  s.walk_forward.window = "rolling";
  s.walk_forward.folds = {f, f};
  s.walk_forward.auc_se = 0.011;
  s.walk_forward.sma_cross["total_return"] = 0.2;
  s.plan.wf_folds = 7;
  s.plan.wf_window = "rolling";
  const auto s2 = round_trip(sys, s);
  CHECK(s2.walk_forward.folds.size() == 2);
  CHECK(s2.walk_forward.window == "rolling");
  CHECK(s2.walk_forward.auc_se == 0.011);
  CHECK(s2.walk_forward.sma_cross.at("total_return") == 0.2);
  CHECK(s2.plan.wf_folds == 7);
  CHECK(s2.plan.wf_window == "rolling");

  walk_forward_outcome o;
  o.bar_index = {10, 11};
  o.prob = {0.4, 0.6};
  o.result.n = 2;
  const auto o2 = round_trip(sys, o);
  CHECK(o2.bar_index == std::vector<std::uint64_t>{10, 11});
  CHECK(o2.result.n == 2);
  CHECK(round_trip(sys, walk_forward_request{3, "logistic", {{"l2", 1.0}}, 4, "rolling", 5, 7}).window == "rolling");
  CHECK(round_trip(sys, walk_forward_started{3, {f}}).folds.at(0).n == 500);
  CHECK(round_trip(sys, walk_forward_step_request{8}).trial_id == 8);
  CHECK(round_trip(sys, walk_forward_collect{9}).trial_id == 9);
  CHECK(caf::type_id<walk_forward_result>::value > caf::first_custom_type_id);
}
