#pragma once
// Helpers shared by the market tests: scratch directories and CSV text.

#include <filesystem>
#include <fstream>
#include <string>

#include "ml/market/bar.hpp"
#include "ml/market/calendar.hpp"

namespace mlt_test {

/// A fresh, empty directory under the build tree, removed on destruction.
struct scratch_dir {
  std::filesystem::path path;
  explicit scratch_dir(const std::string& name)
      : path(std::filesystem::path(MLT_BINARY_DIR) / "test-scratch" / name) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& file, const std::string& text) const {
    std::filesystem::path p = path / file;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

/// `n` clean business-day bars from 2020-01-02 as our CSV layout.
inline std::string daily_csv(int n, double start_price = 100.0) {
  std::string out = "date,open,high,low,close,volume\n";
  std::int64_t d = mlt::ml::days_from_civil(2020, 1, 2);
  double p = start_price;
  for (int i = 0; i < n; ++d) {
    if (!mlt::ml::is_business_day(d)) continue;
    double c = p * (1.0 + ((i * 7919) % 13 - 6) / 1000.0);
    out += mlt::ml::format_date(d * mlt::ml::seconds_per_day) + "," + std::to_string(p) + "," +
           std::to_string(std::max(p, c) + 0.5) + "," + std::to_string(std::min(p, c) - 0.5) + "," +
           std::to_string(c) + "," + std::to_string(1000 + i) + "\n";
    p = c;
    ++i;
  }
  return out;
}

}  // namespace mlt_test
