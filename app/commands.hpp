#pragma once
/// Sub-commands of the `mltrainer` client; each returns the process exit code.

namespace mlt::app {

/// `mltrainer chat|ask ...`: talks to a running daemon over WebSocket.
int run_client(int argc, char** argv);
/// `mltrainer features --csv FILE --indicator ...`: indicators as CSV.
int run_features(int argc, char** argv);
/// `mltrainer backtest --csv FILE --strategy ...`: the simulator offline.
int run_backtest(int argc, char** argv);
/// `mltrainer cache clear|list --state-dir DIR`: the on-disk bar cache.
int run_cache(int argc, char** argv);

}  // namespace mlt::app
