// The Anthropic client against a loopback server speaking the Messages API
// wire format; request bodies are checked as the server received them.

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <atomic>
#include <cctype>
#include <chrono>

#include "loopback_http_server.hpp"
#include "net/llm_client.hpp"

using namespace mlt::net;
using mlt::test::loopback_http_server;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;

namespace {

const std::string key = "sk-ant-api03-TEST-5ECRET-KEY-0042";

loopback_reply json(std::string body, int status = 200) {
  loopback_reply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy");
  r.body = std::move(body);
  return r;
}

loopback_reply api_error(int status, const std::string& type, const std::string& message) {
  return json("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message +
                  "\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}",
              status);
}

const std::string tool_use_body =
    R"({"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant",)"
    R"("model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Fetching the bars first."},)"
    R"({"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"fetch_bars",)"
    R"("input":{"ticker":"AAPL","days":30,"adjusted":true,"windows":[5,20],"note":"say \"hi\"\n"}}],)"
    R"("stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":412,"output_tokens":57}})";

std::string text_body(const std::string& text) {
  return R"({"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",)"
         R"("content":[{"type":"text","text":")" +
         text + R"("}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":530,"output_tokens":12}})";
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
  s.kind = "anthropic";
  s.base_url = server.base_url();
  s.api_key = key;
  s.model = "claude-sonnet-4-5";
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

}  // namespace

TEST_CASE("anthropic client forces a tool and returns its call with the arguments as JSON", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) { return json(tool_use_body); });
  auto client = make_llm_client(settings_for(server));
  REQUIRE(client->kind() == "anthropic");
  llm_reply reply = client->complete(ask_for_bars());

  REQUIRE(reply.tool_calls.size() == 1);
  CHECK(reply.tool_calls[0].id == "toolu_01A09q90qw90lq917835lq9");
  CHECK(reply.tool_calls[0].name == "fetch_bars");
  CHECK(reply.text == "Fetching the bars first.");
  CHECK(reply.stop_reason == "tool_use");
  CHECK(reply.model == "claude-sonnet-4-5-20250929");
  CHECK(reply.usage.input_tokens == 412);
  CHECK(reply.usage.output_tokens == 57);
  CHECK(reply.retries == 0);
  simdjson::dom::parser p;
  simdjson::dom::element args = p.parse(reply.tool_calls[0].arguments);
  CHECK(str(args["ticker"]) == "AAPL");
  CHECK(int64_t(args["days"]) == 30);
  CHECK(bool(args["adjusted"]) == true);
  CHECK(int64_t(args["windows"].at(1)) == 20);
  CHECK(str(args["note"]) == "say \"hi\"\n");

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const loopback_request& r = requests[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/v1/messages");
  CHECK(header(r, "x-api-key") == key);
  CHECK(header(r, "anthropic-version") == "2023-06-01");
  CHECK(header(r, "content-type") == "application/json");
  CHECK(header(r, "authorization").empty());
  simdjson::dom::parser q;
  simdjson::dom::element body = q.parse(r.body);
  CHECK(str(body["model"]) == "claude-sonnet-4-5");
  CHECK(int64_t(body["max_tokens"]) == 256);
  CHECK(str(body["system"]) == "You manage ML trials on stock data.");
  simdjson::dom::array messages = body["messages"];
  REQUIRE(messages.size() == 1);
  CHECK(str(messages.at(0)["role"]) == "user");
  CHECK(str(messages.at(0)["content"].at(0)["type"]) == "text");
  CHECK(str(messages.at(0)["content"].at(0)["text"]) == "Train a model on AAPL daily bars.");
  simdjson::dom::array tools = body["tools"];
  REQUIRE(tools.size() == 2);
  CHECK(str(tools.at(0)["name"]) == "fetch_bars");
  CHECK(str(tools.at(0)["description"]) == "Loads daily bars for a ticker.");
  CHECK(str(tools.at(0)["input_schema"]["type"]) == "object");
  CHECK(str(tools.at(0)["input_schema"]["required"].at(0)) == "ticker");
  // An empty schema still goes out as an object, which the API requires.
  CHECK(tools.at(1)["input_schema"].is_object());
  CHECK(str(body["tool_choice"]["type"]) == "tool");
  CHECK(str(body["tool_choice"]["name"]) == "fetch_bars");
}

