#pragma once
/// The ws_connection the application holds. It refers to its session weakly,
/// so it stays safe to use (a no-op) after the connection or the server ended.

#include "net/server.hpp"
#include "net/server/shared_state.hpp"

#include <memory>
#include <string>

namespace mlt::net::detail {

class websocket_session;

class connection_handle final : public ws_connection {
public:
  connection_handle(std::weak_ptr<websocket_session> session, std::uint64_t id, std::string remote,
                    std::shared_ptr<shared_state> state);

  std::uint64_t id() const override { return id_; }
  void send(std::string text) override;
  void close() override;
  std::string remote() const override { return remote_; }

private:
  std::weak_ptr<websocket_session> session_;
  std::uint64_t id_;
  std::string remote_;
  std::shared_ptr<shared_state> state_;
};

}  // namespace mlt::net::detail
