#pragma once
/// How the store keeps a typed record (a plan, a report, a portfolio, a
/// checkpoint) in a BLOB: one format byte, then the struct's `inspect` in
/// the bit-exact binary format of messages/bit_exact.hpp (NaN and infinities
/// survive).
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

#include "messages/bit_exact.hpp"

namespace mlt::store {

/// The layout of the structs in messages/ as of store schema 6. Bump it (and
/// teach decode_record the older layout) when a stored struct changes.
constexpr std::uint8_t record_format = 1;

using record_writer = msg::bit_exact_writer;
using record_reader = msg::bit_exact_reader;

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
  if (!msg::write_bit_exact(buf, value)) throw std::runtime_error(std::string("store: cannot serialise ") + what);
  return buf;
}

/// False when `buf` is empty, of another format or not a whole `T`.
template <class T>
bool decode_record(const std::vector<char>& buf, T& out) {
  if (buf.empty() || static_cast<std::uint8_t>(buf[0]) != record_format) return false;
  return msg::read_bit_exact(buf.data() + 1, buf.size() - 1, out);
}

}  // namespace mlt::store
