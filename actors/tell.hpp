#pragma once
/// Fire-and-forget to a dynamically typed actor (the store, an agent's
/// observer). A typed actor may only send() to typed ones; an anonymous send
/// keeps the order of one actor's messages to a receiver all the same,
/// because they are enqueued in the order they are sent.

#include <utility>

#include <caf/actor.hpp>
#include <caf/send.hpp>

namespace mlt::actors {

template <class... Ts>
void tell(const caf::actor& to, Ts&&... xs) {
  if (to) caf::anon_send(to, std::forward<Ts>(xs)...);
}

}  // namespace mlt::actors
