// Claude over Anthropic's Messages API (POST /v1/messages), non-streaming.

#include <simdjson.h>

#include "messages/json_writer.hpp"
#include "net/llm_http_client.hpp"
#include "net/llm_replies.hpp"

namespace mlt::net {

namespace {

class anthropic_client final : public llm_http_client {
public:
  explicit anthropic_client(const llm_settings& s)
      : llm_http_client(s, "Anthropic", "ANTHROPIC_API_KEY", "/messages", llm_tool_writer::format::anthropic) {}

  std::string kind() const override { return "anthropic"; }

private:
  http_headers headers() const override {
    http_headers h;
    if (!settings_.api_key.empty()) h.emplace_back("x-api-key", settings_.api_key);
    h.emplace_back("anthropic-version", settings_.anthropic_version);
    h.emplace_back("content-type", "application/json");
    h.emplace_back("accept", "application/json");
    return h;
  }

  llm_reply parse(const http_response& res) const override { return parse_anthropic_reply(res, transport_); }

  void write_messages(msg::json_writer& w, const llm_request& request) const override {
    if (!request.system.empty()) w.field("system", request.system);
    const std::vector<llm_message>& messages = request.messages;
    w.key("messages").begin_array();
    for (std::size_t i = 0; i < messages.size();) {
      const llm_message& m = messages[i];
      if (m.role == llm_message::assistant) {
        ++i;
        // The API rejects an assistant turn without content; one that said
        // and called nothing carries no information, so it is left out.
        if (m.text.empty() && m.tool_calls.empty()) continue;
        w.begin_object().field("role", "assistant").key("content").begin_array();
        if (!m.text.empty()) w.begin_object().field("type", "text").field("text", m.text).end_object();
        for (const llm_tool_call& call : m.tool_calls) tools_.call(w, call, i);  // i: the turn counted from 1
        w.end_array().end_object();
        continue;
      }
      // Tool results travel inside a user turn; consecutive results (and a
      // user text after them) form one turn, as the API's alternation needs.
      w.begin_object().field("role", "user").key("content").begin_array();
      for (; i < messages.size() && messages[i].role != llm_message::assistant; ++i) {
        const llm_message& u = messages[i];
        if (u.role == llm_message::tool_result) tools_.result(w, u);
        else w.begin_object().field("type", "text").field("text", u.text).end_object();
      }
      w.end_array().end_object();
    }
    w.end_array();
  }
};

}  // namespace

llm_reply parse_anthropic_reply(const http_response& res, const llm_transport& transport) {
  // A parser per reply: replies come seconds apart, and a free function
  // can be reached by the fuzzer (tests/fuzz/fuzz_anthropic.cpp, fuzz_openai.cpp).
  simdjson::dom::parser parser;
  namespace dom = simdjson::dom;
  const dom::element doc = reply_object(parser, res, transport);
  std::string_view type;
  if (!doc["type"].get(type) && type == "error") {
    llm_api_error api = parse_llm_api_error(res.body);
    transport.fail(llm_failure::server, res.status,
                    "Anthropic reported an error (" + std::to_string(res.status) + " " + api.type + ": " +
                        api.message + ")");
  }
  dom::array content;
  if (doc["content"].get(content)) malformed_reply(transport, res.status, "no 'content' array");
  llm_reply reply;
  std::size_t index = 0;
  for (dom::element block : content) {
    const std::string where = "content[" + std::to_string(index++) + "]";
    std::string_view block_type;
    if (block["type"].get(block_type)) malformed_reply(transport, res.status, where + " has no 'type'");
    if (block_type == "text") {
      std::string_view text;
      if (block["text"].get(text)) malformed_reply(transport, res.status, where + " (text) has no 'text' string");
      reply.text.append(text.data(), text.size());
    } else if (block_type == "tool_use") {
      std::string_view id, name;
      dom::object input;
      if (block["id"].get(id)) malformed_reply(transport, res.status, where + " (tool_use) has no 'id'");
      if (block["name"].get(name)) malformed_reply(transport, res.status, where + " (tool_use) has no 'name'");
      if (block["input"].get(input)) malformed_reply(transport, res.status, where + " (tool_use) has no 'input' object");
      reply.tool_calls.push_back({std::string(id), std::string(name), simdjson::minify(input)});
    }
    // Other block kinds (thinking, ...) carry nothing the agent uses.
  }
  std::string_view text;
  if (!doc["stop_reason"].get(text)) reply.stop_reason = std::string(text);
  read_model_and_usage(doc, "input_tokens", "output_tokens", reply);
  return reply;
}

std::unique_ptr<llm_client> make_anthropic_client(llm_settings settings) {
  return std::make_unique<anthropic_client>(std::move(settings));
}

}  // namespace mlt::net
