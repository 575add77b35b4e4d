#include "config/config_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include <simdjson.h>

#include "config/knowledge_cutoff.hpp"
#include "config/value_checks.hpp"
#include "messages/plan_limits.hpp"
#include "messages/vocabulary.hpp"
#include "ml/market/index_members.hpp"
#include "ml/models/model.hpp"

namespace mlt::config {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::size_t max_file_bytes = 1 << 20;

const std::vector<std::string> data_sources(msg::data_sources.begin(), msg::data_sources.end());
const std::vector<std::string> brain_kinds = {"rules", "anthropic", "openai"};
const std::vector<std::string> log_levels = {"trace", "debug", "info", "warn", "error"};

/// What a value is, for "got ..."; secrets show only their type.
std::string describe(element el, bool secret = false) {
  switch (el.type()) {
    case element_type::STRING: {
      if (secret) return "a string (not shown)";
      std::string_view s;
      if (el.get(s) != simdjson::SUCCESS) return "a string";
      return quote(s);
    }
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      if (secret) return "a number (not shown)";
      return simdjson::minify(el);
    case element_type::BOOL:
    {
      bool b = false;
      if (el.get(b) != simdjson::SUCCESS) return "a boolean";
      return b ? "true" : "false";
    }
    case element_type::NULL_VALUE:
      return "null";
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
  }
  return "a value";
}

/// An interval for number checks; open ends exclude the bound.
struct range {
  double lo;
  double hi;
  bool lo_open = false;
  bool hi_open = false;
  bool contains(double v) const {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  std::string text() const {
    if (!lo_open && !hi_open) return "in " + number_text(lo) + ".." + number_text(hi);
    return std::string(lo_open ? "> " : ">= ") + number_text(lo) + " and " + (hi_open ? "< " : "<= ") + number_text(hi);
  }
};

/// Walks the parsed document; each check reports at its path and returns
/// whether the value was taken.
class reader {
public:
  explicit reader(config_report& report) : report_(report) {}

  void error(const std::string& path, const std::string& message) { report_.errors.push_back(at(path, message)); }
  void warn(const std::string& path, const std::string& message) { report_.warnings.push_back(at(path, message)); }
  std::size_t error_count() const { return report_.errors.size(); }

  /// Checks `el` is an object whose keys are all `known` (or start with
  /// "_"); reports unknown and duplicate keys.
  bool object_of(const std::string& path, element el, const std::vector<std::string>& known, object& out,
                 const std::vector<std::pair<std::string, std::vector<std::string>>>* elsewhere = nullptr) {
    if (el.get(out) != simdjson::SUCCESS) {
      error(path, "must be an object {...}, got " + describe(el));
      return false;
    }
    std::set<std::string> seen;
    for (auto kv : out) {
      const std::string key(kv.key);
      const std::string p = member_path(path, key);
      if (!seen.insert(key).second) {
        error(p, "duplicate key (only one is used; remove the other)");
        continue;
      }
      if (!key.empty() && key[0] == '_') continue;
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      error(p, "unknown key" + suggestion(key, known, elsewhere));
    }
    return true;
  }

  /// The first member named `key`, if present.
  static std::optional<element> member(const object& obj, const char* key) {
    element el;
    if (obj.at_key(key).get(el) != simdjson::SUCCESS) return std::nullopt;
    return el;
  }

