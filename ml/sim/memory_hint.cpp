#include "ml/sim/memory_hint.hpp"

#include <cstdint>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace mlt::ml::sim {

void advise_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t huge = std::uintptr_t{1} << 21;
  if (p == nullptr || bytes < 4 * huge) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t first = (begin + huge - 1) & ~(huge - 1);
  const std::uintptr_t last = (begin + bytes) & ~(huge - 1);
  // Only a hint: failure (THP off, old kernel) leaves ordinary pages.
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace mlt::ml::sim
