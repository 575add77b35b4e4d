// The metrics registry and its Prometheus text, and the per-session token bucket.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "actors/metrics.hpp"
#include "actors/token_bucket.hpp"

using mlt::metrics::kind;
using mlt::metrics::registry;

TEST_CASE("a registry renders HELP, TYPE and labelled samples in the 0.0.4 text format", "[metrics]") {
  registry r;
  r.describe("app_frames_total", kind::counter, "Frames, by direction.");
  r.describe("app_sessions", kind::gauge, "Open sessions.");
  r.add("app_frames_total", {{"direction", "out"}}, 3);
  r.add("app_frames_total", {{"direction", "in"}});
  r.add("app_frames_total", {{"direction", "in"}});
  r.set("app_sessions", {}, 2);
  r.add("app_sessions", {}, -1);
  CHECK(r.render() ==
        "# HELP app_frames_total Frames, by direction.\n"
        "# TYPE app_frames_total counter\n"
        "app_frames_total{direction=\"in\"} 2\n"
        "app_frames_total{direction=\"out\"} 3\n"
        "# HELP app_sessions Open sessions.\n"
        "# TYPE app_sessions gauge\n"
        "app_sessions 1\n");
  CHECK(r.value("app_frames_total", {{"direction", "in"}}) == 2);
  CHECK(r.value("app_frames_total", {{"direction", "sideways"}}) == 0);
}

TEST_CASE("label values escape backslash, double quote and newline; help escapes backslash and newline",
          "[metrics]") {
  CHECK(mlt::metrics::escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(mlt::metrics::escape_help("one\\two\nthree \"q\"") == "one\\\\two\\nthree \"q\"");
  CHECK(mlt::metrics::render_labels({}) == "");
  CHECK(mlt::metrics::render_labels({{"brain", "x\"y"}, {"direction", "input"}}) ==
        "{brain=\"x\\\"y\",direction=\"input\"}");
  registry r;
  r.describe("m", kind::counter, "line one\nline two");
  r.add("m", {{"code", "bad\njson"}});
  CHECK(r.render() == "# HELP m line one\\nline two\n# TYPE m counter\nm{code=\"bad\\njson\"} 1\n");
}

TEST_CASE("a family declared but never counted is still listed", "[metrics]") {
  registry r;
  r.describe("quiet_total", kind::counter, "Nothing yet.");
  CHECK(r.render() == "# HELP quiet_total Nothing yet.\n# TYPE quiet_total counter\n");
}

TEST_CASE("counters lose no increments when many threads count at once", "[metrics]") {
  registry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 5000; ++i) r.add("hits_total", {{"thread", std::to_string(t % 2)}});
    });
  for (auto& t : threads) t.join();
  CHECK(r.value("hits_total", {{"thread", "0"}}) == 10000);
  CHECK(r.value("hits_total", {{"thread", "1"}}) == 10000);
}

TEST_CASE("the global registry lists every mltrainer family and the LLM token counter adds both directions",
          "[metrics]") {
  auto& g = mlt::metrics::global();
  const auto before_in = g.value("mltrainer_llm_tokens_total", {{"brain", "test-brain"}, {"direction", "input"}});
  mlt::metrics::add_llm_tokens("test-brain", 120, 34);
  mlt::metrics::add_llm_tokens("test-brain", 5, 0);
  CHECK(g.value("mltrainer_llm_tokens_total", {{"brain", "test-brain"}, {"direction", "input"}}) == before_in + 125);
  CHECK(g.value("mltrainer_llm_tokens_total", {{"brain", "test-brain"}, {"direction", "output"}}) == 34);
  mlt::metrics::count_decision("continue", "rules");
  mlt::metrics::count_ws_frame(true);
  mlt::metrics::set_trials("completed", 7);
  const auto text = g.render();
  for (const char* family :
       {"mltrainer_trials", "mltrainer_decisions_total", "mltrainer_sessions", "mltrainer_sessions_total",
        "mltrainer_ws_frames_total", "mltrainer_errors_total", "mltrainer_llm_tokens_total",
        "mltrainer_data_source_calls_total", "mltrainer_data_source_retries_total"}) {
    INFO(family);
    CHECK(text.find(std::string("# TYPE ") + family + " ") != std::string::npos);
  }
  CHECK(text.find("mltrainer_trials{state=\"completed\"} 7\n") != std::string::npos);
  CHECK(text.find("mltrainer_trials{state=\"interrupted\"} 0\n") != std::string::npos);
  CHECK(text.find("mltrainer_decisions_total{action=\"continue\",brain=\"rules\"} ") != std::string::npos);
  CHECK(text.find("mltrainer_ws_frames_total{direction=\"out\"} ") != std::string::npos);
}

