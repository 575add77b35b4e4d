#pragma once
/// Numbers as the person reads them in transcripts and reports.

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace mlt::actors::text {

/// One number through a printf format ("%.4f", "%g", ...).
inline std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
/// A fraction as a percentage with one decimal: 0.512 -> "51.2%".
inline std::string pct(double v) { return fmt("%.1f%%", 100.0 * v); }
/// The same with a sign: -0.031 -> "-3.1%".
inline std::string spct(double v) { return fmt("%+.1f%%", 100.0 * v); }
/// The strings one after another, `sep` between them.
inline std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}
/// `s` filled with spaces to `w` characters: a table's column.
inline std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

}  // namespace mlt::actors::text
