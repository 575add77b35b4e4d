#include "ml/models/nn/param_spec.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mlt::ml::nn {

param_map default_params(const std::vector<param_spec>& specs) {
  param_map out;
  for (const auto& s : specs) out[s.name] = s.fallback;
  return out;
}

param_map resolve_params(const std::string& model, const std::vector<param_spec>& specs,
                         const param_map& given) {
  param_map out = default_params(specs);
  for (const auto& [key, value] : given) {
    const param_spec* spec = nullptr;
    for (const auto& s : specs)
      if (key == s.name) spec = &s;
    if (!spec) {
      std::ostringstream msg;
      msg << model << ": unknown parameter '" << key << "' (known:";
      for (const auto& s : specs) msg << ' ' << s.name;
      msg << ')';
      throw std::invalid_argument(msg.str());
    }
    const bool whole = std::floor(value) == value;
    if (!std::isfinite(value) || value < spec->lo || value > spec->hi ||
        (spec->integer && !whole)) {
      std::ostringstream msg;
      msg << model << ": parameter '" << key << "' = " << value << " is out of range ["
          << spec->lo << ", " << spec->hi << "]" << (spec->integer ? " (integer)" : "");
      throw std::invalid_argument(msg.str());
    }
    out[key] = value;
  }
  return out;
}

}  // namespace mlt::ml::nn
