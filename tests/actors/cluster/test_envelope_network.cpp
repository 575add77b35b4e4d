// A fit's NaN and infinities cross the real network path (CAF's BASP over
// TCP on loopback, two actor systems) unchanged, in the cluster's envelopes;
// CAF's own binary format would turn NaN into -1 (and hang on an infinity).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/cluster/cluster.hpp"
#include "actors/cluster/envelope.hpp"
#include "tests/actors/cluster/stub_trainer.hpp"
#include "messages/type_ids.hpp"

using namespace mlt;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

// A trainer whose every fit step measured nothing finite.
test::stub_trainer_hooks odd_steps() {
  test::stub_trainer_hooks h;
  h.step = [](actors::trainer_actor::pointer, const msg::fit_step_request& r) {
    msg::fit_progress p;
    p.trial_id = r.trial_id;
    p.step = 14;
    p.train_loss = nan_value;
    p.val_loss = inf_value;
    p.val_accuracy = -inf_value;
    p.unit = "epoch";
    return caf::result<msg::fit_progress>(p);
  };
  return h;
}

struct node_config : caf::actor_system_config {
  node_config() {
    msg::register_message_types(*this);
    load<caf::io::middleman>();
    set("logger.console", caf::atom("none"));
  }
};

}  // namespace

TEST_CASE("NaN and infinities of a fit step survive the network in an envelope", "[cluster]") {
  node_config worker_cfg, coordinator_cfg;
  caf::actor_system worker{worker_cfg}, coordinator{coordinator_cfg};
  auto host = actors::cluster::spawn_trainer_host(worker, 1, [](caf::actor_system& sys) {
    return actors::trainer_actor{sys.spawn(test::stub_trainer, odd_steps())};
  });
  auto port = caf::io::publish(host, 0, "127.0.0.1");
  REQUIRE(port);
  auto remote_host = caf::io::remote_actor(coordinator, "127.0.0.1", *port);
  REQUIRE(remote_host);

  caf::scoped_actor self{coordinator};
  namespace cl = actors::cluster;
  msg::fit_progress got;
  bool answered = false;
  self->request(*remote_host, std::chrono::seconds(10),
                cl::envelope(1, cl::kind_of<msg::fit_step_request>, 0, msg::fit_step_request{msg::trial_id{7}}))
      .receive(
          [&](msg::remote_call& r) {
            CHECK(r.seq == 1);
            CHECK(r.kind == cl::kind_of<msg::fit_step_request>);
            answered = cl::open(r, got);
          },
          [&](caf::error& e) { FAIL(coordinator.render(e)); });
  REQUIRE(answered);
  CHECK(got.trial_id == mlt::msg::trial_id{7});
  CHECK(got.step == 14);
  CHECK(std::isnan(got.train_loss));
  CHECK(got.val_loss == inf_value);
  CHECK(got.val_accuracy == -inf_value);
  CHECK(got.unit == "epoch");

  // Why the envelope: CAF 0.17's own format does not keep a NaN.
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  double x = nan_value;
  REQUIRE_FALSE(sink(x));
  caf::binary_deserializer source{nullptr, buf};
  double y = 0;
  REQUIRE_FALSE(source(y));
  CHECK_FALSE(std::isnan(y));

  // A request of another protocol is refused by name, not misread.
  self->request(*remote_host, std::chrono::seconds(10), msg::remote_call{2, 999, 0, {}, {}})
      .receive([&](msg::remote_call&) { FAIL("an unknown kind was answered"); },
               [&](caf::error& e) { CHECK_THAT(coordinator.render(e), Catch::Contains("unknown kind")); });

  // The network layer keeps the published host registered: end it first.
  caf::scoped_actor on_worker{worker};
  on_worker->send_exit(host, caf::exit_reason::user_shutdown);
  on_worker->wait_for(host);
}

TEST_CASE("the door refuses another protocol by name and serves placements and status only to its own process",
          "[cluster]") {
  node_config coordinator_cfg, stranger_cfg;
  caf::actor_system coordinator{coordinator_cfg}, stranger{stranger_cfg};
  std::vector<std::string> warnings;
  actors::cluster::door_config dc;
  dc.secret = "a-long-enough-cluster-secret";
  dc.host_name = "test";
  dc.info = [](const std::string&) {};
  dc.warn = [&](const std::string& line) { warnings.push_back(line); };
  auto door = actors::cluster::spawn_door(coordinator, dc);
  auto port = caf::io::publish(door, 0, "127.0.0.1");
  REQUIRE(port);
  auto remote_door = caf::io::remote_actor(stranger, "127.0.0.1", *port);
  REQUIRE(remote_door);
  caf::scoped_actor self{stranger};

  msg::cluster_hello hello{msg::cluster_protocol + 1, "elsewhere", 42, 2, 1, "00"};
  self->request(*remote_door, std::chrono::seconds(10), hello)
      .receive([&](msg::cluster_challenge& c) { CHECK_THAT(c.refusal, Catch::Contains("cluster protocol")); },
               [&](caf::error& e) { FAIL(stranger.render(e)); });
  // Placements and the nodes' status are not for other processes.
  self->request(*remote_door, std::chrono::seconds(10), msg::place_request{})
      .receive([&](msg::placement&) { FAIL("a stranger got a placement"); },
               [&](caf::error& e) { CHECK(e == caf::sec::unexpected_message); });
  self->request(*remote_door, std::chrono::seconds(10), msg::cluster_status_query{})
      .receive([&](msg::cluster_status& s) { CHECK(s.nodes.empty()); },
               [&](caf::error& e) { FAIL(stranger.render(e)); });

  caf::scoped_actor local{coordinator};
  local->request(door, std::chrono::seconds(10), msg::cluster_status_query{})
      .receive([&](msg::cluster_status& s) {
                 REQUIRE(s.nodes.size() == 1);
                 CHECK(s.nodes[0].id == "coordinator");
               },
               [&](caf::error& e) { FAIL(coordinator.render(e)); });
  local->send_exit(door, caf::exit_reason::user_shutdown);
  local->wait_for(door);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("refused worker elsewhere (pid 42)"));
  CHECK_THAT(warnings[0], !Catch::Contains(dc.secret));
}
