// Placement and re-placement on CAF's simulated network (caf/test/io_dsl.hpp):
// a coordinator ("earth") and two worker nodes ("mars", "jupiter") joined
// through the door's real handshake over BASP on the test multiplexer, no
// sockets, every message and timeout run when the test says so. A fit goes
// to the node with a free slot; a lost node's fit, and one that missed its
// deadline, move to the other node, replay there and answer as if nothing
// had happened, and the engine hears one line about it. (The three systems
// share this process's node id, so the door's "only our own process" check
// is tested over real TCP in test_envelope_network.cpp, not here.)

#define CAF_SUITE actors.cluster.placement

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/test/io_dsl.hpp>

#include "actors/cluster/cluster.hpp"
#include "actors/cluster/crypto.hpp"
#include "messages/cluster_msgs.hpp"
#include "messages/type_ids.hpp"
#include "tests/actors/cluster/stub_trainer.hpp"

using namespace mlt;

namespace {

const std::string secret = "placement-test-secret-0123456789";
constexpr std::uint16_t cluster_port = 8766;

// What one node's trainer was asked, in order; `stall` leaves fit steps
// unanswered (a stopped or partitioned node).
struct trainer_log {
  std::vector<std::string> seen;
  bool stall = false;
  std::vector<caf::typed_response_promise<msg::fit_progress>> held;  // never delivered
  std::vector<caf::typed_response_promise<msg::optimize_outcome>> held_optimisations;
};

// A trainer that counts its fit steps from its last prepare, so a replay
// that rebuilt its state shows in the step it answers next.
test::stub_trainer_hooks counting_steps(std::shared_ptr<trainer_log> log) {
  auto steps = std::make_shared<std::int32_t>(0);
  test::stub_trainer_hooks h;
  h.prepare = [=](const msg::prepare_request& r) {
    log->seen.push_back("prepare");
    *steps = 0;
    msg::prepared p;
    p.trial_id = r.trial_id;
    return p;
  };
  h.fit = [=](const msg::fit_request&) {
    log->seen.push_back("fit");
    return msg::fit_started{};
  };
  h.step = [=](actors::trainer_actor::pointer self, const msg::fit_step_request& r) -> caf::result<msg::fit_progress> {
    log->seen.push_back("step");
    if (log->stall) {
      log->held.push_back(self->make_response_promise<msg::fit_progress>());
      return log->held.back();
    }
    msg::fit_progress p;
    p.trial_id = r.trial_id;
    p.step = ++*steps;
    p.unit = "epoch";
    return p;
  };
  // Three evaluations; a stalled node gets through two and then says nothing.
  h.optimize = [=](actors::trainer_actor::pointer self,
                   const msg::optimize_request& r) -> caf::result<msg::optimize_outcome> {
    log->seen.push_back("optimize");
    const auto to = caf::actor_cast<actors::engine_actor>(self->current_sender());
    for (std::int32_t i = 1; i <= (log->stall ? 2 : 3); ++i) self->send(to, msg::optimize_step{r.trial_id, i, 3, {}, 0, 0});
    if (log->stall) {
      log->held_optimisations.push_back(self->make_response_promise<msg::optimize_outcome>());
      return log->held_optimisations.back();
    }
    msg::optimize_outcome o;
    o.trial_id = r.trial_id;
    o.evaluations = 3;
    return o;
  };
  return h;
}

struct node_config : caf::actor_system_config {
  node_config() {
    msg::register_message_types(*this);
    load<caf::io::middleman>();
  }
};

using planet = test_node_fixture<test_coordinator_fixture<node_config>>;

struct cluster_fixture : test_network_fixture_base<planet> {
  planet earth, mars, jupiter;
  std::vector<std::string> warnings;  // the door's warn lines
  caf::actor door;
  std::shared_ptr<trainer_log> mars_log = std::make_shared<trainer_log>();
  std::shared_ptr<trainer_log> jupiter_log = std::make_shared<trainer_log>();
  caf::actor mars_host, jupiter_host;
  std::vector<caf::actor> ends;  // every actor a test made, ended before the systems end

