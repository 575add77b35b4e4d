// Both LLM clients against loopback servers speaking each API's real wire
// format: Anthropic's Messages API and OpenAI's chat completions. Every case
// runs once per format (GENERATE); request bodies are read back, as the
// server received them, by a decoder of that format, so one set of checks
// covers both. What only one API has (OpenAI's quota error, a keyless local
// server, the environment defaults) is in tests of its own at the end.

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

#include "loopback_http_server.hpp"
#include "net/llm_client.hpp"

using namespace mlt::net;
using mlt::test::json_reply;
using mlt::test::loopback_http_server;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;
namespace dom = simdjson::dom;

namespace {

// ---- what a request carried, decoded from either format ----

struct sent_call {
  std::string id, name;
  std::string arguments;  ///< JSON object text
};

struct sent_turn {
  std::string role;  ///< "system", "user", "assistant" or "tool" (a tool result)
  std::string text;
  bool text_null = false;  ///< the format wrote null content
  std::vector<sent_call> calls;
  std::string tool_call_id;
  std::optional<bool> is_error;  ///< the format's error flag, where it has one
};

struct sent_tool {
  std::string name, description;
  std::string schema;  ///< JSON object text
};

struct sent_request {
  std::string model;
  std::int64_t max_tokens = 0;
  std::vector<sent_turn> turns;
  std::size_t wire_messages = 0;  ///< entries of the body's "messages" array
  std::vector<sent_tool> tools;
  bool has_tools = false;
  std::string tool_choice;  ///< "auto", "any", "tool:<name>"; "" when absent
};

std::string str(dom::element e) {
  std::string_view s;
  if (e.get(s)) return "<not a string>";
  return std::string(s);
}

std::string header(const loopback_request& r, std::string name) {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  for (const auto& h : r.headers)
    if (lower(h.first) == lower(name)) return h.second;
  return "";
}

// Anthropic: content blocks; tool results travel inside user turns.
void read_anthropic_message(dom::element m, sent_request& r) {
  const std::string role = str(m["role"]);
  sent_turn assistant{"assistant", "", false, {}, "", {}};
  for (dom::element block : dom::array(m["content"])) {
    const std::string type = str(block["type"]);
    if (role == "assistant" && type == "text") assistant.text = str(block["text"]);
    else if (role == "assistant" && type == "tool_use")
      assistant.calls.push_back({str(block["id"]), str(block["name"]), simdjson::minify(block["input"])});
    else if (role == "user" && type == "text") r.turns.push_back({"user", str(block["text"]), false, {}, "", {}});
    else if (role == "user" && type == "tool_result")
      r.turns.push_back({"tool", str(block["content"]), false, {}, str(block["tool_use_id"]), bool(block["is_error"])});
    else FAIL("unexpected " << type << " block in a " << role << " turn");
  }
  if (role == "assistant") r.turns.push_back(assistant);
}

sent_tool read_anthropic_tool(dom::element t) {
  return {str(t["name"]), str(t["description"]), simdjson::minify(t["input_schema"])};
}

std::string read_anthropic_choice(dom::element c) {
  const std::string type = str(c["type"]);
  return type == "tool" ? "tool:" + str(c["name"]) : type;
}

// OpenAI: the system prompt is a message too; tool results are "tool" messages.
void read_openai_message(dom::element m, sent_request& r) {
  sent_turn t{str(m["role"]), "", false, {}, "", {}};
  t.text_null = m["content"].is_null();
  if (!t.text_null) t.text = str(m["content"]);
  if (t.role == "tool") t.tool_call_id = str(m["tool_call_id"]);
  if (!m["tool_calls"].error())
    for (dom::element c : dom::array(m["tool_calls"])) {
      CHECK(str(c["type"]) == "function");
      t.calls.push_back({str(c["id"]), str(c["function"]["name"]), str(c["function"]["arguments"])});
    }
  r.turns.push_back(t);
}

sent_tool read_openai_tool(dom::element t) {
  CHECK(str(t["type"]) == "function");
  return {str(t["function"]["name"]), str(t["function"]["description"]), simdjson::minify(t["function"]["parameters"])};
}

std::string read_openai_choice(dom::element c) {
  if (c.is_string()) return str(c) == "required" ? "any" : str(c);
  CHECK(str(c["type"]) == "function");
  return "tool:" + str(c["function"]["name"]);
}

// ---- the two formats ----

struct wire_format {
  std::string kind;
  std::string key;
  std::string model;
  std::string path;                 ///< where requests go
  std::string versioned_base;       ///< a base URL suffix that already names the version
  std::string auth_header, auth_prefix;
  std::vector<std::pair<std::string, std::string>> other_headers;  ///< "" = must be absent
  std::string key_env;
  /// What error texts start with; the OpenAI one names the server it called.
  std::string (*service)(const loopback_http_server&);
  loopback_reply (*api_error)(int status, const std::string& type, const std::string& message);
  /// A reply that calls fetch_bars with call_arguments (id call_id, with call_text beside it).
  std::string tool_call_reply;
  std::string call_id, call_text, call_stop, reply_model;
  std::int64_t input_tokens, output_tokens;
  std::string (*text_reply)(const std::string& text);
  std::string text_stop;
  int overloaded_status;  ///< the status the API sends when overloaded
  std::string overloaded_type;
  /// How a rejected tool result's text goes out, and how many "messages"
  /// the multi-turn request below has in this format.
  std::string rejected_text;
  std::size_t multi_turn_messages;
  // Readers of this format's request parts (see sent_request).
  void (*read_message)(dom::element message, sent_request& into);
  sent_tool (*read_tool)(dom::element tool);
  std::string (*read_choice)(dom::element tool_choice);
  /// Replies that lack something, with the words that name it.
  std::vector<std::pair<std::string, std::string>> malformed;
};

// The arguments both servers send with their call, as JSON text.
const std::string call_arguments =
    R"({"ticker":"AAPL","days":30,"adjusted":true,"windows":[5,20],"note":"say \"hi\"\n"})";

