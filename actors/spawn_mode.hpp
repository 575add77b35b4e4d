#pragma once
/// Spawns a behaviour detached or on the scheduler, as thread_mode says.

#include <utility>

#include <caf/actor_system.hpp>

#include "actors/fwd.hpp"

namespace mlt::actors {

template <class F, class... Ts>
auto spawn_in(caf::actor_system& sys, thread_mode mode, F fun, Ts&&... xs) {
  return mode == thread_mode::detached ? sys.spawn<caf::detached>(fun, std::forward<Ts>(xs)...)
                                       : sys.spawn(fun, std::forward<Ts>(xs)...);
}

}  // namespace mlt::actors
