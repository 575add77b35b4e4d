#include "config/config_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/value_checks.hpp"

namespace mlt::config {

namespace {

/// A problem at `path`, with the file position when the file had that key.
config_problem at(const config_report& report, const std::string& path, const std::string& message) {
  const auto p = nearest_position(report.where, path);
  return config_problem{path, message, p.line, p.column};
}

}  // namespace

std::string config_problem::text() const {
  if (path.empty()) return message;
  return path + ": " + message;
}

std::string config_report::error_text() const {
  std::string out;
  for (const auto& e : errors) out += e.text() + "\n";
  return out;
}

std::optional<std::string> process_env(const std::string& name) {
  if (const char* v = std::getenv(name.c_str())) return std::string(v);
  return std::nullopt;
}

void apply_environment(daemon_options& o, const env_lookup& env) {
  auto get = [&](const std::string& name) -> std::optional<std::string> {
    if (name.empty()) return std::nullopt;
    auto v = env(name);
    if (!v || v->empty()) return std::nullopt;
    return v;
  };
  if (auto t = get(o.tokens_env)) {
    std::vector<std::string> tokens;
    std::stringstream in(*t);
    for (std::string tok; std::getline(in, tok, ',');) {
      const auto b = tok.find_first_not_of(" \t\r\n");
      const auto e = tok.find_last_not_of(" \t\r\n");
      if (b != std::string::npos) tokens.push_back(tok.substr(b, e - b + 1));
    }
    if (!tokens.empty()) {
      o.tokens = tokens;
      o.tokens_from_env = true;
    }
  }
  if (auto k = get(o.polygon_api_key_env)) o.polygon_api_key = *k;
  if (auto k = get(o.cluster_secret_env)) o.cluster_secret = *k;
  if (auto u = get("POLYGON_BASE_URL")) o.polygon_base_url = *u;
  if (auto k = get(o.anthropic.api_key_env)) o.anthropic.api_key = *k;
  if (auto k = get(o.openai.api_key_env)) o.openai.api_key = *k;
  // As the vendors' own SDKs read them.
  if (auto u = get("ANTHROPIC_BASE_URL")) o.anthropic.base_url = *u;
  if (auto u = get("OPENAI_BASE_URL")) o.openai.base_url = *u;
}

namespace {

// TLS needs all three files, each readable; half a TLS setting is a mistake
// that would otherwise only show when a worker fails to connect.
template <class Error>
void check_cluster_tls(const daemon_options& o, Error error) {
  if (!o.cluster_tls()) return;
  const std::pair<const char*, const std::string*> files[] = {{"tls_certificate", &o.cluster_tls_certificate},
                                                              {"tls_key", &o.cluster_tls_key},
                                                              {"tls_cafile", &o.cluster_tls_cafile}};
  for (const auto& [key, file] : files) {
    const std::string path = std::string("$.cluster.") + key;
    if (file->empty())
      error(path, std::string("TLS between nodes needs cluster.tls_certificate, tls_key and tls_cafile (flags "
                              "--tls-certificate, --tls-key, --tls-cafile); ") + key + " is missing");
    else if (!std::ifstream(*file))
      error(path, "cannot read " + *file);
  }
}

// A cluster runs on its shared secret; without one nobody may join (or,
// for a worker, prove anything), so it does not start.
template <class Error, class Warn>
void check_cluster_options(const daemon_options& o, Error error, Warn warn) {
  const bool cluster = o.cluster_port >= 0 || o.worker;
  if (cluster && o.cluster_secret.size() < min_token_chars)
    error("env:" + o.cluster_secret_env,
          o.cluster_secret.empty()
              ? "a cluster needs its shared secret: set " + o.cluster_secret_env + " (e.g. openssl rand -hex 24) on "
                    "the coordinator and every worker"
              : "the cluster secret in " + o.cluster_secret_env + " must be at least " +
                    std::to_string(min_token_chars) + " characters");
  if (o.worker && o.join.empty()) error("--join", "a worker needs --join HOST:PORT, the coordinator's cluster port");
  if (!o.worker && !o.join.empty()) error("--join", "--join is for workers: add --worker");
  if (o.worker && o.cluster_port >= 0) error("--cluster-port", "a worker does not open a cluster port");
  check_cluster_tls(o, error);
  if (o.cluster_port >= 0 && !o.cluster_tls() && !is_loopback_address(o.cluster_bind))
    warn("$.cluster.bind", "workers join on " + o.cluster_bind + " without TLS: the secret authenticates them, but "
                           "trial data crosses the network unencrypted; use a private network or a VPN");
}

}  // namespace

void check_options(const daemon_options& o, config_report& report) {
  auto error = [&](const std::string& path, const std::string& message) {
    report.errors.push_back(at(report, path, message));
  };
  auto warn = [&](const std::string& path, const std::string& message) {
    report.warnings.push_back(at(report, path, message));
  };
  if (o.tokens_from_env) {
    for (std::size_t i = 0; i < o.tokens.size(); ++i) {
      const auto& t = o.tokens[i];
      if (t.size() < min_token_chars ||
          std::any_of(t.begin(), t.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
        error("env:" + o.tokens_env, "token " + std::to_string(i + 1) + " must be at least " +
                                         std::to_string(min_token_chars) + " characters without spaces");
    }
  }
  if (!is_loopback_address(o.bind) && o.tokens.empty())
    error("$.server.bind", "refusing to listen on " + o.bind + " without tokens (set server.tokens or " +
                               o.tokens_env + ", or bind 127.0.0.1)");
  if (!is_loopback_address(o.bind) && o.allowed_origins.empty())
    warn("$.server.allowed_origins",
         "is empty on a public address: web pages from any site may open WebSockets (tokens are still required); "
         "list your own origins");
  // Checked again here: the environment may have replaced the file's URLs.
  const std::pair<const char*, const std::string*> urls[] = {{"$.data.polygon_base_url", &o.polygon_base_url},
                                                             {"$.brain.anthropic.base_url", &o.anthropic.base_url},
                                                             {"$.brain.openai.base_url", &o.openai.base_url}};
  for (const auto& [path, url] : urls)
    if (!http_url_ok(*url)) error(path, "must be an http:// or https:// URL, got " + quote(*url));
  if (o.brain == "anthropic" && o.anthropic.api_key.empty())
    error("$.brain.anthropic.api_key_env", "brain.kind is \"anthropic\" but " + o.anthropic.api_key_env +
                                               " is not set (and the file has no brain.anthropic.api_key)");
  // OpenAI-compatible local servers often need no key; api.openai.com does.
  if (o.brain == "openai" && o.openai.api_key.empty() && o.openai.base_url.find("api.openai.com") != std::string::npos)
    error("$.brain.openai.api_key_env", "brain.kind is \"openai\" but " + o.openai.api_key_env +
                                            " is not set (and the file has no brain.openai.api_key)");
  if (o.max_message_bytes > o.max_frame_bytes)
    warn("$.limits.max_message_bytes", "is larger than limits.max_frame_bytes (" + std::to_string(o.max_frame_bytes) +
                                           "), so chat messages are limited by the frame size");
  check_cluster_options(o, error, warn);
  std::error_code ec;
  if (!o.data_dir.empty() && !std::filesystem::is_directory(o.data_dir, ec))
    warn("$.data.dir", "directory " + quote(o.data_dir) + " does not exist (the daemon refuses to start without it)");
}

bool load_daemon_options(int argc, char** argv, daemon_options& out, config_report& report, std::string& flag_error,
                         bool& help, const env_lookup& env) {
  // The file comes first so that every flag, wherever it stands, overrides it.
  std::string file;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    for (const char* flag : {"--config", "--check-config"}) {
      const std::string f = flag;
      if (a == f && i + 1 < argc) file = argv[i + 1];
      else if (a.rfind(f + "=", 0) == 0) file = a.substr(f.size() + 1);
    }
  }
  if (!file.empty()) apply_config_file(file, out, report);
  apply_environment(out, env);
  if (!parse_daemon_args(argc, argv, out, flag_error, help)) return false;
  if (!help) check_options(out, report);
  return true;
}

std::string format_report(const std::string& file, const config_report& report, bool with_status) {
  std::string out;
  auto line = [&](const config_problem& p, const char* kind) {
    out += file;
    if (p.line > 0) out += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    out += std::string(": ") + kind + ": " + p.text() + "\n";
  };
  if (report.ok() && with_status) out += file + ": OK\n";
  for (const auto& e : report.errors) line(e, "error");
  for (const auto& w : report.warnings) line(w, "warning");
  if (!report.ok() && with_status)
    out += file + ": " + std::to_string(report.errors.size()) + (report.errors.size() == 1 ? " problem" : " problems") + "\n";
  return out;
}

}  // namespace mlt::config
