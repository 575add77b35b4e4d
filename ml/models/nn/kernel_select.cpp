#include <cstring>

#include "ml/models/nn/kernel.hpp"

// One table per level, each from its own object compiled for that level.
namespace mlt::ml::nn::level_sse2 { const kernel_table& table(); }
namespace mlt::ml::nn::level_avx2 { const kernel_table& table(); }
namespace mlt::ml::nn::level_avx512 { const kernel_table& table(); }

namespace mlt::ml::nn {

namespace {

bool cpu_has(const char* name) {
  __builtin_cpu_init();
  if (std::strcmp(name, "avx512") == 0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("fma");
  if (std::strcmp(name, "avx2") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return std::strcmp(name, "sse2") == 0;
}

const kernel_table* table_of(const char* name) {
  if (std::strcmp(name, "avx512") == 0) return &level_avx512::table();
  if (std::strcmp(name, "avx2") == 0) return &level_avx2::table();
  if (std::strcmp(name, "sse2") == 0) return &level_sse2::table();
  return nullptr;
}

const kernel_table* best() {
  for (const char* name : {"avx512", "avx2"})
    if (cpu_has(name)) return table_of(name);
  return table_of("sse2");
}

const kernel_table*& current() {
  static const kernel_table* t = best();
  return t;
}

}  // namespace

const kernel_table& kernels() { return *current(); }

const char* kernel_name() { return current()->name; }

bool use_kernel(const char* name) {
  if (!table_of(name) || !cpu_has(name)) return false;
  current() = table_of(name);
  return true;
}

}  // namespace mlt::ml::nn
