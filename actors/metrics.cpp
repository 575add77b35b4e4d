#include "actors/metrics.hpp"

#include <algorithm>
#include <iterator>

namespace mlt::metrics {

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string render_labels(const labels& l) {
  if (l.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (i) out.push_back(',');
    out += l[i].first;
    out += "=\"";
    out += escape_label_value(l[i].second);
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

void registry::describe(const std::string& name, kind k, const std::string& help) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted || it->second.help.empty()) {
    it->second.type = k;
    it->second.help = help;
  }
}

std::atomic<std::int64_t>& registry::cell(const std::string& name, const labels& l) {
  const auto key = render_labels(l);
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = families_[name].samples[key];
  if (!slot) slot = std::make_unique<std::atomic<std::int64_t>>(0);
  return *slot;
}

void registry::add(const std::string& name, const labels& l, std::int64_t n) { cell(name, l).fetch_add(n); }

void registry::set(const std::string& name, const labels& l, std::int64_t value) { cell(name, l).store(value); }

void registry::keep_only(const std::string& name, const std::vector<labels>& keep) {
  std::vector<std::string> keys;
  for (const auto& l : keep) keys.push_back(render_labels(l));
  std::lock_guard<std::mutex> lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return;
  auto& samples = f->second.samples;
  for (auto it = samples.begin(); it != samples.end();)
    it = std::find(keys.begin(), keys.end(), it->first) == keys.end() ? samples.erase(it) : std::next(it);
}

std::int64_t registry::value(const std::string& name, const labels& l) const {
  const auto key = render_labels(l);
  std::lock_guard<std::mutex> lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto s = f->second.samples.find(key);
  return s == f->second.samples.end() ? 0 : s->second->load();
}

std::string registry::render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + name + (f.type == kind::counter ? " counter\n" : " gauge\n");
    for (const auto& [key, v] : f.samples) out += name + key + " " + std::to_string(v->load()) + "\n";
  }
  return out;
}

const std::vector<std::string>& trial_states() {
  static const std::vector<std::string> states = {"queued",    "running",   "completed",
                                                  "failed",    "cancelled", "interrupted"};
  return states;
}

namespace {

registry& make_global() {
  static registry r;
  r.describe("mltrainer_trials", kind::gauge, "Trials in the store by state.");
  r.describe("mltrainer_cluster_node_slots", kind::gauge, "Trainer slots of a cluster node.");
  r.describe("mltrainer_cluster_node_running", kind::gauge, "Trainer slots of a cluster node a trial holds.");
  r.describe("mltrainer_cluster_node_fits_done", kind::gauge, "Fits finished on a cluster node since it joined.");
  r.describe("mltrainer_cluster_calls_total", kind::counter, "Trainer requests sent to cluster nodes, each with its reply.");
  r.describe("mltrainer_cluster_call_bytes_total", kind::counter, "Envelope payload bytes of those requests and replies.");
  r.describe("mltrainer_decisions_total", kind::counter, "Decisions applied to trials, by action and brain.");
  r.describe("mltrainer_sessions", kind::gauge, "Open WebSocket sessions.");
  r.describe("mltrainer_sessions_total", kind::counter, "WebSocket sessions opened since start.");
  r.describe("mltrainer_ws_frames_total", kind::counter, "WebSocket text frames, by direction.");
  r.describe("mltrainer_errors_total", kind::counter, "Errors sent to clients and trial failures, by code.");
  r.describe("mltrainer_llm_tokens_total", kind::counter, "LLM tokens, by brain and direction.");
  r.describe("mltrainer_data_source_calls_total", kind::counter, "Loads of bars, by data source.");
  r.describe("mltrainer_data_source_retries_total", kind::counter,
             "Retried requests to a data source (rate limits, server errors, timeouts).");
  // Listed from the first scrape, so dashboards see zeros instead of gaps.
  for (const auto& s : trial_states()) r.cell("mltrainer_trials", {{"state", s}});
  r.cell("mltrainer_sessions");
  r.cell("mltrainer_sessions_total");
  r.cell("mltrainer_ws_frames_total", {{"direction", "in"}});
  r.cell("mltrainer_ws_frames_total", {{"direction", "out"}});
  return r;
}

}  // namespace

registry& global() {
  static registry& r = make_global();
  return r;
}

void add_llm_tokens(const std::string& brain, std::int64_t input_tokens, std::int64_t output_tokens) {
  auto& r = global();
  if (input_tokens > 0) r.add("mltrainer_llm_tokens_total", {{"brain", brain}, {"direction", "input"}}, input_tokens);
  if (output_tokens > 0)
    r.add("mltrainer_llm_tokens_total", {{"brain", brain}, {"direction", "output"}}, output_tokens);
}

void count_decision(const std::string& action, const std::string& brain) {
  global().add("mltrainer_decisions_total", {{"action", action}, {"brain", brain}});
}

void count_error(const std::string& code) { global().add("mltrainer_errors_total", {{"code", code}}); }

void count_ws_frame(bool in) {
  // Every frame passes here: keep the two cells instead of looking them up.
  static auto& in_cell = global().cell("mltrainer_ws_frames_total", {{"direction", "in"}});
  static auto& out_cell = global().cell("mltrainer_ws_frames_total", {{"direction", "out"}});
  (in ? in_cell : out_cell).fetch_add(1);
}

void session_opened() {
  global().add("mltrainer_sessions");
  global().add("mltrainer_sessions_total");
}

void session_closed() { global().add("mltrainer_sessions", {}, -1); }

void count_data_source_call(const std::string& source) {
  global().add("mltrainer_data_source_calls_total", {{"source", source}});
}

void count_data_source_retry(const std::string& source) {
  global().add("mltrainer_data_source_retries_total", {{"source", source}});
}

void set_trials(const std::string& state, std::int64_t n) { global().set("mltrainer_trials", {{"state", state}}, n); }

void count_cluster_call(std::int64_t request_bytes, std::int64_t reply_bytes) {
  global().add("mltrainer_cluster_calls_total");
  global().add("mltrainer_cluster_call_bytes_total", {}, request_bytes + reply_bytes);
}

void set_cluster_nodes(const std::vector<msg::node_status>& nodes) {
  auto& r = global();
  std::vector<labels> present;
  for (const auto& n : nodes) {
    const labels l = {{"node", n.id}, {"role", n.role}};
    r.set("mltrainer_cluster_node_slots", l, n.slots);
    r.set("mltrainer_cluster_node_running", l, n.running);
    r.set("mltrainer_cluster_node_fits_done", l, n.fits_done);
    present.push_back(l);
  }
  for (const char* family : {"mltrainer_cluster_node_slots", "mltrainer_cluster_node_running",
                             "mltrainer_cluster_node_fits_done"})
    r.keep_only(family, present);
}

}  // namespace mlt::metrics