  template <class T>
  bool integer(const std::string& path, element el, std::int64_t lo, std::int64_t hi, T& out) {
    std::int64_t v = 0;
    const auto t = el.type();
    if ((t == element_type::INT64 && el.get(v) == simdjson::SUCCESS && v >= lo && v <= hi)) {
      out = static_cast<T>(v);
      return true;
    }
    error(path, "must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + describe(el));
    return false;
  }

  bool unsigned_integer(const std::string& path, element el, std::uint64_t& out) {
    std::uint64_t v = 0;
    if ((el.type() == element_type::INT64 || el.type() == element_type::UINT64) && el.get(v) == simdjson::SUCCESS) {
      out = v;
      return true;
    }
    error(path, "must be an integer in 0.." + std::to_string(std::numeric_limits<std::uint64_t>::max()) + ", got " +
                    describe(el));
    return false;
  }

  bool number(const std::string& path, element el, const range& r, double& out) {
    double v = 0;
    const auto t = el.type();
    const bool numeric = t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
    if (numeric && el.get(v) == simdjson::SUCCESS && std::isfinite(v) && r.contains(v)) {
      out = v;
      return true;
    }
    const bool any = r.lo == -std::numeric_limits<double>::max() && r.hi == std::numeric_limits<double>::max();
    error(path, "must be a number" + (any ? std::string() : " " + r.text()) + ", got " + describe(el));
    return false;
  }

  bool boolean(const std::string& path, element el, bool& out) {
    if (el.get(out) == simdjson::SUCCESS) return true;
    error(path, "must be true or false, got " + describe(el));
    return false;
  }

  bool text(const std::string& path, element el, std::string& out, bool secret = false) {
    std::string_view s;
    if (el.get(s) != simdjson::SUCCESS) {
      error(path, "must be a string, got " + describe(el, secret));
      return false;
    }
    out.assign(s.data(), s.size());
    return true;
  }

  bool non_empty(const std::string& path, element el, std::string& out) {
    std::string v;
    if (!text(path, el, v)) return false;
    if (v.empty()) {
      error(path, "must not be empty");
      return false;
    }
    out = v;
    return true;
  }

  bool choice(const std::string& path, element el, const std::vector<std::string>& allowed, std::string& out) {
    std::string_view s;
    if (el.get(s) == simdjson::SUCCESS && std::find(allowed.begin(), allowed.end(), std::string(s)) != allowed.end()) {
      out.assign(s.data(), s.size());
      return true;
    }
    std::string msg = "must be one of \"" + join(allowed, "\", \"") + "\", got " + describe(el);
    if (el.type() == element_type::STRING) msg += did_you_mean(std::string(s), allowed);
    error(path, msg);
    return false;
  }

  bool env_name(const std::string& path, element el, std::string& out) {
    std::string v;
    if (!text(path, el, v)) return false;
    if (!env_name_ok(v)) {
      // Never echoed: people paste the key itself here by mistake.
      error(path, "must be the NAME of an environment variable (capitals, digits, _), not the value; got a string "
                  "that is not such a name (not shown)");
      return false;
    }
    out = v;
    return true;
  }

  bool url(const std::string& path, element el, std::string& out) {
    std::string v;
    if (!text(path, el, v)) return false;
    if (!http_url_ok(v)) {
      error(path, "must be an http:// or https:// URL, got " + quote(v));
      return false;
    }
    out = v;
    return true;
  }

  /// An array of strings, each also passing `check` (which reports its own
  /// problem); `out` changes only when every item is good.
  bool text_array(const std::string& path, element el, std::vector<std::string>& out, bool secret = false,
                  const std::function<bool(const std::string&, const std::string&)>& check = {}) {
    simdjson::dom::array arr;
    if (el.get(arr) != simdjson::SUCCESS) {
      error(path, "must be an array of strings [...], got " + describe(el, secret));
      return false;
    }
    std::vector<std::string> values;
    bool ok = true;
    std::size_t i = 0;
    for (element item : arr) {
      const std::string item_path = element_path(path, i++);
      std::string v;
      if (text(item_path, item, v, secret) && (!check || check(item_path, v))) values.push_back(v);
      else ok = false;
    }
    if (ok) out = values;
    return ok;
  }

private:
  config_problem at(const std::string& path, const std::string& message) const {
    const auto p = nearest_position(report_.where, path);
    return config_problem{path, message, p.line, p.column};
  }

  /// " (did you mean "port"?)" for a near miss, else "".
  static std::string did_you_mean(const std::string& key, const std::vector<std::string>& known) {
    std::string best;
    std::size_t best_d = std::string::npos;
    for (const auto& k : known) {
      const auto d = edit_distance(key, k);
      if (d < best_d) best_d = d, best = k;
    }
    if (!best.empty() && best_d <= 2 && best_d < key.size()) return " (did you mean \"" + best + "\"?)";
    return "";
  }

  static std::string suggestion(const std::string& key, const std::vector<std::string>& known,
                                const std::vector<std::pair<std::string, std::vector<std::string>>>* elsewhere) {
    if (auto near = did_you_mean(key, known); !near.empty()) return near;
    if (elsewhere) {
      for (const auto& [section, keys] : *elsewhere)
        if (std::find(keys.begin(), keys.end(), key) != keys.end())
          return " (did you mean \"" + section + "." + key + "\"? it belongs in the " + section + " section)";
    }
    if (known.size() <= 12) return " (known keys: " + join(known, ", ") + ")";
    return "";
  }

  config_report& report_;
};

const std::vector<std::string> server_keys = {"bind", "port", "io_threads", "tokens", "tokens_env", "allowed_origins"};
const std::vector<std::string> data_keys = {"dir", "polygon_api_key_env", "polygon_api_key", "polygon_base_url",
                                            "cache_dir"};
const std::vector<std::string> brain_keys = {"kind", "decision_deadline_ms", "max_decisions", "token_budget",
                                             "memory_turns", "anthropic", "openai"};
const std::vector<std::string> llm_keys = {"model", "base_url", "api_key_env", "api_key", "max_tokens",
                                           "knowledge_cutoff"};
const std::vector<std::string> trial_keys = {"model", "data_source", "start", "end", "train_ratio", "val_ratio",
                                             "horizon", "seed", "decision_budget", "params", "paper", "wf_folds",
                                             "wf_window"};
const std::vector<std::string> paper_keys = {"cash", "commission_bps", "commission_per_share", "commission_min",
                                             "commission_fixed", "slippage_bps", "allow_short", "long_threshold",
                                             "short_threshold", "fractional_shares", "stop_loss", "take_profit",
                                             "sizing", "size", "vol_lookback"};
const std::vector<std::string> sizing_rules = {"all", "units", "fraction", "vol_target"};
const std::vector<std::string> limits_keys = {"max_concurrent_trials", "parallel_fits", "max_queue", "max_frame_bytes",
                                              "max_message_bytes", "messages_per_minute", "max_sessions"};
const std::vector<std::string> storage_keys = {"state_dir"};
const std::vector<std::string> cluster_keys = {"port", "bind", "local_trainers", "secret_env", "call_deadline_ms",
                                               "tls_certificate", "tls_key", "tls_cafile"};
const std::vector<std::string> logging_keys = {"level", "file", "max_file_mb", "max_files"};
const std::vector<std::string> schedule_keys = {"name", "cron", "timezone", "kind", "request", "approved", "missed",
                                                "enabled"};
const std::vector<std::string> root_keys = {"server", "data", "brain", "trial_defaults", "limits", "storage",
                                            "logging", "schedules", "cluster"};

// A listen address (server.bind, cluster.bind).
void read_bind(reader& r, const std::string& path, element v, std::string& out) {
  std::string bind;
  if (!r.non_empty(path, v, bind)) return;
  if (host_ok(bind)) out = bind;
  else r.error(path, "must be an IP address or host name, got " + quote(bind));
}

void read_server(reader& r, const std::string& p, element el, daemon_options& o, bool& inline_secret) {
  object obj;
  if (!r.object_of(p, el, server_keys, obj)) return;
  if (auto v = reader::member(obj, "bind")) read_bind(r, p + ".bind", *v, o.bind);
  if (auto v = reader::member(obj, "port")) r.integer(p + ".port", *v, 0, 65535, o.port);
  if (auto v = reader::member(obj, "io_threads")) r.integer(p + ".io_threads", *v, 1, 64, o.io_threads);
  if (auto v = reader::member(obj, "tokens")) {
    auto good_token = [&](const std::string& item_path, const std::string& t) {
      inline_secret = true;
      if (t.size() < min_token_chars) {
        r.error(item_path, "a token must be at least " + std::to_string(min_token_chars) +
                               " characters (e.g. openssl rand -hex 24)");
        return false;
      }
      if (std::any_of(t.begin(), t.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == ','; })) {
        r.error(item_path, "a token must not contain spaces or commas");
        return false;
      }
      return true;
    };
    r.text_array(p + ".tokens", *v, o.tokens, true, good_token);
  }
  if (auto v = reader::member(obj, "tokens_env")) r.env_name(p + ".tokens_env", *v, o.tokens_env);
  if (auto v = reader::member(obj, "allowed_origins")) {
    auto good_origin = [&](const std::string& item_path, const std::string& origin) {
      if (origin_ok(origin)) return true;
      r.error(item_path, "must be an origin like \"https://example.com\" or \"http://localhost:8765\" (scheme, host, "
                         "optional port; no path), got " + quote(origin));
      return false;
    };
    r.text_array(p + ".allowed_origins", *v, o.allowed_origins, false, good_origin);
  }
}

void read_data(reader& r, const std::string& p, element el, daemon_options& o, bool& inline_secret) {
  object obj;
  if (!r.object_of(p, el, data_keys, obj)) return;
  if (auto v = reader::member(obj, "dir")) r.text(p + ".dir", *v, o.data_dir);
  if (auto v = reader::member(obj, "polygon_api_key_env"))
    r.env_name(p + ".polygon_api_key_env", *v, o.polygon_api_key_env);
  if (auto v = reader::member(obj, "polygon_api_key")) {
    if (r.text(p + ".polygon_api_key", *v, o.polygon_api_key, true))
      inline_secret = inline_secret || !o.polygon_api_key.empty();
  }
  if (auto v = reader::member(obj, "polygon_base_url")) r.url(p + ".polygon_base_url", *v, o.polygon_base_url);
  if (auto v = reader::member(obj, "cache_dir")) r.text(p + ".cache_dir", *v, o.cache_dir);
}

void read_llm(reader& r, const std::string& p, element el, llm_options& l, bool& inline_secret) {
  object obj;
  if (!r.object_of(p, el, llm_keys, obj)) return;
  if (auto v = reader::member(obj, "model")) r.non_empty(p + ".model", *v, l.model);
  if (auto v = reader::member(obj, "base_url")) r.url(p + ".base_url", *v, l.base_url);
  if (auto v = reader::member(obj, "api_key_env")) r.env_name(p + ".api_key_env", *v, l.api_key_env);
  if (auto v = reader::member(obj, "api_key")) {
    if (r.text(p + ".api_key", *v, l.api_key, true)) inline_secret = inline_secret || !l.api_key.empty();
  }
  if (auto v = reader::member(obj, "max_tokens")) r.integer(p + ".max_tokens", *v, 1, 200000, l.max_tokens);
  if (auto v = reader::member(obj, "knowledge_cutoff")) {
    std::string s;
    if (r.text(p + ".knowledge_cutoff", *v, s)) {
      if (s.empty() || knowledge_cutoff_ok(s)) l.knowledge_cutoff = s;
      else
        r.error(p + ".knowledge_cutoff", "must be the last month or day of the model's training data, \"YYYY-MM\" or "
                                         "\"YYYY-MM-DD\" (\"\" = the published cutoff of a known model), got " + quote(s));
    }
  }
}

void read_brain(reader& r, const std::string& p, element el, daemon_options& o, bool& inline_secret) {
  object obj;
  if (!r.object_of(p, el, brain_keys, obj)) return;
  if (auto v = reader::member(obj, "kind")) r.choice(p + ".kind", *v, brain_kinds, o.brain);
  if (auto v = reader::member(obj, "decision_deadline_ms"))
    r.integer(p + ".decision_deadline_ms", *v, 10, 3600000, o.decision_deadline_ms);
  if (auto v = reader::member(obj, "max_decisions")) r.integer(p + ".max_decisions", *v, 0, 1000, o.max_decisions);
  if (auto v = reader::member(obj, "token_budget")) r.integer(p + ".token_budget", *v, 0, 100000000, o.token_budget);
  if (auto v = reader::member(obj, "memory_turns")) r.integer(p + ".memory_turns", *v, 0, 1000, o.memory_turns);
  if (auto v = reader::member(obj, "anthropic")) read_llm(r, p + ".anthropic", *v, o.anthropic, inline_secret);
  if (auto v = reader::member(obj, "openai")) read_llm(r, p + ".openai", *v, o.openai, inline_secret);
}

void read_paper(reader& r, const std::string& p, element el, paper_options& x, std::vector<std::string>* pinned) {
  object obj;
  if (!r.object_of(p, el, paper_keys, obj)) return;
  auto num = [&](const char* key, const range& rg, double& field) {
    if (auto v = reader::member(obj, key))
      if (r.number(p + "." + key, *v, rg, field) && pinned) pinned->push_back(std::string("paper.") + key);
  };
  auto flag = [&](const char* key, bool& field) {
    if (auto v = reader::member(obj, key))
      if (r.boolean(p + "." + key, *v, field) && pinned) pinned->push_back(std::string("paper.") + key);
  };
  num("cash", range{0, 1e12, true, false}, x.cash);
  num("commission_bps", range{0, msg::plan_limits::max_commission_bps}, x.commission_bps);
  num("commission_per_share", range{0, 100}, x.commission_per_share);
  num("commission_min", range{0, 1e6}, x.commission_min);
  num("commission_fixed", range{0, 1e6}, x.commission_fixed);
  num("slippage_bps", range{0, msg::plan_limits::max_slippage_bps}, x.slippage_bps);
  flag("allow_short", x.allow_short);
  num("long_threshold", range{0.5, 1, false, true}, x.long_threshold);
  num("short_threshold", range{0, 0.5, true, false}, x.short_threshold);
  flag("fractional_shares", x.fractional_shares);
  num("stop_loss", range{0, 1, false, true}, x.stop_loss);
  num("take_profit", range{0, 10}, x.take_profit);
  if (auto v = reader::member(obj, "sizing"))
    if (r.choice(p + ".sizing", *v, sizing_rules, x.sizing) && pinned) pinned->push_back("paper.sizing");
  num("size", range{0, 1e9, true, false}, x.size);
  if (auto v = reader::member(obj, "vol_lookback"))
    if (r.integer(p + ".vol_lookback", *v, 2, 1000, x.vol_lookback) && pinned) pinned->push_back("paper.vol_lookback");
  // A fraction of equity above 1 would be leverage the simulator does not take.
  if (x.sizing == "fraction" && x.size > 1) r.error(p + ".size", "sizing \"fraction\" takes a share of equity 0..1");
}

/// A schedule's "symbols": tickers ["AAPL","MSFT"], or a built-in list's
/// name ("dow30", alone or in the array); 1..max_universe_symbols, no repeats.
void read_symbols(reader& r, const std::string& p, element el, trial_options& t) {
  std::vector<std::string> out;
  std::string list_text;
  auto add = [&](const std::string& path, const std::string& x) {
    if (const auto* idx = ml::index_named(x)) {
      t.universe = idx->id;
      for (const auto& s : idx->tickers)
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    } else if (!symbol_ok(x)) {
      r.error(path, "must be a ticker like \"SPY\" or a built-in list (dow30), got " + quote(x));
    } else if (std::find(out.begin(), out.end(), x) != out.end()) {
      r.error(path, quote(x) + " is listed twice");
    } else {
      out.push_back(x);
    }
  };
  simdjson::dom::array arr;
  if (el.get(arr) == simdjson::SUCCESS) {
    std::size_t i = 0;
    for (element item : arr) {
      std::string x;
      if (r.text(element_path(p, i), item, x)) add(element_path(p, i), x);
      ++i;
    }
  } else if (r.text(p, el, list_text)) {
    if (ml::index_named(list_text)) add(p, list_text);
    else
      r.error(p, "must be a list of tickers [\"AAPL\", \"MSFT\"] or a built-in list's name (dow30), got " +
                     quote(list_text));
  } else {
    return;
  }
  const auto limit = static_cast<std::size_t>(msg::plan_limits::max_universe_symbols);
  if (out.empty())
    r.error(p, "must name at least one symbol");
  else if (out.size() > limit)
    r.error(p, "names " + std::to_string(out.size()) + " symbols; a schedule runs at most " + std::to_string(limit));
  else {
    t.symbol = out.front();
    if (out.size() > 1) t.symbols = out;
  }
}

void pin_if(std::vector<std::string>* pinned, bool taken, const char* key) {
  if (taken && pinned) pinned->push_back(key);
}

/// A schedule request's "symbol" or "symbols": one of them, not both.
void read_request_symbols(reader& r, const std::string& p, const object& obj, trial_options& t) {
  if (reader::member(obj, "symbols")) {
    if (reader::member(obj, "symbol")) r.error(p, "give \"symbol\" or \"symbols\", not both");
    else read_symbols(r, p + ".symbols", *reader::member(obj, "symbols"), t);
  } else if (auto v = reader::member(obj, "symbol")) {
    std::string s;
    if (r.text(p + ".symbol", *v, s)) {
      if (symbol_ok(s)) t.symbol = s;
      else
        r.error(p + ".symbol",
                "must be a ticker like \"SPY\" (letters, digits, . - ^ =; at most 16 characters), got " + quote(s));
    }
  } else {
    r.error(p, "missing \"symbol\" (the ticker to trade) or \"symbols\" (several, or a list such as \"dow30\")");
  }
}

void read_trial_dates(reader& r, const std::string& p, const object& obj, trial_options& t,
                      std::vector<std::string>* pinned) {
  auto date = [&](const char* key, std::string& field) {
    auto v = reader::member(obj, key);
    if (!v) return;
    std::string s;
    if (!r.text(p + "." + key, *v, s)) return;
    if (!s.empty() && !iso_date_ok(s)) {
      r.error(p + "." + key, "must be a date YYYY-MM-DD (or \"\" for the source's default), got " + quote(s));
      return;
    }
    field = s;
    pin_if(pinned, true, key);
  };
  date("start", t.start);
  date("end", t.end);
  if (!t.start.empty() && !t.end.empty() && t.start >= t.end)
    r.error(p + ".end", "must be after start (" + t.start + "), got " + quote(t.end));
}

void read_trial_ratios(reader& r, const std::string& p, const object& obj, trial_options& t,
                       std::vector<std::string>* pinned) {
  bool ratios_read = false;
  if (auto v = reader::member(obj, "train_ratio")) {
    const bool ok = r.number(p + ".train_ratio", *v, range{msg::plan_limits::min_train_ratio, msg::plan_limits::max_train_ratio}, t.train_ratio);
    pin_if(pinned, ok, "train_ratio");
    ratios_read = ratios_read || ok;
  }
  if (auto v = reader::member(obj, "val_ratio")) {
    const bool ok = r.number(p + ".val_ratio", *v, range{0, 1, false, true}, t.val_ratio);
    pin_if(pinned, ok, "val_ratio");
    ratios_read = ratios_read || ok;
  }
  if (ratios_read && t.train_ratio + t.val_ratio >= msg::plan_limits::max_train_plus_val)
    r.error(p + ".val_ratio", "train_ratio + val_ratio must be below " + number_text(msg::plan_limits::max_train_plus_val) +
                                  " (the rest is the test part), got " +
                                  number_text(t.train_ratio) + " + " + number_text(t.val_ratio));
}

/// "params": model hyperparameters {"name": number}, kept only when all read.
void read_params(reader& r, const std::string& p, element v, trial_options& t, std::vector<std::string>* pinned) {
  object params;
  if (v.get(params) != simdjson::SUCCESS) {
    r.error(p + ".params", "must be an object of model hyperparameters {\"name\": number}, got " + describe(v));
    return;
  }
  std::map<std::string, double> values;
  bool ok = true;
  for (auto kv : params) {
    const std::string key(kv.key);
    double x = 0;
    if (key.empty()) {
      r.error(p + ".params", "a hyperparameter name must not be empty");
      ok = false;
    } else if (r.number(member_path(p + ".params", key), kv.value,
                        range{-std::numeric_limits<double>::max(), std::numeric_limits<double>::max()}, x)) {
      values[key] = x;
    } else {
      ok = false;
    }
  }
  if (ok) {
    t.params = values;
    pin_if(pinned, !values.empty(), "params");
  }
}

/// trial_defaults, or a schedule's request (`request` = true: symbol or
/// symbols allowed and one of them required, keys recorded as pinned).
void read_trial(reader& r, const std::string& p, element el, trial_options& t, bool request) {
  object obj;
  std::vector<std::string> keys = trial_keys;
  if (request) keys.insert(keys.begin(), {"symbol", "symbols"});
  if (!r.object_of(p, el, keys, obj)) return;
  std::vector<std::string>* pinned = request ? &t.pinned : nullptr;
  auto pin = [&](bool taken, const char* key) { pin_if(pinned, taken, key); };
  if (request) read_request_symbols(r, p, obj, t);
  if (auto v = reader::member(obj, "model")) pin(r.choice(p + ".model", *v, ml::model_names(), t.model), "model");
  if (auto v = reader::member(obj, "data_source"))
    pin(r.choice(p + ".data_source", *v, data_sources, t.data_source), "data_source");
  read_trial_dates(r, p, obj, t, pinned);
  read_trial_ratios(r, p, obj, t, pinned);
  if (auto v = reader::member(obj, "horizon")) pin(r.integer(p + ".horizon", *v, 1, msg::plan_limits::max_horizon, t.horizon), "horizon");
  if (auto v = reader::member(obj, "seed")) pin(r.unsigned_integer(p + ".seed", *v, t.seed), "seed");
  if (auto v = reader::member(obj, "decision_budget"))
    pin(r.integer(p + ".decision_budget", *v, 0, msg::plan_limits::max_decision_budget, t.decision_budget), "decision_budget");
  if (auto v = reader::member(obj, "wf_folds"))
    pin(r.integer(p + ".wf_folds", *v, 1, msg::max_wf_folds, t.wf_folds), "wf_folds");
  if (auto v = reader::member(obj, "wf_window"))
    pin(r.choice(p + ".wf_window", *v, std::vector<std::string>(std::begin(msg::wf_windows), std::end(msg::wf_windows)), t.wf_window),
        "wf_window");
  if (auto v = reader::member(obj, "params")) read_params(r, p, *v, t, pinned);
  if (auto v = reader::member(obj, "paper")) read_paper(r, p + ".paper", *v, t.paper, pinned);
}

void read_limits(reader& r, const std::string& p, element el, daemon_options& o) {
  object obj;
  if (!r.object_of(p, el, limits_keys, obj)) return;
  if (auto v = reader::member(obj, "max_concurrent_trials"))
    r.integer(p + ".max_concurrent_trials", *v, 0, 256, o.max_concurrent_trials);
  if (auto v = reader::member(obj, "parallel_fits")) r.integer(p + ".parallel_fits", *v, 0, 256, o.parallel_fits);
  if (auto v = reader::member(obj, "max_queue")) r.integer(p + ".max_queue", *v, 1, 10000, o.max_queue);
  if (auto v = reader::member(obj, "max_frame_bytes"))
    r.integer(p + ".max_frame_bytes", *v, 1024, 64 << 20, o.max_frame_bytes);
  if (auto v = reader::member(obj, "max_message_bytes"))
    r.integer(p + ".max_message_bytes", *v, 256, 64 << 20, o.max_message_bytes);
  if (auto v = reader::member(obj, "messages_per_minute"))
    r.integer(p + ".messages_per_minute", *v, 1, 100000, o.messages_per_minute);
  if (auto v = reader::member(obj, "max_sessions")) r.integer(p + ".max_sessions", *v, 1, 10000, o.max_sessions);
}

void read_storage(reader& r, const std::string& p, element el, daemon_options& o) {
  object obj;
  if (!r.object_of(p, el, storage_keys, obj)) return;
  if (auto v = reader::member(obj, "state_dir")) r.non_empty(p + ".state_dir", *v, o.state_dir);
}

// 0 keeps the built-in deadlines; one below a second would move every fit.
void read_call_deadline(reader& r, const std::string& path, element v, daemon_options& o) {
  int ms = 0;
  if (!r.integer(path, v, 0, 30000, ms)) return;
  if (ms > 0 && ms < 1000) r.error(path, "must be 0 (the built-in deadlines) or 1000..30000 ms, got " + std::to_string(ms));
  else o.cluster_call_deadline_ms = ms;
}

void read_cluster(reader& r, const std::string& p, element el, daemon_options& o) {
  object obj;
  if (!r.object_of(p, el, cluster_keys, obj)) return;
  if (auto v = reader::member(obj, "port")) r.integer(p + ".port", *v, 0, 65535, o.cluster_port);
  if (auto v = reader::member(obj, "bind")) read_bind(r, p + ".bind", *v, o.cluster_bind);
  if (auto v = reader::member(obj, "local_trainers")) r.integer(p + ".local_trainers", *v, 0, 256, o.local_trainers);
  if (auto v = reader::member(obj, "secret_env")) r.env_name(p + ".secret_env", *v, o.cluster_secret_env);
  if (auto v = reader::member(obj, "call_deadline_ms")) read_call_deadline(r, p + ".call_deadline_ms", *v, o);
  if (auto v = reader::member(obj, "tls_certificate")) r.non_empty(p + ".tls_certificate", *v, o.cluster_tls_certificate);
  if (auto v = reader::member(obj, "tls_key")) r.non_empty(p + ".tls_key", *v, o.cluster_tls_key);
  if (auto v = reader::member(obj, "tls_cafile")) r.non_empty(p + ".tls_cafile", *v, o.cluster_tls_cafile);
}

void read_logging(reader& r, const std::string& p, element el, daemon_options& o) {
  object obj;
  if (!r.object_of(p, el, logging_keys, obj)) return;
  if (auto v = reader::member(obj, "level")) r.choice(p + ".level", *v, log_levels, o.log_level);
  if (auto v = reader::member(obj, "file")) r.text(p + ".file", *v, o.log_file);
  if (auto v = reader::member(obj, "max_file_mb")) r.integer(p + ".max_file_mb", *v, 1, 10240, o.log_max_file_mb);
  if (auto v = reader::member(obj, "max_files")) r.integer(p + ".max_files", *v, 1, 1000, o.log_max_files);
}

void read_schedule(reader& r, const std::string& p, element el, const daemon_options& o, schedule_options& s,
                   bool& ok) {
  object obj;
  ok = false;
  if (!r.object_of(p, el, schedule_keys, obj)) return;
  const std::size_t errors_before = r.error_count();
  if (auto v = reader::member(obj, "name")) {
    std::string name;
    if (r.text(p + ".name", *v, name)) {
      if (schedule_name_ok(name)) s.name = name;
      else r.error(p + ".name", "must be 1-64 letters, digits, _ . or -, got " + quote(name));
    }
  } else {
    r.error(p, "missing \"name\"");
  }
  if (auto v = reader::member(obj, "cron")) {
    std::string text;
    if (r.text(p + ".cron", *v, text)) {
      std::string why;
      if (auto e = parse_cron(text, why)) {
        s.cron = text;
        s.when = *e;
        // A fixed reference keeps the check independent of today's date.
        if (!next_fire(*e, 946684800, 0))
          r.error(p + ".cron", "cron expression " + quote(text) + " never fires (no matching date within 5 years)");
      } else {
        r.error(p + ".cron", "bad cron expression " + quote(text) + ": " + why);
      }
    }
  } else {
    r.error(p, "missing \"cron\" (e.g. \"30 22 * * mon-fri\")");
  }
  if (auto v = reader::member(obj, "timezone")) {
    std::string tz;
    if (r.text(p + ".timezone", *v, tz)) {
      if (parse_utc_offset(tz, s.offset_minutes)) s.timezone = tz;
      else
        r.error(p + ".timezone", "must be \"UTC\" or a fixed offset like \"+05:30\" or \"-04:00\" (zone names and "
                                 "daylight saving are not supported), got " + quote(tz));
    }
  }
  if (auto v = reader::member(obj, "kind")) r.choice(p + ".kind", *v, std::vector<std::string>(std::begin(msg::schedule_kinds), std::end(msg::schedule_kinds)), s.kind);
  s.request = o.trial_defaults;
  s.request.pinned.clear();
  if (auto v = reader::member(obj, "request")) {
    if (s.kind == "paper_update") {
      object req;
      if (r.object_of(p + ".request", *v, {"symbol"}, req)) {
        if (auto sym = reader::member(req, "symbol")) {
          std::string x;
          if (r.text(p + ".request.symbol", *sym, x)) {
            if (symbol_ok(x)) s.request.symbol = x;
            else r.error(p + ".request.symbol", "must be a ticker like \"SPY\", got " + quote(x));
          }
        } else {
          r.error(p + ".request", "missing \"symbol\" (the paper portfolio to update)");
        }
      }
    } else {
      read_trial(r, p + ".request", *v, s.request, true);
    }
  } else {
    r.error(p, "missing \"request\" (at least {\"symbol\": \"SPY\"})");
  }
  if (auto v = reader::member(obj, "approved")) r.boolean(p + ".approved", *v, s.approved);
  if (!s.request.symbols.empty() && !s.approved)
    r.error(p + ".approved", "a schedule over several symbols must be approved (true): a proposal waiting for the "
                             "next person holds one symbol");
  if (auto v = reader::member(obj, "missed")) r.choice(p + ".missed", *v,
             std::vector<std::string>(std::begin(msg::schedule_missed_rules), std::end(msg::schedule_missed_rules)),
             s.missed);
  if (auto v = reader::member(obj, "enabled")) r.boolean(p + ".enabled", *v, s.enabled);
  ok = r.error_count() == errors_before;
}

}  // namespace



void apply_config_json(const std::string& json, daemon_options& o, config_report& report) {
  reader r(report);
  json_syntax_error syntax;
  if (!locate_json(json, report.where, syntax)) {
    config_problem p{"$", "malformed JSON: " + syntax.message, syntax.at.line, syntax.at.column};
    report.errors.push_back(p);
    return;
  }
  simdjson::dom::parser parser;
  element root;
  const simdjson::padded_string padded(json);
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    // The scan accepted it, so this is what only simdjson checks (UTF-8, number range).
    report.errors.push_back(config_problem{"$", std::string("malformed JSON: ") + simdjson::error_message(err), 0, 0});
    return;
  }
  const std::vector<std::pair<std::string, std::vector<std::string>>> sections = {
      {"server", server_keys}, {"data", data_keys},       {"brain", brain_keys},     {"trial_defaults", trial_keys},
      {"limits", limits_keys}, {"storage", storage_keys}, {"logging", logging_keys}, {"cluster", cluster_keys}};
  object obj;
  if (!r.object_of("$", root, root_keys, obj, &sections)) return;
  bool inline_secret = false;
  // Fixed order, whatever the file's: schedules start from trial_defaults.
  if (auto v = reader::member(obj, "server")) read_server(r, "$.server", *v, o, inline_secret);
  if (auto v = reader::member(obj, "data")) read_data(r, "$.data", *v, o, inline_secret);
  if (auto v = reader::member(obj, "brain")) read_brain(r, "$.brain", *v, o, inline_secret);
  if (auto v = reader::member(obj, "trial_defaults")) read_trial(r, "$.trial_defaults", *v, o.trial_defaults, false);
  if (auto v = reader::member(obj, "limits")) read_limits(r, "$.limits", *v, o);
  if (auto v = reader::member(obj, "storage")) read_storage(r, "$.storage", *v, o);
  if (auto v = reader::member(obj, "logging")) read_logging(r, "$.logging", *v, o);
  if (auto v = reader::member(obj, "cluster")) read_cluster(r, "$.cluster", *v, o);
  if (auto v = reader::member(obj, "schedules")) {
    simdjson::dom::array arr;
    if (v->get(arr) != simdjson::SUCCESS) {
      r.error("$.schedules", "must be an array of schedules [...], got " + describe(*v));
    } else {
      std::vector<schedule_options> schedules;
      std::map<std::string, std::size_t> names;
      std::size_t i = 0;
      for (element item : arr) {
        const std::string p = element_path("$.schedules", i);
        schedule_options s;
        bool ok = false;
        read_schedule(r, p, item, o, s, ok);
        if (!s.name.empty()) {
          auto [it, fresh] = names.emplace(s.name, i);
          if (!fresh) {
            r.error(p + ".name", quote(s.name) + " is already the name of schedules[" + std::to_string(it->second) + "]");
            ok = false;
          }
        }
        if (ok) schedules.push_back(std::move(s));
        ++i;
      }
      o.schedules = std::move(schedules);
    }
  }
  if (inline_secret) report.warnings.push_back(config_problem{
      "$", "the file holds secrets inline (tokens or api_key); naming environment variables is safer", 0, 0});
}

void apply_config_file(const std::string& path, daemon_options& o, config_report& report) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    report.errors.push_back(config_problem{"$", "cannot read the config file: " +
                                                    std::string(fs::exists(path, ec) ? "not a regular file" : "no such file"),
                                           0, 0});
    return;
  }
  const auto size = fs::file_size(path, ec);
  if (ec || size > max_file_bytes) {
    report.errors.push_back(config_problem{"$", "the config file is larger than 1 MiB", 0, 0});
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    report.errors.push_back(config_problem{"$", "cannot read the config file", 0, 0});
    return;
  }
  const auto warnings_before = report.warnings.size();
  apply_config_json(text, o, report);
  // An inline secret in a file others can read is worth a louder warning.
  const bool has_inline = report.warnings.size() > warnings_before &&
                          report.warnings.back().message.find("secrets inline") != std::string::npos;
  const auto perms = fs::status(path, ec).permissions();
  if (has_inline && !ec && (perms & (fs::perms::group_read | fs::perms::others_read)) != fs::perms::none)
    report.warnings.back().message += "; the file is readable by group or others (chmod 600 it)";
}


}  // namespace mlt::config
