#include <caf/all.hpp>

#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "actors/metrics.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace mlt::actors {

namespace {

struct loader_state {
  ml::data_environment env;
  static inline const char* name = "data_loader";
};

using loader_self = data_loader_actor::stateful_pointer<loader_state>;

// One load, in a detached actor of its own that ends with it.
data_loader_actor::behavior_type one_load(loader_self self, ml::data_environment env) {
  harden(self);
  self->state.env = std::move(env);
  return {
      [=](msg::load_bars_request& m) -> caf::result<ml::bar_series> {
        self->quit();  // after this answer
        ml::data_request req;
        req.symbol = m.symbol;
        req.source = m.source;
        req.start = m.start;
        req.end = m.end;
        req.seed = m.seed;
        auto engine = caf::actor_cast<engine_actor>(self->current_sender());
        const auto trial = m.trial_id;
        auto progress = [=](double fraction, const std::string& text) {
          if (engine) self->send(engine, msg::data_progress_msg{trial, fraction, text});
        };
        try {
          metrics::count_data_source_call(ml::resolve_source(req, self->state.env));
          return ml::load_bars(req, self->state.env, progress);
        } catch (const std::exception& e) {
          return caf::make_error(msg::errc::data_failed, std::string(e.what()));
        }
      },
  };
}

// Each request is handed to a loader of its own, so a slow or hung source
// (Polygon retrying for minutes) delays only the trial that waits for it.
data_loader_actor::behavior_type loader_behavior(loader_self self, ml::data_environment env) {
  harden(self);
  self->state.env = std::move(env);
  return {
      [=](msg::load_bars_request& m) {
        auto worker = self->spawn<caf::detached>(one_load, self->state.env);
        return self->delegate(worker, std::move(m));
      },
  };
}

}  // namespace

data_loader_actor spawn_data_loader(caf::actor_system& sys, ml::data_environment env) {
  return sys.spawn<caf::detached>(loader_behavior, std::move(env));
}

}  // namespace mlt::actors
