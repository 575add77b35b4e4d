#include "net/server.hpp"

#include "net/server/listener.hpp"
#include "net/server/shared_state.hpp"
#include "net/server/websocket_session.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>

namespace mlt::net {

namespace asio = boost::asio;

struct server::impl {
  std::shared_ptr<detail::shared_state> state;
  int threads;
  // Declared before anything holding sockets so it is destroyed last;
  // stop() destroys it to release every connection.
  std::optional<asio::io_context> ioc;
  std::shared_ptr<detail::listener> listener;
  std::uint16_t port = 0;
  std::vector<std::thread> workers;
  bool started = false;
  bool stopped = false;

  impl(server_options options, server_handlers handlers)
      : state(std::make_shared<detail::shared_state>(std::move(options), std::move(handlers))),
        threads(state->options().threads < 1 ? 1 : state->options().threads),
        ioc(std::in_place, threads) {}
};

server::server(server_options options, server_handlers handlers)
    : impl_(std::make_unique<impl>(std::move(options), std::move(handlers))) {}

server::~server() { stop(); }

void server::start() {
  if (impl_->started) throw std::runtime_error("server already started");
  if (impl_->stopped) throw std::runtime_error("server cannot restart after stop()");
  impl_->listener = std::make_shared<detail::listener>(*impl_->ioc, impl_->state);
  impl_->port = impl_->listener->port();
  impl_->listener->run();
  impl_->started = true;
  for (int i = 0; i < impl_->threads; ++i) impl_->workers.emplace_back([this] { impl_->ioc->run(); });
}

std::uint16_t server::port() const { return impl_->port; }

void server::stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  auto& state = *impl_->state;

  impl_->listener->stop();
  // Polite first: close frames after queued writes; then cut what remains.
  auto sessions = state.sessions();
  for (auto& s : sessions) s->close();
  sessions.clear();
  if (!state.wait_empty(std::chrono::milliseconds(1000))) {
    for (auto& s : state.sessions()) s->abort();
    state.wait_empty(std::chrono::milliseconds(500));
  }

  state.mark_stopped();
  impl_->ioc->stop();
  for (auto& t : impl_->workers) t.join();
  impl_->workers.clear();
  // No io thread runs now; whoever still lacks an on_close gets it here.
  for (auto& s : state.sessions()) s->finish_after_stop();
  // Destroying the io_context drops the pending handlers and with them the
  // listening socket and idle HTTP connections.
  impl_->listener.reset();
  impl_->ioc.reset();
}

}  // namespace mlt::net
