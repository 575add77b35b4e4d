// Any OpenAI-compatible chat-completions server (OpenAI, vLLM, llama.cpp,
// Ollama, ...) with function calling; non-streaming.

#include <simdjson.h>

#include "messages/json_writer.hpp"
#include "net/llm_client.hpp"
#include "net/llm_json.hpp"
#include "net/llm_replies.hpp"
#include "net/llm_retry.hpp"

namespace mlt::net {

namespace {

// Errors name the server a person configured, not only "OpenAI", because
// the base URL is as often a local server.
std::string service_name(const std::string& base_url) {
  parsed_url u;
  if (!parse_url(base_url, u)) return "OpenAI-compatible server";
  const std::string suffix = "openai.com";
  if (u.host.size() >= suffix.size() && u.host.compare(u.host.size() - suffix.size(), suffix.size(), suffix) == 0)
    return "OpenAI";
  return "OpenAI-compatible server " + u.host + ":" + u.port;
}

class openai_client final : public llm_client {
public:
  explicit openai_client(llm_settings s)
      : settings_(std::move(s)),
        service_(service_name(settings_.base_url)),
        transport_(llm_endpoint{service_, "OPENAI_API_KEY", settings_.api_key, settings_.max_retries,
                                settings_.max_backoff, settings_.ca_file}),
        url_(llm_v1_base(settings_.base_url) + "/chat/completions") {}

  std::string kind() const override { return "openai"; }
  std::string model() const override { return settings_.model; }

  llm_reply complete(const llm_request& request) override {
    const std::string body = body_for(request);
    http_headers headers;
    // Local servers usually take no key; an empty Bearer would confuse some.
    if (!settings_.api_key.empty()) headers.emplace_back("Authorization", "Bearer " + settings_.api_key);
    headers.emplace_back("Content-Type", "application/json");
    headers.emplace_back("Accept", "application/json");
    int retries = 0;
    http_response res = transport_.post(url_, headers, body, request.timeout, retries);
    llm_reply reply = parse_openai_reply(res, transport_);
    reply.retries = retries;
    return reply;
  }

private:
  void write_messages(msg::json_writer& w, const llm_request& request, const llm_tool_writer& tools) const {
    w.key("messages").begin_array();
    if (!request.system.empty())
      w.begin_object().field("role", "system").field("content", request.system).end_object();
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
      const llm_message& m = request.messages[i];
      if (m.role == llm_message::tool_result) {
        tools.result(w, m);
      } else if (m.role == llm_message::user) {
        w.begin_object().field("role", "user").field("content", m.text).end_object();
      } else {
        w.begin_object().field("role", "assistant").key("content");
        if (m.text.empty() && !m.tool_calls.empty()) w.null();
        else w.value(m.text);
        if (!m.tool_calls.empty()) {
          w.key("tool_calls").begin_array();
          for (const llm_tool_call& call : m.tool_calls) tools.call(w, call, i + 1);
          w.end_array();
        }
        w.end_object();
      }
    }
    w.end_array();
  }

  std::string body_for(const llm_request& request) const {
    const llm_tool_writer tools(llm_tool_writer::format::openai, transport_);
    msg::json_writer w;
    w.begin_object().field("model", settings_.model).field("max_tokens", request.max_tokens);
    write_messages(w, request, tools);
    tools.tools(w, request);
    w.end_object();
    return w.take();
  }

  llm_settings settings_;
  std::string service_;
  llm_transport transport_;
  std::string url_;
};

}  // namespace

llm_reply parse_openai_reply(const http_response& res, const llm_transport& transport) {
  // A parser per reply: replies come seconds apart, and a free function
  // can be reached by the fuzzer (tests/fuzz/fuzz_anthropic.cpp, fuzz_openai.cpp).
  simdjson::dom::parser parser;
  namespace dom = simdjson::dom;
  const dom::element doc = reply_object(parser, res, transport);
  dom::array choices;
  if (doc["choices"].get(choices)) {
    dom::element err;
    if (!doc["error"].get(err)) {
      // Some gateways report upstream failures in a 2xx body.
      llm_api_error api = parse_llm_api_error(res.body);
      transport.fail(llm_failure::server, res.status,
                      transport.endpoint().service + " reported an error (" + std::to_string(res.status) +
                          (api.type.empty() ? "" : " " + api.type) + ": " + api.message + ")");
    }
    malformed_reply(transport, res.status, "no 'choices' array");
  }
  if (choices.size() == 0) malformed_reply(transport, res.status, "'choices' is empty");
  dom::element choice = choices.at(0).value_unsafe();
  dom::object message;
  if (choice["message"].get(message)) malformed_reply(transport, res.status, "choices[0] has no 'message' object");

  llm_reply reply;
  std::string_view text;
  if (!message["content"].get(text)) reply.text = std::string(text);
  dom::array calls;
  if (!message["tool_calls"].get(calls)) {
    std::size_t index = 0;
    for (dom::element call : calls) {
      const std::string where = "choices[0].message.tool_calls[" + std::to_string(index++) + "]";
      std::string_view id, name;
      dom::object function;
      if (call["id"].get(id)) malformed_reply(transport, res.status, where + " has no 'id'");
      if (call["function"].get(function)) malformed_reply(transport, res.status, where + " has no 'function' object");
      if (function["name"].get(name)) malformed_reply(transport, res.status, where + ".function has no 'name'");
      llm_tool_call out{std::string(id), std::string(name), "{}"};
      dom::element args;
      if (function["arguments"].get(args)) malformed_reply(transport, res.status, where + ".function has no 'arguments'");
      std::string_view args_text;
      // The API sends a string; some compatible servers send the object.
      if (!args.get(args_text)) out.arguments = args_text.empty() ? "{}" : std::string(args_text);
      else if (args.is_object()) out.arguments = simdjson::minify(args);
      else malformed_reply(transport, res.status, where + ".function.arguments is neither a string nor an object");
      reply.tool_calls.push_back(std::move(out));
    }
  }
  if (!choice["finish_reason"].get(text)) reply.stop_reason = std::string(text);
  if (!doc["model"].get(text)) reply.model = std::string(text);
  dom::object usage;
  if (!doc["usage"].get(usage)) {
    std::int64_t n = 0;
    if (!usage["prompt_tokens"].get(n)) reply.usage.input_tokens = n;
    if (!usage["completion_tokens"].get(n)) reply.usage.output_tokens = n;
  }
  return reply;
}

std::unique_ptr<llm_client> make_openai_client(llm_settings settings) {
  return std::make_unique<openai_client>(std::move(settings));
}

}  // namespace mlt::net
