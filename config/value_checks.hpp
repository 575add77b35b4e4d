#pragma once
/// Small checks and message helpers the config reader uses; pure functions.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mlt::config {

/// Bearer tokens shorter than this are refused.
constexpr std::size_t min_token_chars = 16;

/// Optimal string alignment distance, case-insensitive: a transposition ("prot") costs one.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// A value quoted for a message: escaped, control characters as '?', cut after 60 characters.
std::string quote(std::string_view s);

/// 3 -> "3", 0.25 -> "0.25", 1e12 -> "1000000000000".
std::string number_text(double v);

/// Items joined by `sep`.
std::string join(const std::vector<std::string>& v, const char* sep);

/// An environment variable name: capitals, digits and '_', not starting with a digit, at most 64.
bool env_name_ok(const std::string& s);

/// http:// or https:// followed by a host.
bool http_url_ok(const std::string& s);

/// scheme://host[:port] with no path, as browsers send the Origin header.
bool origin_ok(const std::string& s);

/// An IP literal or host name (characters only; no lookup).
bool host_ok(const std::string& s);

/// 127.0.0.0/8 as a dotted quad, ::1, or localhost.
bool is_loopback_address(const std::string& bind);

/// A ticker: 1-16 letters, digits, '.', '-', '^', '='.
bool symbol_ok(const std::string& s);

/// 1-64 letters, digits, '_', '.', '-'.
bool schedule_name_ok(const std::string& s);

/// YYYY-MM-DD naming a real calendar day (2028-02-29 yes, 2027-02-29 no).
bool iso_date_ok(const std::string& s);

}  // namespace mlt::config
