#include "net/server/connection_handle.hpp"

#include "net/server/websocket_session.hpp"

namespace mlt::net::detail {

connection_handle::connection_handle(std::weak_ptr<websocket_session> session, std::uint64_t id,
                                     std::string remote, std::shared_ptr<shared_state> state)
    : session_(std::move(session)), id_(id), remote_(std::move(remote)), state_(std::move(state)) {}

void connection_handle::send(std::string text) {
  state_->post_unless_stopped([&] {
    if (auto s = session_.lock()) s->send(std::move(text));
  });
}

void connection_handle::close() {
  state_->post_unless_stopped([&] {
    if (auto s = session_.lock()) s->close();
  });
}

}  // namespace mlt::net::detail