TEST_CASE("a cluster node that is no longer listed leaves the node gauges; the others stay", "[metrics][cluster]") {
  auto& g = mlt::metrics::global();
  const auto node = [](const char* id, const char* role, int slots, int running, int fits) {
    return mlt::msg::node_status{id, role, "host", 1, slots, running, fits};
  };
  mlt::metrics::set_cluster_nodes({node("coordinator", "coordinator", 2, 0, 3), node("w1", "worker", 1, 1, 4),
                                   node("w2", "worker", 1, 0, 5)});
  CHECK(g.value("mltrainer_cluster_node_fits_done", {{"node", "w1"}, {"role", "worker"}}) == 4);
  CHECK(g.render().find("mltrainer_cluster_node_running{node=\"w1\",role=\"worker\"} 1\n") != std::string::npos);
  // w1 was lost.
  mlt::metrics::set_cluster_nodes({node("coordinator", "coordinator", 2, 0, 3), node("w2", "worker", 1, 1, 6)});
  const auto text = g.render();
  CHECK(text.find("node=\"w1\"") == std::string::npos);
  CHECK(text.find("mltrainer_cluster_node_fits_done{node=\"w2\",role=\"worker\"} 6\n") != std::string::npos);
  CHECK(text.find("mltrainer_cluster_node_slots{node=\"coordinator\",role=\"coordinator\"} 2\n") != std::string::npos);
  // The families stay declared when no node is left.
  mlt::metrics::set_cluster_nodes({});
  CHECK(g.render().find("node=") == std::string::npos);
  CHECK(g.render().find("# TYPE mltrainer_cluster_node_slots gauge\n") != std::string::npos);
}

TEST_CASE("keep_only drops the samples of one family whose labels are not kept", "[metrics]") {
  registry r;
  r.set("a", {{"node", "x"}}, 1);
  r.set("a", {{"node", "y"}}, 2);
  r.set("b", {{"node", "x"}}, 3);
  r.keep_only("a", {{{"node", "y"}}});
  r.keep_only("absent", {});
  CHECK(r.render() == "# TYPE a counter\na{node=\"y\"} 2\n# TYPE b counter\nb{node=\"x\"} 3\n");
}

TEST_CASE("a token bucket allows a burst of its rate, then one message per refill interval", "[metrics][rate]") {
  using mlt::actors::token_bucket;
  const auto t0 = token_bucket::clock::time_point{} + std::chrono::hours(1);
  token_bucket b(60, t0);  // one a second, bursts of 60
  int taken = 0;
  for (int i = 0; i < 100; ++i) taken += b.try_take(t0);
  CHECK(taken == 60);
  CHECK_FALSE(b.try_take(t0 + std::chrono::milliseconds(500)));
  CHECK(b.try_take(t0 + std::chrono::milliseconds(1000)));
  CHECK_FALSE(b.try_take(t0 + std::chrono::milliseconds(1100)));
  // A long pause refills to the burst, not beyond.
  taken = 0;
  for (int i = 0; i < 100; ++i) taken += b.try_take(t0 + std::chrono::hours(2));
  CHECK(taken == 60);
}

TEST_CASE("a token bucket with no rate never refuses", "[metrics][rate]") {
  mlt::actors::token_bucket b(0);
  for (int i = 0; i < 1000; ++i) REQUIRE(b.try_take(mlt::actors::token_bucket::clock::now()));
}
