#include "app/shutdown_signal.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>

namespace mlt::app {

namespace {

int write_fd = -1;

extern "C" void on_shutdown_signal(int sig) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(sig);
  // Async-signal-safe; a full pipe means a shutdown is already pending.
  [[maybe_unused]] auto n = ::write(write_fd, &byte, 1);
  errno = saved;
}

sigset_t shutdown_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

shutdown_signal::shutdown_signal() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("cannot create the shutdown pipe");
  read_fd_ = fds[0];
  write_fd = fds[1];
  struct sigaction sa {};
  sa.sa_handler = on_shutdown_signal;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: wait()'s read must return (EINTR) after a signal. Under
  // ThreadSanitizer the handler runs only once the interrupted call returns,
  // so a restarted read would wait for the handler's byte forever.
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  const sigset_t set = shutdown_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int shutdown_signal::wait() {
  const sigset_t set = shutdown_set();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  unsigned char byte = 0;
  for (;;) {
    const auto n = ::read(read_fd_, &byte, 1);
    if (n == 1) return byte;
    if (n < 0 && errno == EINTR) continue;
    return SIGTERM;
  }
}

}  // namespace mlt::app
