#pragma once
/// Technical indicators over whole series, one value per bar.
///
/// Conventions (shared by every function here):
/// - Inputs and outputs are column vectors aligned with the bars; the value at
///   row t uses inputs at rows <= t only.
/// - Rows before an indicator's warm-up are NaN, never zero. Leading NaN in an
///   input (e.g. the MACD line fed to its signal EMA) shift the warm-up.
/// - Exponential-type averages (EMA, Wilder smoothing in RSI and ATR, the MACD
///   lines) are seeded, by default, with the simple average of their first N
///   inputs, as TA-Lib does: EMA(N) is first defined at input N-1.
///   `smoothing_seed::first_value` instead starts at the first input (pandas
///   `ewm(adjust=false)`), which some published worksheets use.
/// - EMA uses alpha = 2/(N+1); Wilder smoothing uses alpha = 1/N.
/// - MACD: both EMAs are seeded from their own first N closes and the line starts
///   with the slow EMA (row slow-1), the signal slow+signal-2 rows in. TA-Lib's
///   MACD seeds the fast EMA later (from the fast-N closes ending where the slow
///   EMA starts), so early values differ from TA-Lib's and converge as
///   (1 - 2/(fast+1))^k.
/// - RSI(N): first value at row N (N price changes); 100*avg_gain/(avg_gain+avg_loss),
///   50 when both averages are zero (a flat series).
/// - True range of the first bar is high - low (there is no previous close), as
///   in Wilder's and StockCharts' worksheets; ATR(N) is first defined at row N-1.
///   (TA-Lib skips the first bar and starts one row later.)
/// - Bollinger bands use the population standard deviation; width is
///   (upper - lower) / mid as a fraction; %B is 0.5 when the bands collapse.
/// - Stochastic %K(N) = 100 (close - lowest low) / (highest high - lowest low)
///   over N bars, 50 when the range is zero; %D is the SMA of %K.
/// - OBV starts at the first bar's volume (TA-Lib) and adds or subtracts each
///   volume by the sign of the close change.
/// - Volume z-score uses the population deviation over N bars including t; it is
///   0 when the window's volume is constant (e.g. index data with volume 0).
/// - Realised volatility(N) is the sample deviation (N-1 denominator) of the last
///   N one-bar log returns, not annualised; first defined at row N.
/// - Day of week is 0 = Monday .. 6 = Sunday from the bar's UTC time.
/// Window lengths below 1 throw std::invalid_argument naming the parameter.

#include <cstdint>
#include <vector>

#include <Eigen/Dense>

namespace mlt::ml::ind {

using vec = Eigen::VectorXd;

enum class smoothing_seed { sma, first_value };

/// Simple moving average over n rows.
vec sma(const vec& x, int n);
/// Exponential moving average, alpha = 2/(n+1).
vec ema(const vec& x, int n, smoothing_seed seed = smoothing_seed::sma);
/// Wilder's smoothing, alpha = 1/n.
vec wilder(const vec& x, int n, smoothing_seed seed = smoothing_seed::sma);
/// Rolling standard deviation over n rows; ddof 0 = population, 1 = sample.
vec rolling_std(const vec& x, int n, int ddof);
/// Rolling maximum / minimum over n rows.
vec rolling_max(const vec& x, int n);
vec rolling_min(const vec& x, int n);

/// Simple return close[t]/close[t-n] - 1.
vec returns(const vec& close, int n);
/// Log return log(close[t]/close[t-n]).
vec log_returns(const vec& close, int n);
/// Sample deviation of the last n one-bar log returns.
vec realized_vol(const vec& close, int n);

/// Relative strength index (Wilder).
vec rsi(const vec& close, int n, smoothing_seed seed = smoothing_seed::sma);

struct macd_lines {
  vec line;    ///< EMA(fast) - EMA(slow)
  vec signal;  ///< EMA(signal) of the line
  vec hist;    ///< line - signal
};
/// MACD(fast, slow, signal); fast < slow.
macd_lines macd(const vec& close, int fast, int slow, int signal,
                smoothing_seed seed = smoothing_seed::sma);

struct bollinger {
  vec mid, upper, lower, percent_b, width;
};
/// Bollinger bands: SMA(n) +- k population deviations.
bollinger bbands(const vec& close, int n, double k);

/// True range per bar: the largest of high - low, |high - previous close| and
/// |low - previous close|. Row 0 has no previous close and is NaN.
vec true_range(const vec& high, const vec& low, const vec& close);
/// Average true range (Wilder smoothing of the true range). First value at
/// row n (TA-Lib and backtrader): with the SMA seed the mean of the true
/// ranges of rows 1..n; rows 0..n-1 are NaN.
vec atr(const vec& high, const vec& low, const vec& close, int n,
        smoothing_seed seed = smoothing_seed::sma);

struct stochastic_lines {
  vec k, d;
};
/// Stochastic oscillator %K(k_n) and %D = SMA(d_n) of %K.
stochastic_lines stochastic(const vec& high, const vec& low, const vec& close, int k_n, int d_n);

/// On-balance volume.
vec obv(const vec& close, const vec& volume);
/// (volume - mean) / population deviation over n bars.
vec volume_zscore(const vec& volume, int n);

/// 0 = Monday .. 6 = Sunday for seconds since the Unix epoch (UTC).
vec day_of_week(const std::vector<std::int64_t>& times);

}  // namespace mlt::ml::ind
