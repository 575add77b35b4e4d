#include "actors/store/record_codec.hpp"

#include <cstring>

namespace mlt::store {

namespace {

// The number's bits as an unsigned integer of the same width, and back.
template <class Bits, class Float>
Bits bits_of(Float x) {
  static_assert(sizeof(Bits) == sizeof(Float));
  Bits b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

template <class Float, class Bits>
Float from_bits(Bits b) {
  Float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

}  // namespace

caf::error record_writer::apply_impl(float& x) {
  auto b = bits_of<std::uint32_t>(x);
  return inner_.apply(b);
}

caf::error record_writer::apply_impl(double& x) {
  auto b = bits_of<std::uint64_t>(x);
  return inner_.apply(b);
}

caf::error record_reader::apply_impl(float& x) {
  std::uint32_t b = 0;
  if (auto err = inner_.apply(b)) return err;
  x = from_bits<float>(b);
  return {};
}

caf::error record_reader::apply_impl(double& x) {
  std::uint64_t b = 0;
  if (auto err = inner_.apply(b)) return err;
  x = from_bits<double>(b);
  return {};
}

}  // namespace mlt::store
