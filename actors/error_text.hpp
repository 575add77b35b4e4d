#pragma once
/// The text a person reads for an error an actor answered with: the message
/// it was made with ("Polygon MSFT ...: server error HTTP 500 after 6
/// attempts"), not CAF's rendering around it ("system_error(runtime_error,
/// (...))"); CAF's rendering for errors made without one.

#include <string>

#include <caf/all.hpp>

namespace mlt::actors {

inline std::string error_text(caf::actor_system& sys, const caf::error& e) {
  const auto& ctx = e.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) return ctx.get_as<std::string>(0);
  return sys.render(e);
}

}  // namespace mlt::actors
