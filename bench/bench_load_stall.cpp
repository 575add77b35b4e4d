#include "bench/bench_load_stall.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <thread>
#include <vector>

namespace mlt::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr const char* rejected = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

// Everything but `requests` belongs to the io thread.
struct stalled_polygon::impl {
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::vector<std::shared_ptr<tcp::socket>> held;
  bool released = false;
  const std::uint16_t port = acceptor.local_endpoint().port();
  std::atomic<int> requests{0};
  std::thread io;

  void reject(const std::shared_ptr<tcp::socket>& s) {
    boost::system::error_code ignored;
    asio::write(*s, asio::buffer(std::string(rejected)), ignored);
    s->shutdown(tcp::socket::shutdown_both, ignored);
    s->close(ignored);
  }

  void accept() {
    auto s = std::make_shared<tcp::socket>(ioc);
    acceptor.async_accept(*s, [this, s](boost::system::error_code ec) {
      if (ec) return;
      read_request(s);
      accept();
    });
  }

  void read_request(const std::shared_ptr<tcp::socket>& s) {
    auto buf = std::make_shared<asio::streambuf>();
    asio::async_read_until(*s, *buf, "\r\n\r\n", [this, s, buf](boost::system::error_code ec, std::size_t) {
      if (ec) return;
      ++requests;
      if (released) reject(s);
      else held.push_back(s);
    });
  }
};

stalled_polygon::stalled_polygon() : impl_(std::make_unique<impl>()) {
  impl_->accept();
  impl_->io = std::thread([this] { impl_->ioc.run(); });
}

stalled_polygon::~stalled_polygon() {
  release();
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->io.join();
}

std::uint16_t stalled_polygon::port() const { return impl_->port; }

int stalled_polygon::requests() const { return impl_->requests; }

void stalled_polygon::release() {
  asio::post(impl_->ioc, [p = impl_.get()] {
    p->released = true;
    for (auto& s : p->held) p->reject(s);
    p->held.clear();
  });
}

}  // namespace mlt::bench