const wire_format anthropic{
    "anthropic",
    "sk-ant-api03-TEST-5ECRET-KEY-0042",
    "claude-sonnet-4-5",
    "/v1/messages",
    "/v1/",
    "x-api-key",
    "",
    {{"anthropic-version", "2023-06-01"}, {"authorization", ""}},
    "ANTHROPIC_API_KEY",
    [](const loopback_http_server&) { return std::string("Anthropic"); },
    [](int status, const std::string& type, const std::string& message) {
      loopback_reply r = json_reply(R"({"type":"error","error":{"type":")" + type + R"(","message":")" + message +
                                  R"("},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"})",
                              status);
      r.headers.emplace_back("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy");
      return r;
    },
    R"({"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant",)"
    R"("model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Fetching the bars first."},)"
    R"({"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"fetch_bars","input":)" +
        call_arguments +
        R"(}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":412,"output_tokens":57}})",
    "toolu_01A09q90qw90lq917835lq9",
    "Fetching the bars first.",
    "tool_use",
    "claude-sonnet-4-5-20250929",
    412,
    57,
    [](const std::string& text) {
      return R"({"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",)"
             R"("content":[{"type":"text","text":")" +
             text + R"("}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":530,"output_tokens":12}})";
    },
    "end_turn",
    529,
    "overloaded_error",
    "the store is locked",  // with is_error: true
    3,                      // user, assistant, one user turn holding both results
    &read_anthropic_message,
    &read_anthropic_tool,
    &read_anthropic_choice,
    {{R"({"type":"message","role":"assistant"})", "no 'content' array"},
     {R"({"type":"message","content":[{"type":"tool_use","id":"toolu_1","name":"fetch_bars"}]})",
      "content[0] (tool_use) has no 'input' object"}},
};

// `text` as a JSON string literal (for arguments OpenAI sends as a string).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') out += "\\n";
    else out += c;
  }
  return out + "\"";
}

