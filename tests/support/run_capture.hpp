#pragma once
// Runs a shell command and keeps its exit status and combined output.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace mlt::test {

struct run_result {
  bool started = false;  ///< false if the shell could not be started
  int status = -1;
  std::string output;  ///< stdout and stderr
};

inline run_result run_capture(const std::string& cmd) {
  run_result r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  r.started = true;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace mlt::test
