#pragma once

namespace mlt::app {

/// SIGINT/SIGTERM as a value the main thread can wait for.
///
/// Why not `sigwait`: a library may start threads before `main` runs
/// (OpenBLAS starts its pool when it is loaded), and those threads never saw
/// our signal mask, so the kernel may deliver SIGTERM to one of them, where the
/// default action kills the process. A handler installed for the whole process
/// runs in whichever thread gets the signal and only writes one byte to a pipe.
class shutdown_signal {
 public:
  /// Installs the handlers and blocks the signals in the calling thread, so
  /// threads started afterwards (CAF's scheduler) inherit the block.
  shutdown_signal();
  /// Unblocks the signals in this thread and waits; returns the signal number.
  int wait();

 private:
  int read_fd_ = -1;
};

}  // namespace mlt::app
