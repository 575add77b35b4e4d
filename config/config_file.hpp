#pragma once
/// The JSON config file of mltrainerd, the environment step, and the checks
/// that need every source merged. Every problem is reported at once, each
/// with its JSON path; secrets never appear in a message.
///
/// The file (every key optional; config/mltrainer.example.json shows all):
///   server          bind, port, io_threads, tokens[], tokens_env, allowed_origins[]
///   data            dir, polygon_api_key_env, polygon_api_key, polygon_base_url, cache_dir
///   brain           kind, decision_deadline_ms, max_decisions, token_budget, memory_turns,
///                   anthropic{model, base_url, api_key_env, api_key, max_tokens,
///                   knowledge_cutoff}, openai{...}
///   trial_defaults  model, data_source, start, end, train_ratio, val_ratio, horizon, seed,
///                   decision_budget, wf_folds, wf_window, params{}, paper{cash, commission_bps, slippage_bps,
///                   allow_short, long_threshold, short_threshold, fractional_shares,
///                   stop_loss, take_profit}
///   limits          max_concurrent_trials, parallel_fits, max_queue, max_frame_bytes, max_message_bytes,
///                   messages_per_minute, max_sessions
///   storage         state_dir
///   logging         level, file, max_file_mb, max_files
///   schedules[]     name, cron, timezone, kind, request{...}, approved, missed, enabled
///   cluster         port, bind, local_trainers, secret_env, call_deadline_ms, tls_certificate, tls_key, tls_cafile
/// Keys of daemon_options.hpp document each field; keys starting with "_"
/// are ignored anywhere (comments). Relative paths (storage.state_dir,
/// data.dir, data.cache_dir, logging.file) are taken from the daemon's
/// working directory, not the file's. Secrets: the file names
/// environment variables (api_key_env, tokens_env); inline "api_key" and
/// "tokens" work but draw a warning when the file is readable by others.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/daemon_options.hpp"
#include "config/json_locate.hpp"

namespace mlt::config {

/// One problem in a configuration.
struct config_problem {
  std::string path;     ///< JSON path ("$.limits.max_queue"), "$" = the whole file, "env:NAME", "--flag"
  std::string message;  ///< what is wrong and what is allowed; never a secret
  int line = 0;         ///< 1-based line in the file, 0 = not from the file
  int column = 0;       ///< 1-based column, 0 = not from the file
  /// "$.limits.max_queue: must be an integer in 1..10000, got -3".
  std::string text() const;
};

/// Everything found while reading a configuration.
struct config_report {
  std::vector<config_problem> errors;    ///< any error: the daemon refuses to start
  std::vector<config_problem> warnings;  ///< worth knowing, not fatal
  std::map<std::string, json_position> where;  ///< positions of the file's keys by JSON path
  bool ok() const { return errors.empty(); }
  /// Messages of every error, one text() per line (tests, logs).
  std::string error_text() const;
};

/// Looks up an environment variable; nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment (std::getenv).
std::optional<std::string> process_env(const std::string& name);

/// Applies JSON text over `options` (which holds the defaults, or earlier
/// layers); appends every problem to `report`. Valid keys are applied even
/// when others are bad.
void apply_config_json(const std::string& json, daemon_options& options, config_report& report);

/// Reads and applies the file at `path`; an unreadable file is one error.
/// Warns when the file holds inline secrets and others may read it.
void apply_config_file(const std::string& path, daemon_options& options, config_report& report);

/// The environment layer: tokens from `tokens_env` (comma-separated),
/// API keys from each `*_api_key_env`, POLYGON_BASE_URL, ANTHROPIC_BASE_URL,
/// OPENAI_BASE_URL. Set variables replace what the file said; empty ones are
/// ignored.
void apply_environment(daemon_options& options, const env_lookup& env = process_env);

/// Checks that need every layer merged: bind address vs tokens, token
/// length, the chosen brain's key, limits against each other.
void check_options(const daemon_options& options, config_report& report);

/// The whole start-up order: defaults < --config file < environment < flags,
/// then check_options. Returns false only for a bad flag (`flag_error`);
/// config problems go to `report`. Sets `help` for --help.
bool load_daemon_options(int argc, char** argv, daemon_options& out, config_report& report, std::string& flag_error,
                         bool& help, const env_lookup& env = process_env);

/// For people: "FILE:LINE:COL: error: $.path: message" per problem (errors,
/// then warnings), and "FILE: OK" first when there are no errors (unless
/// `with_status` is false: then problem lines only).
std::string format_report(const std::string& file, const config_report& report, bool with_status = true);

}  // namespace mlt::config
