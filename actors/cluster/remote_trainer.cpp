// A trainer for the engine that lives on whichever node the door places it.
// It forwards each request in an envelope, one at a time, and keeps every
// request since the trial's prepare. When its node is lost (CAF's node
// monitoring) or a request misses its deadline, it asks the door for another
// slot, replays those requests there (the trainer is deterministic: same
// requests, same seed, same state) and then sends the one in flight, so the
// engine sees a slower reply and one transcript line, nothing else.

#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>

#include <caf/all.hpp>

#include "actors/cluster/cluster.hpp"
#include "actors/cluster/envelope.hpp"
#include "actors/harden.hpp"
#include "actors/metrics.hpp"
#include "messages/cluster_msgs.hpp"
#include "messages/errors.hpp"

namespace mlt::actors::cluster {

namespace {

using namespace std::chrono_literals;

// One request: its envelope bytes (for a prepare also the bars-free form),
// and, while it waits for its reply, what to do with that.
struct call {
  std::uint16_t kind = 0;
  std::vector<char> bytes;
  std::vector<char> cached;  // prepare: msg::cached_prepare; else empty
  std::function<void(const msg::remote_call&)> reply;
  std::function<void(const caf::error&)> fail;
};

struct remote_state {
  caf::actor door;
  std::chrono::milliseconds deadline{0};  // cluster.call_deadline_ms; 0 = call_deadline's own
  caf::actor engine;  // whoever sent the prepare: told when the trainer moves
  std::optional<msg::placement> at;
  std::vector<call> log;     // answered since the last prepare; replayed after a move
  std::size_t replayed = 0;  // of `log`, on the current placement
  std::deque<call> queue;    // waiting; the front is in flight when `busy`
  bool busy = false;
  bool placing = false;
  bool full_prepare = false;  // the host asked for the bars
  std::uint64_t generation = 0;  // replies of an older placement are ignored
  std::uint64_t seq = 0;
  std::uint64_t activity = 0;  // bumped by every request; an older idle tick is void
  msg::trial_id trial_id;
  std::int32_t last_step = 0;
  std::int32_t optimize_told = 0;  // evaluations of the optimisation in flight the engine has seen
  std::string moved_from;  // the lost node, until the transcript says so
  std::string moved_why;
  static inline const char* name = "remote_trainer";
};

// Its own timer beside the trainer's interface.
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using remote_trainer_actor = trainer_actor::extend<caf::reacts_to<idle_atom, std::uint64_t>>;
using remote_self = remote_trainer_actor::stateful_pointer<remote_state>;

// Longer than an agent's decision takes by default (brain.decision_deadline_ms
// 10 s): a trial between two requests keeps its slot.
constexpr auto idle_release = std::chrono::seconds(60);

void pump(remote_self self);

// A typed actor may only request from the dynamically typed door; the door
// answers nothing, and needs the sender to know it is one of ours.
template <class T>
void tell_door(remote_self self, T what) {
  self->request(self->state.door, caf::infinite, std::move(what)).then([] {}, [](caf::error&) {});
}

const call& current(remote_self self) {
  auto& st = self->state;
  return st.replayed < st.log.size() ? st.log[st.replayed] : st.queue.front();
}

// Gives the placement up (a live node gets its slot back); the next request
// is placed anew, after the log is replayed there.
void let_go(remote_self self, bool live) {
  auto& st = self->state;
  if (live) tell_door(self, msg::release_slot{st.at->node_id, st.at->slot});
  self->demonitor(st.at->host);
  st.at.reset();
  ++st.generation;
  st.busy = false;
  st.full_prepare = false;
  st.replayed = 0;
}

// The node is gone or stuck: place again, say so once placed.
void move_away(remote_self self, const std::string& why) {
  auto& st = self->state;
  if (!st.at) return;
  st.moved_from = st.at->node_id;
  st.moved_why = why;
  let_go(self, why != "was lost");
  pump(self);
}

// Nothing to do: after idle_release the slot goes back to the door for
// trials that wait for one; should this trial ask again, its log is replayed.
void idle_later(remote_self self) {
  auto& st = self->state;
  if (st.busy || !st.queue.empty() || !st.at) return;
  self->delayed_send(self, idle_release, idle_atom::value, ++st.activity);
}

void note_reply(remote_self self, const msg::remote_call& r) {
  auto& st = self->state;
  if (r.kind == kind_of<msg::fit_request>) st.last_step = 0;
  if (r.kind == kind_of<msg::fit_step_request>) {
    msg::fit_progress p;
    if (open(r, p)) st.last_step = p.step;
  }
  if (r.kind == kind_of<msg::fit_stop_request>) tell_door(self, msg::node_fit_done{st.at->node_id});
}

void on_reply(remote_self self, msg::remote_call& r) {
  auto& st = self->state;
  if (r.kind == kind_need_bars) {
    st.full_prepare = true;
    st.busy = false;
    return pump(self);
  }
  st.busy = false;
  st.full_prepare = false;
  if (st.replayed < st.log.size()) {
    ++st.replayed;
    return pump(self);
  }
  auto c = std::move(st.queue.front());
  st.queue.pop_front();
  note_reply(self, r);
  c.reply(r);
  c.reply = nullptr;
  c.fail = nullptr;
  st.log.push_back(std::move(c));
  st.replayed = st.log.size();
  pump(self);
  idle_later(self);
}

void on_error(remote_self self, caf::error& e) {
  auto& st = self->state;
  if (e == caf::sec::request_timeout) return move_away(self, "missed its deadline");
  // The host went away before its down message came.
  if (e == caf::sec::request_receiver_down) return move_away(self, "was lost");
  // The trainer refused (a bad request, a failed fit): the engine decides.
  st.busy = false;
  if (st.replayed < st.log.size()) st.log.resize(st.replayed);  // cannot be rebuilt here; the next prepare starts over
  if (st.queue.empty()) return;
  auto c = std::move(st.queue.front());
  st.queue.pop_front();
  c.fail(e);
  pump(self);
  idle_later(self);
}

void placed(remote_self self, msg::placement& p) {
  auto& st = self->state;
  st.placing = false;
  st.at = p;
  st.replayed = 0;
  self->monitor(p.host);
  if (!st.moved_from.empty() && st.engine) {
    const auto where = p.node_id == "coordinator" ? std::string("the coordinator") : p.node_id;
    self->send(caf::actor_cast<engine_actor>(st.engine),
               msg::trainer_moved{st.trial_id, "worker " + st.moved_from + " " + st.moved_why +
                                                    (st.last_step > 0 ? " at step " + std::to_string(st.last_step)
                                                                      : std::string(" before a fit step")) +
                                                    "; the fit restarted on " + where});
    st.moved_from.clear();
  }
  pump(self);
}

void place(remote_self self) {
  auto& st = self->state;
  st.placing = true;
  self->request(st.door, caf::infinite, msg::place_request{st.moved_from})
      .then([=](msg::placement& p) { placed(self, p); },
            [=](caf::error& e) {
              auto& st = self->state;
              st.placing = false;
              for (auto& c : st.queue) c.fail(e);
              st.queue.clear();
            });
}

void pump(remote_self self) {
  auto& st = self->state;
  if (st.busy || st.placing) return;
  if (st.queue.empty()) return;  // a replay only ever precedes a request
  if (!st.at) return place(self);
  const auto& c = current(self);
  const bool cached = !c.cached.empty() && !st.full_prepare;
  auto env = msg::remote_call{++st.seq, cached ? std::uint16_t{kind_cached_prepare} : c.kind, st.at->slot,
                              cached ? c.cached : c.bytes, {}};
  st.busy = true;
  const auto gen = st.generation;
  const auto sent = static_cast<std::int64_t>(env.bytes.size());
  self->request(st.at->host, call_deadline(c.kind, st.deadline), std::move(env))
      .then(
          [=](msg::remote_call& r) {
            metrics::count_cluster_call(sent, static_cast<std::int64_t>(r.bytes.size()));
            if (gen == self->state.generation) on_reply(self, r);
          },
          [=](caf::error& e) {
            if (gen == self->state.generation) on_error(self, e);
          });
}

bool keep_file(const std::string& path, const std::vector<char>& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out.flush());
}

// The engine's request as a call whose reply answers it.
template <class Req, class Rep>
caf::result<Rep> submit(remote_self self, Req& req) {
  auto& st = self->state;
  ++st.activity;
  // The sender first: the promise takes it over.
  if constexpr (std::is_same_v<Req, msg::prepare_request>)
    st.engine = caf::actor_cast<caf::actor>(self->current_sender());
  auto rp = self->make_response_promise<Rep>();
  call c;
  c.kind = kind_of<Req>;
  c.bytes = envelope(0, c.kind, 0, req).bytes;
  if constexpr (std::is_same_v<Req, msg::prepare_request>) {
    // A new trial: what the trainer did before is not needed again.
    st.log.clear();
    st.replayed = 0;
    st.trial_id = req.trial_id;
    st.last_step = 0;
    c.cached = envelope(0, kind_cached_prepare, 0, msg::cached_prepare{req.trial_id, req.horizon, bars_key(req.series)}).bytes;
  }
  std::string artifact;  // where the coordinator keeps the model file a worker wrote
  if constexpr (std::is_same_v<Req, msg::evaluate_request>) artifact = req.artifact_path;
  if constexpr (std::is_same_v<Req, msg::optimize_request>) st.optimize_told = 0;
  c.reply = [rp, artifact](const msg::remote_call& r) mutable {
    Rep rep;
    if (!open(r, rep))
      rp.deliver(caf::make_error(caf::sec::invalid_argument, "cluster: an unreadable reply from a worker"));
    else if (!artifact.empty() && !r.file.empty() && !keep_file(artifact, r.file))
      rp.deliver(caf::make_error(msg::errc::train_failed,
                                 "evaluation failed: cannot write the model file " + artifact + " the worker sent"));
    else
      rp.deliver(std::move(rep));
  };
  c.fail = [rp](const caf::error& e) mutable { rp.deliver(e); };
  st.queue.push_back(std::move(c));
  pump(self);
  return rp;
}

remote_trainer_actor::behavior_type remote_behavior(remote_self self, caf::actor door,
                                                    std::chrono::milliseconds deadline) {
  harden(self);
  self->state.door = std::move(door);
  self->state.deadline = deadline;
  self->set_down_handler([=](caf::down_msg& d) {
    auto& st = self->state;
    if (st.at && st.at->host.address() == d.source) move_away(self, "was lost");
  });
  // Evaluations of an optimisation, on to the engine once each: not while
  // replaying, nor again when the optimisation in flight runs anew after a
  // move (the engine records each evaluation as a fitted configuration).
  self->set_default_handler([=](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
    auto& st = self->state;
    auto& content = x.content();
    msg::optimize_step s;
    if (content.match_elements<msg::remote_call>()) {
      const auto& c = content.get_as<msg::remote_call>(0);
      if (c.kind == kind_optimize_step && st.engine && st.replayed >= st.log.size() && open(c, s) &&
          s.index > st.optimize_told) {
        st.optimize_told = s.index;
        self->send(caf::actor_cast<engine_actor>(st.engine), s);
      }
    }
    return caf::message{};
  });
  return {
      [=](idle_atom, std::uint64_t activity) {
        auto& st = self->state;
        if (activity == st.activity && !st.busy && st.queue.empty() && st.at) let_go(self, true);
      },
      [=](msg::prepare_request& r) { return submit<msg::prepare_request, msg::prepared>(self, r); },
      [=](msg::fit_request& r) { return submit<msg::fit_request, msg::fit_started>(self, r); },
      [=](msg::fit_step_request& r) { return submit<msg::fit_step_request, msg::fit_progress>(self, r); },
      [=](msg::fit_stop_request& r) { return submit<msg::fit_stop_request, msg::fit_kept>(self, r); },
      [=](msg::optimize_request& r) { return submit<msg::optimize_request, msg::optimize_outcome>(self, r); },
      [=](msg::evaluate_request& r) { return submit<msg::evaluate_request, msg::evaluation>(self, r); },
      [=](msg::walk_forward_request& r) {
        return submit<msg::walk_forward_request, msg::walk_forward_started>(self, r);
      },
      [=](msg::walk_forward_step_request& r) {
        return submit<msg::walk_forward_step_request, msg::walk_forward_progress>(self, r);
      },
      [=](msg::walk_forward_collect& r) {
        return submit<msg::walk_forward_collect, msg::walk_forward_outcome>(self, r);
      },
  };
}

}  // namespace

std::chrono::milliseconds call_deadline(std::uint16_t kind, std::chrono::milliseconds every) {
  if (every.count() > 0) return every;
  // The engine waits 10 min for an optimisation, 1 min for a walk-forward
  // step and 5 min for the rest; a move needs time for the replay too.
  if (kind == kind_of<msg::optimize_request>) return 8min;
  if (kind == kind_of<msg::walk_forward_step_request>) return 40s;
  return 3min;
}

trainer_actor spawn_remote_trainer(caf::actor_system& sys, caf::actor door, std::chrono::milliseconds every) {
  return sys.spawn(remote_behavior, std::move(door), every);  // seen by the engine as a trainer
}

}  // namespace mlt::actors::cluster
