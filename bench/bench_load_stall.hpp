#pragma once
/// A stand-in for Polygon that takes requests and answers none of them until
/// released; from then on it answers every request, held or new, with 401.
/// A trial loading from it holds the daemon's one trainer without using a
/// core or allocating, so the trials behind it wait in the queue, and after
/// the release it fails at once (a rejected key is not retried).

#include <cstdint>
#include <memory>

namespace mlt::bench {

class stalled_polygon {
public:
  stalled_polygon();  ///< listens on a free loopback port
  ~stalled_polygon();
  stalled_polygon(const stalled_polygon&) = delete;
  stalled_polygon& operator=(const stalled_polygon&) = delete;

  std::uint16_t port() const;
  int requests() const;  ///< requests received so far
  void release();

  struct impl;  // defined in the .cpp only

private:
  std::unique_ptr<impl> impl_;
};

}  // namespace mlt::bench
