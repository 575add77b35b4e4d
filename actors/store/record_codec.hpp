#pragma once
/// How the store keeps a typed record (a plan, a report, a portfolio, a
/// checkpoint) in a BLOB: one format byte, then the struct's `inspect` in
/// CAF's binary format, except that every double and float is written as its
/// IEEE-754 bit pattern. CAF 0.17's own conversion (detail::pack754) turns
/// NaN into -1 and never returns for an infinity, and reports hold both (a
/// profit factor with no losing trade, a log loss that could not be measured).
/// The format byte says which layout of the structs wrote the record, so a
/// later change of a struct can still read the older ones.

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deserializer.hpp>
#include <caf/serializer.hpp>

namespace mlt::store {

/// The layout of the structs in messages/ as of store schema 6. Bump it (and
/// teach decode_record the older layout) when a stored struct changes.
constexpr std::uint8_t record_format = 1;

/// CAF's binary serializer (Base = caf::serializer, Inner =
/// caf::binary_serializer) or deserializer, with every float and double
/// passed as its bit pattern.
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

using record_writer = bit_exact<caf::serializer, caf::binary_serializer>;
using record_reader = bit_exact<caf::deserializer, caf::binary_deserializer>;

/// CAF's own binary format without the format byte: schemas 3 to 5 kept
/// plans and checkpoints so, and the migration reads them with this.
template <class T>
bool from_caf_bytes(const std::vector<char>& buf, T& out) {
  if (buf.empty()) return false;
  caf::binary_deserializer source{nullptr, buf};
  T value;
  if (source(value) || source.remaining() != 0) return false;
  out = std::move(value);
  return true;
}

template <class T>
std::vector<char> encode_record(const T& value, const char* what) {
  std::vector<char> buf{static_cast<char>(record_format)};
  record_writer sink{buf};
  auto copy = value;  // CAF 0.17's inspectors take mutable references
  if (sink(copy)) throw std::runtime_error(std::string("store: cannot serialise ") + what);
  return buf;
}

/// False when `buf` is empty, of another format or not a whole `T`.
template <class T>
bool decode_record(const std::vector<char>& buf, T& out) {
  if (buf.empty() || static_cast<std::uint8_t>(buf[0]) != record_format) return false;
  record_reader source{buf.data() + 1, buf.size() - 1};
  T value;
  if (source(value) || source.inner().remaining() != 0) return false;
  out = std::move(value);
  return true;
}

}  // namespace mlt::store
