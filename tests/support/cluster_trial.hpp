#pragma once
/// Running a trial on a cluster for the integration tests and reading what
/// happened: its report and transcript, GET /api/cluster's nodes, and
/// whether the transcript says a fit moved.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/cluster_process.hpp"
#include "tests/support/daemon_chat.hpp"
#include "tests/support/normalised.hpp"
#include "tests/support/ws_json.hpp"

namespace mlt::test {

struct trial_outcome {
  std::string report;                   // normalised
  std::vector<std::string> transcript;  // the lines' texts
};

// Approves `request` on the daemon at `port`; `mid_fit` runs once, when the
// first fit step (`unit` 1/...) is reported.
template <class MidFit>
trial_outcome run_trial(std::uint16_t port, const std::string& request, MidFit mid_fit,
                        const std::string& unit = "epoch") {
  chat_connection conn(port);
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");
  propose_and_approve(c, r, request);
  const auto trial_id = static_cast<std::int64_t>(r.until("reply").num("trial_id"));
  REQUIRE(trial_id > 0);
  bool fired = false;
  trial_outcome out;
  for (;;) {
    auto f = r.next(std::chrono::seconds(300));
    if (!fired && f.type() == "event" && f.str("text").find(unit + " 1/") != std::string::npos) {
      fired = true;
      mid_fit();
    }
    if (f.type() == "report") {
      out.report = normalised(f.raw);
      break;
    }
    REQUIRE(f.type() != "trial_failed");
  }
  auto t = get_trial(c, r, trial_id);
  for (auto line : t.doc["transcript"].get_array()) {
    std::string_view text;
    if (!line["text"].get_string().get(text)) out.transcript.emplace_back(text);
  }
  return out;
}

inline trial_outcome single_node(const std::string& name, const std::string& request) {
  daemon_process d(fresh_dir(name));
  auto out = run_trial(d.port(), request, [] {});
  CHECK(d.stop() == 0);
  return out;
}

struct node_row {
  std::string id;
  std::int64_t pid = 0, running = 0, fits_done = 0;
};

// The nodes of GET /api/cluster.
inline std::vector<node_row> nodes(std::uint16_t port) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::vector<node_row> out;
  if (parser.parse(http_get(port, "/api/cluster")).get(doc)) return out;
  for (auto n : doc["nodes"].get_array()) {
    node_row row;
    std::string_view id;
    if (n["id"].get_string().get(id) || n["pid"].get_int64().get(row.pid) ||
        n["running"].get_int64().get(row.running) || n["fits_done"].get_int64().get(row.fits_done))
      continue;
    row.id = std::string(id);
    out.push_back(row);
  }
  return out;
}

// The worker that holds a trainer (id and pid), or an empty id.
inline node_row busy_worker(std::uint16_t port) {
  for (const auto& n : nodes(port))
    if (n.running > 0 && n.id != "coordinator") return n;
  return {};
}

inline std::int64_t fits_done(std::uint16_t port, const std::string& node) {
  for (const auto& n : nodes(port))
    if (n.id == node) return n.fits_done;
  return -1;
}

// A config file in a fresh folder; the path.
inline std::string config_file(const std::string& name, const std::string& json) {
  const auto path = fresh_dir(name) + "/mltrainer.json";
  std::ofstream(path) << json;
  return path;
}

// The line of the transcript that says `node` moved to `to` for `why`.
inline bool says_moved(const std::vector<std::string>& transcript, const std::string& node, const std::string& why,
                const std::string& to) {
  bool said = false;
  for (const auto& line : transcript) {
    if (line.find("worker " + node + " ") != std::string::npos) std::printf("transcript: %s\n", line.c_str());
    said = said || (line.find("worker " + node + " " + why) != std::string::npos &&
                    line.find("the fit restarted on " + to) != std::string::npos);
  }
  return said;
}

// The fit left `moved` (w1 or w2) for the other worker: the transcript says
// why and the report is the reference's. The other worker's id.
inline std::string moved_elsewhere(const trial_outcome& out, const trial_outcome& reference,
                                   const std::string& moved, const std::string& why) {
  REQUIRE((moved == "w1" || moved == "w2"));
  const std::string other = moved == "w1" ? "w2" : "w1";
  CHECK(says_moved(out.transcript, moved, why, other));
  CHECK(out.report == reference.report);
  return other;
}

inline bool has_workers(const std::string& body, int n) {
  std::size_t count = 0;
  for (auto pos = body.find("\"role\":\"worker\""); pos != std::string::npos; pos = body.find("\"role\":\"worker\"", pos + 1))
    ++count;
  return static_cast<int>(count) == n;
}

}  // namespace mlt::test