TEST_CASE("anthropic client sends the tool_use and the merged tool_result turns of a multi-turn exchange",
          "[llm][anthropic]") {
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    return ++calls == 1 ? json(tool_use_body) : json(text_body("AAPL has 30 bars; training now."));
  });
  llm_settings s = settings_for(server);
  s.base_url += "/v1/";  // a base URL that already names the version is not doubled
  auto client = make_anthropic_client(s);
  llm_request request = ask_for_bars();
  request.tool_choice = "any";
  llm_reply first = client->complete(request);
  REQUIRE(first.tool_calls.size() == 1);

  llm_message assistant{llm_message::assistant, first.text, first.tool_calls, "", false};
  assistant.tool_calls.push_back({"toolu_02B", "list_trials", ""});
  request.messages.push_back(assistant);
  request.messages.push_back({llm_message::tool_result, "30 bars loaded", {}, first.tool_calls[0].id, false});
  request.messages.push_back({llm_message::tool_result, "the store is locked", {}, "toolu_02B", true});
  request.tool_choice.clear();
  llm_reply second = client->complete(request);
  CHECK(second.text == "AAPL has 30 bars; training now.");
  CHECK(second.tool_calls.empty());
  CHECK(second.stop_reason == "end_turn");

  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].target == "/v1/messages");
  simdjson::dom::parser p;
  simdjson::dom::element first_body = p.parse(requests[0].body);
  CHECK(str(first_body["tool_choice"]["type"]) == "any");
  simdjson::dom::parser q;
  simdjson::dom::element body = q.parse(requests[1].body);
  CHECK(str(body["tool_choice"]["type"]) == "auto");
  simdjson::dom::array messages = body["messages"];
  REQUIRE(messages.size() == 3);

  simdjson::dom::element a = messages.at(1);
  CHECK(str(a["role"]) == "assistant");
  simdjson::dom::array blocks = a["content"];
  REQUIRE(blocks.size() == 3);
  CHECK(str(blocks.at(0)["type"]) == "text");
  CHECK(str(blocks.at(0)["text"]) == "Fetching the bars first.");
  CHECK(str(blocks.at(1)["type"]) == "tool_use");
  CHECK(str(blocks.at(1)["id"]) == "toolu_01A09q90qw90lq917835lq9");
  CHECK(str(blocks.at(1)["name"]) == "fetch_bars");
  CHECK(str(blocks.at(1)["input"]["ticker"]) == "AAPL");
  CHECK(int64_t(blocks.at(1)["input"]["days"]) == 30);
  CHECK(blocks.at(2)["input"].is_object());  // empty arguments go out as {}

  simdjson::dom::element u = messages.at(2);
  CHECK(str(u["role"]) == "user");
  simdjson::dom::array results = u["content"];
  REQUIRE(results.size() == 2);
  CHECK(str(results.at(0)["type"]) == "tool_result");
  CHECK(str(results.at(0)["tool_use_id"]) == "toolu_01A09q90qw90lq917835lq9");
  CHECK(str(results.at(0)["content"]) == "30 bars loaded");
  CHECK(bool(results.at(0)["is_error"]) == false);
  CHECK(str(results.at(1)["tool_use_id"]) == "toolu_02B");
  CHECK(bool(results.at(1)["is_error"]) == true);
}

TEST_CASE("anthropic client surfaces the API's message of a 400 without retrying", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) {
    return api_error(400, "invalid_request_error", "max_tokens: Input should be greater than or equal to 1");
  });
  auto client = make_anthropic_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::bad_request);
  CHECK(e.status == 400);
  CHECK_THAT(e.what(), Catch::Contains("Anthropic refused the request (400 invalid_request_error: max_tokens: "
                                       "Input should be greater than or equal to 1)"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("anthropic client reports a rejected key as auth without ever showing the key", "[llm][anthropic]") {
  // A server that echoes the key must not get it into the error either.
  loopback_http_server server([](const loopback_request& r) {
    return api_error(401, "authentication_error", "invalid x-api-key " + header(r, "x-api-key"));
  });
  auto client = make_anthropic_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::auth);
  CHECK(e.status == 401);
  CHECK_THAT(e.what(), Catch::Contains("Anthropic rejected the API key (401 authentication_error: invalid x-api-key"));
  CHECK_THAT(e.what(), Catch::Contains("ANTHROPIC_API_KEY"));
  CHECK(std::string(e.what()).find(key) == std::string::npos);
  CHECK(std::string(e.what()).find("5ECRET") == std::string::npos);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("anthropic client honours Retry-After of a 429 and then succeeds", "[llm][anthropic]") {
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    if (++calls > 1) return json(text_body("ok"));
    loopback_reply r = api_error(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit");
    r.headers.emplace_back("retry-after", "1");
    return r;
  });
  llm_settings s = settings_for(server);
  s.max_backoff = std::chrono::milliseconds(2000);
  auto client = make_anthropic_client(s);
  const auto start = std::chrono::steady_clock::now();
  llm_reply reply = client->complete(ask_for_bars());
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(reply.text == "ok");
  CHECK(reply.retries == 1);
  CHECK(server.requests().size() == 2);
  // The 1 s the server asked for was waited, not the 50 ms backoff.
  CHECK(waited >= std::chrono::milliseconds(1000));
}

TEST_CASE("anthropic client caps a long Retry-After at max_backoff", "[llm][anthropic]") {
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    if (++calls > 1) return json(text_body("ok"));
    loopback_reply r = api_error(429, "rate_limit_error", "slow down");
    r.headers.emplace_back("retry-after", "600");
    return r;
  });
  auto client = make_anthropic_client(settings_for(server));
  llm_reply reply = client->complete(ask_for_bars());
  CHECK(reply.retries == 1);
  CHECK(reply.text == "ok");
}

