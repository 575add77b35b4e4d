#include "loopback_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace mlt::test {

namespace {

std::string reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

bool send_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Reads one request (head plus Content-Length body); false on a closed or bad connection.
bool read_request(int fd, loopback_request& req) {
  std::string data;
  char buf[4096];
  std::size_t head_end = std::string::npos;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0 || data.size() > (1u << 20)) return false;
    data.append(buf, static_cast<std::size_t>(r));
    // Not HTTP (a TLS ClientHello starts with 0x16): hang up at once.
    if (data[0] < 'A' || data[0] > 'Z') return false;
  }
  std::string head = data.substr(0, head_end);
  std::size_t line_end = head.find("\r\n");
  std::string first = head.substr(0, line_end);
  std::size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return false;
  req.method = first.substr(0, sp1);
  req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t content_length = 0;
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(pos, e - pos);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon), value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      if (lower(name) == "content-length") content_length = std::stoul(value);
      req.headers.emplace_back(name, value);
    }
    pos = e + 2;
  }
  req.body = data.substr(head_end + 4);
  while (req.body.size() < content_length) {
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return false;
    req.body.append(buf, static_cast<std::size_t>(r));
  }
  return true;
}

}  // namespace

loopback_reply json_reply(std::string body, int status) {
  loopback_reply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

loopback_http_server::loopback_http_server(loopback_handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("loopback server: socket() failed");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // the kernel picks a free port
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("loopback server: bind/listen on 127.0.0.1 failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

loopback_http_server::~loopback_http_server() { stop(); }

std::string loopback_http_server::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<loopback_request> loopback_http_server::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void loopback_http_server::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  // Wakes the blocking accept() so the acceptor thread sees `stopping_`.
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

void loopback_http_server::accept_loop() {
  while (true) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      if (fd >= 0) ::close(fd);
      return;
    }
    if (fd < 0) continue;
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void loopback_http_server::serve(int fd) {
  // Bounded reads: a client that never sends or never closes cannot hang stop().
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  loopback_request req;
  if (!read_request(fd, req)) {
    ::close(fd);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(req);
  }
  loopback_reply reply = handler_(req);
  if (reply.delay.count() > 0) {
    std::unique_lock<std::mutex> lock(mutex_);
    stop_cv_.wait_for(lock, reply.delay, [this] { return stopping_; });
  }
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
  for (const auto& h : reply.headers) head += h.first + ": " + h.second + "\r\n";
  head += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n";
  std::size_t n = std::min(reply.truncate_at, reply.body.size());
  if (send_all(fd, head.data(), head.size())) send_all(fd, reply.body.data(), n);
  ::shutdown(fd, SHUT_WR);
  // Drain until the client closes so it reads everything we sent.
  char buf[512];
  while (::recv(fd, buf, sizeof buf, 0) > 0) {
  }
  ::close(fd);
}

}  // namespace mlt::test
