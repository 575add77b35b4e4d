#include "bench/bench_load_pool.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace mlt::bench {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t max_problems = 5;

std::string frame_type(simdjson::dom::element doc) {
  std::string_view t;
  return doc["type"].get_string().get(t) ? std::string() : std::string(t);
}

}  // namespace

struct session;

// Everything below is touched by the io thread only, except `pending`, which
// the main thread waits on.
struct session_pool::impl {
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  std::thread io;
  tcp::endpoint endpoint;
  std::string host;
  std::vector<std::shared_ptr<session>> sessions;
  simdjson::dom::parser parser;
  const chat_script* script = nullptr;
  chat_result result;
  std::vector<std::string> open_problems;
  steady::time_point chat_start, last_answer;

  std::mutex m;
  std::condition_variable cv;
  int pending = 0;

  void one_done() {
    std::lock_guard<std::mutex> lock(m);
    --pending;
    cv.notify_all();
  }
  bool wait_all(std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, timeout, [&] { return pending == 0; });
  }
  void reset_pending(int n) {
    std::lock_guard<std::mutex> lock(m);
    pending = n;
  }
  void problem(std::vector<std::string>& list, std::string what) {
    if (list.size() < max_problems) list.push_back(std::move(what));
  }
  void chat_problem(std::string what) {
    ++result.errors;
    problem(result.problems, std::move(what));
  }
  // Runs `f` on the io thread and waits for its value.
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto future = task.get_future();
    asio::post(ioc, [&task] { task(); });
    return future.get();
  }
};

struct session : std::enable_shared_from_this<session> {
  enum class state { opening, idle, chatting, done, closing };

  session(session_pool::impl& p, int index) : pool(p), ws(p.ioc), id(index) {}

  session_pool::impl& pool;
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::string out;
  int id;
  state st = state::opening;
  std::size_t line = 0;
  steady::time_point sent;

  void open() {
    beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(60));
    beast::get_lowest_layer(ws).async_connect(pool.endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->open_failed("connect: " + ec.message());
      self->ws.async_handshake(self->pool.host, "/ws", [self](beast::error_code ec) {
        if (ec) return self->open_failed("handshake: " + ec.message());
        beast::get_lowest_layer(self->ws).expires_never();
        self->ws.text(true);
        self->read();
      });
    });
  }

  void open_failed(const std::string& why) {
    pool.problem(pool.open_problems, "session " + std::to_string(id) + ": " + why);
    st = state::done;
    pool.one_done();
  }

  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_frame(ec); });
  }

  void on_frame(beast::error_code ec) {
    if (ec) {
      if (st == state::opening) open_failed("no hello: " + ec.message());
      else if (st == state::chatting) finish("connection lost at line " + std::to_string(line + 1) + ": " + ec.message());
      else if (st != state::closing) st = state::done;
      return;
    }
    const auto* data = static_cast<const char*>(buffer.data().data());
    handle(std::string_view(data, buffer.size()));
    buffer.consume(buffer.size());
    read();
  }

  void handle(std::string_view text) {
    if (st == state::chatting) ++pool.result.frames_in;
    simdjson::dom::element doc;
    if (pool.parser.parse(text.data(), text.size()).get(doc)) {
      if (st == state::chatting) finish("invalid JSON from the daemon: " + std::string(text.substr(0, 200)));
      return;
    }
    const auto type = frame_type(doc);
    if (st == state::opening) {
      if (type != "hello") return open_failed("first frame is not hello: " + std::string(text.substr(0, 200)));
      st = state::idle;
      pool.one_done();
      return;
    }
    if (st != state::chatting) return;
    if (type == "error") return finish("error frame at line " + std::to_string(line + 1) + ": " + std::string(text));
    if (type != "proposal") return;  // replies and notes around the proposal
    const auto now = steady::now();
    pool.result.latency_ms.push_back(std::chrono::duration<double, std::milli>(now - sent).count());
    pool.last_answer = now;
    const auto bad = pool.script->check(line, doc);
    if (!bad.empty()) return finish("line " + std::to_string(line + 1) + ": " + bad);
    if (++line < pool.script->lines.size()) return send_line();
    st = state::done;
    pool.one_done();
  }

  void send_line() {
    st = state::chatting;
    out = R"({"type":"chat","text":")" + pool.script->lines[line] + R"("})";
    sent = steady::now();
    ++pool.result.frames_out;
    ws.async_write(asio::buffer(out), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec && self->st == state::chatting) self->finish("send failed: " + ec.message());
    });
  }

  void finish(const std::string& why) {
    pool.chat_problem("session " + std::to_string(id) + ": " + why);
    st = state::done;
    pool.one_done();
  }
};