  cluster_fixture()
      : test_network_fixture_base<planet>({&earth, &mars, &jupiter}),
        earth(exec_all_callback()),
        mars(exec_all_callback()),
        jupiter(exec_all_callback()) {
    exec_all();
    actors::cluster::door_config dc;
    dc.secret = secret;
    dc.host_name = "earth";
    dc.info = [](const std::string&) {};
    dc.warn = [this](const std::string& line) { warnings.push_back(line); };
    door = actors::cluster::spawn_door(earth.sys, dc);  // no slots of its own: --local-trainers 0
    const auto acceptor = next_accept_handle();
    prepare_connection(earth, mars, "earth", cluster_port, acceptor);
    prepare_connection(earth, jupiter, "earth", cluster_port, acceptor);
    CAF_REQUIRE_EQUAL(earth.publish(door, cluster_port), cluster_port);
    mars_host = host_on(mars, mars_log);
    jupiter_host = host_on(jupiter, jupiter_log);
    CAF_REQUIRE_EQUAL(join(mars, mars_host, "mars"), "w1");
    CAF_REQUIRE_EQUAL(join(jupiter, jupiter_host, "jupiter"), "w2");
  }

  ~cluster_fixture() {
    ends.push_back(door);
    ends.push_back(mars_host);
    ends.push_back(jupiter_host);
    for (auto& a : ends) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    exec_all();
  }

  // Every message and every byte on the wire; timeouts only on the worker
  // nodes: the remote trainer's idle and deadline timers on the coordinator
  // fire only when a test says so.
  void settle() {
    auto advance = [](planet* x) {
      return x->sched.try_run_once() || x->mpx.read_data() || x->mpx.try_exec_runnable() ||
             x->mpx.try_accept_connection();
    };
    for (;;) {
      while (advance(&earth) || advance(&mars) || advance(&jupiter)) {
      }
      mars.sched.trigger_timeouts();
      jupiter.sched.trigger_timeouts();
      if (!(advance(&earth) || advance(&mars) || advance(&jupiter))) return;
    }
  }

  caf::actor host_on(planet& p, std::shared_ptr<trainer_log> log) {
    return actors::cluster::spawn_trainer_host(p.sys, 1, [this, log](caf::actor_system& sys) {
      auto t = sys.spawn(test::stub_trainer, counting_steps(log));
      ends.push_back(caf::actor_cast<caf::actor>(t));
      return t;
    });
  }

  // The worker's side of the handshake, as worker_node does it; the node id.
  std::string join(planet& p, const caf::actor& host, const std::string& name) {
    auto remote_door = p.remote_actor("earth", cluster_port);
    const auto nonce = actors::cluster::fresh_nonce();
    msg::cluster_challenge challenge;
    auto hello = p.self->request(remote_door, caf::infinite,
                                 msg::cluster_hello{msg::cluster_protocol, name, static_cast<std::int32_t>(::getpid()),
                                                    2, 1, nonce});
    settle();

    hello.receive([&](msg::cluster_challenge& c) { challenge = std::move(c); },
                  [](caf::error& e) { CAF_FAIL("hello: " << to_string(e)); });
    CAF_CHECK(actors::cluster::same_proof(challenge.proof, actors::cluster::coordinator_proof(secret, nonce)));
    msg::cluster_welcome welcome;
    auto j = p.self->request(
        remote_door, caf::infinite,
        msg::cluster_join{challenge.nonce, actors::cluster::worker_proof(secret, challenge.nonce, nonce), host});
    settle();
    j.receive([&](msg::cluster_welcome& w) { welcome = std::move(w); },
              [](caf::error& e) { CAF_FAIL("join: " << to_string(e)); });
    return welcome.node_id;
  }

