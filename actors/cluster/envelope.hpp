#pragma once
/// The trainer's requests and replies in msg::remote_call envelopes: which
/// kind number each message type travels under, and writing and reading the
/// bytes (bit-exact, so NaN and infinities arrive as they left).

#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "messages/bit_exact.hpp"
#include "messages/cluster_msgs.hpp"
#include "messages/walk_forward_msgs.hpp"
#include "messages/work.hpp"

namespace mlt::actors::cluster {

/// Every request of trainer_actor (actors/fwd.hpp) with its reply; a
/// request's kind is its index here, and its reply travels under the same kind.
using trainer_calls = std::tuple<
    std::pair<msg::prepare_request, msg::prepared>,
    std::pair<msg::fit_request, msg::fit_started>,
    std::pair<msg::fit_step_request, msg::fit_progress>,
    std::pair<msg::fit_stop_request, msg::fit_kept>,
    std::pair<msg::optimize_request, msg::optimize_outcome>,
    std::pair<msg::evaluate_request, msg::evaluation>,
    std::pair<msg::walk_forward_request, msg::walk_forward_started>,
    std::pair<msg::walk_forward_step_request, msg::walk_forward_progress>,
    std::pair<msg::walk_forward_collect, msg::walk_forward_outcome>>;

/// Kinds beside the trainer's calls.
enum : std::uint16_t {
  kind_cached_prepare = 100,  ///< msg::cached_prepare, answered like a prepare_request
  kind_need_bars = 101,       ///< host -> remote trainer: send the whole prepare_request
  kind_optimize_step = 102,   ///< host -> remote trainer: a trainer's msg::optimize_step
};

namespace detail {
template <class Req, std::size_t I = 0>
constexpr std::uint16_t index_of() {
  static_assert(I < std::tuple_size_v<trainer_calls>, "not a request of trainer_actor");
  if constexpr (std::is_same_v<typename std::tuple_element_t<I, trainer_calls>::first_type, Req>)
    return static_cast<std::uint16_t>(I);
  else
    return index_of<Req, I + 1>();
}

template <std::size_t I = 0, class F>
bool visit(std::uint16_t kind, F& f) {
  if constexpr (I == std::tuple_size_v<trainer_calls>) {
    return false;
  } else {
    using call = std::tuple_element_t<I, trainer_calls>;
    if (kind != I) return visit<I + 1>(kind, f);
    f(static_cast<typename call::first_type*>(nullptr), static_cast<typename call::second_type*>(nullptr));
    return true;
  }
}
}  // namespace detail

/// The kind a trainer request (and its reply) travels under.
template <class Req>
constexpr std::uint16_t kind_of = detail::index_of<Req>();

/// Calls f(Req*, Rep*) (null pointers naming the types) for the call of
/// `kind`; false when `kind` is not one of trainer_calls.
template <class F>
bool with_call(std::uint16_t kind, F&& f) {
  return detail::visit(kind, f);
}

/// `value` in an envelope; throws std::runtime_error when it cannot be written.
template <class T>
msg::remote_call envelope(std::uint64_t seq, std::uint16_t kind, std::int32_t slot, const T& value) {
  msg::remote_call c{seq, kind, slot, {}, {}};
  if (!msg::write_bit_exact(c.bytes, value)) throw std::runtime_error("cluster: cannot write an envelope");
  return c;
}

/// False when the envelope's bytes are not exactly one `T`.
template <class T>
bool open(const msg::remote_call& c, T& out) {
  return msg::read_bit_exact(c.bytes.data(), c.bytes.size(), out);
}

/// The SHA-256 of the bars (hex): what a node caches them under.
std::string bars_key(const ml::bar_series& series);

}  // namespace mlt::actors::cluster
