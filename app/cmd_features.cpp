#include <iostream>

#include "app/commands.hpp"

namespace mlt::app {
// Placeholder until the indicator library lands (issue 3).
int run_features(int, char**) {
  std::cerr << "mltrainer features: not available in this build yet\n";
  return 2;
}
}  // namespace mlt::app
