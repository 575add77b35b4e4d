#pragma once
/// Test helpers: the Anthropic Messages API as a scripted Claude behind a
/// loopback server (tests/net/loopback_http_server.hpp) speaks it.

#include <optional>
#include <string>

#include "tests/net/loopback_http_server.hpp"

namespace mlt::test {

/// The Messages API's 401 for a request that is not to /v1/messages with
/// `key` in x-api-key; nullopt for one that is.
inline std::optional<loopback_reply> refuse_without_key(const loopback_request& req, const std::string& key) {
  for (const auto& [k, v] : req.headers)
    if ((k == "x-api-key" || k == "X-Api-Key") && v == key && req.target == "/v1/messages") return std::nullopt;
  loopback_reply r;
  r.headers.push_back({"content-type", "application/json"});
  r.status = 401;
  r.body = R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})";
  return r;
}

/// A Messages API answer that calls tool `name` with `input` (a JSON object).
inline std::string claude_tool_use(const std::string& name, const std::string& input) {
  return R"({"id":"msg_test","type":"message","role":"assistant","model":"claude-test",)"
         R"("content":[{"type":"tool_use","id":"toolu_)" + name + R"(","name":")" + name + R"(","input":)" + input +
         R"(}],"stop_reason":"tool_use","usage":{"input_tokens":100,"output_tokens":20}})";
}

/// Whether a request `body` forces the answer to call `tool` (tool_choice).
inline bool forces_tool(const std::string& body, const std::string& tool) {
  return body.find(R"("tool_choice":{"type":"tool","name":")" + tool + "\"") != std::string::npos;
}

}  // namespace mlt::test
