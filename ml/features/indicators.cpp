#include "ml/features/indicators.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace mlt::ml::ind {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void require_window(int n, const char* what) {
  if (n < 1)
    throw std::invalid_argument(std::string(what) + " must be >= 1 (got " + std::to_string(n) + ")");
}

void require_same_size(const vec& a, const vec& b, const char* what) {
  if (a.size() != b.size())
    throw std::invalid_argument(std::string(what) + ": input series differ in length");
}

vec nan_vec(Eigen::Index n) { return vec::Constant(n, nan); }

Eigen::Index first_finite(const vec& x) {
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (std::isfinite(x[i])) return i;
  return x.size();
}

// Shared by EMA and Wilder: only alpha differs.
vec exp_smooth(const vec& x, int n, double alpha, smoothing_seed seed) {
  vec out = nan_vec(x.size());
  const Eigen::Index s = first_finite(x);
  if (s >= x.size()) return out;
  Eigen::Index t;
  double prev;
  if (seed == smoothing_seed::sma) {
    if (s + n > x.size()) return out;
    double sum = 0;
    for (Eigen::Index i = s; i < s + n; ++i) sum += x[i];
    prev = sum / n;
    t = s + n - 1;
  } else {
    prev = x[s];
    t = s;
  }
  out[t] = prev;
  for (++t; t < x.size(); ++t) {
    prev = prev + alpha * (x[t] - prev);
    out[t] = prev;
  }
  return out;
}

}  // namespace

vec sma(const vec& x, int n) {
  require_window(n, "sma window");
  vec out = nan_vec(x.size());
  // Exact window sums (no running sum) so long series accumulate no drift.
  for (Eigen::Index t = n - 1; t < x.size(); ++t) out[t] = x.segment(t - n + 1, n).mean();
  return out;
}

vec ema(const vec& x, int n, smoothing_seed seed) {
  require_window(n, "ema window");
  return exp_smooth(x, n, 2.0 / (n + 1.0), seed);
}

vec wilder(const vec& x, int n, smoothing_seed seed) {
  require_window(n, "wilder window");
  return exp_smooth(x, n, 1.0 / n, seed);
}

vec rolling_std(const vec& x, int n, int ddof) {
  require_window(n, "std window");
  if (ddof != 0 && ddof != 1) throw std::invalid_argument("rolling_std ddof must be 0 or 1");
  vec out = nan_vec(x.size());
  if (n - ddof < 1) return out;
  for (Eigen::Index t = n - 1; t < x.size(); ++t) {
    const auto w = x.segment(t - n + 1, n);
    const double m = w.mean();
    out[t] = std::sqrt((w.array() - m).square().sum() / (n - ddof));
  }
  return out;
}

vec rolling_max(const vec& x, int n) {
  require_window(n, "max window");
  vec out = nan_vec(x.size());
  for (Eigen::Index t = n - 1; t < x.size(); ++t) out[t] = x.segment(t - n + 1, n).maxCoeff();
  return out;
}

vec rolling_min(const vec& x, int n) {
  require_window(n, "min window");
  vec out = nan_vec(x.size());
  for (Eigen::Index t = n - 1; t < x.size(); ++t) out[t] = x.segment(t - n + 1, n).minCoeff();
  return out;
}

vec returns(const vec& close, int n) {
  require_window(n, "return lag");
  vec out = nan_vec(close.size());
  for (Eigen::Index t = n; t < close.size(); ++t) out[t] = close[t] / close[t - n] - 1.0;
  return out;
}

vec log_returns(const vec& close, int n) {
  require_window(n, "log return lag");
  vec out = nan_vec(close.size());
  for (Eigen::Index t = n; t < close.size(); ++t) out[t] = std::log(close[t] / close[t - n]);
  return out;
}

vec realized_vol(const vec& close, int n) {
  require_window(n, "volatility window");
  if (n < 2) throw std::invalid_argument("volatility window must be >= 2 (got " + std::to_string(n) + ")");
  vec out = nan_vec(close.size());
  const vec r = log_returns(close, 1);
  for (Eigen::Index t = n; t < close.size(); ++t) {
    const auto w = r.segment(t - n + 1, n);
    const double m = w.mean();
    out[t] = std::sqrt((w.array() - m).square().sum() / (n - 1));
  }
  return out;
}

vec rsi(const vec& close, int n, smoothing_seed seed) {
  require_window(n, "rsi window");
  const Eigen::Index len = close.size();
  vec out = nan_vec(len);
  if (len < 2) return out;
  vec gain = nan_vec(len), loss = nan_vec(len);
  for (Eigen::Index t = 1; t < len; ++t) {
    const double d = close[t] - close[t - 1];
    gain[t] = d > 0 ? d : 0.0;
    loss[t] = d < 0 ? -d : 0.0;
  }
  if (seed == smoothing_seed::first_value) {
    // pandas style: the missing first change counts as no move.
    gain[0] = 0;
    loss[0] = 0;
  }
  const vec ag = wilder(gain, n, seed), al = wilder(loss, n, seed);
  for (Eigen::Index t = n; t < len; ++t) {
    if (!std::isfinite(ag[t]) || !std::isfinite(al[t])) continue;
    const double total = ag[t] + al[t];
    out[t] = total > 0 ? 100.0 * ag[t] / total : 50.0;
  }
  return out;
}

