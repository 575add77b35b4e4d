#pragma once
/// Sub-commands of the `mltrainer` client; each returns the process exit code.

namespace mlt::app {

/// `mltrainer chat|ask|trials|show|cancel|resume|report ...`: talks to a
/// running daemon (argv[0] is the sub-command).
int run_client(int argc, char** argv);
/// True for the sub-commands run_client handles.
bool is_client_command(const char* cmd);
/// `mltrainer features --csv FILE --indicator ...`: indicators as CSV.
int run_features(int argc, char** argv);
/// `mltrainer backtest --csv FILE --strategy ...`: the simulator offline.
int run_backtest(int argc, char** argv);
/// `mltrainer cache clear|list --state-dir DIR`: the on-disk bar cache.
int run_cache(int argc, char** argv);

}  // namespace mlt::app
