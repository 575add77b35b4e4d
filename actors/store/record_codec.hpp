#pragma once
/// How the store keeps a typed record (a plan, a report, a portfolio, a
/// checkpoint) in a BLOB: one format byte, then CAF's binary serialisation of
/// the struct's `inspect`. The byte says which layout of the structs wrote the
/// record, so a later change of a struct can still read the older ones.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

namespace mlt::store {

/// The layout of the structs in messages/ as of store schema 6. Bump it (and
/// teach decode_record the older layout) when a stored struct changes.
constexpr std::uint8_t record_format = 1;

/// The bare CAF serialisation, without the format byte (schemas 3 to 5 kept
/// plans and checkpoints so; the migration reads them with this).
template <class T>
bool from_caf_bytes(const char* data, std::size_t size, T& out) {
  if (size == 0) return false;
  caf::binary_deserializer source{nullptr, data, size};
  T value;
  if (source(value) || source.remaining() != 0) return false;
  out = std::move(value);
  return true;
}

template <class T>
std::vector<char> encode_record(const T& value, const char* what) {
  std::vector<char> buf{static_cast<char>(record_format)};
  caf::binary_serializer sink{nullptr, buf};
  auto copy = value;  // CAF 0.17's serializer takes mutable references
  if (sink(copy)) throw std::runtime_error(std::string("store: cannot serialise ") + what);
  return buf;
}

/// False when `buf` is empty, of another format or not a whole `T`.
template <class T>
bool decode_record(const std::vector<char>& buf, T& out) {
  if (buf.empty() || static_cast<std::uint8_t>(buf[0]) != record_format) return false;
  return from_caf_bytes(buf.data() + 1, buf.size() - 1, out);
}

}  // namespace mlt::store
