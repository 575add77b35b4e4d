#pragma once
/// The one layout of a flag list in --help texts: one line per flag,
/// "  --flag ARG   what it does [default: X]". tests/app/test_help.cpp reads
/// these lines back and compares them with the README's flag tables, so a
/// flag or default changed here must change there too.

#include <cstddef>
#include <string>
#include <vector>

namespace mlt::config {

struct flag_doc {
  std::string flag;     ///< "--port N"
  std::string meaning;  ///< one line
  std::string def;      ///< the default as the README's table writes it (without backticks)
};

inline std::string format_flags(const std::vector<flag_doc>& flags) {
  std::size_t width = 0;
  for (const auto& f : flags) width = f.flag.size() > width ? f.flag.size() : width;
  std::string out;
  for (const auto& f : flags)
    out += "  " + f.flag + std::string(width + 2 - f.flag.size(), ' ') + f.meaning + " [default: " + f.def + "]\n";
  return out;
}

}  // namespace mlt::config
