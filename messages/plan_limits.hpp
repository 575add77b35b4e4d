#pragma once
/// Plan limits that the config reader and the plan checks share (no
/// dependencies, so config/ can include it).

namespace mlt::msg {

/// Walk-forward evidence: 1 (the test part alone) .. max_wf_folds folds.
constexpr int max_wf_folds = 20;
/// Window kinds of the walk-forward evidence (ml::parse_window reads them).
constexpr const char* wf_windows[] = {"expanding", "rolling"};

}  // namespace mlt::msg
