#include <atomic>
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

// Call only for a level the CPU runs (see cpu_has).
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

// Atomic: a test or benchmark may switch levels while trainers of the same
// process read it (each call then sees one whole table).
std::atomic<const kernel_table*>& current() {
  static std::atomic<const kernel_table*> t{best()};
  return t;
}

}  // namespace

const kernel_table& kernels() { return *current().load(std::memory_order_relaxed); }

const char* kernel_name() { return kernels().name; }

bool use_kernel(const char* name) {
  // The CPU check comes first: even building a level's table runs code
  // compiled for that level.
  if (!cpu_has(name)) return false;
  current().store(table_of(name), std::memory_order_relaxed);
  return true;
}

}  // namespace mlt::ml::nn
