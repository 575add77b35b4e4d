#pragma once
/// Small seeded generator (splitmix64) with its own distributions, so the
/// same seed gives the same numbers on every standard library.

#include <cmath>
#include <cstdint>
#include <vector>

namespace mlt::ml::nn {

class rng {
public:
  explicit rng(std::uint64_t seed) : state_(seed) {}

  /// Next 64 random bits.
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Integer in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  /// Standard normal (Box-Muller, one value per call).
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

private:
  std::uint64_t state_;
};

/// Fisher-Yates shuffle driven by `r`.
inline void shuffle(std::vector<int>& v, rng& r) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(r.below(i));
    std::swap(v[i - 1], v[j]);
  }
}

/// Mixes a seed with a stream number so sub-generators are independent.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  rng r(seed ^ (0xd1b54a32d192ed03ULL * (stream + 1)));
  return r.next();
}

}  // namespace mlt::ml::nn
