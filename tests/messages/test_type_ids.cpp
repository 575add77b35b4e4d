// Every type of messages/type_ids.hpp's block crosses a process boundary
// intact: each one is filled (every field set to something other than its
// default), written with CAF's binary serializer, read back and written
// again, and the two byte strings must be equal. The types are taken from
// the block itself (caf::type_by_id over [begin, end)), so a newly registered
// type is covered without editing this file; a field type the filler does not
// know fails to compile here instead of passing untested.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

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
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T>
struct is_map : std::false_type {};
template <class K, class V, class C, class A>
struct is_map<std::map<K, V, C, A>> : std::true_type {};

template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};

/// A CAF inspector that writes a distinct non-default value into every field
/// it is shown, recursing into nested types through their `inspect`.
struct filler {
  using result_type = void;
  static constexpr bool reads_state = false;
  static constexpr bool writes_state = true;
  int next = 1;

  template <class... Ts>
  void operator()(Ts&&... xs) {
    (fill(xs), ...);
  }

  template <class T>
  void fill(T& x) {
    using U = std::remove_cv_t<T>;
    if constexpr (caf::meta::is_annotation<U>::value) {
      // type names and other annotations carry no data
    } else if constexpr (std::is_same_v<U, bool>) {
      x = true;
    } else if constexpr (std::is_arithmetic_v<U>) {
      x = static_cast<U>(next++ % 100 + 1);
    } else if constexpr (std::is_enum_v<U>) {
      x = static_cast<U>(1);
    } else if constexpr (std::is_same_v<U, std::string>) {
      x = "v" + std::to_string(next++);
    } else if constexpr (std::is_same_v<U, std::vector<bool>>) {
      x = {true, false};
    } else if constexpr (is_vector<U>::value) {
      x.resize(2);
      for (auto& e : x) fill(e);
    } else if constexpr (is_map<U>::value) {
      typename U::key_type k{};
      typename U::mapped_type v{};
      fill(k);
      fill(v);
      x.emplace(std::move(k), std::move(v));
    } else if constexpr (is_pair<U>::value) {
      fill(x.first);
      fill(x.second);
    } else if constexpr (std::is_same_v<U, caf::actor>) {
      // Handles stay invalid: a live one needs a middleman to cross a boundary.
    } else if constexpr (std::is_same_v<U, caf::message>) {
      x = caf::make_message(std::string("payload"), std::int32_t{7});
    } else {
      inspect(*this, x);
    }
  }
};

template <class T>
std::vector<char> serialise(caf::actor_system& sys, T& x) {
  std::vector<char> buf;
  caf::binary_serializer out{sys, buf};
  const auto err = out(x);
  INFO(sys.render(err));
  REQUIRE(!err);
  return buf;
}

/// Fills, writes, reads back and writes again one registered type.
// A value written and read back, for tests that check particular fields.
template <class T>
T round_trip(caf::actor_system& sys, T x) {
  const auto bytes = serialise(sys, x);
  T back;
  caf::binary_deserializer in{sys, bytes};
  REQUIRE(!in(back));
  REQUIRE(in.remaining() == 0);
  return back;
}

template <caf::type_id_t Id>
void round_trip_one(caf::actor_system& sys, std::vector<std::string>& covered) {
  using T = typename caf::type_by_id<Id>::type;
  const std::string name = caf::type_name_by_id<Id>::value;
  INFO("type " << name << " (id " << Id << ")");
  T blank{};
  T filled{};
  filler f;
  f.fill(filled);
  const auto blank_bytes = serialise(sys, blank);
  const auto bytes = serialise(sys, filled);
  // The filler reached every field it could: a type with fields must differ
  // from its default (a field-less type writes nothing at all).
  CHECK((bytes != blank_bytes || bytes.empty()));
  T back{};
  caf::binary_deserializer in{sys, bytes};
  const auto err = in(back);
  INFO(sys.render(err));
  REQUIRE(!err);
  CHECK(in.remaining() == 0);
  CHECK(serialise(sys, back) == bytes);
  covered.push_back(name);
}

template <std::size_t... I>
void round_trip_block(caf::actor_system& sys, std::vector<std::string>& covered, std::index_sequence<I...>) {
  (round_trip_one<static_cast<caf::type_id_t>(caf::id_block::mltrainer::begin + I)>(sys, covered), ...);
}