const wire_format openai{
    "openai",
    "sk-proj-TEST-5ECRET-KEY-0077",
    "gpt-4o-mini",
    "/v1/chat/completions",
    "/v1",  // as OPENAI_BASE_URL is usually written
    "authorization",
    "Bearer ",
    {},
    "OPENAI_API_KEY",
    [](const loopback_http_server& s) { return "OpenAI-compatible server 127.0.0.1:" + std::to_string(s.port()); },
    [](int status, const std::string& type, const std::string& message) {
      return json_reply(R"({"error":{"message":")" + message + R"(","type":")" + type + R"(","param":null,"code":null}})",
                  status);
    },
    R"({"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,)"
    R"("model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":null,)"
    R"("tool_calls":[{"id":"call_Yx3jvVqCp5","type":"function","function":{"name":"fetch_bars",)"
    R"("arguments":)" +
        quoted(call_arguments) +
        R"(}}],"refusal":null},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":82,)"
        R"("completion_tokens":17,"total_tokens":99},"system_fingerprint":"fp_06737a9306"})",
    "call_Yx3jvVqCp5",
    "",
    "tool_calls",
    "gpt-4o-mini-2024-07-18",
    82,
    17,
    [](const std::string& text) {
      return R"({"id":"chatcmpl-2","object":"chat.completion","created":1741570290,"model":"gpt-4o-mini-2024-07-18",)"
             R"("choices":[{"index":0,"message":{"role":"assistant","content":")" +
             text + R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129}})";
    },
    "stop",
    503,
    "server_error",
    "Error: the store is locked",  // the format has no error flag
    5,                             // system, user, assistant, two tool messages
    &read_openai_message,
    &read_openai_tool,
    &read_openai_choice,
    {{R"({"id":"x","object":"chat.completion"})", "no 'choices' array"},
     {R"({"choices":[{"message":{"role":"assistant","content":null,)"
      R"("tool_calls":[{"id":"call_1","type":"function","function":{"arguments":"{}"}}]},)"
      R"("finish_reason":"tool_calls"}]})",
      "choices[0].message.tool_calls[0].function has no 'name'"}},
};

// A request body as `f` spells it, read back.
sent_request decode(const wire_format& f, const std::string& text) {
  dom::parser p;
  dom::element body = p.parse(text);
  sent_request r;
  r.model = str(body["model"]);
  r.max_tokens = int64_t(body["max_tokens"]);
  // Anthropic's system prompt stands apart (OpenAI's is the first message).
  if (!body["system"].error()) r.turns.push_back({"system", str(body["system"]), false, {}, "", {}});
  dom::array messages = body["messages"];
  r.wire_messages = messages.size();
  for (dom::element m : messages) f.read_message(m, r);
  r.has_tools = !body["tools"].error();
  if (r.has_tools)
    for (dom::element t : dom::array(body["tools"])) r.tools.push_back(f.read_tool(t));
  dom::element choice;
  if (!body["tool_choice"].get(choice)) r.tool_choice = f.read_choice(choice);
  return r;
}

// Each case below runs once per format.
#define EACH_FORMAT()                                              \
  const wire_format& f = *GENERATE(&anthropic, &openai);           \
  INFO("format " << f.kind)

llm_settings settings_for(const wire_format& f, const loopback_http_server& server) {
  llm_settings s;
  s.kind = f.kind;
  s.base_url = server.base_url();
  s.api_key = f.key;
  s.model = f.model;
  s.max_retries = 2;
  s.max_backoff = std::chrono::milliseconds(50);
  return s;
}

llm_request ask_for_bars() {
  llm_request r;
  r.system = "You manage ML trials on stock data.";
  r.messages.push_back({llm_message::user, "Train a model on AAPL daily bars.", {}, "", false});
  r.tools.push_back({"fetch_bars", "Loads daily bars for a ticker.",
                     R"({"type":"object","properties":{"ticker":{"type":"string"},"days":{"type":"integer"}},)"
                     R"("required":["ticker"]})"});
  r.tools.push_back({"list_trials", "Lists the trials so far.", ""});
  r.tool_choice = "fetch_bars";
  r.max_tokens = 256;
  r.timeout = std::chrono::milliseconds(10000);
  return r;
}

