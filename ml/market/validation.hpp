#pragma once
/// Checks a bar series before anything trains on it.

#include "ml/market/bar.hpp"

namespace mlt::ml {

/// Fatal problems throw data_error naming the symbol, source, bar index and
/// date: timestamps not strictly increasing (duplicates included), low above
/// open/close or high below them, non-positive prices, NaN or infinite
/// values, negative volume. Suspicious but usable data is appended to
/// `series.warnings`: gaps longer than the trading calendar explains, and
/// overnight jumps whose ratio looks like an unadjusted split (2:1, 3:1, 3:2,
/// 1:10, ...).
void validate_series(bar_series& series);

}  // namespace mlt::ml
