#include <cstring>
#include <iostream>

#include "app/commands.hpp"

namespace {
void usage() {
  std::cout <<
      "usage: mltrainer <command> [options]\n"
      "  chat      [--port N | --url ws://HOST:PORT/ws] [--token T] [--json]\n"
      "            interactive session with the daemon\n"
      "  ask TEXT  [--yes] [--port N | --url URL] [--token T] [--json] [--timeout SECONDS]\n"
      "            send one request; with --yes approve the proposal and wait for the report\n"
      "  trials    [--limit N] | show N | cancel N | resume N   [CONNECTION] [--json]\n"
      "            the trial history, one trial, cancel one, resume an interrupted one\n"
      "  report N  --html FILE | --md FILE   a trial's report as one HTML file or Markdown\n"
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
  if (mlt::app::is_client_command(cmd)) return mlt::app::run_client(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "features")) return mlt::app::run_features(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "backtest")) return mlt::app::run_backtest(argc - 1, argv + 1);
  if (!std::strcmp(cmd, "cache")) return mlt::app::run_cache(argc - 1, argv + 1);
  std::cerr << "mltrainer: unknown command '" << cmd << "'\n";
  usage();
  return 2;
}
