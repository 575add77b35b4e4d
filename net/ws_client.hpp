#pragma once
/// A small synchronous WebSocket client for the CLI and the tests.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace mlt::net {

class ws_client {
public:
  ws_client();
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  /// Connects to ws://host:port/path; throws std::runtime_error with the
  /// reason (refused, handshake rejected with status N, ...).
  void connect(const std::string& host, std::uint16_t port, const std::string& path = "/ws",
               const std::map<std::string, std::string>& headers = {});
  /// Sends one text frame.
  void send(const std::string& text);
  /// Next text frame, or nullopt when `timeout` passes first; throws
  /// std::runtime_error when the connection closed.
  std::optional<std::string> read(std::chrono::milliseconds timeout);
  void close();
  bool is_open() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Splits "ws://host:port/path" into parts; false if malformed.
bool parse_ws_url(const std::string& url, std::string& host, std::uint16_t& port, std::string& path);

}  // namespace mlt::net