session_pool::session_pool(std::uint16_t port, int sessions) : impl_(std::make_unique<impl>()) {
  impl_->endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), port);
  impl_->host = "127.0.0.1:" + std::to_string(port);
  for (int i = 0; i < sessions; ++i) impl_->sessions.push_back(std::make_shared<session>(*impl_, i));
  impl_->io = std::thread([this] { impl_->ioc.run(); });
}

session_pool::~session_pool() { close(); }

std::vector<std::string> session_pool::open(std::chrono::seconds timeout) {
  auto& p = *impl_;
  p.reset_pending(static_cast<int>(p.sessions.size()));
  asio::post(p.ioc, [&p] {
    for (auto& s : p.sessions) s->open();
  });
  if (!p.wait_all(timeout)) {
    return p.on_io([&p] {
      auto problems = p.open_problems;
      int late = 0;
      for (auto& s : p.sessions) late += s->st == session::state::opening;
      problems.push_back(std::to_string(late) + " sessions not open after the timeout");
      return problems;
    });
  }
  return p.on_io([&p] { return p.open_problems; });
}

chat_result session_pool::chat(const chat_script& script, std::chrono::seconds timeout) {
  auto& p = *impl_;
  const int open = p.on_io([&p, &script] {
    p.script = &script;
    p.result = chat_result{};
    int n = 0;
    for (auto& s : p.sessions) n += s->st == session::state::idle;
    return n;
  });
  p.reset_pending(open);
  asio::post(p.ioc, [&p] {
    p.chat_start = p.last_answer = steady::now();
    for (auto& s : p.sessions)
      if (s->st == session::state::idle) {
        s->line = 0;
        s->send_line();
      }
  });
  const bool all = p.wait_all(timeout);
  return p.on_io([&p, all, timeout] {
    if (!all)
      for (auto& s : p.sessions)
        if (s->st == session::state::chatting) {
          s->st = session::state::done;
          p.chat_problem("session " + std::to_string(s->id) + ": no proposal for line " + std::to_string(s->line + 1) +
                         " within " + std::to_string(timeout.count()) + " s");
        }
    p.result.seconds = std::chrono::duration<double>((all ? p.last_answer : steady::now()) - p.chat_start).count();
    p.script = nullptr;
    return p.result;
  });
}

void session_pool::close() {
  auto& p = *impl_;
  if (!p.io.joinable()) return;
  p.reset_pending(static_cast<int>(p.sessions.size()));
  asio::post(p.ioc, [&p] {
    for (auto& s : p.sessions) {
      if (!beast::get_lowest_layer(s->ws).socket().is_open() || s->st == session::state::opening) {
        p.one_done();
        continue;
      }
      s->st = session::state::closing;
      beast::get_lowest_layer(s->ws).expires_after(std::chrono::seconds(10));
      s->ws.async_close(websocket::close_code::normal, [s, &p](beast::error_code) { p.one_done(); });
    }
  });
  p.wait_all(std::chrono::seconds(15));
  p.work.reset();
  p.ioc.stop();
  p.io.join();
}

}  // namespace mlt::bench