  std::vector<msg::node_status> nodes() {
    std::vector<msg::node_status> out;
    auto q = earth.self->request(door, caf::infinite, msg::cluster_status_query{});
    settle();
    q.receive([&](msg::cluster_status& s) { out = s.nodes; }, [](caf::error& e) { CAF_FAIL(to_string(e)); });
    return out;
  }

  std::int32_t running_on(const std::string& id) {
    for (const auto& n : nodes())
      if (n.id == id) return n.running;
    return -1;
  }

  // The engine's side: one request to `trainer` from earth's test actor.
  template <class Answer, class Request>
  Answer ask(const actors::trainer_actor& trainer, Request req) {
    Answer out;
    auto r = earth.self->request(trainer, caf::infinite, std::move(req));
    settle();
    r.receive([&](Answer& a) { out = std::move(a); }, [](caf::error& e) { CAF_FAIL(to_string(e)); });
    return out;
  }

  // The engine's side of a trial's start: prepare, fit, one step.
  void start_fit(const actors::trainer_actor& trainer) {
    ask<msg::prepared>(trainer, msg::prepare_request{msg::trial_id{7}, msg::shared_bars{ml::bar_series{}}, 1});
    ask<msg::fit_started>(trainer, msg::fit_request{msg::trial_id{7}, "logistic", {}, 0.7, 0.15, 1, 42});
    CAF_CHECK_EQUAL(ask<msg::fit_progress>(trainer, msg::fit_step_request{msg::trial_id{7}}).step, 1);
  }