macd_lines macd(const vec& close, int fast, int slow, int signal, smoothing_seed seed) {
  require_window(fast, "macd fast period");
  require_window(slow, "macd slow period");
  require_window(signal, "macd signal period");
  if (fast >= slow)
    throw std::invalid_argument("macd fast period (" + std::to_string(fast) +
                                ") must be below the slow period (" + std::to_string(slow) + ")");
  macd_lines m;
  m.line = ema(close, fast, seed) - ema(close, slow, seed);
  if (seed == smoothing_seed::sma) {
    // The fast EMA exists before the slow one; the line starts with the slow one.
    const vec slow_ema = ema(close, slow, seed);
    for (Eigen::Index t = 0; t < close.size(); ++t)
      if (!std::isfinite(slow_ema[t])) m.line[t] = nan;
  }
  m.signal = ema(m.line, signal, seed);
  m.hist = m.line - m.signal;
  return m;
}

bollinger bbands(const vec& close, int n, double k) {
  require_window(n, "bollinger window");
  if (!(k > 0)) throw std::invalid_argument("bollinger width k must be > 0");
  bollinger b;
  b.mid = sma(close, n);
  const vec sd = rolling_std(close, n, 0);
  b.upper = b.mid + k * sd;
  b.lower = b.mid - k * sd;
  b.percent_b = nan_vec(close.size());
  b.width = nan_vec(close.size());
  for (Eigen::Index t = 0; t < close.size(); ++t) {
    if (!std::isfinite(b.mid[t])) continue;
    const double range = b.upper[t] - b.lower[t];
    b.percent_b[t] = range > 0 ? (close[t] - b.lower[t]) / range : 0.5;
    b.width[t] = range / b.mid[t];
  }
  return b;
}

vec true_range(const vec& high, const vec& low, const vec& close) {
  require_same_size(high, low, "true range");
  require_same_size(high, close, "true range");
  // The true range needs the previous close, so the first bar has none
  // (TA-Lib and backtrader leave it empty too); high - low alone would
  // understate it whenever the first bar gapped.
  vec tr = nan_vec(high.size());
  for (Eigen::Index t = 1; t < high.size(); ++t) {
    double r = high[t] - low[t];
    r = std::max(r, std::abs(high[t] - close[t - 1]));
    r = std::max(r, std::abs(low[t] - close[t - 1]));
    tr[t] = r;
  }
  return tr;
}

vec atr(const vec& high, const vec& low, const vec& close, int n, smoothing_seed seed) {
  require_window(n, "atr window");
  // Wilder smoothing starts at the first true range (row 1): with the SMA
  // seed the first value is the mean of rows 1..n, at row n.
  return wilder(true_range(high, low, close), n, seed);
}

stochastic_lines stochastic(const vec& high, const vec& low, const vec& close, int k_n, int d_n) {
  require_window(k_n, "stochastic %K window");
  require_window(d_n, "stochastic %D window");
  require_same_size(high, low, "stochastic");
  require_same_size(high, close, "stochastic");
  const vec hh = rolling_max(high, k_n), ll = rolling_min(low, k_n);
  stochastic_lines s;
  s.k = nan_vec(close.size());
  for (Eigen::Index t = k_n - 1; t < close.size(); ++t) {
    const double range = hh[t] - ll[t];
    s.k[t] = range > 0 ? 100.0 * (close[t] - ll[t]) / range : 50.0;
  }
  // %D windows start where %K has d_n finite values.
  s.d = nan_vec(close.size());
  for (Eigen::Index t = 0; t < close.size(); ++t) {
    if (t + 1 < d_n) continue;
    const auto w = s.k.segment(t - d_n + 1, d_n);
    if (w.allFinite()) s.d[t] = w.mean();
  }
  return s;
}

vec obv(const vec& close, const vec& volume) {
  require_same_size(close, volume, "obv");
  vec out(close.size());
  if (close.size() == 0) return out;
  out[0] = volume[0];
  for (Eigen::Index t = 1; t < close.size(); ++t) {
    const double d = close[t] - close[t - 1];
    out[t] = out[t - 1] + (d > 0 ? volume[t] : d < 0 ? -volume[t] : 0.0);
  }
  return out;
}

vec volume_zscore(const vec& volume, int n) {
  require_window(n, "volume z-score window");
  vec out = nan_vec(volume.size());
  for (Eigen::Index t = n - 1; t < volume.size(); ++t) {
    const auto w = volume.segment(t - n + 1, n);
    const double m = w.mean();
    const double sd = std::sqrt((w.array() - m).square().sum() / n);
    out[t] = sd > 0 ? (volume[t] - m) / sd : 0.0;
  }
  return out;
}

vec day_of_week(const std::vector<std::int64_t>& times) {
  vec out(static_cast<Eigen::Index>(times.size()));
  for (std::size_t i = 0; i < times.size(); ++i) {
    std::int64_t days = times[i] / 86400;
    if (times[i] % 86400 < 0) --days;  // floor for times before 1970
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    out[static_cast<Eigen::Index>(i)] = static_cast<double>(((days + 3) % 7 + 7) % 7);
  }
  return out;
}

}  // namespace mlt::ml::ind
