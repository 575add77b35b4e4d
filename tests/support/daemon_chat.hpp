#pragma once
/// Test helpers: the person's side of the daemon's chat protocol, written
/// once for every integration test that talks to a real daemon.

#include <cstdint>
#include <string>

#include "tests/support/ws_json.hpp"

namespace mlt::test {

/// A chat connection to a daemon on loopback: the client and its frame
/// reader (nothing read yet). Use as `auto& [c, r] = conn;`.
struct chat_connection {
  explicit chat_connection(std::uint16_t port) : c(), r(c) { c.connect("127.0.0.1", port); }
  net::ws_client c;
  frame_reader r;
};

/// Sends `text` as a chat line, as the person would type it.
inline void chat(net::ws_client& c, const std::string& text) {
  c.send(R"({"type":"chat","text":")" + text + R"("})");
}

/// Approves the proposal carried by the `proposal` frame.
inline void approve(net::ws_client& c, const frame& proposal) {
  c.send(R"({"type":"approve","proposal_id":)" +
         std::to_string(static_cast<std::int64_t>(proposal.num("proposal_id"))) + "}");
}

/// Chats `request`, waits for its proposal, approves it and returns the proposal.
inline frame propose_and_approve(net::ws_client& c, frame_reader& r, const std::string& request) {
  chat(c, request);
  auto p = r.until("proposal");
  approve(c, p);
  return p;
}

/// Asks for trial `trial_id` and returns its `trial` frame.
inline frame get_trial(net::ws_client& c, frame_reader& r, std::int64_t trial_id) {
  c.send(R"({"type":"get_trial","trial_id":)" + std::to_string(trial_id) + "}");
  return r.until("trial");
}

}  // namespace mlt::test
