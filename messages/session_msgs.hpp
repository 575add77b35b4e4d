#pragma once
/// What the network edge hands to a session actor.

#include <string>

#include <caf/meta/type_name.hpp>

namespace mlt::msg {

/// A text frame from the person's WebSocket.
struct ws_frame_in {
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_frame_in& x) {
  return f(caf::meta::type_name("ws_frame_in"), x.text);
}

/// The WebSocket closed.
struct ws_closed {
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_closed& x) {
  return f(caf::meta::type_name("ws_closed"), x.reason);
}

}  // namespace mlt::msg
