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

namespace {

// One flag of the command line; its value follows it or is written inline
// (--port=8080).
struct flag_arg {
  int argc;
  char** argv;
  int& i;
  std::string name, value;
  bool inline_value = false;

  flag_arg(int argc_, char** argv_, int& i_) : argc(argc_), argv(argv_), i(i_), name(argv_[i_]) {
    auto eq = name.find('=');
    inline_value = name.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
  }

  bool need(std::string& v, std::string& error) {
    if (inline_value) {
      v = value;
      return true;
    }
    if (i + 1 >= argc) {
      error = name + " needs a value";
      return false;
    }
    v = argv[++i];
    return true;
  }
};

// The flags that take a whole number in a range.
struct int_flag {
  const char* name;
  long lo, hi;
  void (*set)(daemon_options&, long);
};

const int_flag* int_flag_named(const std::string& name) {
  static const int_flag flags[] = {
      {"--port", 0, 65535, [](daemon_options& o, long n) { o.port = static_cast<std::uint16_t>(n); }},
      {"--max-trials", 1, 256, [](daemon_options& o, long n) { o.max_concurrent_trials = static_cast<int>(n); }},
      {"--parallel-fits", 1, 256, [](daemon_options& o, long n) { o.parallel_fits = static_cast<int>(n); }},
      {"--max-queue", 0, 100000, [](daemon_options& o, long n) { o.max_queue = static_cast<int>(n); }},
      {"--decision-deadline-ms", 10, 3600000,
       [](daemon_options& o, long n) { o.decision_deadline_ms = static_cast<int>(n); }},
      {"--cluster-port", 0, 65535, [](daemon_options& o, long n) { o.cluster_port = static_cast<int>(n); }},
      {"--local-trainers", 0, 256, [](daemon_options& o, long n) { o.local_trainers = static_cast<int>(n); }},
      {"--trainers", 1, 256, [](daemon_options& o, long n) { o.worker_trainers = static_cast<int>(n); }},
  };
  for (const int_flag& f : flags)
    if (name == f.name) return &f;
  return nullptr;
}

bool read_int_flag(const int_flag& f, flag_arg& a, daemon_options& o, std::string& error) {
  std::string value;
  if (!a.need(value, error)) return false;
  long n = 0;
  if (!to_int(value, f.lo, f.hi, n))
    return error = a.name + " must be " + std::to_string(f.lo) + ".." + std::to_string(f.hi) + ", got '" + value +
                   "'",
           false;
  f.set(o, n);
  return true;
}

// The flags that take words or nothing.
bool read_word_flag(flag_arg& arg, daemon_options& o, std::string& error) {
  const std::string& a = arg.name;
  if (a == "--foreground") {
    o.foreground = true;
  } else if (a == "--config") {
    if (!arg.need(o.config_file, error)) return false;
    if (o.config_file.empty()) return error = "--config needs a file name", false;
  } else if (a == "--check-config") {
    if (!arg.need(o.config_file, error)) return false;
    if (o.config_file.empty()) return error = "--check-config needs a file name", false;
    o.check_only = true;
  } else if (a == "--bind") {
    if (!arg.need(o.bind, error)) return false;
  } else if (a == "--state-dir") {
    if (!arg.need(o.state_dir, error)) return false;
  } else if (a == "--data-dir") {
    if (!arg.need(o.data_dir, error)) return false;
  } else if (a == "--brain") {
    if (!arg.need(o.brain, error)) return false;
    if (o.brain != "rules" && o.brain != "anthropic" && o.brain != "openai")
      return error = "--brain '" + o.brain + "' is not one of rules, anthropic, openai", false;
  } else if (a == "--worker") {
    o.worker = true;
  } else if (a == "--join") {
    if (!arg.need(o.join, error)) return false;
    if (!split_host_port(o.join).second)
      return error = "--join must be HOST:PORT (the coordinator's cluster port), got '" + o.join + "'", false;
  } else if (a == "--tls-certificate") {
    if (!arg.need(o.cluster_tls_certificate, error)) return false;
  } else if (a == "--tls-key") {
    if (!arg.need(o.cluster_tls_key, error)) return false;
  } else if (a == "--tls-cafile") {
    if (!arg.need(o.cluster_tls_cafile, error)) return false;
  } else if (a == "--log-level") {
    if (!arg.need(o.log_level, error)) return false;
    if (o.log_level != "trace" && o.log_level != "debug" && o.log_level != "info" && o.log_level != "warn" &&
        o.log_level != "error")
      return error = "--log-level must be trace, debug, info, warn or error", false;
  } else {
    error = "unknown option '" + a + "'";
    return false;
  }
  return true;
}

}  // namespace

bool parse_daemon_args(int argc, char** argv, daemon_options& o, std::string& error, bool& help) {
  help = false;
  for (int i = 0; i < argc; ++i) {
    flag_arg a(argc, argv, i);
    if (a.name == "--help" || a.name == "-h") {
      help = true;
      return true;
    }
    const int_flag* f = int_flag_named(a.name);
    if (!(f ? read_int_flag(*f, a, o, error) : read_word_flag(a, o, error))) return false;
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
