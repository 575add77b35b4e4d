#pragma once
/// Request checks for the server: bearer tokens and the WebSocket Origin.

#include <string>
#include <string_view>
#include <vector>

namespace mlt::net::detail {

/// Compares in time that depends only on the lengths, not on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

/// The value of query parameter `key` in `target` ("/ws?a=1&token=x"),
/// percent-decoded; empty when absent.
std::string query_param(std::string_view target, std::string_view key);

/// `target` without any `token=` query parameter, so it can be logged.
std::string strip_token(std::string_view target);

/// The path part of `target`, before any '?'.
std::string_view target_path(std::string_view target);

/// True when `tokens` is empty, or the Authorization header ("Bearer T")
/// or the `token` query parameter carries one of them.
bool token_accepted(const std::vector<std::string>& tokens, std::string_view authorization,
                    std::string_view target);

/// True when `allowed` is empty, the Origin header is absent (not a
/// browser), or it matches one entry exactly.
bool origin_accepted(const std::vector<std::string>& allowed, bool has_origin,
                     std::string_view origin);

}  // namespace mlt::net::detail
