// A link cut, not a process killed: a worker in a network namespace of its
// own, joined over a veth pair, goes silent mid-fit when the link is pulled
// down (no FIN, no RST). CAF's heartbeats notice the silence, the worker is
// lost, and the fit finishes on the other worker with the single-node report.
//
// Namespaces need root (CAP_SYS_ADMIN, CAP_NET_ADMIN). This test process
// moves into a network namespace of its own first, so its coordinator and
// links never touch the machine's network; where that is refused it says so
// and exits 77, which ctest reports as skipped.
#include <catch2/catch.hpp>

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "tests/support/cluster_trial.hpp"

using namespace mlt::test;

namespace {

constexpr int skip_exit_code = 77;
const std::string coordinator_ip = "10.213.7.1";
const std::string worker_ip = "10.213.7.2";

int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

[[noreturn]] void skip(const std::string& why) {
  std::cout << "SKIPPED: the link-cut test needs network namespaces: " << why << "; run the test as root."
            << std::endl;
  std::exit(skip_exit_code);
}

// This process (and the coordinator it starts) in a namespace of its own,
// and the worker's namespace joined to it by a veth pair.
struct split_network {
  std::string ns = "mlt-worker-" + std::to_string(::getpid());

  split_network() {
    if (::unshare(CLONE_NEWNET) != 0) {
      const int err = errno;
      INFO("unshare(CLONE_NEWNET): " << std::strerror(err));
      REQUIRE((err == EPERM || err == EACCES));  // anything else is a failure, not a skip
      skip(std::string("unshare(CLONE_NEWNET) was refused (") + std::strerror(err) + ")");
    }
    if (run("ip link set lo up") != 0) skip("'ip link set lo up' failed (is iproute2 installed?)");
    if (run("ip netns add " + ns) != 0) skip("'ip netns add' was refused");
    const std::string in_ns = "ip netns exec " + ns + " ";
    const std::vector<std::string> steps = {
        "ip link add mlt-c type veth peer name mlt-w", "ip link set mlt-w netns " + ns,
        "ip addr add " + coordinator_ip + "/30 dev mlt-c", "ip link set mlt-c up",
        in_ns + "ip addr add " + worker_ip + "/30 dev mlt-w", in_ns + "ip link set mlt-w up", in_ns + "ip link set lo up"};
    for (const auto& step : steps) {
      INFO(step);
      REQUIRE(run(step) == 0);
    }
  }
  ~split_network() { run("ip netns del " + ns); }  // the veth pair goes with it

  std::vector<std::string> launcher() const { return {"ip", "netns", "exec", ns}; }
  // Pulls the link down: the worker's packets go nowhere, and nothing says so.
  void cut() const { CHECK(run("ip link set mlt-c down") == 0); }
};

}  // namespace

TEST_CASE("a worker whose link is cut mid-fit is lost by CAF's heartbeats; the fit finishes on the other worker",
          "[cluster][integration][netns]") {
  split_network net;
  const std::string request = "Run trial on TSLA with logistic";
  const auto reference = single_node("cluster-ref-netns", request);

  const auto cfg = config_file("cluster-netns-config", R"({"cluster": {"bind": ")" + coordinator_ip + R"("}})");
  coordinator_process coord(fresh_dir("cluster-netns"), 0, {"--config", cfg});
  const auto port = coord.daemon.port();
  // The far worker joins first: w1, the first of equals, gets the trial.
  worker_process far(coord.cluster_port, 1, test_cluster_secret, {}, {coordinator_ip, net.launcher()});
  REQUIRE(wait_for_cluster(port, [](const std::string& b) { return has_workers(b, 1); }));
  worker_process near(coord.cluster_port, 1, test_cluster_secret, {}, {coordinator_ip, {}});
  REQUIRE(wait_for_cluster(port, [](const std::string& b) { return has_workers(b, 2); }));

  std::string busy;
  const auto started = std::chrono::steady_clock::now();
  const auto out = run_trial(
      port, request,
      [&] {
        busy = busy_worker(port).id;
        net.cut();
      },
      "iteration");
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(far.log());
  CHECK(busy == "w1");
  // Lost by silence (the heartbeat timeout, 10 s), not by a request's
  // 3-minute deadline.
  moved_elsewhere(out, reference, "w1", "was lost ");
  CHECK(took < std::chrono::seconds(120));
  CHECK_THAT(coord.log(), Catch::Contains("cluster: worker w1 ("));
  CHECK(far.printed("lost the coordinator", 20));  // its own heartbeats, 10 s after the cut
  CHECK(coord.daemon.stop() == 0);
}