// Runs one exchange expecting failure; returns the error.
llm_error failure_of(llm_client& client, const llm_request& request) {
  try {
    client.complete(request);
  } catch (const llm_error& e) {
    return e;
  }
  FAIL("the exchange succeeded");
  return llm_error(llm_failure::transport, 0, "");
}

loopback_reply with_retry_after(loopback_reply r, const std::string& seconds) {
  r.headers.emplace_back("retry-after", seconds);
  return r;
}

// One exchange in format `f` against a server answering with `handler`, expected to fail.
struct failed_exchange {
  llm_error error;
  std::size_t requests;  ///< how many the server received
  std::string service;   ///< what the error text starts with
};

failed_exchange exchange_failing(const wire_format& f, const mlt::test::loopback_handler& handler) {
  loopback_http_server server(handler);
  auto client = make_llm_client(settings_for(f, server));
  llm_error e = failure_of(*client, ask_for_bars());
  return {e, server.requests().size(), f.service(server)};
}

}  // namespace

TEST_CASE("llm client forces a tool and returns its call with the arguments as JSON", "[llm]") {
  EACH_FORMAT();
  loopback_http_server server([&](const loopback_request&) { return json_reply(f.tool_call_reply); });
  auto client = make_llm_client(settings_for(f, server));
  REQUIRE(client->kind() == f.kind);
  llm_reply reply = client->complete(ask_for_bars());

  REQUIRE(reply.tool_calls.size() == 1);
  CHECK(reply.tool_calls[0].id == f.call_id);
  CHECK(reply.tool_calls[0].name == "fetch_bars");
  CHECK(reply.text == f.call_text);
  CHECK(reply.stop_reason == f.call_stop);
  CHECK(reply.model == f.reply_model);
  CHECK(reply.usage.input_tokens == f.input_tokens);
  CHECK(reply.usage.output_tokens == f.output_tokens);
  CHECK(reply.retries == 0);
  dom::parser p;
  dom::element args = p.parse(reply.tool_calls[0].arguments);
  CHECK(str(args["ticker"]) == "AAPL");
  CHECK(int64_t(args["days"]) == 30);
  CHECK(bool(args["adjusted"]) == true);
  CHECK(int64_t(args["windows"].at(1)) == 20);
  CHECK(str(args["note"]) == "say \"hi\"\n");

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const loopback_request& r = requests[0];
  CHECK(r.method == "POST");
  CHECK(r.target == f.path);
  CHECK(header(r, f.auth_header) == f.auth_prefix + f.key);
  CHECK(header(r, "content-type") == "application/json");
  for (const auto& [name, value] : f.other_headers) CHECK(header(r, name) == value);
  const sent_request sent = decode(f, r.body);
  CHECK(sent.model == f.model);
  CHECK(sent.max_tokens == 256);
  REQUIRE(sent.turns.size() == 2);
  CHECK(sent.turns[0].role == "system");
  CHECK(sent.turns[0].text == "You manage ML trials on stock data.");
  CHECK(sent.turns[1].role == "user");
  CHECK(sent.turns[1].text == "Train a model on AAPL daily bars.");
  REQUIRE(sent.tools.size() == 2);
  CHECK(sent.tools[0].name == "fetch_bars");
  CHECK(sent.tools[0].description == "Loads daily bars for a ticker.");
  dom::parser q;
  dom::element schema = q.parse(sent.tools[0].schema);
  CHECK(str(schema["type"]) == "object");
  CHECK(str(schema["required"].at(0)) == "ticker");
  // An empty schema still goes out as an object, which the APIs require.
  CHECK(sent.tools[1].schema == "{}");
  CHECK(sent.tool_choice == "tool:fetch_bars");
}

