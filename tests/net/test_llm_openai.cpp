// The OpenAI-compatible client against a loopback server speaking the
// chat-completions wire format, and the factory and environment defaults.

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>

#include "loopback_http_server.hpp"
#include "net/llm_client.hpp"

using namespace mlt::net;
using mlt::test::loopback_http_server;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;

namespace {

const std::string key = "sk-proj-TEST-5ECRET-KEY-0077";

loopback_reply json(std::string body, int status = 200) {
  loopback_reply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

loopback_reply api_error(int status, const std::string& type, const std::string& code, const std::string& message) {
  return json("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":" +
                  (code.empty() ? std::string("null") : "\"" + code + "\"") + "}}",
              status);
}

const std::string tool_call_body =
    R"({"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,)"
    R"("model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":null,)"
    R"("tool_calls":[{"id":"call_Yx3jvVqCp5","type":"function","function":{"name":"fetch_bars",)"
    R"("arguments":"{\"ticker\":\"AAPL\",\"days\":30,\"note\":\"say \\\"hi\\\"\"}"}}],"refusal":null},)"
    R"("logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":82,"completion_tokens":17,)"
    R"("total_tokens":99},"system_fingerprint":"fp_06737a9306"})";

std::string text_body(const std::string& text) {
  return R"({"id":"chatcmpl-2","object":"chat.completion","created":1741570290,"model":"gpt-4o-mini-2024-07-18",)"
         R"("choices":[{"index":0,"message":{"role":"assistant","content":")" +
         text + R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129}})";
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

std::string str(simdjson::dom::element e) {
  std::string_view s;
  if (e.get(s)) return "<not a string>";
  return std::string(s);
}

llm_settings settings_for(const loopback_http_server& server) {
  llm_settings s;
  s.kind = "openai";
  s.base_url = server.base_url();
  s.api_key = key;
  s.model = "gpt-4o-mini";
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

llm_error failure_of(llm_client& client, const llm_request& request) {
  try {
    client.complete(request);
  } catch (const llm_error& e) {
    return e;
  }
  FAIL("the exchange succeeded");
  return llm_error(llm_failure::transport, 0, "");
}

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

}  // namespace

