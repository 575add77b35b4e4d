// A fixed batch of trials on one daemon against a coordinator with two
// workers on this machine (--local-trainers 0, one trainer each): fits per
// minute, and the placement overhead per fit (trainer requests, each with its
// reply, and envelope bytes, from the coordinator's /metrics). On one machine
// the cluster cannot be faster; the figures say what the network layer costs.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_line.hpp"
#include "tests/support/cluster_process.hpp"
#include "tests/support/ws_json.hpp"

namespace {

using namespace mlt::test;

// Starts `batch` trials at once on the daemon at `port`; seconds until the last report.
double run_batch(std::uint16_t port, int batch, const std::string& request) {
  std::vector<std::unique_ptr<mlt::net::ws_client>> clients;
  std::vector<std::unique_ptr<frame_reader>> readers;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < batch; ++i) {
    clients.push_back(std::make_unique<mlt::net::ws_client>());
    clients.back()->connect("127.0.0.1", port);
    readers.push_back(std::make_unique<frame_reader>(*clients.back()));
    readers.back()->next();
    clients.back()->send(R"({"type":"chat","text":")" + request + "\"}");
    auto p = readers.back()->until("proposal");
    clients.back()->send(R"({"type":"approve","proposal_id":)" +
                         std::to_string(static_cast<long long>(p.num("proposal_id"))) + "}");
  }
  for (auto& r : readers) r->until("report", std::chrono::seconds(900));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A counter or gauge of the Prometheus text (the sum of its samples).
double metric(const std::string& text, const std::string& name) {
  double sum = 0;
  for (std::size_t pos = text.find("\n" + name); pos != std::string::npos; pos = text.find("\n" + name, pos + 1)) {
    const auto line_end = text.find('\n', pos + 1);
    const auto line = text.substr(pos + 1, line_end - pos - 1);
    if (line.size() > name.size() && (line[name.size()] == ' ' || line[name.size()] == '{'))
      sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  const int batch = argc > 1 ? std::stoi(argv[1]) : 4;
  const std::string request = "Run trial on TSLA with xgboost";

  double single = 0;
  {
    daemon_process d(fresh_dir("bench-cluster-single"), {"--max-trials", "2"});
    single = run_batch(d.port(), batch, request);
    d.stop();
  }
  coordinator_process coord(fresh_dir("bench-cluster-coord"), 0, {"--max-trials", "2"});
  worker_process w1(coord.cluster_port), w2(coord.cluster_port);
  if (!wait_for_cluster(coord.daemon.port(), [](const std::string& b) { return b.find("\"w2\"") != std::string::npos; })) {
    std::fprintf(stderr, "bench_cluster: the workers did not join\n");
    return 1;
  }
  const double cluster = run_batch(coord.daemon.port(), batch, request);
  const auto m = http_get(coord.daemon.port(), "/metrics");
  const double fits = metric(m, "mltrainer_cluster_node_fits_done");
  const double calls = metric(m, "mltrainer_cluster_calls_total");
  const double bytes = metric(m, "mltrainer_cluster_call_bytes_total");
  if (fits < batch) {
    std::fprintf(stderr, "bench_cluster: only %.0f fits for %d trials\n", fits, batch);
    return 1;
  }
  const double fits_per_trial = fits / batch;  // the same plans fit the same models on one node
  mlt::bench::print_line("{\"name\":\"cluster_fits_per_minute_one_node\",\"value\":%.2f,\"unit\":\"fits/min\","
                         "\"trials\":%d,\"seconds\":%.3f}\n", fits_per_trial * batch * 60 / single, batch, single);
  mlt::bench::print_line("{\"name\":\"cluster_fits_per_minute_two_workers\",\"value\":%.2f,\"unit\":\"fits/min\","
                         "\"trials\":%d,\"seconds\":%.3f}\n", fits * 60 / cluster, batch, cluster);
  mlt::bench::print_line("{\"name\":\"cluster_messages_per_fit\",\"value\":%.1f,\"unit\":\"messages\","
                         "\"note\":\"requests and replies\"}\n", 2 * calls / fits);
  mlt::bench::print_line("{\"name\":\"cluster_bytes_per_fit\",\"value\":%.0f,\"unit\":\"bytes\","
                         "\"note\":\"envelope payloads, bars once per node\"}\n", bytes / fits);
  coord.daemon.stop();
  return 0;
}