TEST_CASE("llm client sends the tool calls and tool results of a multi-turn exchange", "[llm]") {
  EACH_FORMAT();
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    return ++calls == 1 ? json_reply(f.tool_call_reply) : json_reply(f.text_reply("AAPL has 30 bars; training now."));
  });
  llm_settings s = settings_for(f, server);
  s.base_url += f.versioned_base;  // a base URL that already names the version is not doubled
  auto client = make_llm_client(s);
  llm_request request = ask_for_bars();
  request.tool_choice = "any";
  llm_reply first = client->complete(request);
  REQUIRE(first.tool_calls.size() == 1);

  llm_message assistant{llm_message::assistant, first.text, first.tool_calls, "", false};
  assistant.tool_calls.push_back({"call_2", "list_trials", ""});
  request.messages.push_back(assistant);
  request.messages.push_back({llm_message::tool_result, "30 bars loaded", {}, first.tool_calls[0].id, false});
  request.messages.push_back({llm_message::tool_result, "the store is locked", {}, "call_2", true});
  request.tool_choice.clear();
  llm_reply second = client->complete(request);
  CHECK(second.text == "AAPL has 30 bars; training now.");
  CHECK(second.tool_calls.empty());
  CHECK(second.stop_reason == f.text_stop);

  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].target == f.path);
  CHECK(requests[1].target == f.path);
  CHECK(decode(f, requests[0].body).tool_choice == "any");
  const sent_request sent = decode(f, requests[1].body);
  CHECK(sent.tool_choice == "auto");
  CHECK(sent.wire_messages == f.multi_turn_messages);
  REQUIRE(sent.turns.size() == 5);

  const sent_turn& a = sent.turns[2];
  CHECK(a.role == "assistant");
  CHECK(a.text == f.call_text);
  CHECK(a.text_null == f.call_text.empty());  // content null beside calls, where the format has it
  REQUIRE(a.calls.size() == 2);
  CHECK(a.calls[0].id == f.call_id);
  CHECK(a.calls[0].name == "fetch_bars");
  // The arguments go back as the same JSON.
  dom::parser p;
  dom::element args = p.parse(a.calls[0].arguments);
  CHECK(str(args["ticker"]) == "AAPL");
  CHECK(int64_t(args["days"]) == 30);
  CHECK(a.calls[1].id == "call_2");
  CHECK(a.calls[1].arguments == "{}");  // empty arguments go out as {}

  const sent_turn& ok = sent.turns[3];
  CHECK(ok.role == "tool");
  CHECK(ok.tool_call_id == f.call_id);
  CHECK(ok.text == "30 bars loaded");
  const sent_turn& rejected = sent.turns[4];
  CHECK(rejected.role == "tool");
  CHECK(rejected.tool_call_id == "call_2");
  CHECK(rejected.text == f.rejected_text);
  if (ok.is_error) {
    CHECK(*ok.is_error == false);
    REQUIRE(rejected.is_error);
    CHECK(*rejected.is_error == true);
  }
}

TEST_CASE("llm client names the API's error and retries only what may pass later", "[llm]") {
  EACH_FORMAT();
  struct row {
    int status;
    std::string type, message;
    llm_failure kind;
    std::string said;   ///< the words after the service's name
    std::size_t tries;  ///< requests the server receives (max_retries = 2)
  };
  const row rows[] = {
      {400, "invalid_request_error", "max_tokens: Input should be greater than or equal to 1",
       llm_failure::bad_request, "refused the request", 1},
      {500, "api_error", "An unexpected error has occurred internal to the service.", llm_failure::server,
       "had a server error", 3},
      {f.overloaded_status, f.overloaded_type, "Overloaded", llm_failure::overloaded, "is overloaded", 3},
  };
  for (const row& r : rows) {
    INFO("status " << r.status);
    const auto x = exchange_failing(f, [&](const loopback_request&) { return f.api_error(r.status, r.type, r.message); });
    CHECK(x.error.kind == r.kind);
    CHECK(x.error.status == r.status);
    CHECK(x.requests == r.tries);
    const std::string detail = " (" + std::to_string(r.status) + " " + r.type + ": " + r.message + ")";
    CHECK_THAT(x.error.what(), Catch::StartsWith(x.service + " " + r.said + detail));
    if (r.tries > 1) CHECK_THAT(x.error.what(), Catch::Contains(detail + " after 3 attempts"));
  }
}