TEST_CASE("openai client forces a function and returns its call with the arguments as JSON", "[llm][openai]") {
  loopback_http_server server([](const loopback_request&) { return json(tool_call_body); });
  auto client = make_llm_client(settings_for(server));
  REQUIRE(client->kind() == "openai");
  llm_reply reply = client->complete(ask_for_bars());

  REQUIRE(reply.tool_calls.size() == 1);
  CHECK(reply.tool_calls[0].id == "call_Yx3jvVqCp5");
  CHECK(reply.tool_calls[0].name == "fetch_bars");
  CHECK(reply.text.empty());
  CHECK(reply.stop_reason == "tool_calls");
  CHECK(reply.model == "gpt-4o-mini-2024-07-18");
  CHECK(reply.usage.input_tokens == 82);
  CHECK(reply.usage.output_tokens == 17);
  CHECK(reply.retries == 0);
  simdjson::dom::parser p;
  simdjson::dom::element args = p.parse(reply.tool_calls[0].arguments);
  CHECK(str(args["ticker"]) == "AAPL");
  CHECK(int64_t(args["days"]) == 30);
  CHECK(str(args["note"]) == "say \"hi\"");

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const loopback_request& r = requests[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/v1/chat/completions");
  CHECK(header(r, "authorization") == "Bearer " + key);
  CHECK(header(r, "content-type") == "application/json");
  simdjson::dom::parser q;
  simdjson::dom::element body = q.parse(r.body);
  CHECK(str(body["model"]) == "gpt-4o-mini");
  CHECK(int64_t(body["max_tokens"]) == 256);
  simdjson::dom::array messages = body["messages"];
  REQUIRE(messages.size() == 2);
  CHECK(str(messages.at(0)["role"]) == "system");
  CHECK(str(messages.at(0)["content"]) == "You manage ML trials on stock data.");
  CHECK(str(messages.at(1)["role"]) == "user");
  CHECK(str(messages.at(1)["content"]) == "Train a model on AAPL daily bars.");
  simdjson::dom::array tools = body["tools"];
  REQUIRE(tools.size() == 2);
  CHECK(str(tools.at(0)["type"]) == "function");
  CHECK(str(tools.at(0)["function"]["name"]) == "fetch_bars");
  CHECK(str(tools.at(0)["function"]["description"]) == "Loads daily bars for a ticker.");
  CHECK(str(tools.at(0)["function"]["parameters"]["type"]) == "object");
  CHECK(tools.at(1)["function"]["parameters"].is_object());
  CHECK(str(body["tool_choice"]["type"]) == "function");
  CHECK(str(body["tool_choice"]["function"]["name"]) == "fetch_bars");
}

TEST_CASE("openai client sends assistant tool_calls and tool messages in a multi-turn exchange", "[llm][openai]") {
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    return ++calls == 1 ? json(tool_call_body) : json(text_body("AAPL has 30 bars; training now."));
  });
  llm_settings s = settings_for(server);
  s.base_url += "/v1";  // as OPENAI_BASE_URL is usually written: not doubled
  auto client = make_openai_client(s);
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
  CHECK(second.stop_reason == "stop");
  CHECK(second.tool_calls.empty());

  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].target == "/v1/chat/completions");
  simdjson::dom::parser p;
  simdjson::dom::element first_body = p.parse(requests[0].body);
  CHECK(str(first_body["tool_choice"]) == "required");
  simdjson::dom::parser q;
  simdjson::dom::element body = q.parse(requests[1].body);
  CHECK(str(body["tool_choice"]) == "auto");
  simdjson::dom::array messages = body["messages"];
  REQUIRE(messages.size() == 5);
  simdjson::dom::element a = messages.at(2);
  CHECK(str(a["role"]) == "assistant");
  CHECK(a["content"].is_null());
  simdjson::dom::array tool_calls = a["tool_calls"];
  REQUIRE(tool_calls.size() == 2);
  CHECK(str(tool_calls.at(0)["id"]) == "call_Yx3jvVqCp5");
  CHECK(str(tool_calls.at(0)["type"]) == "function");
  CHECK(str(tool_calls.at(0)["function"]["name"]) == "fetch_bars");
  // arguments go back as the same JSON text, a string.
  simdjson::dom::parser r;
  simdjson::dom::element args = r.parse(str(tool_calls.at(0)["function"]["arguments"]));
  CHECK(str(args["ticker"]) == "AAPL");
  simdjson::dom::element t = messages.at(3);
  CHECK(str(t["role"]) == "tool");
  CHECK(str(t["tool_call_id"]) == "call_Yx3jvVqCp5");
  CHECK(str(t["content"]) == "30 bars loaded");
  CHECK(str(tool_calls.at(1)["function"]["arguments"]) == "{}");
  // The format has no error flag, so a rejected call says so in its text.
  CHECK(str(messages.at(4)["tool_call_id"]) == "call_2");
  CHECK(str(messages.at(4)["content"]) == "Error: the store is locked");
}

