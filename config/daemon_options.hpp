#pragma once
/// Everything `mltrainerd` is told at start: built-in defaults, then the
/// command line.

#include <cstdint>
#include <string>
#include <vector>

namespace mlt::config {

struct daemon_options {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8765;
  std::string state_dir = "mltrainer-state";  ///< SQLite database, cache, logs
  std::string data_dir;                       ///< SYMBOL.csv files; empty = none
  std::string brain = "rules";
  int max_concurrent_trials = 0;              ///< 0 = number of cores
  int max_queue = 32;
  int decision_deadline_ms = 10000;
  int io_threads = 1;
  std::string log_level = "info";             ///< trace | debug | info | warn | error
  bool foreground = true;
  std::string polygon_api_key;                ///< from POLYGON_API_KEY; never logged
  std::string polygon_base_url = "https://api.polygon.io";
};

/// Parses argv (after the program name). Returns false with `error` naming
/// the bad flag; sets `help` when --help was given.
bool parse_daemon_args(int argc, char** argv, daemon_options& out, std::string& error, bool& help);

/// The --help text.
std::string daemon_usage();

}  // namespace mlt::config