TEST_CASE("llm client reports a rejected key as auth without ever showing the key", "[llm]") {
  EACH_FORMAT();
  // A server that echoes the key must not get it into the error either.
  const auto x = exchange_failing(f, [&](const loopback_request& r) {
    return f.api_error(401, "authentication_error",
                       "invalid key " + header(r, f.auth_header).substr(f.auth_prefix.size()));
  });
  CHECK(x.error.kind == llm_failure::auth);
  CHECK(x.error.status == 401);
  CHECK_THAT(x.error.what(),
             Catch::StartsWith(x.service + " rejected the API key (401 authentication_error: invalid key"));
  CHECK_THAT(x.error.what(), Catch::Contains(f.key_env));
  CHECK(std::string(x.error.what()).find(f.key) == std::string::npos);
  CHECK(std::string(x.error.what()).find("5ECRET") == std::string::npos);
  CHECK(x.requests == 1);
}

TEST_CASE("llm client honours Retry-After of a 429 and then succeeds", "[llm]") {
  EACH_FORMAT();
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    if (++calls > 1) return json_reply(f.text_reply("ok"));
    return with_retry_after(f.api_error(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit"),
                            "1");
  });
  llm_settings s = settings_for(f, server);
  s.max_backoff = std::chrono::milliseconds(2000);
  auto client = make_llm_client(s);
  const auto start = std::chrono::steady_clock::now();
  llm_reply reply = client->complete(ask_for_bars());
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(reply.text == "ok");
  CHECK(reply.retries == 1);
  CHECK(server.requests().size() == 2);
  // The 1 s the server asked for was waited, not the 50 ms backoff.
  CHECK(waited >= std::chrono::milliseconds(1000));
}

TEST_CASE("llm client caps a long Retry-After at max_backoff", "[llm]") {
  EACH_FORMAT();
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    if (++calls > 1) return json_reply(f.text_reply("ok"));
    return with_retry_after(f.api_error(429, "rate_limit_error", "slow down"), "600");
  });
  auto client = make_llm_client(settings_for(f, server));
  llm_reply reply = client->complete(ask_for_bars());
  CHECK(reply.retries == 1);
  CHECK(reply.text == "ok");
}

