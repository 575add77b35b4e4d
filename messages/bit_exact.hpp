#pragma once
/// CAF's binary format with every float and double written as its IEEE-754
/// bit pattern. CAF 0.17's own conversion (detail::pack754) turns NaN into -1
/// and never returns for an infinity, and reports and fits hold both (a
/// profit factor with no losing trade, a log loss that could not be
/// measured). The store keeps its records so (actors/store/record_codec.hpp)
/// and the cluster sends the trainer's messages so (actors/cluster/), which is
/// why the codec lives here, once.

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deserializer.hpp>
#include <caf/serializer.hpp>

namespace mlt::msg {

/// CAF's binary serializer (Base = caf::serializer, Inner =
/// caf::binary_serializer) or deserializer, with every float and double
/// passed as its bit pattern. Without an actor system: no actor handles.
template <class Base, class Inner>
class bit_exact final : public Base {
public:
  template <class... Ts>
  explicit bit_exact(Ts&&... xs) : inner_(nullptr, std::forward<Ts>(xs)...) {}
  const Inner& inner() const { return inner_; }
  caf::error begin_object(uint16_t& nr, std::string& name) override { return inner_.begin_object(nr, name); }
  caf::error end_object() override { return inner_.end_object(); }
  caf::error begin_sequence(size_t& n) override { return inner_.begin_sequence(n); }
  caf::error end_sequence() override { return inner_.end_sequence(); }
  caf::error apply_raw(size_t n, void* data) override { return inner_.apply_raw(n, data); }

protected:
  caf::error apply_impl(int8_t& x) override { return inner_.apply(x); }
  caf::error apply_impl(uint8_t& x) override { return inner_.apply(x); }
  caf::error apply_impl(int16_t& x) override { return inner_.apply(x); }
  caf::error apply_impl(uint16_t& x) override { return inner_.apply(x); }
  caf::error apply_impl(int32_t& x) override { return inner_.apply(x); }
  caf::error apply_impl(uint32_t& x) override { return inner_.apply(x); }
  caf::error apply_impl(int64_t& x) override { return inner_.apply(x); }
  caf::error apply_impl(uint64_t& x) override { return inner_.apply(x); }
  caf::error apply_impl(float& x) override { return apply_bits<std::uint32_t>(x); }
  caf::error apply_impl(double& x) override { return apply_bits<std::uint64_t>(x); }
  caf::error apply_impl(long double& x) override { return inner_.apply(x); }
  caf::error apply_impl(std::string& x) override { return inner_.apply(x); }
  caf::error apply_impl(std::u16string& x) override { return inner_.apply(x); }
  caf::error apply_impl(std::u32string& x) override { return inner_.apply(x); }

private:
  // Writing passes x's bits on; reading fills them and x takes them.
  template <class Bits, class Float>
  caf::error apply_bits(Float& x) {
    static_assert(sizeof(Bits) == sizeof(Float));
    Bits b;
    std::memcpy(&b, &x, sizeof b);
    auto err = inner_.apply(b);
    std::memcpy(&x, &b, sizeof x);
    return err;
  }
  Inner inner_;
};

using bit_exact_writer = bit_exact<caf::serializer, caf::binary_serializer>;
using bit_exact_reader = bit_exact<caf::deserializer, caf::binary_deserializer>;

/// Appends `value` to `buf`; false when a part cannot be written.
template <class T>
bool write_bit_exact(std::vector<char>& buf, const T& value) {
  bit_exact_writer sink{buf};
  auto copy = value;  // CAF 0.17's inspectors take mutable references
  return !sink(copy);
}

/// False when `n` bytes at `data` are not exactly one `T`.
template <class T>
bool read_bit_exact(const char* data, std::size_t n, T& out) {
  bit_exact_reader source{data, n};
  T value;
  if (source(value) || source.inner().remaining() != 0) return false;
  out = std::move(value);
  return true;
}

}  // namespace mlt::msg
