#include <iostream>

#include "app/commands.hpp"

namespace mlt::app {
// Placeholder until the simulator lands (issue 5).
int run_backtest(int, char**) {
  std::cerr << "mltrainer backtest: not available in this build yet\n";
  return 2;
}
}  // namespace mlt::app
