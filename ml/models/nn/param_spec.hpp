#pragma once
/// Declared hyperparameters with defaults and ranges, and their validation.

#include <string>
#include <vector>

#include "ml/models/model.hpp"

namespace mlt::ml::nn {

/// One hyperparameter: default and inclusive range; integers must be whole.
struct param_spec {
  const char* name;
  double fallback;
  double lo;
  double hi;
  bool integer;
};

/// Defaults of every spec.
param_map default_params(const std::vector<param_spec>& specs);

/// Defaults overridden by `given`; throws std::invalid_argument naming the
/// model and parameter when a name is unknown or a value is out of range.
param_map resolve_params(const std::string& model, const std::vector<param_spec>& specs,
                         const param_map& given);

}  // namespace mlt::ml::nn
