// A coordinator and two workers as separate processes on loopback: a trial's
// fit runs on a worker and reports what a single daemon reports for the same
// plan; a worker killed with SIGKILL mid-fit, or stopped with SIGSTOP until
// its request misses the deadline, costs a replay on the other worker, one
// transcript line, and nothing else.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/cluster_trial.hpp"

using namespace mlt::test;

namespace {

// A coordinator without trainer slots of its own and two joined workers of
// one trainer each; `extra` are more flags for the coordinator.
struct two_worker_cluster {
  explicit two_worker_cluster(const std::string& name, const std::vector<std::string>& extra = {})
      : coord(fresh_dir(name), 0, extra), w1(coord.cluster_port), w2(coord.cluster_port) {
    REQUIRE(wait_for_cluster(coord.daemon.port(), [](const std::string& b) { return has_workers(b, 2); }));
  }
  coordinator_process coord;
  worker_process w1, w2;
};

}  // namespace

TEST_CASE("with --local-trainers 0 a trial's fit runs on a worker and reports what a single daemon reports",
          "[cluster][integration]") {
  const std::string request = "Run trial on TSLA with logistic";
  const auto reference = single_node("cluster-ref-logistic", request);

  two_worker_cluster cluster("cluster-trial");
  auto& [coord, w1, w2] = cluster;

  const auto out = run_trial(coord.daemon.port(), request, [] {});
  CHECK(out.report == reference.report);
  // The model for forward paper trading is kept on the coordinator, though a
  // worker fitted it (it sends the file back), and the worker kept no copy.
  std::size_t models = 0;
  for (const auto& f : std::filesystem::directory_iterator(coord.state_dir + "/models")) models += f.is_regular_file();
  CHECK(models == 1);
  for (const auto* w : {&w1, &w2})
    CHECK_FALSE(std::filesystem::exists(std::filesystem::temp_directory_path() /
                                        ("mltrainer-artifact-" + std::to_string(w->pid()) + "-0")));
  // The coordinator has no slots: the fits were done by the workers.
  CHECK(fits_done(coord.daemon.port(), "coordinator") == 0);
  CHECK(fits_done(coord.daemon.port(), "w1") + fits_done(coord.daemon.port(), "w2") >= 1);
  CHECK(coord.daemon.stop() == 0);
}

TEST_CASE("a worker killed with SIGKILL mid-fit: the fit restarts on the other worker with the same result",
          "[cluster][integration]") {
  const std::string request = "Run trial on TSLA with lstm";
  const auto reference = single_node("cluster-ref-lstm", request);

  two_worker_cluster cluster("cluster-kill");
  auto& [coord, w1, w2] = cluster;

  std::string killed, scraped_before;
  const auto out = run_trial(coord.daemon.port(), request, [&] {
    const auto busy = busy_worker(coord.daemon.port());
    killed = busy.id;
    scraped_before = http_get(coord.daemon.port(), "/metrics");
    for (auto* w : {&w1, &w2})
      if (w->pid() == busy.pid) w->stop(SIGKILL);
  });
  INFO("killed " << killed);
  const auto survivor = moved_elsewhere(out, reference, killed, "was lost ");
  CHECK(fits_done(coord.daemon.port(), survivor) >= 1);  // killed mid-fit: the fit was finished there
  CHECK(coord.log().find("worker " + killed) != std::string::npos);  // "... was lost: ..."
  // The lost worker's gauges left /metrics; the survivor's stayed.
  const auto scraped_after = http_get(coord.daemon.port(), "/metrics");
  CHECK_THAT(scraped_before, Catch::Contains("mltrainer_cluster_node_slots{node=\"" + killed + "\",role=\"worker\"} 1"));
  CHECK_THAT(scraped_after, !Catch::Contains("node=\"" + killed + "\""));
  CHECK_THAT(scraped_after, Catch::Contains("mltrainer_cluster_node_slots{node=\"" + survivor + "\",role=\"worker\"} 1"));
  CHECK(coord.daemon.stop() == 0);
}

TEST_CASE("a worker stopped with SIGSTOP mid-fit misses the deadline; the fit is re-placed and the trial completes",
          "[cluster][integration]") {
  const std::string request = "Run trial on TSLA with logistic";
  const auto reference = single_node("cluster-ref-logistic-stop", request);

  // Eight seconds for every forwarded request instead of minutes: a logistic
  // trial's requests take well under a second each here.
  const auto cfg = config_file("cluster-stop-config", R"({"cluster": {"call_deadline_ms": 8000}})");
  two_worker_cluster cluster("cluster-stop", {"--config", cfg});
  auto& [coord, w1, w2] = cluster;

  std::string stopped;
  pid_t stopped_pid = 0;
  const auto started = std::chrono::steady_clock::now();
  const auto out = run_trial(
      coord.daemon.port(), request,
      [&] {
        const auto busy = busy_worker(coord.daemon.port());
        stopped = busy.id;
        stopped_pid = static_cast<pid_t>(busy.pid);
        if (stopped_pid > 0) ::kill(stopped_pid, SIGSTOP);  // alive, connected, and silent
      },
      "iteration");
  const auto took = std::chrono::steady_clock::now() - started;
  INFO("stopped " << stopped);
  moved_elsewhere(out, reference, stopped, "missed its deadline");
  // It waited for the deadline, not for the engine's minutes.
  CHECK(took >= std::chrono::seconds(8));
  CHECK(took < std::chrono::seconds(150));
  ::kill(stopped_pid, SIGCONT);
  CHECK(coord.daemon.stop() == 0);
}

TEST_CASE("over TLS (a self-signed certificate made at test time) a worker joins and a trial's fit runs on it",
          "[cluster][integration][tls]") {
  const std::string request = "Run trial on TSLA with logistic";
  const auto reference = single_node("cluster-ref-logistic-tls", request);
  const test_certificate tls;
  coordinator_process coord(fresh_dir("cluster-tls-trial"), 0, tls.flags());
  worker_process w(coord.cluster_port, 1, test_cluster_secret, tls.flags());
  REQUIRE(wait_for_cluster(coord.daemon.port(), [](const std::string& b) { return has_workers(b, 1); }));
  CHECK_THAT(w.log(), Catch::Contains("over TLS"));
  const auto out = run_trial(coord.daemon.port(), request, [] {}, "iteration");
  CHECK(out.report == reference.report);
  CHECK(fits_done(coord.daemon.port(), "w1") >= 1);
  CHECK(coord.daemon.stop() == 0);
}

TEST_CASE("a universe trial spreads over both workers and answers with one table", "[cluster][integration]") {
  two_worker_cluster cluster("cluster-universe");
  auto& [coord, w1, w2] = cluster;
  chat_connection conn(coord.daemon.port());
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");
  propose_and_approve(c, r, "Run trial on AAPL and NVDA with logistic");
  CHECK_THAT(r.until("reply").str("text"), Catch::Contains("Running the same plan once per symbol:"));
  auto u = r.until("universe_report", std::chrono::seconds(300));
  CHECK_THAT(u.str("text"), Catch::Contains("2 of 2 trials finished"));
  // Both arms ran at once, one trainer on each worker; none on the coordinator.
  CHECK(fits_done(coord.daemon.port(), "coordinator") == 0);
  CHECK(fits_done(coord.daemon.port(), "w1") >= 1);
  CHECK(fits_done(coord.daemon.port(), "w2") >= 1);
  CHECK(coord.daemon.stop() == 0);
}
