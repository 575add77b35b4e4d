// Joining a cluster: a worker with the wrong secret is refused, and both
// sides say so; a worker outlives a coordinator restart and rejoins by itself.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "tests/support/cluster_process.hpp"

using namespace mlt::test;

namespace {
bool worker_count(const std::string& body, const char* id) {
  return body.find(std::string("\"id\":\"") + id + "\"") != std::string::npos;
}
}  // namespace

TEST_CASE("a worker with the wrong secret is refused with a clear line on both sides and exits",
          "[cluster][integration]") {
  coordinator_process coord(fresh_dir("cluster-secret"));
  worker_process intruder(coord.cluster_port, 1, "not-the-cluster-secret-at-all");
  CHECK(intruder.wait_exit(20) == 1);
  CHECK_THAT(intruder.log(), Catch::Contains("refused this worker: wrong cluster secret"));
  CHECK_THAT(coord.log(), Catch::Contains("refused worker"));
  CHECK_THAT(coord.log(), Catch::Contains("wrong cluster secret"));
  // Neither side wrote a secret down.
  CHECK_THAT(coord.log(), !Catch::Contains(test_cluster_secret));
  CHECK_THAT(intruder.log(), !Catch::Contains("not-the-cluster-secret-at-all"));
  const auto nodes = http_get(coord.daemon.port(), "/api/cluster");
  CHECK_THAT(nodes, Catch::Contains("\"id\":\"coordinator\""));
  CHECK_THAT(nodes, !Catch::Contains("\"role\":\"worker\""));
  CHECK(coord.daemon.stop() == 0);
}

TEST_CASE("a worker reconnects by itself after the coordinator restarts", "[cluster][integration]") {
  const auto dir = fresh_dir("cluster-restart");
  std::uint16_t port = 0;
  auto w = [&] {
    coordinator_process first(dir);
    port = first.cluster_port;
    auto worker = std::make_unique<worker_process>(port);
    REQUIRE(wait_for_cluster(first.daemon.port(), [](const std::string& b) { return worker_count(b, "w1"); }));
    CHECK(first.daemon.stop() == 0);
    return worker;
  }();
  // The worker keeps trying while no coordinator listens, then joins the new one.
  coordinator_process second(dir, 0, {"--cluster-port", std::to_string(port)});
  CHECK(second.cluster_port == port);
  CHECK(wait_for_cluster(second.daemon.port(), [](const std::string& b) { return worker_count(b, "w1"); }, 30));
  CHECK_THAT(w->log(), Catch::Contains("lost the coordinator"));
  CHECK(second.daemon.stop() == 0);
  CHECK(w->stop() == 0);
}


TEST_CASE("a TLS coordinator admits neither a worker without TLS nor one whose certificate it does not trust; "
          "each says why",
          "[cluster][integration][tls]") {
  const test_certificate tls, stranger("tls-stranger");
  coordinator_process coord(fresh_dir("cluster-tls-refused"), 0, tls.flags());
  worker_process plain(coord.cluster_port);
  // Trusts the coordinator, but shows a certificate the coordinator's CA file did not sign.
  worker_process untrusted(coord.cluster_port, 1, test_cluster_secret,
                           {"--tls-certificate", stranger.certificate, "--tls-key", stranger.key, "--tls-cafile",
                            tls.certificate});
  INFO(plain.log());
  CHECK(plain.printed("the coordinator closed the connection in the handshake: it probably uses TLS, so give this "
                      "worker --tls-certificate, --tls-key and --tls-cafile",
                      20));
  INFO(untrusted.log());
  CHECK(untrusted.printed("the coordinator closed the connection in the handshake: does its certificate chain to "
                          "--tls-cafile, and does it trust ours?",
                          20));
  CHECK_THAT(http_get(coord.daemon.port(), "/api/cluster"), !Catch::Contains("\"role\":\"worker\""));
  CHECK(plain.stop() == 0);
  CHECK(untrusted.stop() == 0);
  CHECK(coord.daemon.stop() == 0);
}
