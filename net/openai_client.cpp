// Any OpenAI-compatible chat-completions server (OpenAI, vLLM, llama.cpp,
// Ollama, ...) with function calling; non-streaming.

#include <simdjson.h>

#include "messages/json_writer.hpp"
#include "net/llm_http_client.hpp"
#include "net/llm_replies.hpp"

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

class openai_client final : public llm_http_client {
public:
  explicit openai_client(const llm_settings& s)
      : llm_http_client(s, service_name(s.base_url), "OPENAI_API_KEY", "/chat/completions",
                        llm_tool_writer::format::openai) {}

  std::string kind() const override { return "openai"; }

private:
  http_headers headers() const override {
    http_headers h;
    // Local servers usually take no key; an empty Bearer would confuse some.
    if (!settings_.api_key.empty()) h.emplace_back("Authorization", "Bearer " + settings_.api_key);
    h.emplace_back("Content-Type", "application/json");
    h.emplace_back("Accept", "application/json");
    return h;
  }

  llm_reply parse(const http_response& res) const override { return parse_openai_reply(res, transport_); }

  void write_messages(msg::json_writer& w, const llm_request& request) const override {
    w.key("messages").begin_array();
    if (!request.system.empty())
      w.begin_object().field("role", "system").field("content", request.system).end_object();
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
      const llm_message& m = request.messages[i];
      if (m.role == llm_message::tool_result) {
        tools_.result(w, m);
      } else if (m.role == llm_message::user) {
        w.begin_object().field("role", "user").field("content", m.text).end_object();
      } else {
        w.begin_object().field("role", "assistant").key("content");
        if (m.text.empty() && !m.tool_calls.empty()) w.null();
        else w.value(m.text);
        if (!m.tool_calls.empty()) {
          w.key("tool_calls").begin_array();
          for (const llm_tool_call& call : m.tool_calls) tools_.call(w, call, i + 1);
          w.end_array();
        }
        w.end_object();
      }
    }
    w.end_array();
  }
};

}  // namespace

llm_reply parse_openai_reply(const http_response& res, const llm_transport& transport) {
  simdjson::dom::parser parser;  // one per reply, as in parse_anthropic_reply
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
  read_model_and_usage(doc, "prompt_tokens", "completion_tokens", reply);
  return reply;
}

std::unique_ptr<llm_client> make_openai_client(llm_settings settings) {
  return std::make_unique<openai_client>(std::move(settings));
}

}  // namespace mlt::net