TEST_CASE("anthropic client gives up on a 429 when Retry-After would outlast the request's budget",
          "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) {
    loopback_reply r = api_error(429, "rate_limit_error", "slow down");
    r.headers.emplace_back("retry-after", "5");
    return r;
  });
  llm_settings s = settings_for(server);
  s.max_backoff = std::chrono::milliseconds(10000);
  auto client = make_anthropic_client(s);
  llm_request request = ask_for_bars();
  request.timeout = std::chrono::milliseconds(1500);
  llm_error e = failure_of(*client, request);
  CHECK(e.kind == llm_failure::rate_limited);
  CHECK(e.status == 429);
  CHECK_THAT(e.what(), Catch::Contains("budget"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("anthropic client retries a 529 overloaded_error and then succeeds", "[llm][anthropic]") {
  std::atomic<int> calls{0};
  loopback_http_server server([&](const loopback_request&) {
    return ++calls == 1 ? api_error(529, "overloaded_error", "Overloaded") : json(tool_use_body);
  });
  auto client = make_anthropic_client(settings_for(server));
  llm_reply reply = client->complete(ask_for_bars());
  CHECK(reply.retries == 1);
  REQUIRE(reply.tool_calls.size() == 1);
  CHECK(reply.tool_calls[0].name == "fetch_bars");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("anthropic client reports overloaded after max_retries of 529", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) { return api_error(529, "overloaded_error", "Overloaded"); });
  auto client = make_anthropic_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::overloaded);
  CHECK(e.status == 529);
  CHECK_THAT(e.what(), Catch::Contains("Anthropic is overloaded (529 overloaded_error: Overloaded) after 3 attempts"));
  CHECK(server.requests().size() == 3);  // the first try and max_retries = 2
}

TEST_CASE("anthropic client retries a 500 and reports a server error when it persists", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) {
    return api_error(500, "api_error", "An unexpected error has occurred internal to Anthropic's systems.");
  });
  auto client = make_anthropic_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::server);
  CHECK(e.status == 500);
  CHECK(server.requests().size() == 3);
}

TEST_CASE("anthropic client times out within the request's budget while the server stalls", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) {
    loopback_reply r = json(text_body("too late"));
    r.delay = std::chrono::milliseconds(30000);
    return r;
  });
  auto client = make_anthropic_client(settings_for(server));
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

TEST_CASE("anthropic client reports a 200 whose body is not JSON as malformed", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) { return json(R"({"type":"message","content":[{"ty)"); });
  auto client = make_anthropic_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::malformed);
  CHECK(e.status == 200);
  CHECK_THAT(e.what(), Catch::Contains("Anthropic reply is malformed: not JSON"));
}

TEST_CASE("anthropic client names what a malformed reply lacks", "[llm][anthropic]") {
  SECTION("no content") {
    loopback_http_server server([](const loopback_request&) { return json(R"({"type":"message","role":"assistant"})"); });
    auto client = make_anthropic_client(settings_for(server));
    llm_error e = failure_of(*client, ask_for_bars());
    CHECK(e.kind == llm_failure::malformed);
    CHECK_THAT(e.what(), Catch::Contains("no 'content' array"));
  }
  SECTION("a tool_use without input") {
    loopback_http_server server([](const loopback_request&) {
      return json(R"({"type":"message","content":[{"type":"tool_use","id":"toolu_1","name":"fetch_bars"}]})");
    });
    auto client = make_anthropic_client(settings_for(server));
    llm_error e = failure_of(*client, ask_for_bars());
    CHECK(e.kind == llm_failure::malformed);
    CHECK_THAT(e.what(), Catch::Contains("content[0] (tool_use) has no 'input' object"));
  }
}

TEST_CASE("anthropic client reports a truncated body as a transport failure", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) {
    loopback_reply r = json(tool_use_body);
    r.truncate_at = 40;
    return r;
  });
  auto client = make_anthropic_client(settings_for(server));
  llm_error e = failure_of(*client, ask_for_bars());
  CHECK(e.kind == llm_failure::transport);
  CHECK(e.status == 0);
  CHECK_THAT(e.what(), Catch::Contains("truncated"));
}

TEST_CASE("anthropic client refuses a tool_choice that names no tool before sending anything", "[llm][anthropic]") {
  loopback_http_server server([](const loopback_request&) { return json(tool_use_body); });
  auto client = make_anthropic_client(settings_for(server));
  llm_request request = ask_for_bars();
  request.tool_choice = "delete_everything";
  llm_error e = failure_of(*client, request);
  CHECK(e.kind == llm_failure::bad_request);
  CHECK_THAT(e.what(), Catch::Contains("'delete_everything'"));
  request.tool_choice = "fetch_bars";
  request.tools[0].input_schema = "{\"type\":";
  e = failure_of(*client, request);
  CHECK(e.kind == llm_failure::bad_request);
  CHECK_THAT(e.what(), Catch::Contains("input_schema of tool 'fetch_bars'"));
  CHECK(server.requests().empty());
}
