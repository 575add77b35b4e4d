#include "tests/support/daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

namespace mlt::test {

std::string binary(const std::string& relative) { return std::string(MLT_BINARY_DIR) + "/" + relative; }

std::string fresh_dir(const std::string& name) {
  auto dir = std::filesystem::path(MLT_BINARY_DIR) / "test-tmp" / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

daemon_process::daemon_process(const std::string& state_dir, const std::vector<std::string>& extra) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  const std::string exe = binary("app/mltrainerd");
  std::vector<std::string> args = {exe, "--port", "0", "--state-dir", state_dir, "--log-level", "warn"};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[256];
    auto n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
    auto pos = seen.find("mltrainerd listening on port ");
    if (pos != std::string::npos) pos += 11;
    if (pos != std::string::npos && seen.find('\n', pos) != std::string::npos) {
      port_ = static_cast<std::uint16_t>(std::stoi(seen.substr(pos + 18)));
      printed_ = seen;
      close(out[0]);
      return;
    }
  }
  close(out[0]);
  stop(SIGKILL);
  throw std::runtime_error("mltrainerd did not start; it printed: " + seen);
}

int daemon_process::stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int status = 0;
  // Bounded wait: a daemon that ignores SIGTERM gets SIGKILL after 20 s.
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    usleep(100000);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return 128 + SIGKILL;
}

daemon_process::~daemon_process() { stop(SIGKILL); }

}  // namespace mlt::test