  // The transcript line the remote trainer sent its engine, or "".
  std::string moved_line() {
    std::string text;
    earth.self->receive([&](msg::trainer_moved& m) { text = m.text; },
                        caf::after(std::chrono::seconds(0)) >> [] {});
    return text;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(cluster_placement_tests, cluster_fixture)

CAF_TEST(workers join over the simulated network and each placement takes a free slot) {
  auto ns = nodes();
  CAF_REQUIRE_EQUAL(ns.size(), 3u);
  CAF_CHECK_EQUAL(ns[0].id, "coordinator");
  CAF_CHECK_EQUAL(ns[0].slots, 0);
  CAF_CHECK_EQUAL(ns[1].address, "mars");
  CAF_CHECK_EQUAL(ns[2].address, "jupiter");
  auto place = [&] { return earth.self->request(door, caf::infinite, msg::place_request{""}); };
  std::vector<std::string> placed;
  auto first = place();
  settle();
  first.receive([&](msg::placement& p) { placed.push_back(p.node_id); }, [](caf::error& e) { CAF_FAIL(to_string(e)); });
  auto second = place();
  settle();
  second.receive([&](msg::placement& p) { placed.push_back(p.node_id); },
                 [](caf::error& e) { CAF_FAIL(to_string(e)); });
  CAF_CHECK_EQUAL(placed, (std::vector<std::string>{"w1", "w2"}));
  CAF_CHECK_EQUAL(running_on("w1"), 1);
  CAF_CHECK_EQUAL(running_on("w2"), 1);
  // Every slot is taken: the third waits until one is given back.
  auto third = place();
  settle();
  earth.self->send(door, msg::release_slot{"w2", 0});
  settle();
  third.receive([&](msg::placement& p) { placed.push_back(p.node_id); }, [](caf::error& e) { CAF_FAIL(to_string(e)); });
  CAF_CHECK_EQUAL(placed.back(), "w2");
}

CAF_TEST(a fit on a lost node moves to the other node and continues from the replayed state) {
  auto trainer = actors::cluster::spawn_remote_trainer(earth.sys, door);
  start_fit(trainer);
  CAF_CHECK_EQUAL(running_on("w1"), 1);
  CAF_CHECK_EQUAL(mars_log->seen, (std::vector<std::string>{"prepare", "fit", "step"}));
  // Mars's trainers go away; the door and the remote trainer hear it over BASP.
  mars.self->send_exit(mars_host, caf::exit_reason::kill);
  settle();
  CAF_REQUIRE_EQUAL(warnings.size(), 1u);
  CAF_CHECK_NOT_EQUAL(warnings[0].find("cluster: worker w1 (mars, pid"), std::string::npos);
  CAF_CHECK_EQUAL(nodes().size(), 2u);
  // The next step is answered by jupiter as the second step: the first was replayed there.
  CAF_CHECK_EQUAL(ask<msg::fit_progress>(trainer, msg::fit_step_request{msg::trial_id{7}}).step, 2);
  CAF_CHECK_EQUAL(jupiter_log->seen, (std::vector<std::string>{"prepare", "fit", "step", "step"}));
  CAF_CHECK_EQUAL(running_on("w2"), 1);
  CAF_CHECK_EQUAL(moved_line(), "worker w1 was lost at step 1; the fit restarted on w2");
  ends.push_back(caf::actor_cast<caf::actor>(trainer));
}

CAF_TEST(a fit step that misses its deadline on a silent node is re-placed and answered there) {
  auto trainer = actors::cluster::spawn_remote_trainer(earth.sys, door);
  start_fit(trainer);
  mars_log->stall = true;  // mars stays connected and says nothing
  auto step = earth.self->request(trainer, caf::infinite, msg::fit_step_request{msg::trial_id{7}});
  settle();
  CAF_CHECK_EQUAL(mars_log->held.size(), 1u);
  // The deadline passes (the test clock jumps to it): mars's slot is given
  // back, it stays a node, and the fit replays on jupiter.
  earth.sched.trigger_timeouts();
  settle();
  step.receive([&](msg::fit_progress& p) { CAF_CHECK_EQUAL(p.step, 2); },
               [](caf::error& e) { CAF_FAIL(to_string(e)); });
  CAF_CHECK_EQUAL(jupiter_log->seen, (std::vector<std::string>{"prepare", "fit", "step", "step"}));
  CAF_CHECK_EQUAL(running_on("w1"), 0);
  CAF_CHECK_EQUAL(running_on("w2"), 1);
  CAF_CHECK_EQUAL(nodes().size(), 3u);
  CAF_CHECK_EQUAL(moved_line(), "worker w1 missed its deadline at step 1; the fit restarted on w2");
  ends.push_back(caf::actor_cast<caf::actor>(trainer));
}

CAF_TEST(an optimisation moved off a lost node tells the engine each evaluation once) {
  auto trainer = actors::cluster::spawn_remote_trainer(earth.sys, door);
  start_fit(trainer);
  mars_log->stall = true;  // two evaluations reach the engine, then mars is lost
  auto optimisation = earth.self->request(trainer, caf::infinite, msg::optimize_request{msg::trial_id{7}, "logistic", 3, 60, 42});
  settle();
  mars.self->send_exit(mars_host, caf::exit_reason::kill);
  settle();
  optimisation.receive([](msg::optimize_outcome& o) { CAF_CHECK_EQUAL(o.evaluations, 3); },
                       [](caf::error& e) { CAF_FAIL(to_string(e)); });
  // Jupiter ran all three again; the engine heard 1 and 2 from mars and only 3 from jupiter.
  std::vector<std::int32_t> told;
  for (bool more = true; more;) {
    more = false;
    earth.self->receive([&](msg::optimize_step& s) { told.push_back(s.index), more = true; },
                        [&](msg::trainer_moved&) { more = true; }, caf::after(std::chrono::seconds(0)) >> [] {});
  }
  CAF_CHECK_EQUAL(told, (std::vector<std::int32_t>{1, 2, 3}));
  CAF_CHECK_EQUAL(jupiter_log->seen, (std::vector<std::string>{"prepare", "fit", "step", "optimize"}));
  ends.push_back(caf::actor_cast<caf::actor>(trainer));
}

CAF_TEST_FIXTURE_SCOPE_END()
