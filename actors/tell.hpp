#pragma once
/// Fire-and-forget from an actor. To a typed actor (the store, the engine)
/// it is send(), which the compiler checks against the receiver's
/// interface. To a dynamically typed one (an agent's observer, a request's
/// sender) CAF lets a typed actor only send_as, which keeps what send()
/// would give: `self` as the sender and the order of self's messages.

#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/typed_actor.hpp>

namespace mlt::actors {

template <class Self, class... Ts>
void tell(Self* self, const caf::actor& to, Ts&&... xs) {
  if (to) caf::send_as(caf::actor_cast<caf::actor>(self), to, std::forward<Ts>(xs)...);
}

template <class Self, class... Sigs, class... Ts>
void tell(Self* self, const caf::typed_actor<Sigs...>& to, Ts&&... xs) {
  if (to) self->send(to, std::forward<Ts>(xs)...);
}

}  // namespace mlt::actors
