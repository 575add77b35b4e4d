#include "bench/bench_load_poll.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <simdjson.h>

namespace mlt::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

trials_poller::trials_poller(std::uint16_t port, std::chrono::milliseconds interval)
    : thread_([this, port, interval] { run(port, interval); }) {}

trials_poller::~trials_poller() { stop(); }

poll_result trials_poller::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  return result_;
}

void trials_poller::run(std::uint16_t port, std::chrono::milliseconds interval) {
  asio::io_context ioc;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  const std::string host = "127.0.0.1:" + std::to_string(port);
  auto problem = [&](std::string what) {
    ++result_.errors;
    if (result_.problems.size() < 5) result_.problems.push_back(std::move(what));
  };
  while (!stopping_) {
    beast::tcp_stream stream(ioc);
    try {
      stream.expires_after(std::chrono::seconds(30));
      stream.connect(endpoint);
      while (!stopping_) {
        http::request<http::empty_body> req{http::verb::get, "/api/trials?limit=50", 11};
        req.set(http::field::host, host);
        req.keep_alive(true);
        const auto start = std::chrono::steady_clock::now();
        stream.expires_after(std::chrono::seconds(30));
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        simdjson::dom::array trials;
        if (res.result() != http::status::ok || parser.parse(res.body()).get(doc) || doc["trials"].get_array().get(trials))
          problem("GET /api/trials: " + std::to_string(res.result_int()) + " " + res.body().substr(0, 200));
        else
          result_.latency_ms.push_back(ms);
        if (!res.keep_alive()) break;
        std::this_thread::sleep_for(interval);
      }
    } catch (const std::exception& e) {
      problem(std::string("GET /api/trials: ") + e.what());
      std::this_thread::sleep_for(interval);
    }
  }
}

}  // namespace mlt::bench
