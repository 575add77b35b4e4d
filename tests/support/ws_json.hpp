#pragma once
/// Test helpers: read JSON frames from a ws_client with a deadline.

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <simdjson.h>

#include "net/ws_client.hpp"

namespace mlt::test {

/// A received frame: raw text and its parsed document (owned).
struct frame {
  std::string raw;
  simdjson::dom::element doc;
  std::string type() const {
    std::string_view t;
    return doc["type"].get_string().get(t) ? std::string() : std::string(t);
  }
  std::string str(const char* k) const {
    std::string_view t;
    return doc[k].get_string().get(t) ? std::string() : std::string(t);
  }
  double num(const char* k) const {
    double d = 0;
    if (!doc[k].get_double().get(d)) return d;
    std::int64_t i = 0;
    if (!doc[k].get_int64().get(i)) return static_cast<double>(i);
    throw std::runtime_error(std::string("frame has no number '") + k + "': " + raw);
  }
};

class frame_reader {
public:
  explicit frame_reader(net::ws_client& c) : c_(c) {}
  /// Next frame within `timeout`; throws if none arrives.
  frame next(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto raw = c_.read(timeout);
    if (!raw) throw std::runtime_error("no frame within " + std::to_string(timeout.count()) + " ms");
    parsers_.emplace_back();
    frame f;
    f.raw = *raw;
    if (parsers_.back().parse(f.raw).get(f.doc)) throw std::runtime_error("server sent invalid JSON: " + f.raw);
    return f;
  }
  /// Reads until a frame of `type` arrives (others are kept in `seen`).
  frame until(const std::string& type, std::chrono::seconds timeout = std::chrono::seconds(120)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto f = next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      seen.push_back(f);
      if (f.type() == type) return f;
    }
    throw std::runtime_error("no '" + type + "' frame in time");
  }
  std::vector<frame> seen;

private:
  net::ws_client& c_;
  std::deque<simdjson::dom::parser> parsers_;  // deque: parsed frames stay valid
};

}  // namespace mlt::test
