#include <iostream>

#include "app/commands.hpp"

namespace mlt::app {
// Placeholder until the bar cache lands (issue 4).
int run_cache(int, char**) {
  std::cerr << "mltrainer cache: not available in this build yet\n";
  return 2;
}
}  // namespace mlt::app
