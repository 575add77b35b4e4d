// The coordinator's door: the one actor a worker can reach. It admits
// workers that prove the shared secret, places trainers on free slots and
// keeps the nodes' status. Placement and status answer only actors of this
// process: the door is published on the network before anyone is trusted.

#include <deque>
#include <map>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/cluster/cluster.hpp"
#include "actors/cluster/crypto.hpp"
#include "actors/harden.hpp"
#include "messages/cluster_msgs.hpp"

namespace mlt::actors::cluster {

namespace {

// Handshakes started but not finished; more are refused until they finish.
constexpr std::size_t max_open_handshakes = 64;

struct node {
  msg::node_status status;
  caf::actor host;
  std::vector<bool> taken;  // per slot
};

struct waiting_placement {
  msg::place_request req;
  caf::response_promise rp;
};

struct door_state {
  door_config cfg;
  std::vector<node> nodes;  // the coordinator first, then workers as they joined
  std::map<std::string, msg::cluster_hello> handshakes;  // by the coordinator's nonce
  std::deque<waiting_placement> waiting;
  int workers_joined = 0;
  static inline const char* name = "cluster_door";
};

using door_self = caf::stateful_actor<door_state>;

bool from_this_process(door_self* self) {
  const auto& s = self->current_sender();
  return s && s->node() == self->node();
}

std::string who(const msg::cluster_hello& h) {
  return h.node_name + " (pid " + std::to_string(h.pid) + ")";
}

// The node with the most free slots (the first of equals), not `avoid`
// unless nothing else is free; nullopt when every slot is taken.
std::optional<msg::placement> take_slot(door_self* self, const std::string& avoid) {
  node* best = nullptr;
  long best_free = 0;
  for (int pass = 0; pass < 2 && !best; ++pass) {
    for (auto& n : self->state.nodes) {
      if (pass == 0 && n.status.id == avoid) continue;
      const long free = std::count(n.taken.begin(), n.taken.end(), false);
      if (free > best_free) best = &n, best_free = free;
    }
  }
  if (!best) return std::nullopt;
  const auto slot = static_cast<std::int32_t>(std::find(best->taken.begin(), best->taken.end(), false) - best->taken.begin());
  best->taken[slot] = true;
  ++best->status.running;
  return msg::placement{best->status.id, best->host, slot};
}

void serve_waiting(door_self* self) {
  auto& w = self->state.waiting;
  while (!w.empty()) {
    auto p = take_slot(self, w.front().req.avoid);
    if (!p) return;
    w.front().rp.deliver(*p);
    w.pop_front();
  }
}

node* find_node(door_self* self, const std::string& id) {
  for (auto& n : self->state.nodes)
    if (n.status.id == id) return &n;
  return nullptr;
}

msg::cluster_challenge hello(door_self* self, const msg::cluster_hello& h) {
  auto& st = self->state;
  std::string refusal;
  if (h.protocol != msg::cluster_protocol)
    refusal = "it speaks cluster protocol " + std::to_string(h.protocol) + ", this coordinator " +
              std::to_string(msg::cluster_protocol) + " (run the same mltrainerd version on every node)";
  else if (h.slots < 1)
    refusal = "it offers no trainer slots";
  else if (st.handshakes.size() >= max_open_handshakes)
    refusal = "too many joins are under way; try again";
  if (!refusal.empty()) {
    st.cfg.warn("cluster: refused worker " + who(h) + ": " + refusal);
    return {"", "", refusal};
  }
  auto nonce = fresh_nonce();
  st.handshakes.emplace(nonce, h);
  return {nonce, coordinator_proof(st.cfg.secret, h.nonce), ""};
}

msg::cluster_welcome join(door_self* self, const msg::cluster_join& j) {
  auto& st = self->state;
  auto it = st.handshakes.find(j.nonce);
  if (it == st.handshakes.end()) return {"", "no handshake under way with that nonce"};
  const auto h = it->second;
  st.handshakes.erase(it);
  if (!same_proof(j.proof, worker_proof(st.cfg.secret, j.nonce, h.nonce))) {
    st.cfg.warn("cluster: refused worker " + who(h) + ": wrong cluster secret (its proof does not match ours)");
    return {"", "wrong cluster secret"};
  }
  if (!j.host) return {"", "no trainer host"};
  node n;
  n.status.id = "w" + std::to_string(++st.workers_joined);
  n.status.role = "worker";
  n.status.address = h.node_name;
  n.status.pid = h.pid;
  n.status.slots = h.slots;
  n.host = j.host;
  n.taken.assign(static_cast<std::size_t>(h.slots), false);
  self->monitor(j.host);
  st.cfg.info("cluster: worker " + n.status.id + " joined: " + who(h) + ", " + std::to_string(h.slots) +
              " trainer slot(s), " + std::to_string(h.cores) + " core(s)");
  auto id = n.status.id;
  st.nodes.push_back(std::move(n));
  serve_waiting(self);
  return {id, ""};
}

caf::behavior door_behavior(door_self* self, door_config cfg) {
  harden(self);
  auto& st = self->state;
  st.cfg = std::move(cfg);
  node local;
  local.status = msg::node_status{"coordinator", "coordinator", st.cfg.host_name, static_cast<std::int32_t>(::getpid()),
                                  st.cfg.local_slots, 0, 0};
  local.host = st.cfg.local_host;
  local.taken.assign(static_cast<std::size_t>(st.cfg.local_host ? st.cfg.local_slots : 0), false);
  st.nodes.push_back(std::move(local));
  self->set_down_handler([=](caf::down_msg& d) {
    auto& nodes = self->state.nodes;
    for (auto it = nodes.begin(); it != nodes.end(); ++it) {
      if (it->host.address() != d.source) continue;
      self->state.cfg.warn("cluster: worker " + it->status.id + " (" + it->status.address + ", pid " +
                           std::to_string(it->status.pid) + ") was lost: " + self->system().render(d.reason));
      nodes.erase(it);
      return;
    }
  });
  return {
      [=](msg::cluster_hello& h) { return hello(self, h); },
      [=](msg::cluster_join& j) { return join(self, j); },
      [=](msg::place_request& r) {
        const bool ours = from_this_process(self);  // before the promise takes the sender
        auto rp = self->make_response_promise();
        if (ours) {
          self->state.waiting.push_back({r, rp});
          serve_waiting(self);
        } else {
          rp.deliver(caf::make_error(caf::sec::unexpected_message));
        }
        return rp;
      },
      [=](msg::release_slot& r) {
        if (!from_this_process(self)) return;
        if (auto* n = find_node(self, r.node_id); n && r.slot >= 0 && r.slot < static_cast<int>(n->taken.size()) &&
                                                   n->taken[r.slot]) {
          n->taken[r.slot] = false;
          --n->status.running;
        }
        serve_waiting(self);
      },
      [=](msg::node_fit_done& f) {
        if (!from_this_process(self)) return;
        if (auto* n = find_node(self, f.node_id)) ++n->status.fits_done;
      },
      [=](msg::cluster_status_query&) {
        msg::cluster_status out;
        if (from_this_process(self))
          for (const auto& n : self->state.nodes) out.nodes.push_back(n.status);
        return out;
      },
  };
}

}  // namespace

caf::actor spawn_door(caf::actor_system& sys, door_config cfg) { return sys.spawn(door_behavior, std::move(cfg)); }

}  // namespace mlt::actors::cluster
