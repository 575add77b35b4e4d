#include "config/daemon_options.hpp"

#include <filesystem>

#include "config/flag_help.hpp"

namespace mlt::config {

namespace {

bool to_int(const std::string& s, long lo, long hi, long& out) {
  try {
    std::size_t used = 0;
    long v = std::stol(s, &used);
    if (used != s.size() || v < lo || v > hi) return false;
    out = v;
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

std::string shipped_data_dir() {
  std::error_code ec;
  return std::filesystem::is_directory(MLT_SHIPPED_DATA_DIR, ec) ? MLT_SHIPPED_DATA_DIR : "";
}

std::string daemon_usage() {
  const std::string shipped = shipped_data_dir();
  return "usage: mltrainerd [options]\n" +
         format_flags({
             {"--config FILE", "read settings from a JSON config file (flags override it)", "none"},
             {"--check-config FILE", "validate FILE with the environment and other flags, print 'FILE: OK' or every "
                                     "problem, exit 1 on problems", "-"},
             {"--port N", "listen port; 0 = any free port (the daemon prints it)", "8765"},
             {"--bind ADDR", "listen address; not loopback requires bearer tokens", "127.0.0.1"},
             {"--state-dir DIR", "SQLite database, bar cache, models and logs (must be writable)",
              "./mltrainer-state"},
             {"--data-dir DIR", "folder of SYMBOL.csv files that serve those symbols; '' = none",
              "data/ of the source tree"},
             {"--brain KIND", "the agent's brain: rules, anthropic or openai", "rules"},
             {"--max-trials N", "trials running at once, 1..256", "number of cores"},
             {"--parallel-fits N", "folds fitted at once across all trials, 1..256; 1 = one after the other",
              "number of cores"},
             {"--max-queue N", "trials waiting before the daemon answers busy", "32"},
             {"--decision-deadline-ms N", "time per checkpoint decision, 10..3600000; then the rules brain decides",
              "10000"},
             {"--log-level LEVEL", "trace, debug, info, warn or error", "info"},
             {"--cluster-port N", "coordinator: workers join on this port; 0 = any free port (printed)", "none"},
             {"--local-trainers N", "coordinator: trainer slots of its own; 0 = every fit on a worker",
              "number of cores"},
             {"--worker", "run as a worker node that trains for a coordinator (needs --join)", "off"},
             {"--join HOST:PORT", "worker: the coordinator's cluster port", "none"},
             {"--trainers N", "worker: trainers it hosts, 1..256", "number of cores"},
             {"--tls-certificate FILE", "cluster node: PEM certificate it shows; with --tls-key and --tls-cafile, "
                                        "node traffic goes over TLS", "none"},
             {"--tls-key FILE", "cluster node: the certificate's PEM private key", "none"},
             {"--tls-cafile FILE", "cluster node: PEM CA certificate(s) that signed the peers' certificates", "none"},
             {"--foreground", "stay attached to the terminal (always; for service managers)", "on"},
             {"--help", "this text", "-"},
         }) +
         "data/ of the source tree here: " + (shipped.empty() ? std::string("missing, so no data folder") : shipped) +
         "\n"
         "environment (names configurable in the file): MLTRAINER_TOKENS (comma-separated bearer\n"
         "  tokens), POLYGON_API_KEY, POLYGON_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL,\n"
         "  OPENAI_API_KEY, OPENAI_BASE_URL, MLTRAINER_CLUSTER_SECRET (the cluster's shared secret)\n"
         "precedence: built-in defaults < config file < environment < flags\n";
}

bool parse_daemon_args(int argc, char** argv, daemon_options& o, std::string& error, bool& help) {
  help = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    std::string value;
    auto eq = a.find('=');
    bool inline_value = a.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inline_value) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    auto need = [&](std::string& v) {
      if (inline_value) {
        v = value;
        return true;
      }
      if (i + 1 >= argc) {
        error = a + " needs a value";
        return false;
      }
      v = argv[++i];
      return true;
    };
    long n = 0;
    if (a == "--help" || a == "-h") {
      help = true;
      return true;
    } else if (a == "--foreground") {
      o.foreground = true;
    } else if (a == "--config") {
      if (!need(o.config_file)) return false;
      if (o.config_file.empty()) return error = "--config needs a file name", false;
    } else if (a == "--check-config") {
      if (!need(o.config_file)) return false;
      if (o.config_file.empty()) return error = "--check-config needs a file name", false;
      o.check_only = true;
    } else if (a == "--port") {
      if (!need(value)) return false;
      if (!to_int(value, 0, 65535, n)) return error = "--port must be 0..65535, got '" + value + "'", false;
      o.port = static_cast<std::uint16_t>(n);
    } else if (a == "--bind") {
      if (!need(o.bind)) return false;
    } else if (a == "--state-dir") {
      if (!need(o.state_dir)) return false;
    } else if (a == "--data-dir") {
      if (!need(o.data_dir)) return false;
    } else if (a == "--brain") {
      if (!need(o.brain)) return false;
      if (o.brain != "rules" && o.brain != "anthropic" && o.brain != "openai")
        return error = "--brain '" + o.brain + "' is not one of rules, anthropic, openai", false;
    } else if (a == "--max-trials") {
      if (!need(value)) return false;
      if (!to_int(value, 1, 256, n)) return error = "--max-trials must be 1..256, got '" + value + "'", false;
      o.max_concurrent_trials = static_cast<int>(n);
    } else if (a == "--parallel-fits") {
      if (!need(value)) return false;
      if (!to_int(value, 1, 256, n)) return error = "--parallel-fits must be 1..256, got '" + value + "'", false;
      o.parallel_fits = static_cast<int>(n);
    } else if (a == "--max-queue") {
      if (!need(value)) return false;
      if (!to_int(value, 0, 100000, n)) return error = "--max-queue must be 0..100000, got '" + value + "'", false;
      o.max_queue = static_cast<int>(n);
    } else if (a == "--decision-deadline-ms") {
      if (!need(value)) return false;
      if (!to_int(value, 10, 3600000, n))
        return error = "--decision-deadline-ms must be 10..3600000, got '" + value + "'", false;
      o.decision_deadline_ms = static_cast<int>(n);
    } else if (a == "--cluster-port") {
      if (!need(value)) return false;
      if (!to_int(value, 0, 65535, n)) return error = "--cluster-port must be 0..65535, got '" + value + "'", false;
      o.cluster_port = static_cast<int>(n);
    } else if (a == "--local-trainers") {
      if (!need(value)) return false;
      if (!to_int(value, 0, 256, n)) return error = "--local-trainers must be 0..256, got '" + value + "'", false;
      o.local_trainers = static_cast<int>(n);
    } else if (a == "--worker") {
      o.worker = true;
    } else if (a == "--join") {
      if (!need(o.join)) return false;
      if (!split_host_port(o.join).second)
        return error = "--join must be HOST:PORT (the coordinator's cluster port), got '" + o.join + "'", false;
    } else if (a == "--trainers") {
      if (!need(value)) return false;
      if (!to_int(value, 1, 256, n)) return error = "--trainers must be 1..256, got '" + value + "'", false;
      o.worker_trainers = static_cast<int>(n);
    } else if (a == "--tls-certificate") {
      if (!need(o.cluster_tls_certificate)) return false;
    } else if (a == "--tls-key") {
      if (!need(o.cluster_tls_key)) return false;
    } else if (a == "--tls-cafile") {
      if (!need(o.cluster_tls_cafile)) return false;
    } else if (a == "--log-level") {
      if (!need(o.log_level)) return false;
      if (o.log_level != "trace" && o.log_level != "debug" && o.log_level != "info" && o.log_level != "warn" &&
          o.log_level != "error")
        return error = "--log-level must be trace, debug, info, warn or error", false;
    } else {
      error = "unknown option '" + a + "'";
      return false;
    }
  }
  return true;
}

std::pair<std::string, std::uint16_t> split_host_port(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  long port = 0;
  if (colon == std::string::npos || colon == 0 || !to_int(host_port.substr(colon + 1), 1, 65535, port)) return {"", 0};
  return {host_port.substr(0, colon), static_cast<std::uint16_t>(port)};
}

std::string effective_log_file(const daemon_options& o) {
  if (!o.log_file.empty()) return o.log_file;
  return (std::filesystem::path(o.state_dir) / "mltrainerd.log").string();
}

std::string effective_cache_dir(const daemon_options& o) {
  if (!o.cache_dir.empty()) return o.cache_dir;
  return (std::filesystem::path(o.state_dir) / "cache").string();
}

}  // namespace mlt::config
