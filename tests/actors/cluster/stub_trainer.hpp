#pragma once
/// A trainer for the cluster's tests: prepare, fit and fit steps answered by
/// hooks a test may replace, every other request by an empty reply of its
/// type, so a test states only what it is about.

#include <functional>

#include <caf/all.hpp>

#include "actors/fwd.hpp"
#include "messages/type_ids.hpp"

namespace mlt::test {

struct stub_trainer_hooks {
  std::function<msg::prepared(const msg::prepare_request&)> prepare = [](const msg::prepare_request& r) {
    msg::prepared p;
    p.trial_id = r.trial_id;
    return p;
  };
  std::function<msg::fit_started(const msg::fit_request&)> fit = [](const msg::fit_request&) {
    return msg::fit_started{};
  };
  /// May hold the reply back (a silent node) through the actor's promise.
  std::function<caf::result<msg::fit_progress>(actors::trainer_actor::pointer, const msg::fit_step_request&)> step =
      [](actors::trainer_actor::pointer, const msg::fit_step_request& r) {
        msg::fit_progress p;
        p.trial_id = r.trial_id;
        return caf::result<msg::fit_progress>(p);
      };
  /// Sends its evaluations (msg::optimize_step) to the sender itself, as the trainer does.
  std::function<caf::result<msg::optimize_outcome>(actors::trainer_actor::pointer, const msg::optimize_request&)>
      optimize = [](actors::trainer_actor::pointer, const msg::optimize_request&) {
        return caf::result<msg::optimize_outcome>(msg::optimize_outcome{});
      };
};

inline actors::trainer_actor::behavior_type stub_trainer(actors::trainer_actor::pointer self, stub_trainer_hooks h) {
  return {
      [=](msg::prepare_request& r) { return h.prepare(r); },
      [=](msg::fit_request& r) { return h.fit(r); },
      [=](msg::fit_step_request& r) { return h.step(self, r); },
      [](msg::fit_stop_request&) { return msg::fit_kept{}; },
      [=](msg::optimize_request& r) { return h.optimize(self, r); },
      [](msg::evaluate_request&) { return msg::evaluation{}; },
      [](msg::walk_forward_request&) { return msg::walk_forward_started{}; },
      [](msg::walk_forward_step_request&) { return msg::walk_forward_progress{}; },
      [](msg::walk_forward_collect&) { return msg::walk_forward_outcome{}; },
  };
}

}  // namespace mlt::test
