#pragma once
/// bench_trial's speed-up figure (issue 16): an LSTM trial's optimise
/// decision fitted in turn and on `workers` fit workers (< 1: the cores).

namespace mlt::bench {

/// Prints one JSON line with both times and the speed-up once both searches
/// agree bit for bit; answers the process's exit code.
int optimise_speedup(int budget, int workers);

}  // namespace mlt::bench
