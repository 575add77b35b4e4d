// A node's trainers behind envelopes. The host keeps no state of its own
// but the bar cache: a trainer's state is rebuilt by replaying requests.

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>

#include <caf/all.hpp>

#include "actors/cluster/cluster.hpp"
#include "actors/cluster/envelope.hpp"
#include "actors/harden.hpp"

namespace mlt::actors::cluster {

namespace {

// Series cached per node; a universe of symbols fits, a leak does not.
constexpr std::size_t max_cached_series = 64;

struct host_state {
  std::vector<trainer_actor> trainers;
  std::vector<caf::actor> clients;  // per slot: the remote trainer it serves now
  std::map<std::string, msg::shared_bars> bars;  // shared with the trainers, never copied
  std::deque<std::string> bars_order;  // oldest first
  static inline const char* name = "trainer_host";
};

using host_self = caf::stateful_actor<host_state>;

void cache_bars(host_self* self, const msg::shared_bars& series) {
  auto& st = self->state;
  auto key = bars_key(series);
  if (st.bars.count(key)) return;
  st.bars.emplace(key, series);
  st.bars_order.push_back(key);
  if (st.bars_order.size() > max_cached_series) {
    st.bars.erase(st.bars_order.front());
    st.bars_order.pop_front();
  }
}

// A model file goes to this node's temporary folder, and back with the reply:
// the coordinator's models folder is not on this machine.
// One slot evaluates one request at a time, so pid and slot name it.
std::string local_artifact(msg::evaluate_request& req, std::int32_t slot) {
  if (req.artifact_path.empty()) return "";
  req.artifact_path = (std::filesystem::temp_directory_path() /
                       ("mltrainer-artifact-" + std::to_string(::getpid()) + "-" + std::to_string(slot)))
                          .string();
  return req.artifact_path;
}

std::vector<char> take_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::error_code ec;
  std::filesystem::remove(path, ec);
  return bytes;
}

// Hands `req` to the slot's trainer; its reply (or error) answers `rp`.
template <class Req, class Rep>
void forward(host_self* self, caf::response_promise rp, std::uint64_t seq, std::int32_t slot, Req req) {
  std::string file;
  if constexpr (std::is_same_v<Req, msg::evaluate_request>) file = local_artifact(req, slot);
  self->request(self->state.trainers[slot], caf::infinite, std::move(req))
      .then(
          [=](Rep& rep) mutable {
            auto reply = envelope(seq, kind_of<Req>, slot, rep);
            if (!file.empty()) reply.file = take_file(file);
            rp.deliver(std::move(reply));
          },
          [=](caf::error& e) mutable {
            if (!file.empty()) take_file(file);
            rp.deliver(std::move(e));
          });
}

caf::error bad_envelope(const msg::remote_call& c, const char* why) {
  return caf::make_error(caf::sec::invalid_argument,
                         "cluster: envelope kind " + std::to_string(c.kind) + " for slot " + std::to_string(c.slot) +
                             ": " + why);
}

void serve(host_self* self, const caf::actor& client, caf::response_promise rp, msg::remote_call& c) {
  auto& st = self->state;
  if (c.slot < 0 || c.slot >= static_cast<std::int32_t>(st.trainers.size()))
    return void(rp.deliver(bad_envelope(c, "this node has no such trainer slot")));
  st.clients[c.slot] = client;
  if (c.kind == kind_cached_prepare) {
    msg::cached_prepare p;
    if (!open(c, p)) return void(rp.deliver(bad_envelope(c, "unreadable")));
    auto it = st.bars.find(p.bars_key);
    if (it == st.bars.end()) return void(rp.deliver(msg::remote_call{c.seq, kind_need_bars, c.slot, {}, {}}));
    return forward<msg::prepare_request, msg::prepared>(self, rp, c.seq, c.slot,
                                                        msg::prepare_request{p.trial_id, it->second, p.horizon});
  }
  bool read = false;
  const bool known = with_call(c.kind, [&](auto* req_type, auto* rep_type) {
    using Req = std::remove_pointer_t<decltype(req_type)>;
    using Rep = std::remove_pointer_t<decltype(rep_type)>;
    Req req;
    if (!(read = open(c, req))) return;
    if constexpr (std::is_same_v<Req, msg::prepare_request>) cache_bars(self, req.series);
    forward<Req, Rep>(self, rp, c.seq, c.slot, std::move(req));
  });
  if (!known) rp.deliver(bad_envelope(c, "unknown kind (another protocol version?)"));
  else if (!read) rp.deliver(bad_envelope(c, "unreadable"));
}

caf::behavior host_behavior(host_self* self, int slots, make_trainer_fn make) {
  harden(self);
  for (int i = 0; i < slots; ++i) {
    self->state.trainers.push_back(make(self->system()));
    self->state.clients.emplace_back();
  }
  return {
      [=](msg::remote_call& c) {
        // Before the promise takes the sender over.
        auto client = caf::actor_cast<caf::actor>(self->current_sender());
        auto rp = self->make_response_promise();
        serve(self, client, rp, c);
        return rp;
      },
      // A trainer's optimiser reports each evaluation to whoever asked: the
      // remote trainer of its slot.
      [=](msg::optimize_step& s) {
        auto& st = self->state;
        const auto from = caf::actor_cast<caf::actor_addr>(self->current_sender());
        for (std::size_t i = 0; i < st.trainers.size(); ++i)
          if (st.trainers[i].address() == from && st.clients[i])
            self->send(st.clients[i], envelope(0, kind_optimize_step, static_cast<std::int32_t>(i), s));
      },
  };
}

}  // namespace

caf::actor spawn_trainer_host(caf::actor_system& sys, int slots, make_trainer_fn make) {
  return sys.spawn(host_behavior, slots, std::move(make));
}

}  // namespace mlt::actors::cluster
