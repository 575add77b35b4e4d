#pragma once
/// Everything `mltrainerd` is told at start. Precedence, lowest first:
/// built-in defaults < config file (--config FILE) < environment (tokens and
/// API keys, POLYGON_BASE_URL) < command-line flags. config/config_file.hpp
/// reads the file; each field below names its JSON key.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/cron.hpp"

namespace mlt::config {

/// The data/ folder of the source tree this binary was built from (its real
/// price files, data/PROVENANCE.md), or "" when that folder is gone (a binary
/// copied elsewhere): then there is no data folder unless one is configured.
std::string shipped_data_dir();

/// One LLM provider (brain.anthropic / brain.openai).
struct llm_options {
  std::string model;        ///< model name sent to the API ("model")
  std::string base_url;     ///< API root, http:// or https:// ("base_url"); env ANTHROPIC_BASE_URL / OPENAI_BASE_URL override
  std::string api_key_env;  ///< environment variable holding the key ("api_key_env"); preferred
  std::string api_key;      ///< the key: inline "api_key" (discouraged), replaced by api_key_env when set; never logged
  int max_tokens = 1024;    ///< longest reply in tokens, 1..200000 ("max_tokens")
  /// Last month ("YYYY-MM") or day ("YYYY-MM-DD") the model's training data
  /// covers ("knowledge_cutoff"); "" = the published cutoff of `model` when
  /// config/knowledge_cutoff.hpp knows it, else unknown (then every trial it
  /// decides on real data is flagged).
  std::string knowledge_cutoff;
};

/// Paper-trading settings of a trial ("paper"); mirrors ml::paper_config.
struct paper_options {
  double cash = 100000;          ///< starting cash, > 0 ("cash")
  double commission_bps = 1.0;   ///< commission per fill in basis points of notional, 0..1000 ("commission_bps")
  double commission_per_share = 0; ///< added commission per share per fill, 0..100 ("commission_per_share")
  double commission_min = 0;     ///< least per-share charge per fill, 0..1e6 ("commission_min")
  double commission_fixed = 0;   ///< added commission per fill (order), 0..1e6 ("commission_fixed")
  double slippage_bps = 0.0;     ///< adverse slippage per fill in basis points, 0..1000 ("slippage_bps")
  bool allow_short = false;      ///< take short positions below short_threshold ("allow_short")
  double long_threshold = 0.55;  ///< go long when P(up) > this, 0.5..1 ("long_threshold")
  double short_threshold = 0.45; ///< go short when P(up) < this, 0..0.5 ("short_threshold")
  bool fractional_shares = false; ///< else whole shares, rounded down ("fractional_shares")
  double stop_loss = 0;          ///< stop below entry as a fraction of the fill price, 0 = none, 0..1 ("stop_loss")
  double take_profit = 0;        ///< target above entry as a fraction of the fill price, 0 = none, 0..10 ("take_profit")
  std::string sizing = "all";    ///< all | units | fraction | vol_target ("sizing")
  double size = 1;               ///< units: shares; fraction: of equity 0..1; vol_target: annual volatility ("size")
  int vol_lookback = 20;         ///< vol_target: bars of returns, 2..1000 ("vol_lookback")
};

/// What a trial is (trial_defaults, and a schedule's "request"); mirrors
/// msg::trial_plan, converted by config/plan_convert.hpp.
struct trial_options {
  std::string symbol;                 ///< ticker, e.g. "SPY" ("symbol"; schedules only)
  /// A universe: the trial once per symbol ("symbols": ["AAPL","MSFT"] or a
  /// built-in list's name "dow30"; schedules only, instead of "symbol", which
  /// then holds the first).
  std::vector<std::string> symbols;
  std::string universe;               ///< the built-in list "symbols" named ("dow30"), "" = none
  std::string model = "xgboost";      ///< majority | logistic | xgboost | lstm | transformer | ensemble ("model")
  std::string data_source = "auto";   ///< auto | synthetic | csv | polygon ("data_source")
  std::string start;                  ///< first date YYYY-MM-DD, "" = the source's default ("start")
  std::string end;                    ///< last date YYYY-MM-DD, "" = the source's default ("end")
  double train_ratio = 0.7;           ///< share of rows for training, > 0 and < 1 ("train_ratio")
  double val_ratio = 0.15;            ///< share for validation, 0 .. < 1; train + val < 1 ("val_ratio")
  std::int32_t horizon = 1;           ///< bars ahead the label looks, 1..250 ("horizon")
  std::uint64_t seed = 42;            ///< random seed ("seed")
  std::int32_t decision_budget = 8;   ///< engine questions the agent may answer, 0..100 ("decision_budget")
  std::int32_t wf_folds = 5;          ///< walk-forward evidence folds, the test part the last, 1..20 ("wf_folds")
  std::string wf_window = "expanding";  ///< expanding | rolling ("wf_window")
  std::map<std::string, double> params;  ///< model hyperparameters ("params", object of numbers)
  paper_options paper;                ///< paper-trading settings ("paper")
  /// Keys a schedule's request set explicitly ("model", "train_ratio", ...);
  /// the agent does not override them (msg::trial_plan::pinned).
  std::vector<std::string> pinned;
};

/// One entry of "schedules".
struct schedule_options {
  std::string name;            ///< unique, letters digits _ . - ("name")
  std::string cron;            ///< cron expression as written, see config/cron.hpp ("cron")
  cron_expr when;              ///< `cron` parsed
  std::string timezone = "UTC";  ///< "UTC" or a fixed offset "+05:30" / "-04:00"; no DST ("timezone")
  int offset_minutes = 0;      ///< `timezone` in minutes east of UTC
  std::string kind = "trial";  ///< trial | paper_update ("kind")
  /// "request": for a trial, trial_defaults overridden by the request's keys
  /// (symbol required); for paper_update only `symbol` is used.
  trial_options request;
  bool approved = false;       ///< true = runs at once; false = a pending proposal for the next person ("approved")
  std::string missed = "skip"; ///< runs missed while down: skip | run_once ("missed")
  bool enabled = true;         ///< false = kept in the file but never fires ("enabled")
};

struct daemon_options {
  // server
  std::string bind = "127.0.0.1";  ///< listen address; not loopback requires tokens (server.bind, --bind)
  std::uint16_t port = 8765;       ///< listen port, 0 = any free port (server.port, --port)
  int io_threads = 1;              ///< network threads, 1..64 (server.io_threads)
  /// Accepted bearer tokens, each at least 16 characters (server.tokens);
  /// replaced by the variable named in tokens_env when that is set. Never logged.
  std::vector<std::string> tokens;
  std::string tokens_env = "MLTRAINER_TOKENS";  ///< env var with comma-separated tokens (server.tokens_env)
  bool tokens_from_env = false;    ///< tokens came from tokens_env (for messages)
  std::vector<std::string> allowed_origins;  ///< WebSocket Origin allow-list, [] = any (server.allowed_origins)

