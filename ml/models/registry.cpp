#include "ml/models/model.hpp"

namespace mlt::ml {

namespace {
struct entry {
  const char* name;
  std::unique_ptr<model> (*make)();
};
// One line per model; each model's header declares its factory.
const entry registry[] = {
    {"none", nullptr},
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

}  // namespace mlt::ml
