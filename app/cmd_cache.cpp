#include <exception>
#include <iostream>
#include <string>

#include "app/commands.hpp"
#include "config/flag_help.hpp"
#include "ml/market/bar_cache.hpp"

namespace mlt::app {

namespace {

void cache_usage(std::ostream& out) {
  out << "usage: mltrainer cache list|clear --state-dir DIR [--symbol SYMBOL]\n"
         "  list   shows every cached series: source, symbol, timespan, covered range, bars, bytes\n"
         "  clear  removes cached bars (all, or one symbol's); they are fetched again when needed\n"
      << config::format_flags({
             {"--state-dir DIR", "the daemon's state directory (its cache/ folder holds the bars)", "required"},
             {"--symbol SYMBOL", "only this symbol's series", "every symbol"},
             {"--help", "this text", "-"},
         });
}

int usage_error(const std::string& what) {
  std::cerr << "mltrainer cache: " << what << "\n";
  cache_usage(std::cerr);
  return 2;
}

}  // namespace

int run_cache(int argc, char** argv) {
  std::string action, state_dir, symbol;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      cache_usage(std::cout);
      return 0;
    }
    if (arg == "--state-dir" || arg == "--symbol") {
      if (i + 1 >= argc) return usage_error(arg + " needs a value");
      (arg == "--state-dir" ? state_dir : symbol) = argv[++i];
      continue;
    }
    if (action.empty() && (arg == "list" || arg == "clear")) {
      action = arg;
      continue;
    }
    return usage_error("unknown argument '" + arg + "'");
  }
  if (action.empty()) return usage_error("say list or clear");
  if (state_dir.empty()) return usage_error("--state-dir DIR is required");

  try {
    ml::bar_cache cache(ml::cache_dir_for_state(state_dir));
    if (action == "clear") {
      std::size_t n = cache.clear(symbol);
      std::cout << "removed " << n << " cached series" << (symbol.empty() ? "" : " of " + symbol) << "\n";
      return 0;
    }
    std::size_t shown = 0;
    for (const auto& e : cache.list()) {
      if (!symbol.empty() && e.symbol != symbol) continue;
      ++shown;
      std::cout << e.source << "\t" << e.symbol << "\t" << e.timespan << "\t";
      if (e.valid)
        std::cout << ml::format_date(e.covered_from) << " .. " << ml::format_date(e.covered_to) << "\t" << e.bars
                  << " bars\t";
      else
        std::cout << "INVALID (checksum or header; will be refetched)\t";
      std::cout << e.bytes << " bytes\t" << e.path << "\n";
    }
    if (shown == 0) std::cout << "cache is empty\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "mltrainer cache: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mlt::app
