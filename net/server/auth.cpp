#include "net/server/auth.hpp"

#include <cctype>

namespace mlt::net::detail {

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  // Always walks all of `b` so the time does not reveal a matching prefix.
  for (std::size_t i = 0; i < b.size(); ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
    diff |= x ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    // '+' stays itself: tokens may be base64, and clients rarely form-encode.
    out.push_back(in[i]);
  }
  return out;
}

// Calls f(key, value) for each "key=value" piece of the query string.
template <class F>
void for_each_param(std::string_view target, F f) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view piece = rest.substr(0, amp);
    const auto eq = piece.find('=');
    f(piece.substr(0, eq), eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1),
      piece);
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

}  // namespace

std::string query_param(std::string_view target, std::string_view key) {
  std::string out;
  bool found = false;
  for_each_param(target, [&](std::string_view k, std::string_view v, std::string_view) {
    if (!found && k == key) {
      out = percent_decode(v);
      found = true;
    }
  });
  return out;
}

std::string strip_token(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q));
  std::string query;
  for_each_param(target, [&](std::string_view k, std::string_view, std::string_view piece) {
    if (k == "token") return;
    if (!query.empty()) query.push_back('&');
    query.append(piece);
  });
  if (!query.empty()) out.append("?").append(query);
  return out;
}

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

bool token_accepted(const std::vector<std::string>& tokens, std::string_view authorization,
                    std::string_view target) {
  if (tokens.empty()) return true;
  std::string presented;
  constexpr std::string_view bearer = "bearer ";
  if (authorization.size() > bearer.size()) {
    bool is_bearer = true;
    for (std::size_t i = 0; i < bearer.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(authorization[i])) != bearer[i]) is_bearer = false;
    if (is_bearer) {
      auto t = authorization.substr(bearer.size());
      while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
      while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
      presented.assign(t);
    }
  }
  if (presented.empty()) presented = query_param(target, "token");
  if (presented.empty()) return false;
  // Checks every token (no early exit) so timing does not say which one matched.
  bool ok = false;
  for (const auto& t : tokens) ok |= constant_time_equal(presented, t);
  return ok;
}

bool origin_accepted(const std::vector<std::string>& allowed, bool has_origin,
                     std::string_view origin) {
  if (allowed.empty() || !has_origin) return true;
  for (const auto& a : allowed)
    if (a == origin) return true;
  return false;
}

}  // namespace mlt::net::detail
