#include <cstring>
#include <iostream>

#include "app/commands.hpp"

namespace {
void usage() {
  std::cout <<
      "usage: mltrainer <command> [options]\n"
      "  chat      interactive session with the daemon (--port N, --url, --token, --json)\n"
      "  ask TEXT  send one request; --yes approves the proposal and waits for the report\n"
      "  features  --csv FILE --indicator NAME:ARGS ...   indicators as CSV on stdout\n"
      "  backtest  --csv FILE --strategy sma_cross|buy_hold ...   offline backtest\n"
      "  cache     list|clear --state-dir DIR   the on-disk bar cache\n"
      "run 'mltrainer <command> --help' for a command's options\n";
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage();
    return argc < 2 ? 2 : 0;
  }
  const char* cmd = argv[1];
  if (!std::strcmp(cmd, "chat") || !std::strcmp(cmd, "ask")) return mlt::app::run_client(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "features")) return mlt::app::run_features(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "backtest")) return mlt::app::run_backtest(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "cache")) return mlt::app::run_cache(argc - 1, argv + 1);
  std::cerr << "mltrainer: unknown command '" << cmd << "'\n";
  usage();
  return 2;
}
