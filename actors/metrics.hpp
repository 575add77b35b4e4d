#pragma once
/// Process-wide counters and gauges with labels, rendered in the Prometheus
/// text exposition format 0.0.4 for GET /metrics. Safe from any thread:
/// actors, Asio threads and the LLM clients all count here.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/cluster_msgs.hpp"

namespace mlt::metrics {

/// Label name/value pairs, e.g. {{"direction", "in"}}; order is kept.
using labels = std::vector<std::pair<std::string, std::string>>;

enum class kind { counter, gauge };

/// A set of metric families. One global instance serves the daemon; tests
/// make their own.
class registry {
public:
  /// Declares a family so it is listed (HELP/TYPE) even before any sample.
  /// Declaring again keeps the first help text.
  void describe(const std::string& name, kind k, const std::string& help);

  /// The sample of `name` with `l` (created at 0 on first use). The
  /// reference stays valid for the registry's lifetime (unless keep_only
  /// drops that sample), so hot paths may keep it.
  std::atomic<std::int64_t>& cell(const std::string& name, const labels& l = {});

  /// Adds `n` to a counter or gauge.
  void add(const std::string& name, const labels& l = {}, std::int64_t n = 1);
  /// Sets a gauge.
  void set(const std::string& name, const labels& l, std::int64_t value);
  /// Drops every sample of `name` whose labels are not in `keep`: a series
  /// of something gone (a lost cluster node) leaves the page, which
  /// Prometheus reads as stale, instead of repeating its last value.
  void keep_only(const std::string& name, const std::vector<labels>& keep);
  /// Current value (0 when absent).
  std::int64_t value(const std::string& name, const labels& l = {}) const;

  /// Every family in name order, samples in label order.
  std::string render() const;

private:
  struct family {
    kind type = kind::counter;
    std::string help;
    std::map<std::string, std::unique_ptr<std::atomic<std::int64_t>>> samples;  ///< key: rendered labels
  };
  mutable std::mutex mutex_;
  std::map<std::string, family> families_;
};

/// `{a="x",b="y"}` with values escaped (backslash, double quote, newline);
/// "" for no labels.
std::string render_labels(const labels& l);
/// A label value escaped for the exposition format.
std::string escape_label_value(std::string_view v);
/// A HELP text escaped (backslash, newline).
std::string escape_help(std::string_view v);

/// The daemon's registry, with every mltrainer_* family declared.
registry& global();

// ---- What the daemon counts. All write to global().

/// Tokens an LLM brain spent on one call; `brain` is e.g. "anthropic".
void add_llm_tokens(const std::string& brain, std::int64_t input_tokens, std::int64_t output_tokens);
/// A decision the engine applied (after any fallback), by action and brain.
void count_decision(const std::string& action, const std::string& brain);
/// An error sent to a client or a trial failure, by its code.
void count_error(const std::string& code);
/// One WebSocket text frame received (`in`) or sent.
void count_ws_frame(bool in);
/// A WebSocket session began / ended (gauge and total).
void session_opened();
void session_closed();
/// One load of bars from `source` (csv, synthetic, polygon, ...).
void count_data_source_call(const std::string& source);
/// One retried request to `source` (429, 5xx, timeout, dropped connection).
void count_data_source_retry(const std::string& source);
/// The trial gauge: how many trials the store holds in `state`.
void set_trials(const std::string& state, std::int64_t n);

/// The cluster's nodes now: each one's slots, running trainers and finished
/// fits; the gauges of a node no longer listed (lost, or left) are dropped.
void set_cluster_nodes(const std::vector<msg::node_status>& nodes);

/// One trainer request a remote trainer sent to a node and its reply, with
/// the envelopes' payload bytes (the placement overhead bench_cluster reports).
void count_cluster_call(std::int64_t request_bytes, std::int64_t reply_bytes);

/// The trial states always listed in mltrainer_trials (0 when none).
const std::vector<std::string>& trial_states();

}  // namespace mlt::metrics
