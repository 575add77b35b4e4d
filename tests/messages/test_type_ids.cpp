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
