#include <cmath>
#include <sstream>
#include <stdexcept>

#include "ml/models/ensemble_model.hpp"
#include "ml/models/logistic_model.hpp"
#include "ml/models/lstm_model.hpp"
#include "ml/models/majority_model.hpp"
#include "ml/models/model.hpp"
#include "ml/models/transformer_model.hpp"
#include "ml/models/xgboost_model.hpp"

namespace mlt::ml {

namespace {
struct entry {
  const char* name;
  std::unique_ptr<model> (*make)();
  bool sequence;  ///< a neural net over windows of bars (slow to fit, needs many rows)
};
// One line per model; each model's header declares its factory.
const entry registry[] = {
    {"majority", make_majority_model, false},
    {"logistic", make_logistic_model, false},
    {"xgboost", make_xgboost_model, false},
    {"lstm", &make_lstm_model, true},
    {"transformer", &make_transformer_model, true},
    {"ensemble", &make_ensemble_model, false},
};
}  // namespace

std::unique_ptr<model> make_model(const std::string& name) {
  for (const auto& e : registry)
    if (e.make && name == e.name) return e.make();
  return nullptr;
}

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const auto& e : registry)
    if (e.make) out.push_back(e.name);
  return out;
}

bool is_sequence_model(const std::string& name) {
  for (const auto& e : registry)
    if (name == e.name) return e.sequence;
  return false;
}

param_map resolve_params(const std::string& model_name, const std::vector<param_spec>& specs,
                         const param_map& given) {
  param_map out;
  for (const auto& s : specs) out[s.name] = s.value;
  for (const auto& [key, value] : given) {
    const param_spec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == key) spec = &s;
    std::ostringstream msg;
    if (!spec) {
      msg << model_name << ": unknown parameter '" << key << "' (known:";
      for (const auto& s : specs) msg << ' ' << s.name;
      msg << ')';
      throw std::invalid_argument(msg.str());
    }
    if (!(value >= spec->lo && value <= spec->hi) || (spec->integer && std::floor(value) != value)) {
      msg << model_name << ": parameter '" << key << "' = " << value << " is out of range; expected "
          << (spec->integer ? "an integer " : "a value ") << "in [" << spec->lo << ", " << spec->hi << "]";
      throw std::invalid_argument(msg.str());
    }
    out[key] = value;
  }
  return out;
}

}  // namespace mlt::ml