TEST_CASE("llm client gives up on a 429 when Retry-After would outlast the request's budget", "[llm]") {
  EACH_FORMAT();
  loopback_http_server server(
      [&](const loopback_request&) { return with_retry_after(f.api_error(429, "rate_limit_error", "slow down"), "5"); });
  llm_settings s = settings_for(f, server);
  s.max_backoff = std::chrono::milliseconds(10000);
  auto client = make_llm_client(s);
  llm_request request = ask_for_bars();
  request.timeout = std::chrono::milliseconds(1500);
  llm_error e = failure_of(*client, request);
  CHECK(e.kind == llm_failure::rate_limited);
  CHECK(e.status == 429);
  CHECK_THAT(e.what(), Catch::Contains("budget"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("llm client retries an overloaded API and then succeeds", "[llm]") {
  EACH_FORMAT();
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    return ++calls == 1 ? f.api_error(f.overloaded_status, f.overloaded_type, "Overloaded") : json_reply(f.tool_call_reply);
  });
  auto client = make_llm_client(settings_for(f, server));
  llm_reply reply = client->complete(ask_for_bars());
  CHECK(reply.retries == 1);
  REQUIRE(reply.tool_calls.size() == 1);
  CHECK(reply.tool_calls[0].name == "fetch_bars");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("llm client times out within the request's budget while the server stalls", "[llm]") {
  EACH_FORMAT();
  loopback_http_server server([&](const loopback_request&) {
    loopback_reply r = json_reply(f.text_reply("too late"));
    r.delay = std::chrono::milliseconds(30000);
    return r;
  });
  auto client = make_llm_client(settings_for(f, server));
  llm_request request = ask_for_bars();
  request.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  llm_error e = failure_of(*client, request);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(e.kind == llm_failure::timeout);
  CHECK(e.status == 0);
  CHECK_THAT(e.what(), Catch::Contains("0.3 s budget"));
  // Far sooner than the 30 s the server would have taken.
  CHECK(took < std::chrono::milliseconds(15000));
  server.stop();
}

TEST_CASE("llm client reports a 200 whose body is not JSON as malformed", "[llm]") {
  EACH_FORMAT();
  const auto x =
      exchange_failing(f, [](const loopback_request&) { return json_reply(R"({"type":"message","content":[{"ty)"); });
  CHECK(x.error.kind == llm_failure::malformed);
  CHECK(x.error.status == 200);
  CHECK_THAT(x.error.what(), Catch::StartsWith(x.service + " reply is malformed: not JSON"));
}

TEST_CASE("llm client names what a malformed reply lacks", "[llm]") {
  EACH_FORMAT();
  REQUIRE_FALSE(f.malformed.empty());
  for (const auto& [body, lack] : f.malformed) {
    INFO(body);
    const auto x = exchange_failing(f, [&, body = body](const loopback_request&) { return json_reply(body); });
    CHECK(x.error.kind == llm_failure::malformed);
    CHECK_THAT(x.error.what(), Catch::Contains(lack));
  }
}

TEST_CASE("llm client reports a truncated body as a transport failure", "[llm]") {
  EACH_FORMAT();
  const auto x = exchange_failing(f, [&](const loopback_request&) {
    loopback_reply r = json_reply(f.tool_call_reply);
    r.truncate_at = 40;
    return r;
  });
  CHECK(x.error.kind == llm_failure::transport);
  CHECK(x.error.status == 0);
  CHECK_THAT(x.error.what(), Catch::Contains("truncated"));
}

TEST_CASE("llm client refuses a tool_choice or schema it cannot send before sending anything", "[llm]") {
  EACH_FORMAT();
  loopback_http_server server([&](const loopback_request&) { return json_reply(f.tool_call_reply); });
  auto client = make_llm_client(settings_for(f, server));
  llm_request request = ask_for_bars();
  request.tool_choice = "delete_everything";
  llm_error e = failure_of(*client, request);
  CHECK(e.kind == llm_failure::bad_request);
  CHECK_THAT(e.what(), Catch::StartsWith(f.service(server) + " request not sent: tool_choice names "
                                                              "'delete_everything', which is not among the tools"));
  request.tool_choice = "fetch_bars";
  request.tools[0].input_schema = "{\"type\":";
  e = failure_of(*client, request);
  CHECK(e.kind == llm_failure::bad_request);
  CHECK_THAT(e.what(), Catch::Contains("input_schema of tool 'fetch_bars'"));
  request.tools.clear();
  e = failure_of(*client, request);
  CHECK_THAT(e.what(), Catch::Contains("tool_choice 'fetch_bars' is set but the request has no tools"));
  CHECK(server.requests().empty());
}

// ---- what only one API has ----

TEST_CASE("anthropic client refuses replayed tool-call arguments that are not a JSON object", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) { return json_reply(anthropic.text_reply("ok")); });
  auto client = make_anthropic_client(settings_for(anthropic, server));
  llm_request request = ask_for_bars();
  request.messages.push_back({llm_message::assistant, "", {{"toolu_9", "fetch_bars", "[1,2]"}}, "", false});
  llm_error e = failure_of(*client, request);
  CHECK(e.kind == llm_failure::bad_request);
  CHECK_THAT(e.what(), Catch::Contains("Anthropic request not sent: message 2: the arguments of tool call "
                                       "'fetch_bars' (toolu_9) are a JSON value that is not an object"));
  CHECK(server.requests().empty());
}

TEST_CASE("openai client names the local server it cannot connect to", "[llm][openai]") {
  std::string base;
  {
    loopback_http_server gone([](const loopback_request&) { return json_reply(openai.text_reply("never")); });
    base = gone.base_url();
  }
  llm_settings s;
  s.kind = "openai";
  s.base_url = base;
  s.model = "qwen2.5-7b-instruct";
  s.max_retries = 1;
  s.max_backoff = std::chrono::milliseconds(20);
  auto client = make_llm_client(s);
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::transport);
  CHECK(e.status == 0);
  CHECK_THAT(e.what(), Catch::StartsWith("OpenAI-compatible server 127.0.0.1:" + base.substr(base.rfind(':') + 1)));
}

TEST_CASE("openai client sends no Authorization header when no key is set", "[llm][openai]") {
  loopback_http_server server([](const loopback_request&) { return json_reply(openai.text_reply("local")); });
  llm_settings s = settings_for(openai, server);
  s.api_key.clear();
  auto client = make_openai_client(s);
  llm_request request = ask_for_bars();
  request.tools.clear();
  request.tool_choice.clear();
  llm_reply reply = client->complete(request);
  CHECK(reply.text == "local");
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(header(requests[0], "authorization").empty());
  const sent_request sent = decode(openai, requests[0].body);
  CHECK_FALSE(sent.has_tools);
  CHECK(sent.tool_choice.empty());
}

TEST_CASE("openai client does not retry a 429 that says the quota is used up", "[llm][openai]") {
  loopback_http_server server([](const loopback_request&) {
    return json_reply(R"({"error":{"message":"You exceeded your current quota, please check your plan and billing )"
                R"(details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})",
                429);
  });
  auto client = make_openai_client(settings_for(openai, server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::rate_limited);
  CHECK_THAT(e.what(), Catch::Contains("quota"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("make_llm_client refuses an unknown kind", "[llm]") {
  llm_settings s;
  s.kind = "gemini";
  CHECK_THROWS_AS(make_llm_client(s), std::invalid_argument);
}

namespace {

// Sets or clears an environment variable for one test and restores it.
struct scoped_env {
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      had_ = true;
      old_ = old;
    }
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~scoped_env() {
    if (had_) ::setenv(name_, old_.c_str(), 1);
    else ::unsetenv(name_);
  }
  const char* name_;
  bool had_ = false;
  std::string old_;
};

// What a person set, then filled from the environment.
struct set_by_person {
  std::string kind, base_url, api_key, model;
};

llm_settings filled_from_env(const set_by_person& p) {
  llm_settings s;
  s.kind = p.kind;
  s.base_url = p.base_url;
  s.api_key = p.api_key;
  s.model = p.model;
  fill_llm_settings_from_env(s);
  return s;
}

}  // namespace

TEST_CASE("llm settings are filled from the environment only where empty", "[llm]") {
  scoped_env a_key("ANTHROPIC_API_KEY", "sk-ant-from-env");
  scoped_env a_url("ANTHROPIC_BASE_URL", nullptr);
  scoped_env o_key("OPENAI_API_KEY", "sk-openai-from-env");
  scoped_env o_url("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1");

  const llm_settings a = filled_from_env({});
  CHECK(a.kind == "anthropic");
  CHECK(a.api_key == "sk-ant-from-env");
  CHECK(a.base_url == "https://api.anthropic.com");
  CHECK(a.model == "claude-sonnet-4-5");

  const llm_settings o = filled_from_env({"openai", "", "", "qwen2.5-7b-instruct"});
  CHECK(o.api_key == "sk-openai-from-env");
  CHECK(o.base_url == "http://127.0.0.1:8080/v1");
  CHECK(o.model == "qwen2.5-7b-instruct");

  const llm_settings given = filled_from_env({"anthropic", "http://127.0.0.1:9999", "sk-ant-given", ""});
  CHECK(given.api_key == "sk-ant-given");
  CHECK(given.base_url == "http://127.0.0.1:9999");

  scoped_env no_a_key("ANTHROPIC_API_KEY", nullptr);
  scoped_env no_o_url("OPENAI_BASE_URL", nullptr);
  const llm_settings d = filled_from_env({});
  CHECK(d.kind == "openai");
  CHECK(d.base_url == "https://api.openai.com");
  CHECK(d.model == "gpt-4o-mini");
}
