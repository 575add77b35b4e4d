#pragma once
/// The trainers' side of the fit workers (spawn_fit_workers in fwd.hpp): an
/// ml::fit_pool that sends fit jobs as messages to the shared workers and
/// receives their outcomes.

#include <memory>

#include <caf/fwd.hpp>

#include "actors/fwd.hpp"
#include "ml/models/fit_job.hpp"

namespace mlt::actors {

/// Keeps at most one of its jobs at a time on each worker (the rest wait in
/// the pool, so a free worker takes the next job), and receives outcomes with
/// a blocking actor of its own: use it only from an actor with a thread of
/// its own (a detached trainer). A worker that stops fails the job it had;
/// with every worker stopped, the jobs left run on the caller's thread.
std::unique_ptr<ml::fit_pool> make_worker_pool(caf::actor_system& sys, const fit_workers& workers);

}  // namespace mlt::actors