TEST_CASE("openai client names the local server it cannot connect to", "[llm][openai]") {
  std::string base;
  {
    loopback_http_server gone([](const loopback_request&) { return json(text_body("never")); });
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

TEST_CASE("openai client surfaces the API's message of a 400 without retrying", "[llm][openai]") {
  loopback_http_server server([](const loopback_request&) {
    return api_error(400, "invalid_request_error", "",
                     "Invalid 'messages[1].tool_call_id': no matching tool call.");
  });
  auto client = make_openai_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::bad_request);
  CHECK(e.status == 400);
  CHECK_THAT(e.what(), Catch::Contains("refused the request (400 invalid_request_error: Invalid "
                                       "'messages[1].tool_call_id': no matching tool call.)"));
  CHECK_THAT(e.what(), Catch::Contains("OpenAI-compatible server 127.0.0.1:"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("openai client reports a rejected key as auth without ever showing the key", "[llm][openai]") {
  loopback_http_server server([](const loopback_request& r) {
    std::string sent = header(r, "authorization").substr(7);
    return api_error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: " + sent + ".");
  });
  auto client = make_openai_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::auth);
  CHECK(e.status == 401);
  CHECK_THAT(e.what(), Catch::Contains("rejected the API key"));
  CHECK_THAT(e.what(), Catch::Contains("OPENAI_API_KEY"));
  CHECK(std::string(e.what()).find(key) == std::string::npos);
  CHECK(std::string(e.what()).find("5ECRET") == std::string::npos);
}

TEST_CASE("openai client sends no Authorization header when no key is set", "[llm][openai]") {
  loopback_http_server server([](const loopback_request&) { return json(text_body("local")); });
  llm_settings s = settings_for(server);
  s.api_key.clear();
  auto client = make_openai_client(s);
  llm_request request = ask_for_bars();
  request.tools.clear();
  request.tool_choice.clear();
  llm_reply reply = client->complete(request);
  CHECK(reply.text == "local");
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  bool has_auth = false;
  for (const auto& h : requests[0].headers) has_auth = has_auth || h.first == "Authorization";
  CHECK_FALSE(has_auth);
  simdjson::dom::parser p;
  simdjson::dom::element body = p.parse(requests[0].body);
  CHECK(body["tools"].error() == simdjson::NO_SUCH_FIELD);
  CHECK(body["tool_choice"].error() == simdjson::NO_SUCH_FIELD);
}

TEST_CASE("openai client honours Retry-After of a 429 and then succeeds", "[llm][openai]") {
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    if (++calls > 1) return json(tool_call_body);
    loopback_reply r = api_error(429, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  });
  llm_settings s = settings_for(server);
  s.max_backoff = std::chrono::milliseconds(2000);
  auto client = make_openai_client(s);
  const auto start = std::chrono::steady_clock::now();
  llm_reply reply = client->complete(ask_for_bars());
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(1000));
  CHECK(reply.retries == 1);
  CHECK(reply.tool_calls.size() == 1);
  CHECK(server.requests().size() == 2);
}

TEST_CASE("openai client does not retry a 429 that says the quota is used up", "[llm][openai]") {
  loopback_http_server server([](const loopback_request&) {
    return api_error(429, "insufficient_quota", "insufficient_quota",
                     "You exceeded your current quota, please check your plan and billing details.");
  });
  auto client = make_openai_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::rate_limited);
  CHECK_THAT(e.what(), Catch::Contains("quota"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("openai client retries a 503 and then succeeds", "[llm][openai]") {
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    return ++calls == 1 ? api_error(503, "server_error", "", "The engine is currently overloaded")
                        : json(text_body("ok"));
  });
  auto client = make_openai_client(settings_for(server));
  llm_reply reply = client->complete(ask_for_bars());
  CHECK(reply.retries == 1);
  CHECK(reply.text == "ok");
}

TEST_CASE("openai client reports overloaded after max_retries of 503", "[llm][openai]") {
  loopback_http_server server([](const loopback_request&) {
    return api_error(503, "server_error", "", "The engine is currently overloaded, please try again later");
  });
  auto client = make_openai_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::overloaded);
  CHECK(e.status == 503);
  CHECK_THAT(e.what(), Catch::Contains("after 3 attempts"));
  CHECK(server.requests().size() == 3);
}

TEST_CASE("openai client times out within the request's budget while the server stalls", "[llm][openai]") {
  loopback_http_server server([](const loopback_request&) {
    loopback_reply r = json(text_body("too late"));
    r.delay = std::chrono::milliseconds(30000);
    return r;
  });
  auto client = make_openai_client(settings_for(server));
  llm_request request = ask_for_bars();
  request.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  llm_error e = failure_of(*client, request);
  CHECK(e.kind == llm_failure::timeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(15000));
  server.stop();
}

