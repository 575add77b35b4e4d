#pragma once
/// The built-in synthetic market: deterministic bars per (symbol, seed).
///
/// Modes:
/// - realistic: regime-switching (trending, mean-reverting, volatile) log
///   returns with GARCH(1,1) volatility clustering and Poisson jumps.
/// - random_walk: i.i.d. Gaussian log returns, constant volatility, zero
///   drift. Nothing in the past predicts the future; an honest model must
///   score at chance here (directional accuracy ~ 50%).
/// - planted_signal: AR(1) daily log returns, r[t] = phi * r[t-1] + e[t],
///   e ~ N(0, sigma) with constant sigma and phi = signal_strength (default
///   0.2). Yesterday's return (a feature available at t-1) predicts today's
///   direction with hit rate 0.5 + asin(phi)/pi (~56.4% for phi = 0.2), and
///   the optimal linear R^2 of next-day returns is phi^2 (4%). An honest
///   pipeline finds this edge and no more.
///
/// Bars are business days (Mon-Fri, fixed-date US holidays skipped); the path
/// is always simulated from a fixed epoch (1990-01-02) so any requested window
/// is a slice of the same path: the bar for a given day does not depend on
/// the window asked for.

#include <cstdint>
#include <string>

#include "ml/market/bar.hpp"

namespace mlt::ml {

enum class synthetic_mode { realistic, random_walk, planted_signal };

/// What to generate.
struct synthetic_spec {
  std::string symbol = "SYN";
  std::uint64_t seed = 42;
  std::int64_t start = 0;     ///< first day (UTC timestamp); 0 = end minus 10 years
  std::int64_t end = 0;       ///< last day (UTC timestamp); 0 = 2024-12-31
  std::string timespan = "day";  ///< day | week
  synthetic_mode mode = synthetic_mode::realistic;
  double annual_vol = 0;      ///< 0 = derived from the symbol (16%-45%)
  double start_price = 0;     ///< price at the epoch; 0 = derived from the symbol
  double signal_strength = 0.2;  ///< planted_signal: AR(1) coefficient phi, |phi| < 1
  bool jumps = true;          ///< realistic: Poisson jumps (about 3 a year)
  bool regimes = true;        ///< realistic: regime switching
};

/// Default last day of the synthetic market (2024-12-31 00:00 UTC).
std::int64_t synthetic_default_end();
/// Stable 64-bit FNV-1a hash (identical on every platform and build).
std::uint64_t stable_hash(const std::string& text);
/// Parses "realistic" | "random_walk" | "planted_signal"; false otherwise.
bool parse_synthetic_mode(const std::string& text, synthetic_mode& out);
/// Name of a mode, as parse_synthetic_mode accepts it.
std::string to_string(synthetic_mode mode);

/// Generates the series; source "synthetic", synthetic = true, origin names
/// the generator, mode and seed. Throws data_error for an invalid spec.
bar_series generate_synthetic(const synthetic_spec& spec);

}  // namespace mlt::ml
