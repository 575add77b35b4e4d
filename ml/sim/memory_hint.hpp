#pragma once
/// Operating-system hints for large simulator buffers.

#include <cstddef>

namespace mlt::ml::sim {

/// Asks the kernel to back the 2 MiB-aligned interior of [p, p + bytes) with
/// transparent huge pages before it is first written (Linux; no-op elsewhere
/// or for buffers under a few MiB). Cuts the page faults of 10 M-bar equity
/// curves by a factor of 512; results are unaffected.
void advise_huge_pages(void* p, std::size_t bytes);

}  // namespace mlt::ml::sim