TEST_CASE("openai client reports malformed and truncated replies", "[llm][openai]") {
  SECTION("not JSON") {
    loopback_http_server server([](const loopback_request&) { return json("<html>502 Bad Gateway</html>"); });
    auto client = make_openai_client(settings_for(server));
    llm_error e = failure_of(*client, ask_for_bars());
    CHECK(e.kind == llm_failure::malformed);
    CHECK_THAT(e.what(), Catch::Contains("reply is malformed: not JSON"));
  }
  SECTION("no choices") {
    loopback_http_server server([](const loopback_request&) { return json(R"({"id":"x","object":"chat.completion"})"); });
    auto client = make_openai_client(settings_for(server));
    llm_error e = failure_of(*client, ask_for_bars());
    CHECK(e.kind == llm_failure::malformed);
    CHECK_THAT(e.what(), Catch::Contains("no 'choices' array"));
  }
  SECTION("a tool call without a function name") {
    loopback_http_server server([](const loopback_request&) {
      return json(R"({"choices":[{"message":{"role":"assistant","content":null,)"
                  R"("tool_calls":[{"id":"call_1","type":"function","function":{"arguments":"{}"}}]},)"
                  R"("finish_reason":"tool_calls"}]})");
    });
    auto client = make_openai_client(settings_for(server));
    llm_error e = failure_of(*client, ask_for_bars());
    CHECK(e.kind == llm_failure::malformed);
    CHECK_THAT(e.what(), Catch::Contains("choices[0].message.tool_calls[0].function has no 'name'"));
  }
  SECTION("truncated") {
    loopback_http_server server([](const loopback_request&) {
      loopback_reply r = json(tool_call_body);
      r.truncate_at = 60;
      return r;
    });
    auto client = make_openai_client(settings_for(server));
    llm_error e = failure_of(*client, ask_for_bars());
    CHECK(e.kind == llm_failure::transport);
    CHECK_THAT(e.what(), Catch::Contains("truncated"));
  }
}

TEST_CASE("make_llm_client refuses an unknown kind", "[llm]") {
  llm_settings s;
  s.kind = "gemini";
  CHECK_THROWS_AS(make_llm_client(s), std::invalid_argument);
}

TEST_CASE("llm settings are filled from the environment only where empty", "[llm]") {
  scoped_env a_key("ANTHROPIC_API_KEY", "sk-ant-from-env");
  scoped_env a_url("ANTHROPIC_BASE_URL", nullptr);
  scoped_env o_key("OPENAI_API_KEY", "sk-openai-from-env");
  scoped_env o_url("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1");

  llm_settings a;
  fill_llm_settings_from_env(a);
  CHECK(a.kind == "anthropic");
  CHECK(a.api_key == "sk-ant-from-env");
  CHECK(a.base_url == "https://api.anthropic.com");
  CHECK(a.model == "claude-sonnet-4-5");

  llm_settings o;
  o.kind = "openai";
  o.model = "qwen2.5-7b-instruct";
  fill_llm_settings_from_env(o);
  CHECK(o.api_key == "sk-openai-from-env");
  CHECK(o.base_url == "http://127.0.0.1:8080/v1");
  CHECK(o.model == "qwen2.5-7b-instruct");

  llm_settings given;
  given.kind = "anthropic";
  given.api_key = "sk-ant-given";
  given.base_url = "http://127.0.0.1:9999";
  fill_llm_settings_from_env(given);
  CHECK(given.api_key == "sk-ant-given");
  CHECK(given.base_url == "http://127.0.0.1:9999");

  scoped_env no_a_key("ANTHROPIC_API_KEY", nullptr);
  scoped_env no_o_url("OPENAI_BASE_URL", nullptr);
  llm_settings d;
  fill_llm_settings_from_env(d);
  CHECK(d.kind == "openai");
  CHECK(d.base_url == "https://api.openai.com");
  CHECK(d.model == "gpt-4o-mini");
}