  // data
  /// SYMBOL.csv files; empty = none (data.dir, --data-dir). Defaults to the
  /// checkout's data/ folder (shipped_data_dir()) when that exists.
  std::string data_dir = shipped_data_dir();
  std::string polygon_api_key_env = "POLYGON_API_KEY";  ///< env var with the Polygon key (data.polygon_api_key_env)
  std::string polygon_api_key;     ///< from polygon_api_key_env, else inline data.polygon_api_key; never logged
  std::string polygon_base_url = "https://api.polygon.io";  ///< data.polygon_base_url; env POLYGON_BASE_URL overrides
  std::string cache_dir;           ///< downloaded bars; "" = STATE_DIR/cache (data.cache_dir)

  // brain
  std::string brain = "rules";     ///< rules | anthropic | openai (brain.kind, --brain)
  int decision_deadline_ms = 10000;  ///< time per checkpoint decision, 10..3600000 (brain.decision_deadline_ms)
  int max_decisions = 8;           ///< LLM decisions per trial, then rules, 0..1000 (brain.max_decisions)
  std::int64_t token_budget = 200000;  ///< LLM tokens per trial, then rules, 0..100000000 (brain.token_budget)
  int memory_turns = 20;           ///< chat turns an LLM brain remembers, 0..1000 (brain.memory_turns)
  llm_options anthropic{"claude-sonnet-4-5", "https://api.anthropic.com", "ANTHROPIC_API_KEY", "", 1024, ""};  ///< brain.anthropic
  llm_options openai{"gpt-4o-mini", "https://api.openai.com", "OPENAI_API_KEY", "", 1024, ""};  ///< brain.openai

  // trial_defaults
  trial_options trial_defaults;    ///< what a new proposal starts from (trial_defaults)

