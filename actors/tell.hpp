#pragma once
/// Fire-and-forget from a typed actor to a dynamically typed one (the store,
/// an agent's observer). CAF lets a typed actor send() only to typed ones;
/// send_as keeps what send() would give: `self` as the sender (the store
/// answers the engine when it could not write a line) and the order of
/// self's messages to the receiver.

#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace mlt::actors {

template <class Self, class... Ts>
void tell(Self* self, const caf::actor& to, Ts&&... xs) {
  if (to) caf::send_as(caf::actor_cast<caf::actor>(self), to, std::forward<Ts>(xs)...);
}

}  // namespace mlt::actors
