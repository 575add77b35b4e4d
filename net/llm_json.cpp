#include "net/llm_json.hpp"

#include <simdjson.h>

namespace mlt::net {

bool compact_json_object(std::string_view text, std::string& out) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    out = "{}";
    return true;
  }
  // Validation is rare (once per tool and per replayed tool call), so a
  // local parser costs nothing worth sharing.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.parse(simdjson::padded_string(text)).get(doc)) {
    out = std::string("not valid JSON (") + simdjson::error_message(error) + ")";
    return false;
  }
  if (!doc.is_object()) {
    out = "a JSON value that is not an object";
    return false;
  }
  out = simdjson::minify(doc);
  return true;
}

void read_model_and_usage(simdjson::dom::element doc, const char* input_tokens, const char* output_tokens,
                          llm_reply& reply) {
  std::string_view text;
  if (!doc["model"].get(text)) reply.model = std::string(text);
  simdjson::dom::object usage;
  if (!doc["usage"].get(usage)) {
    std::int64_t n = 0;
    if (!usage[input_tokens].get(n)) reply.usage.input_tokens = n;
    if (!usage[output_tokens].get(n)) reply.usage.output_tokens = n;
  }
}

void llm_tool_writer::refuse(const std::string& why) const {
  transport_.fail(llm_failure::bad_request, 0, transport_.endpoint().service + " request not sent: " + why);
}

void llm_tool_writer::tools(msg::json_writer& w, const llm_request& request) const {
  if (request.tools.empty()) {
    if (!request.tool_choice.empty())
      refuse("tool_choice '" + request.tool_choice + "' is set but the request has no tools");
    return;
  }
  w.key("tools").begin_array();
  bool chosen_exists = false;
  for (const llm_tool& t : request.tools) {
    definition(w, t);
    chosen_exists = chosen_exists || t.name == request.tool_choice;
  }
  w.end_array();
  if (!request.tool_choice.empty() && request.tool_choice != "any" && !chosen_exists)
    refuse("tool_choice names '" + request.tool_choice + "', which is not among the tools");
  choice(w, request.tool_choice);
}

void llm_tool_writer::definition(msg::json_writer& w, const llm_tool& t) const {
  std::string schema;
  if (!compact_json_object(t.input_schema, schema)) refuse("the input_schema of tool '" + t.name + "' is " + schema);
  w.begin_object();
  if (format_ == format::openai) w.field("type", "function").key("function").begin_object();
  w.field("name", t.name);
  if (!t.description.empty()) w.field("description", t.description);
  w.key(format_ == format::openai ? "parameters" : "input_schema").raw(schema);
  if (format_ == format::openai) w.end_object();
  w.end_object();
}

// "" = the model chooses, "any" = some tool, else the one tool named.
void llm_tool_writer::choice(msg::json_writer& w, const std::string& tool_choice) const {
  if (format_ == format::anthropic) {
    w.key("tool_choice").begin_object();
    if (tool_choice.empty()) w.field("type", "auto");
    else if (tool_choice == "any") w.field("type", "any");
    else w.field("type", "tool").field("name", tool_choice);
    w.end_object();
    return;
  }
  if (tool_choice.empty()) {
    w.field("tool_choice", "auto");
  } else if (tool_choice == "any") {
    w.field("tool_choice", "required");
  } else {
    w.key("tool_choice").begin_object().field("type", "function");
    w.key("function").begin_object().field("name", tool_choice).end_object().end_object();
  }
}

void llm_tool_writer::call(msg::json_writer& w, const llm_tool_call& call, std::size_t turn) const {
  if (format_ == format::openai) {
    // Arguments travel as JSON text in a string, passed on as the model wrote them.
    w.begin_object().field("id", call.id).field("type", "function");
    w.key("function").begin_object().field("name", call.name);
    w.field("arguments", call.arguments.empty() ? std::string("{}") : call.arguments);
    w.end_object().end_object();
    return;
  }
  std::string input;
  if (!compact_json_object(call.arguments, input))
    refuse("message " + std::to_string(turn) + ": the arguments of tool call '" + call.name + "' (" + call.id +
           ") are " + input);
  w.begin_object().field("type", "tool_use").field("id", call.id).field("name", call.name);
  w.key("input").raw(input).end_object();
}

void llm_tool_writer::result(msg::json_writer& w, const llm_message& r) const {
  if (format_ == format::anthropic) {
    w.begin_object()
        .field("type", "tool_result")
        .field("tool_use_id", r.tool_call_id)
        .field("content", r.text)
        .field("is_error", r.is_error)
        .end_object();
    return;
  }
  // The format has no error flag; the model learns it from the text.
  w.begin_object().field("role", "tool").field("tool_call_id", r.tool_call_id);
  w.field("content", r.is_error && r.text.rfind("Error", 0) != 0 ? "Error: " + r.text : r.text);
  w.end_object();
}

}  // namespace mlt::net