  // limits
  int max_concurrent_trials = 0;   ///< trials running at once, 0 = number of cores, 0..256 (limits.max_concurrent_trials, --max-trials)
  int parallel_fits = 0;           ///< fits (folds) running at once across all trials, 0 = number of cores, 1 = one after the other, 0..256 (limits.parallel_fits, --parallel-fits)
  int max_queue = 32;              ///< trials waiting before "busy, position N", 1..10000 (limits.max_queue, --max-queue)
  std::int64_t max_frame_bytes = 1 << 20;  ///< largest WebSocket message read; larger closes it (1009) (limits.max_frame_bytes)
  std::int64_t max_message_bytes = 64 << 10;  ///< largest chat text and HTTP request body (limits.max_message_bytes)
  int messages_per_minute = 120;   ///< chat messages per session per minute (limits.messages_per_minute)
  int max_sessions = 64;           ///< WebSocket sessions open at once (limits.max_sessions)

  // storage
  std::string state_dir = "mltrainer-state";  ///< SQLite database, cache, models, logs (storage.state_dir, --state-dir)

  // logging
  std::string log_level = "info";  ///< trace | debug | info | warn | error (logging.level, --log-level)
  std::string log_file;            ///< "" = STATE_DIR/mltrainerd.log (logging.file)
  int log_max_file_mb = 10;        ///< rotate at this size, 1..10240 (logging.max_file_mb)
  int log_max_files = 5;           ///< rotated files kept, 1..1000 (logging.max_files)

  // cluster (README "Running on several machines")
  int cluster_port = -1;           ///< coordinator: workers join here, 0 = any free port, -1 = no cluster (cluster.port, --cluster-port)
  std::string cluster_bind = "127.0.0.1";  ///< coordinator: the cluster port's address (cluster.bind)
  int local_trainers = -1;         ///< coordinator: its own trainer slots, 0 = every fit on a worker, -1 = number of cores (cluster.local_trainers, --local-trainers)
  std::string cluster_secret_env = "MLTRAINER_CLUSTER_SECRET";  ///< env var with the shared secret (cluster.secret_env)
  std::string cluster_secret;      ///< from cluster_secret_env only; never logged, sent or stored
  std::string cluster_tls_certificate;  ///< PEM certificate this node shows its peers; set with the key and CA file, TLS is on (cluster.tls_certificate, --tls-certificate)
  std::string cluster_tls_key;          ///< its PEM private key (cluster.tls_key, --tls-key)
  std::string cluster_tls_cafile;       ///< PEM CA certificate(s) that must have signed a peer's certificate (cluster.tls_cafile, --tls-cafile)
  int cluster_call_deadline_ms = 0;  ///< coordinator: one deadline for every forwarded trainer request, 1000..30000; 0 = the built-in ones (cluster.call_deadline_ms)
  bool worker = false;             ///< run as a worker node (--worker)
  std::string join;                ///< worker: the coordinator's HOST:PORT (--join)
  int worker_trainers = 0;         ///< worker: trainers it hosts, 0 = number of cores (--trainers)
  /// Node-to-node traffic over TLS (any TLS setting given; the checks ask for all three).
  bool cluster_tls() const {
    return !cluster_tls_certificate.empty() || !cluster_tls_key.empty() || !cluster_tls_cafile.empty();
  }

  // schedules
  std::vector<schedule_options> schedules;  ///< scheduled trials and paper updates (schedules)

  // command line only
  bool foreground = true;          ///< stay attached to the terminal (--foreground)
  std::string config_file;         ///< the file read (--config), "" = none
  bool check_only = false;         ///< --check-config: validate and exit
};

/// Parses argv (after the program name) over `out`. Returns false with
/// `error` naming the bad flag; sets `help` when --help was given. Reads no
/// environment (see config_file.hpp apply_environment).
bool parse_daemon_args(int argc, char** argv, daemon_options& out, std::string& error, bool& help);

/// The --help text.
std::string daemon_usage();

/// "HOST:PORT" split; port 0 when it is not of that form.
std::pair<std::string, std::uint16_t> split_host_port(const std::string& host_port);

/// The log file path: log_file, or STATE_DIR/mltrainerd.log.
std::string effective_log_file(const daemon_options& o);

/// The bar cache directory: cache_dir, or STATE_DIR/cache.
std::string effective_cache_dir(const daemon_options& o);

}  // namespace mlt::config
