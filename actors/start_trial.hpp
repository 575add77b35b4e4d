#pragma once
/// The one way a recorded, approved trial reaches the engine, for the agent
/// (a person approved) and the scheduler (a schedule fired): the engine
/// answers the queue position; a refusal (busy, already running) marks the
/// trial failed in the store with the engine's sentence before the caller
/// hears of it, so the record never says "queued" for a trial nobody runs.

#include <chrono>
#include <cstdint>
#include <string>

#include "actors/fwd.hpp"
#include "actors/tell.hpp"
#include "messages/errors.hpp"

namespace mlt::actors {

/// `queued(position)` on success (0 = running now); `refused(error)` after
/// the store was told. With `caller_retries_busy` a busy refusal is not told
/// to the store: the caller offers the trial again (it stays queued) and
/// records the outcome itself if it gives up.
template <class Self, class Queued, class Refused>
void hand_to_engine(Self* self, const engine_actor& engine, const store_actor& store, msg::start_trial start,
                    Queued queued, Refused refused, bool caller_retries_busy = false) {
  const auto id = start.trial_id;
  self->request(engine, std::chrono::seconds(30), std::move(start))
      .then([=](std::int32_t position) { queued(position); },
            [=](caf::error& e) {
              if (!(caller_retries_busy && e == msg::errc::busy))
                tell(self, store, msg::set_trial_status{id, msg::trial_status::failed, msg::error_sentence(e)});
              refused(e);
            });
}

}  // namespace mlt::actors
