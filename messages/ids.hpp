#pragma once
/// The ids of the records a trial's life hands around, each a type of its
/// own, so a trial id cannot be passed where a proposal id, a sequence
/// number or a count is meant. The integer inside is the store's row id; it
/// is taken out (`.value`) or put in (`trial_id{n}`) only at the edges: the
/// store's SQL, JSON frames and the numbers a person types in a chat line.
/// On the wire an id is its integer, so records stored before the id types
/// read unchanged.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace mlt::msg {

/// An integer id of the record `Tag` names. No implicit conversion from an
/// integer; 0 is "none" where a field says so.
template <class Tag>
struct record_id {
  std::int64_t value = 0;

  constexpr record_id() = default;
  constexpr explicit record_id(std::int64_t v) : value(v) {}

  /// Set (not the "none" of 0).
  constexpr bool known() const { return value != 0; }

  friend constexpr bool operator==(record_id a, record_id b) { return a.value == b.value; }
  friend constexpr bool operator!=(record_id a, record_id b) { return a.value != b.value; }
  friend constexpr bool operator<(record_id a, record_id b) { return a.value < b.value; }
  friend constexpr bool operator>(record_id a, record_id b) { return a.value > b.value; }
  friend constexpr bool operator<=(record_id a, record_id b) { return a.value <= b.value; }
  friend constexpr bool operator>=(record_id a, record_id b) { return a.value >= b.value; }
};

template <class Inspector, class Tag>
typename Inspector::result_type inspect(Inspector& f, record_id<Tag>& x) {
  return f(x.value);
}

/// The number as a person reads it ("12").
template <class Tag>
std::string to_string(record_id<Tag> id) {
  return std::to_string(id.value);
}

struct trial_tag;
/// A trial (the store's trials.id).
using trial_id = record_id<trial_tag>;

struct proposal_tag;
/// A proposal, the plan a person approves (the store's proposals.id).
using proposal_id = record_id<proposal_tag>;

}  // namespace mlt::msg

template <class Tag>
struct std::hash<mlt::msg::record_id<Tag>> {
  std::size_t operator()(mlt::msg::record_id<Tag> id) const noexcept { return std::hash<std::int64_t>{}(id.value); }
};
