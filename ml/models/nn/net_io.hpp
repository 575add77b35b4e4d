#pragma once
/// Text format pieces for saving and loading the sequence models' state.
///
/// A saved state is lines of text, sealed by a last line
///   checksum <16 hex digits>
/// holding the FNV-1a 64-bit hash of every byte before that line, so a
/// truncated or altered state is refused instead of half-loaded. Numbers are
/// written with max_digits10 significant digits, which round-trip a float or
/// double exactly. Parsers report problems through a `fail(what)` callback
/// that must throw (the models throw std::invalid_argument naming themselves).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <istream>
#include <limits>
#include <map>
#include <string>
#include <type_traits>

#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// FNV-1a 64-bit hash of `s` (detects corruption; not cryptographic).
inline std::uint64_t fnv1a64(const std::string& s, std::size_t n) {
  std::uint64_t h = 1469598103934665603ULL;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(s[i]);
    h *= 1099511628211ULL;
  }
  return h;
}

/// Appends the checksum line that load_body() verifies.
inline std::string seal_state(std::string body) {
  char line[40];
  std::snprintf(line, sizeof line, "checksum %016llx\n",
                static_cast<unsigned long long>(fnv1a64(body, body.size())));
  return body + line;
}

/// The state without its checksum line, after checking that its first word is
/// `tag`, its version is `version`, and the checksum matches.
template <class Fail>
std::string load_body(const std::string& state, const std::string& tag, int version, Fail fail) {
  if (state.empty()) fail("the state is empty");
  const std::string head = tag + ' ';
  if (state.compare(0, head.size(), head) != 0) fail("not a " + tag + " state");
  const int v = std::atoi(state.c_str() + head.size());
  if (v != version)
    fail("format version " + std::to_string(v) + ", this build reads version " +
         std::to_string(version));
  const std::size_t last = state.size() >= 2 ? state.rfind('\n', state.size() - 2) : std::string::npos;
  const std::string word = "checksum ";
  if (state.back() != '\n' || last == std::string::npos ||
      state.compare(last + 1, word.size(), word) != 0)
    fail("the checksum line is missing (truncated state?)");
  const std::string hex = state.substr(last + 1 + word.size(), state.size() - last - 2 - word.size());
  char expect[20];
  std::snprintf(expect, sizeof expect, "%016llx",
                static_cast<unsigned long long>(fnv1a64(state, last + 1)));
  if (hex != expect) fail("checksum mismatch (state corrupted or truncated)");
  return state.substr(0, last + 1);
}

/// `v` as text that parses back to the same value.
template <class T>
std::string exact_number(T v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", std::numeric_limits<T>::max_digits10,
                static_cast<double>(v));
  return buf;
}

/// Reads one whitespace-separated number, all of the token; `what` names it.
template <class T, class Fail>
T read_number(std::istream& in, const std::string& what, Fail fail) {
  std::string tok;
  if (!(in >> tok)) fail("missing " + what);
  char* end = nullptr;
  T v;
  if constexpr (std::is_same_v<T, float>)
    v = std::strtof(tok.c_str(), &end);
  else
    v = static_cast<T>(std::strtod(tok.c_str(), &end));
  if (end == tok.c_str() || *end != '\0') fail("bad number '" + tok + "' in " + what);
  return v;
}

/// Reads `word` or fails naming what was expected.
template <class Fail>
void expect_word(std::istream& in, const std::string& word, Fail fail) {
  std::string got;
  if (!(in >> got)) fail("missing '" + word + "'");
  if (got != word) fail("expected '" + word + "', found '" + got + "'");
}

/// Writes "params <n> <name> <value> ..." on one line.
inline void write_param_line(std::string& out, const std::map<std::string, double>& p) {
  out += "params " + std::to_string(p.size());
  for (const auto& [k, v] : p) out += ' ' + k + ' ' + exact_number(v);
  out += '\n';
}

/// Reads a line written by write_param_line.
template <class Fail>
std::map<std::string, double> read_param_line(std::istream& in, Fail fail) {
  expect_word(in, "params", fail);
  const double n = read_number<double>(in, "the parameter count", fail);
  if (!(n >= 0 && n <= 10000) || n != static_cast<double>(static_cast<int>(n)))
    fail("bad parameter count " + exact_number(n));
  std::map<std::string, double> p;
  for (int i = 0; i < static_cast<int>(n); ++i) {
    std::string k;
    if (!(in >> k)) fail("missing parameter name");
    p[k] = read_number<double>(in, "parameter '" + k + "'", fail);
  }
  return p;
}

/// Writes "tensors <n>" then one line "<name> <rows> <cols> <values...>" per
/// tensor (values in column-major order).
template <class T>
void write_tensors(std::string& out, const param_refs<T>& ps) {
  out += "tensors " + std::to_string(ps.size()) + '\n';
  for (const param<T>* p : ps) {
    out += p->name + ' ' + std::to_string(p->w.rows()) + ' ' + std::to_string(p->w.cols());
    for (Eigen::Index i = 0; i < p->w.size(); ++i) out += ' ' + exact_number(p->w.data()[i]);
    out += '\n';
  }
}

/// Fills the tensors `ps` (already shaped by the network's constructor) from
/// write_tensors() text; names, count and shapes must all match.
template <class T, class Fail>
void read_tensors(std::istream& in, const param_refs<T>& ps, Fail fail) {
  expect_word(in, "tensors", fail);
  const double n = read_number<double>(in, "the tensor count", fail);
  if (n != static_cast<double>(ps.size()))
    fail("holds " + exact_number(n) + " tensors, the network has " + std::to_string(ps.size()));
  for (param<T>* p : ps) {
    std::string name;
    if (!(in >> name)) fail("missing tensor '" + p->name + "'");
    if (name != p->name) fail("expected tensor '" + p->name + "', found '" + name + "'");
    const double rows = read_number<double>(in, "rows of " + name, fail);
    const double cols = read_number<double>(in, "columns of " + name, fail);
    if (rows != static_cast<double>(p->w.rows()) || cols != static_cast<double>(p->w.cols()))
      fail("tensor '" + name + "' is " + exact_number(rows) + "x" + exact_number(cols) +
           ", the network needs " + std::to_string(p->w.rows()) + "x" +
           std::to_string(p->w.cols()));
    const std::string what = "tensor '" + name + "'";
    for (Eigen::Index i = 0; i < p->w.size(); ++i) p->w.data()[i] = read_number<T>(in, what, fail);
    p->g.setZero();
  }
}

/// Fails unless only whitespace remains.
template <class Fail>
void expect_end(std::istream& in, Fail fail) {
  std::string extra;
  if (in >> extra) fail("unexpected '" + extra + "' after the last field");
}

}  // namespace mlt::ml::nn
