#include <csignal>
#include <iostream>

#include <pthread.h>

#include "actors/daemon.hpp"
#include "config/config_file.hpp"
#include "config/daemon_options.hpp"

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

  // Block the shutdown signals in every thread; this one waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  mlt::actors::daemon d(opts);
  try {
    d.start();
  } catch (const std::exception& e) {
    std::cerr << "mltrainerd: " << e.what() << "\n";
    return 1;
  }
  // A line the client scripts and tests can wait for.
  std::cout << "mltrainerd listening on port " << d.port() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  std::cerr << "mltrainerd: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down\n";
  d.stop();
  return 0;
}