constexpr std::size_t block_size = caf::id_block::mltrainer::end - caf::id_block::mltrainer::begin;

// Counted from the header's text, independently of CAF's counter.
std::size_t registrations_in_header() {
  std::ifstream in(std::string(MLT_SOURCE_DIR) + "/messages/type_ids.hpp");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t n = 0;
  for (auto at = text.find("CAF_ADD_TYPE_ID(mltrainer,"); at != std::string::npos;
       at = text.find("CAF_ADD_TYPE_ID(mltrainer,", at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("every registered message type survives the binary serializer with every field set", "[messages]") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  std::vector<std::string> covered;
  round_trip_block(sys, covered, std::make_index_sequence<block_size>{});
  CHECK(covered.size() == block_size);
  CHECK(block_size == registrations_in_header());
  CHECK(block_size >= 69);  // the count on the day this test was written; it only grows
  // The ids are the ones the block assigned, starting at the first custom id.
  CHECK(covered.front() == "mlt::msg::trial_plan");
  CHECK(caf::type_id<trial_plan>::value == caf::first_custom_type_id);
}

TEST_CASE("a round trip keeps the values, not just the byte count", "[messages]") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  trial_summary s;
  filler f;
  f.fill(s);
  const auto bytes = serialise(sys, s);
  trial_summary back;
  caf::binary_deserializer in{sys, bytes};
  REQUIRE(!in(back));
  CHECK(back.symbol == s.symbol);
  CHECK(back.plan.params == s.plan.params);
  CHECK(back.test.accuracy == s.test.accuracy);
  CHECK(back.equity.size() == 2);
  CHECK(back.importance.at(1).first == s.importance.at(1).first);
  CHECK(back.predictions.at(0).date == s.predictions.at(0).date);

  relay_after_commit r;
  f.fill(r);
  const auto rb = serialise(sys, r);
  relay_after_commit r2;
  caf::binary_deserializer rin{sys, rb};
  REQUIRE(!rin(r2));
  REQUIRE(r2.content.size() == 2);
  CHECK(r2.content.get_as<std::string>(0) == "payload");
  CHECK(r2.content.get_as<std::int32_t>(1) == 7);
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
  p.trial_id = mlt::msg::trial_id{4};
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
  CHECK(round_trip(sys, walk_forward_request{trial_id{3}, "logistic", {{"l2", 1.0}}, 4, "rolling", 5, 7}).window ==
        "rolling");
  CHECK(round_trip(sys, walk_forward_started{trial_id{3}, {f}}).folds.at(0).n == 500);
  CHECK(round_trip(sys, walk_forward_step_request{trial_id{8}}).trial_id == trial_id{8});
  CHECK(round_trip(sys, walk_forward_collect{trial_id{9}}).trial_id == trial_id{9});
  CHECK(caf::type_id<walk_forward_result>::value > caf::first_custom_type_id);
}

TEST_CASE("a shared bar series is one series in the daemon and its bars across a process boundary") {
  registered_config cfg;
  caf::actor_system sys{cfg};
  mlt::ml::bar_series s;
  s.symbol = "SPY";
  s.timespan = "day";
  s.bars.push_back({86400 * 16000, 1.0, 2.0, 0.5, 1.5, 100.0});
  s.bars.push_back({86400 * 16001, 1.5, 2.5, 1.0, 2.25, 200.0});
  prepare_request r{trial_id{3}, shared_bars{s}, 5};
  // Copying the request (as a local send does) shares the series.
  const prepare_request local = r;
  CHECK(&*local.series == &*r.series);
  const auto back = round_trip(sys, r);
  CHECK(&*back.series != &*r.series);
  CHECK(back.trial_id == mlt::msg::trial_id{3});
  CHECK(back.horizon == 5);
  CHECK(back.series->symbol == "SPY");
  CHECK(back.series->timespan == "day");
  REQUIRE(back.series->bars.size() == 2);
  CHECK(back.series->bars[1].close == 2.25);
  CHECK(back.series->bars[1].volume == 200.0);
  // No series given reads as an empty one, and crosses as one.
  CHECK(round_trip(sys, paper_request{}).series->bars.empty());
}
