#pragma once
/// What the two LLM clients share around their wire formats: the settings,
/// the transport with its retry rules, the tool writer and the URL; an
/// exchange writes the body (model, max_tokens, the conversation, the tools),
/// posts it and reads the reply. Each client brings only what its API spells
/// its own way: headers, the conversation and the reply parser.

#include <string>
#include <utility>

#include "messages/json_writer.hpp"
#include "net/llm_client.hpp"
#include "net/llm_json.hpp"
#include "net/llm_retry.hpp"

namespace mlt::net {

class llm_http_client : public llm_client {
public:
  std::string model() const override { return settings_.model; }

  llm_reply complete(const llm_request& request) override {
    // The body first: a request that cannot be sent is refused before any I/O.
    const std::string body = body_for(request);
    int retries = 0;
    http_response res = transport_.post(url_, headers(), body, request.timeout, retries);
    llm_reply reply = parse(res);
    reply.retries = retries;
    return reply;
  }

protected:
  /// `service` starts every error text, `key_env` is where a person sets the
  /// key, `path` follows the /v1 base URL.
  llm_http_client(const llm_settings& s, std::string service, std::string key_env, const std::string& path,
                  llm_tool_writer::format tools)
      : settings_(s),
        transport_(llm_endpoint{std::move(service), std::move(key_env), settings_.api_key, settings_.max_retries,
                                settings_.max_backoff, settings_.ca_file}),
        tools_(tools, transport_),
        url_(llm_v1_base(settings_.base_url) + path) {}

  virtual http_headers headers() const = 0;
  /// The system prompt and the conversation, as the API places them.
  virtual void write_messages(msg::json_writer& w, const llm_request& request) const = 0;
  /// Reads a 2xx reply; throws llm_error through transport_.
  virtual llm_reply parse(const http_response& res) const = 0;

  llm_settings settings_;
  llm_transport transport_;
  llm_tool_writer tools_;  // refers to transport_

private:
  std::string body_for(const llm_request& request) const {
    msg::json_writer w;
    w.begin_object().field("model", settings_.model).field("max_tokens", request.max_tokens);
    write_messages(w, request);
    tools_.tools(w, request);
    w.end_object();
    return w.take();
  }

  std::string url_;
};

}  // namespace mlt::net
