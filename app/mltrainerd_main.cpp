#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "actors/cluster/worker_node.hpp"
#include "actors/daemon.hpp"
#include "app/shutdown_signal.hpp"
#include "config/config_file.hpp"
#include "config/daemon_options.hpp"

namespace {

// The state directory must take a file before anything starts: otherwise the
// log sink or SQLite fails later with a less helpful message.
std::string state_dir_problem(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create state directory " + dir + ": " + ec.message();
  const auto probe = std::filesystem::path(dir) / ".mltrainerd-write-probe";
  { std::ofstream out(probe); if (!out) return "state directory " + dir + " is not writable"; }
  std::filesystem::remove(probe, ec);
  return "";
}

// What to do next after a failed start, for the mistakes people make first.
std::string start_advice(const std::string& what, const mlt::config::daemon_options& o) {
  auto has = [&](const char* s) { return what.find(s) != std::string::npos; };
  if (has("already in use"))
    return "Port " + std::to_string(o.port) + " is taken (another mltrainerd?). Stop that one, or start this one "
           "with --port N (0 = any free port; the daemon prints the one it got).";
  if (has("newer than this build"))
    return "That state directory was written by a newer mltrainerd: run that version, or start this one with "
           "another --state-dir DIR.";
  if (has("state directory") || has("store"))
    return "Pick a folder you can write with --state-dir DIR (or storage.state_dir), or fix the permissions of " +
           o.state_dir + ".";
  if (has("data directory"))
    return "Point --data-dir (or data.dir) at a folder of SYMBOL.csv files, or pass --data-dir '' for none.";
  return "";
}

// A worker node until SIGINT/SIGTERM (or the coordinator's refusal).
int run_worker(const mlt::config::daemon_options& opts, mlt::app::shutdown_signal& shutdown) {
  mlt::actors::cluster::worker_node w(opts);
  try {
    w.start();
  } catch (const std::exception& e) {
    std::cerr << "mltrainerd: " << e.what() << "\n";
    return 1;
  }
  const int sig = shutdown.wait();
  if (w.exit_code() == 0) std::cerr << "mltrainerd: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down\n";
  w.stop();
  return w.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  mlt::config::daemon_options opts;
  mlt::config::config_report report;
  std::string error;
  bool help = false;
  // Defaults < --config file < environment < flags, then the cross checks.
  if (!mlt::config::load_daemon_options(argc - 1, argv + 1, opts, report, error, help)) {
    std::cerr << "mltrainerd: " << error << "\n" << mlt::config::daemon_usage();
    return 2;
  }
  if (help) {
    std::cout << mlt::config::daemon_usage();
    return 0;
  }
  const std::string source = opts.config_file.empty() ? "mltrainerd" : opts.config_file;
  if (opts.check_only) {
    std::cout << mlt::config::format_report(source, report);
    return report.ok() ? 0 : 1;
  }
  if (!report.ok()) {
    std::cerr << mlt::config::format_report(source, report) << "mltrainerd: refusing to start on a bad configuration\n";
    return 1;
  }
  // Warnings only: say them once and go on.
  if (!report.warnings.empty()) std::cerr << mlt::config::format_report(source, report, false);

  mlt::app::shutdown_signal shutdown;

  if (opts.worker) return run_worker(opts, shutdown);
  if (const std::string problem = state_dir_problem(opts.state_dir); !problem.empty()) {
    std::cerr << "mltrainerd: " << problem << "\n" << start_advice(problem, opts) << "\n";
    return 1;
  }
  mlt::actors::daemon d(opts);
  try {
    d.start();
  } catch (const std::exception& e) {
    const std::string advice = start_advice(e.what(), opts);
    std::cerr << "mltrainerd: " << e.what() << "\n" << (advice.empty() ? "" : advice + "\n");
    return 1;
  }
  // Lines the client scripts and tests can wait for (the cluster's first).
  if (opts.cluster_port >= 0) std::cout << "cluster listening on port " << d.cluster_port() << std::endl;
  std::cout << "mltrainerd listening on port " << d.port() << std::endl;
  const int sig = shutdown.wait();
  std::cerr << "mltrainerd: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down\n";
  d.stop();
  return 0;
}
