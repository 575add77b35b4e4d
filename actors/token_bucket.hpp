#pragma once
/// A token bucket for per-session message rates: `per_minute` messages a
/// minute on average, bursts up to `per_minute`. The caller passes the time,
/// so tests step it by hand.

#include <algorithm>
#include <chrono>

namespace mlt::actors {

class token_bucket {
public:
  using clock = std::chrono::steady_clock;

  /// `per_minute` <= 0 means unlimited.
  explicit token_bucket(int per_minute = 0, clock::time_point now = clock::now())
      : per_minute_(per_minute), tokens_(per_minute), last_(now) {}

  /// Takes one token if there is one; false = over the limit (drop it).
  bool try_take(clock::time_point now) {
    if (per_minute_ <= 0) return true;
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    if (elapsed > 0) {
      tokens_ = std::min<double>(per_minute_, tokens_ + elapsed * per_minute_ / 60.0);
      last_ = now;
    }
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  int per_minute() const { return per_minute_; }

private:
  int per_minute_;
  double tokens_;
  clock::time_point last_;
};

}  // namespace mlt::actors
