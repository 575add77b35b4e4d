#pragma once
/// One benchmark result line: the JSON object `fmt` formats, with the
/// network kernel level this process chose added as "kernel", so every
/// figure says which code produced it (issue 16). The net benchmarks print
/// it themselves, per level they time.

#include <cstdarg>
#include <cstdio>
#include <string>

#include "ml/models/nn/kernel_table.hpp"

namespace mlt::bench {

__attribute__((format(printf, 1, 2))) inline void print_line(const char* fmt, ...) {
  va_list args, again;
  va_start(args, fmt);
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, args);
  va_end(args);
  std::string line(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
  std::vsnprintf(line.data(), line.size() + 1, fmt, again);
  va_end(again);
  const auto close = line.rfind('}');
  if (close != std::string::npos)
    line.insert(close, std::string(",\"kernel\":\"") + ml::nn::kernel_name() + "\"");
  std::fputs(line.c_str(), stdout);
}

}  // namespace mlt::bench
