#include <caf/all.hpp>

#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "actors/metrics.hpp"
#include "actors/token_bucket.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"
#include "messages/wire.hpp"
#include "net/server.hpp"

namespace mlt::actors {

namespace {

struct session_state {
  std::shared_ptr<net::ws_connection> conn;
  session_config cfg;
  agent_actor agent;
  token_bucket rate;  // messages_per_minute; over it a frame is dropped
  static inline const char* name = "session";
};

using session_self = caf::stateful_actor<session_state, session_actor::base>;
using namespace std::chrono_literals;

void send_frame(session_self* self, std::string text) {
  metrics::count_ws_frame(false);
  self->state.conn->send(std::move(text));
}

void send_error(session_self* self, const std::string& code, const std::string& message) {
  metrics::count_error(code);
  send_frame(self, msg::encode_error(code, message));
}

void send_turn(session_self* self, const msg::agent_turn& t) {
  switch (t.kind) {
    case msg::agent_turn::proposal:
      send_frame(self, msg::encode_proposal(t.proposal_id, t.plan, t.text, t.symbols));
      break;
    case msg::agent_turn::error:
      send_error(self, t.error_code, t.text);
      break;
    default:
      send_frame(self, msg::encode_reply(t.text, t.trial_id));
  }
}

void on_frame(session_self* self, const std::string& text) {
  metrics::count_ws_frame(true);
  if (!self->state.rate.try_take(token_bucket::clock::now())) {
    send_error(self, "rate_limited",
               "more than " + std::to_string(self->state.rate.per_minute()) +
                   " messages a minute; this one was dropped, wait a moment and send it again");
    return;
  }
  const auto limit = self->state.cfg.max_message_bytes;
  if (limit > 0 && text.size() > limit) {
    send_error(self, "too_large",
               "a message of " + std::to_string(text.size()) + " bytes is over the limit of " +
                   std::to_string(limit) + " bytes (limits.max_message_bytes); it was dropped");
    return;
  }
  auto d = msg::decode_client_frame(text);
  if (!d.ok) {
    send_error(self, d.error_code, d.error_message);
    return;
  }
  auto& st = self->state;
  const auto& f = d.frame;
  auto on_error = [=](caf::error& e) {
    send_error(self, "internal", "request failed: " + msg::error_sentence(e));
  };
  if (f.type == "chat") {
    self->request(st.agent, 60s, msg::user_chat{st.conn->id(), f.text})
        .then([=](msg::agent_turn& t) { send_turn(self, t); }, on_error);
  } else if (f.type == "approve") {
    self->request(st.agent, 60s, msg::user_approve{st.conn->id(), msg::proposal_id{f.proposal_id}})
        .then([=](msg::agent_turn& t) { send_turn(self, t); }, on_error);
  } else if (f.type == "cancel") {
    const msg::trial_id id{f.trial_id};
    self->request(st.cfg.engine, 30s, msg::cancel_trial{id, "cancelled by the person"})
        .then(
            [=](bool ok) {
              if (ok)
                send_frame(self, msg::encode_reply("Cancelling trial " + msg::to_string(id) + ".", id));
              else
                send_error(self, "not_running", "trial " + msg::to_string(id) + " is not queued or running");
            },
            on_error);
  } else if (f.type == "list_trials") {
    self->request(st.cfg.store, 30s, msg::list_trials_query{static_cast<std::int32_t>(f.limit)})
        .then([=](msg::trial_list& l) { send_frame(self, msg::encode_trials(l)); }, on_error);
  } else if (f.type == "get_trial") {
    const msg::trial_id id{f.trial_id};
    self->request(st.cfg.store, 30s, msg::get_trial_query{id})
        .then(
            [=](msg::trial_record& r) {
              if (r.found)
                send_frame(self, msg::encode_trial(r));
              else
                send_error(self, "unknown_trial", "there is no trial " + msg::to_string(id));
            },
            on_error);
  } else if (f.type == "ping") {
    send_frame(self, R"({"type":"pong"})");
  }
}

session_actor::behavior_type session_behavior(session_self* self, std::shared_ptr<net::ws_connection> conn, session_config cfg) {
  harden(self);
  auto& st = self->state;
  st.conn = std::move(conn);
  st.cfg = std::move(cfg);
  st.rate = token_bucket(st.cfg.messages_per_minute);
  metrics::session_opened();
  self->attach_functor([] { metrics::session_closed(); });
  st.agent = spawn_agent(self->system(), st.cfg.agent, caf::actor_cast<caf::actor>(self), st.cfg.agent_mode);
  send_frame(self, msg::encode_hello(st.cfg.version, st.cfg.agent.brain));
  return {
      [=](msg::ws_frame_in& m) { on_frame(self, m.text); },
      [=](msg::trial_event& e) { send_frame(self, msg::encode_event(e)); },
      [=](msg::trial_report& r) { send_frame(self, msg::encode_report(r)); },
      [=](msg::trial_failed& f) { send_frame(self, msg::encode_trial_failed(f)); },
      [=](msg::paper_note& n) { send_frame(self, msg::encode_paper(n)); },
      // The agent speaking unasked: a fallback note, a finished comparison.
      [=](msg::agent_turn& t) { send_turn(self, t); },
      [=](msg::universe_report& r) { send_frame(self, msg::encode_universe_report(r)); },
      [=](msg::ws_closed&) { self->quit(); },
  };
}

}  // namespace

session_actor spawn_session(caf::actor_system& sys, std::shared_ptr<net::ws_connection> conn, session_config cfg) {
  return sys.spawn(session_behavior, std::move(conn), std::move(cfg));
}

}  // namespace mlt::actors
