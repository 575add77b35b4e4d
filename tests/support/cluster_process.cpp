#include "tests/support/cluster_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "net/http_client.hpp"

namespace mlt::test {

namespace {
std::vector<std::string> coordinator_args(int local_trainers, const std::vector<std::string>& extra) {
  ::setenv("MLTRAINER_CLUSTER_SECRET", test_cluster_secret, 1);
  std::vector<std::string> args = {"--cluster-port", "0", "--local-trainers", std::to_string(local_trainers)};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

coordinator_process::coordinator_process(const std::string& dir, int local_trainers,
                                         const std::vector<std::string>& extra)
    : daemon(dir, coordinator_args(local_trainers, extra)), state_dir(dir) {
  const auto& out = daemon.printed();
  const std::string line = "cluster listening on port ";
  const auto pos = out.find(line);
  if (pos == std::string::npos) throw std::runtime_error("the coordinator printed no cluster port: " + out);
  cluster_port = static_cast<std::uint16_t>(std::stoi(out.substr(pos + line.size())));
}

std::string coordinator_process::log() const { return read_file(state_dir + "/mltrainerd.log"); }

worker_process::worker_process(std::uint16_t cluster_port, int trainers, const std::string& secret,
                               const std::vector<std::string>& extra, const worker_setup& setup) {
  static int count = 0;
  log_path_ = fresh_dir("worker-" + std::to_string(++count)) + "/worker.log";
  const std::string exe = binary("app/mltrainerd");
  std::vector<std::string> args = setup.launcher;
  for (const auto& a : {exe, std::string("--worker"), std::string("--join"),
                        setup.join_host + ":" + std::to_string(cluster_port), std::string("--trainers"),
                        std::to_string(trainers)})
    args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    ::setenv("MLTRAINER_CLUSTER_SECRET", secret.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
}

int worker_process::wait_exit(int seconds) {
  for (int i = 0; i < seconds * 10 && pid_ > 0; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    usleep(100000);
  }
  return -1;
}

int worker_process::stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  const int status = wait_exit(20);
  if (status >= 0) return status;
  kill(pid_, SIGKILL);
  return wait_exit(5);
}

worker_process::~worker_process() { stop(SIGKILL); }

std::string worker_process::log() const { return read_file(log_path_); }

bool worker_process::printed(const std::string& text, int seconds) const {
  for (int i = 0; i < seconds * 10; ++i) {
    if (log().find(text) != std::string::npos) return true;
    usleep(100000);
  }
  return false;
}

test_certificate::test_certificate(const std::string& name) {
  const auto dir = fresh_dir(name);
  certificate = dir + "/node.crt";
  key = dir + "/node.key";
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=mltrainer-" + name +
                          " -keyout '" + key + "' -out '" + certificate + "' >'" + dir + "/openssl.log' 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed: " + read_file(dir + "/openssl.log"));
}

std::vector<std::string> test_certificate::flags() const {
  return {"--tls-certificate", certificate, "--tls-key", key, "--tls-cafile", certificate};
}

std::string http_get(std::uint16_t port, const std::string& path) {
  net::http_client http;
  net::http_request req;
  req.method = "GET";
  req.url = "http://127.0.0.1:" + std::to_string(port) + path;
  req.timeout = std::chrono::seconds(10);
  try {
    auto res = http.send(req);
    return res.status == 200 ? res.body : "";
  } catch (...) {
    return "";
  }
}

}  // namespace mlt::test
