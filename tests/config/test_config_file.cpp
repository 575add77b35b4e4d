#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config/config_file.hpp"
#include "config/knowledge_cutoff.hpp"

using namespace mlt::config;

namespace {

/// An environment with exactly these variables.
env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

/// The file, environment and cross checks, as the daemon runs them.
config_report check_json(const std::string& json, daemon_options& o, const env_lookup& env = fake_env({})) {
  config_report r;
  apply_config_json(json, o, r);
  apply_environment(o, env);
  check_options(o, r);
  return r;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::path(MLT_BINARY_DIR) / "tmp" / "config";
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("each bad key, type, range or cron expression is reported with its JSON path") {
  struct row {
    const char* json;
    const char* expected;  // a whole line of error_text()
  };
  const std::vector<row> rows = {
      {R"({"limits":{"max_queue":-3}})", "$.limits.max_queue: must be an integer in 1..10000, got -3"},
      {R"({"server":{"prot":8765}})", "$.server.prot: unknown key (did you mean \"port\"?)"},
      {R"({"schedules":[{"name":"a","cron":"0 1 * * *","request":{"symbol":"SPY"}},
                       {"name":"b","cron":"61 * * * *","request":{"symbol":"SPY"}}]})",
       "$.schedules[1].cron: bad cron expression \"61 * * * *\": minute 61 out of range 0-59"},
      {R"({"server":{"port":"8765"}})", "$.server.port: must be an integer in 0..65535, got \"8765\""},
      {R"({"server":{"port":80.5}})", "$.server.port: must be an integer in 0..65535, got 80.5"},
      {R"({"server":{"io_threads":0}})", "$.server.io_threads: must be an integer in 1..64, got 0"},
      {R"({"server":{"tokens":"abc"}})", "$.server.tokens: must be an array of strings [...], got a string (not shown)"},
      {R"({"server":{"tokens_env":"MY-TOKENS"}})",
       "$.server.tokens_env: must be the NAME of an environment variable (capitals, digits, _), not the value; got a "
       "string that is not such a name (not shown)"},
      {R"({"server":{"allowed_origins":["https://example.com/app"]}})",
       "$.server.allowed_origins[0]: must be an origin like \"https://example.com\" or \"http://localhost:8765\" "
       "(scheme, host, optional port; no path), got \"https://example.com/app\""},
      {R"({"server":{"bind":"0.0.0.0"}})",
       "$.server.bind: refusing to listen on 0.0.0.0 without tokens (set server.tokens or MLTRAINER_TOKENS, or bind "
       "127.0.0.1)"},
      {R"({"data":{"polygon_base_url":"ftp://x"}})",
       "$.data.polygon_base_url: must be an http:// or https:// URL, got \"ftp://x\""},
      {R"({"brain":{"kind":"gpt"}})", "$.brain.kind: must be one of \"rules\", \"anthropic\", \"openai\", got \"gpt\""},
      {R"({"trial_defaults":{"paper":{"sizing":"kelly"}}})",
       "$.trial_defaults.paper.sizing: must be one of \"all\", \"units\", \"fraction\", \"vol_target\", got \"kelly\""},
      {R"({"trial_defaults":{"paper":{"sizing":"fraction","size":2}}})",
       "$.trial_defaults.paper.size: sizing \"fraction\" takes a share of equity 0..1"},
      {R"({"brain":{"anthropic":{"max_tokens":0}}})",
       "$.brain.anthropic.max_tokens: must be an integer in 1..200000, got 0"},
      {R"({"brain":{"kind":"anthropic"}})",
       "$.brain.anthropic.api_key_env: brain.kind is \"anthropic\" but ANTHROPIC_API_KEY is not set (and the file has "
       "no brain.anthropic.api_key)"},
      {R"({"brain":{"decision_deadline_ms":true}})",
       "$.brain.decision_deadline_ms: must be an integer in 10..3600000, got true"},
      {R"({"trial_defaults":{"train_ratio":1.5}})",
       "$.trial_defaults.train_ratio: must be a number in 0.5..0.9, got 1.5"},
      {R"({"trial_defaults":{"train_ratio":0.8,"val_ratio":0.16}})",
       "$.trial_defaults.val_ratio: train_ratio + val_ratio must be below 0.95 (the rest is the test part), got 0.8 + "
       "0.16"},
      {R"({"trial_defaults":{"model":"xgbost"}})",
       "$.trial_defaults.model: must be one of \"majority\", \"logistic\", \"xgboost\", \"lstm\", \"transformer\", "
       "\"ensemble\", got \"xgbost\" (did you mean \"xgboost\"?)"},
      {R"({"trial_defaults":{"start":"2027-02-29"}})",
       "$.trial_defaults.start: must be a date YYYY-MM-DD (or \"\" for the source's default), got \"2027-02-29\""},
      {R"({"trial_defaults":{"start":"2024-01-01","end":"2023-01-01"}})",
       "$.trial_defaults.end: must be after start (2024-01-01), got \"2023-01-01\""},
      {R"({"trial_defaults":{"paper":{"cash":0}}})",
       "$.trial_defaults.paper.cash: must be a number > 0 and <= 1000000000000, got 0"},
      {R"({"trial_defaults":{"paper":{"long_threshold":0.4}}})",
       "$.trial_defaults.paper.long_threshold: must be a number >= 0.5 and < 1, got 0.4"},
      {R"({"trial_defaults":{"paper":{"allow_short":"yes"}}})",
       "$.trial_defaults.paper.allow_short: must be true or false, got \"yes\""},
      {R"({"trial_defaults":{"params":{"max_depth":"4"}}})",
       "$.trial_defaults.params.max_depth: must be a number, got \"4\""},
      {R"({"trial_defaults":{"symbol":"SPY"}})",
       "$.trial_defaults.symbol: unknown key"},  // 13 keys: more than the reader lists
      {R"({"trial_defaults":{"wf_folds":0}})", "$.trial_defaults.wf_folds: must be an integer in 1..20, got 0"},
      {R"({"trial_defaults":{"wf_window":"sliding"}})",
       "$.trial_defaults.wf_window: must be one of \"expanding\", \"rolling\", got \"sliding\""},
      {R"({"limits":{"max_frame_bytes":100}})",
       "$.limits.max_frame_bytes: must be an integer in 1024..67108864, got 100"},
      {R"({"limits":{"max_concurrent_trials":257}})",
       "$.limits.max_concurrent_trials: must be an integer in 0..256, got 257"},
      {R"({"limits":{"parallel_fits":-1}})", "$.limits.parallel_fits: must be an integer in 0..256, got -1"},
      {R"({"storage":{"state_dir":""}})", "$.storage.state_dir: must not be empty"},
      {R"({"logging":{"level":"loud"}})",
       "$.logging.level: must be one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", got \"loud\""},
      {R"({"logging":{"max_files":0}})", "$.logging.max_files: must be an integer in 1..1000, got 0"},
      {R"({"port":8765})", "$.port: unknown key (did you mean \"server.port\"? it belongs in the server section)"},
      {R"({"server":{"port":1,"port":2}})", "$.server.port: duplicate key (only one is used; remove the other)"},
      {R"({"server":[]})", "$.server: must be an object {...}, got an array"},
      {R"({"schedules":{}})", "$.schedules: must be an array of schedules [...], got an object"},
      {R"({"schedules":[{"name":"a","cron":"0 0 30 2 *","request":{"symbol":"SPY"}}]})",
       "$.schedules[0].cron: cron expression \"0 0 30 2 *\" never fires (no matching date within 5 years)"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","timezone":"America/New_York","request":{"symbol":"SPY"}}]})",
       "$.schedules[0].timezone: must be \"UTC\" or a fixed offset like \"+05:30\" or \"-04:00\" (zone names and "
       "daylight saving are not supported), got \"America/New_York\""},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","request":{"model":"xgboost"}}]})",
       "$.schedules[0].request: missing \"symbol\" (the ticker to trade) or \"symbols\" (several, or a list such "
       "as \"dow30\")"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","approved":true,"request":{"symbols":[]}}]})",
       "$.schedules[0].request.symbols: must name at least one symbol"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","approved":true,"request":{"symbols":["AAPL","S P Y"]}}]})",
       "$.schedules[0].request.symbols[1]: must be a ticker like \"SPY\" or a built-in list (dow30), got \"S P Y\""},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","approved":true,"request":{"symbols":["AAPL","AAPL"]}}]})",
       "$.schedules[0].request.symbols[1]: \"AAPL\" is listed twice"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","approved":true,"request":{"symbols":"sp500"}}]})",
       "$.schedules[0].request.symbols: must be a list of tickers [\"AAPL\", \"MSFT\"] or a built-in list's name "
       "(dow30), got \"sp500\""},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","approved":true,"request":{"symbols":["dow30","SPY"]}}]})",
       "$.schedules[0].request.symbols: names 31 symbols; a schedule runs at most 30"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","approved":true,"request":{"symbol":"SPY","symbols":["AAPL","MSFT"]}}]})",
       "$.schedules[0].request: give \"symbol\" or \"symbols\", not both"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","request":{"symbols":["AAPL","MSFT"]}}]})",
       "$.schedules[0].approved: a schedule over several symbols must be approved (true): a proposal waiting for "
       "the next person holds one symbol"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *"}]})",
       "$.schedules[0]: missing \"request\" (at least {\"symbol\": \"SPY\"})"},
      {R"({"schedules":[{"cron":"0 0 * * *","request":{"symbol":"SPY"}}]})", "$.schedules[0]: missing \"name\""},
      {R"({"schedules":[{"name":"a","request":{"symbol":"SPY"}}]})",
       "$.schedules[0]: missing \"cron\" (e.g. \"30 22 * * mon-fri\")"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","request":{"symbol":"SPY"}},
                       {"name":"a","cron":"0 1 * * *","request":{"symbol":"QQQ"}}]})",
       "$.schedules[1].name: \"a\" is already the name of schedules[0]"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","kind":"paper","request":{"symbol":"SPY"}}]})",
       "$.schedules[0].kind: must be one of \"trial\", \"paper_update\", got \"paper\""},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","kind":"paper_update","request":{"symbol":"SPY","model":"lstm"}}]})",
       "$.schedules[0].request.model: unknown key (known keys: symbol)"},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","missed":"always","request":{"symbol":"SPY"}}]})",
       "$.schedules[0].missed: must be one of \"skip\", \"run_once\", got \"always\""},
      {R"({"schedules":[{"name":"a b","cron":"0 0 * * *","request":{"symbol":"SPY"}}]})",
       "$.schedules[0].name: must be 1-64 letters, digits, _ . or -, got \"a b\""},
      {R"({"schedules":[{"name":"a","cron":"0 0 * * *","request":{"symbol":"S P Y"}}]})",
       "$.schedules[0].request.symbol: must be a ticker like \"SPY\" (letters, digits, . - ^ =; at most 16 "
       "characters), got \"S P Y\""},
      {R"({"server":{"port":8765,}})", "$: malformed JSON: trailing comma before '}'"},
      {R"({"server":{"port":08}})", "$: malformed JSON: numbers may not have leading zeros"},
      {"{\"server\": {\"bind\": \"a\nb\"}}", "$: malformed JSON: unescaped control character (or line break) in a string"},
      {R"({"a":1 // note
})", "$: malformed JSON: comments are not allowed in JSON"},
      {"", "$: malformed JSON: the file is empty; expected a JSON object"},
      {"[]", "$: must be an object {...}, got an array"},
  };
  for (const auto& r : rows) {
    INFO(r.json);
    daemon_options o;
    const auto report = check_json(r.json, o);
    const auto text = report.error_text();
    INFO(text);
    CHECK_THAT(text, Catch::Contains(std::string(r.expected) + "\n"));
  }
}

TEST_CASE("several problems in one file are all reported at once, with lines and columns") {
  const std::string json =
      "{\n"
      "  \"server\": {\"prot\": 8765, \"io_threads\": \"two\"},\n"
      "  \"limits\": {\"max_queue\": -3},\n"
      "  \"schedules\": [\n"
      "    {\"name\": \"n\", \"cron\": \"* * * * * * *\", \"request\": {\"symbol\": \"SPY\"}}\n"
      "  ]\n"
      "}\n";
  daemon_options o;
  const auto r = check_json(json, o);
  REQUIRE(r.errors.size() == 4);
  const auto text = r.error_text();
  CHECK_THAT(text, Catch::Contains("$.server.prot: unknown key (did you mean \"port\"?)"));
  CHECK_THAT(text, Catch::Contains("$.server.io_threads: must be an integer in 1..64, got \"two\""));
  CHECK_THAT(text, Catch::Contains("$.limits.max_queue: must be an integer in 1..10000, got -3"));
  CHECK_THAT(text, Catch::Contains("$.schedules[0].cron: bad cron expression \"* * * * * * *\": expected 5 fields"));
  // Lines and columns of the keys.
  CHECK(r.errors[0].line == 2);
  CHECK(r.errors[0].column == 14);
  CHECK(r.errors[2].line == 3);
  CHECK(r.errors[3].line == 5);
  // A good key next to bad ones still applies; bad ones keep the default.
  CHECK(o.max_queue == 32);
  CHECK(o.schedules.empty());
}

TEST_CASE("malformed JSON names the line and column of the mistake") {
  daemon_options o;
  config_report r;
  apply_config_json("{\n  \"server\": {\n    \"port\": 8765\n    \"bind\": \"127.0.0.1\"\n  }\n}\n", o, r);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].text() == "$: malformed JSON: expected ',' or '}' after an object member");
  CHECK(r.errors[0].line == 4);
  CHECK(r.errors[0].column == 5);
  CHECK(format_report("my.json", r) == "my.json:4:5: error: $: malformed JSON: expected ',' or '}' after an object "
                                       "member\nmy.json: 1 problem\n");
}

TEST_CASE("secrets never appear in a problem message") {
  const std::string secret = "sk-live-DO-NOT-PRINT-0123456789";
  const std::string json = R"({"server":{"tokens":["short-SECRET", 42], "bind":"0.0.0.0"},
    "brain":{"anthropic":{"api_key": 12345678},"openai":{"api_key":")" + secret + R"(","apikey":"x"}},
    "data":{"polygon_api_key":[")" + secret + R"("], "polygon_api_key_env": "aBcDeF0123456789xyz"}})";
  daemon_options o;
  auto r = check_json(json, o, fake_env({{"MLTRAINER_TOKENS", "tiny," + secret}}));
  const auto all = format_report("f.json", r);
  INFO(all);
  CHECK_FALSE(r.ok());
  CHECK(all.find(secret) == std::string::npos);
  CHECK(all.find("short-SECRET") == std::string::npos);
  CHECK(all.find("tiny") == std::string::npos);
  CHECK(all.find("12345678") == std::string::npos);
  CHECK(all.find("aBcDeF0123456789xyz") == std::string::npos);
  CHECK_THAT(all, Catch::Contains("$.data.polygon_api_key_env: must be the NAME of an environment variable"));
  CHECK_THAT(all, Catch::Contains("$.server.tokens[0]: a token must be at least 16 characters"));
  CHECK_THAT(all, Catch::Contains("$.server.tokens[1]: must be a string, got a number (not shown)"));
  CHECK_THAT(all, Catch::Contains("env:MLTRAINER_TOKENS: token 1 must be at least 16 characters"));
  CHECK_THAT(all, Catch::Contains("$.brain.openai.apikey: unknown key (did you mean \"api_key\"?)"));
  CHECK_THAT(all, Catch::Contains("warning: $: the file holds secrets inline"));
}

TEST_CASE("the example config is complete and passes the check") {
  const std::string path = std::string(MLT_SOURCE_DIR) + "/config/mltrainer.example.json";
  daemon_options o;
  config_report r;
  apply_config_file(path, o, r);
  apply_environment(o, fake_env({}));
  check_options(o, r);
  INFO(format_report(path, r));
  CHECK(r.ok());
  CHECK(r.warnings.empty());
  CHECK(format_report(path, r) == path + ": OK\n");
  REQUIRE(o.schedules.size() == 3);
  const auto& s = o.schedules[0];
  CHECK(s.name == "nightly-spy-xgboost");
  CHECK(s.offset_minutes == -240);
  CHECK(s.kind == "trial");
  CHECK_FALSE(s.approved);
  CHECK(s.missed == "run_once");
  CHECK(s.request.symbol == "SPY");
  CHECK(s.request.seed == 7);
  CHECK(s.request.params.at("max_depth") == 4);
  CHECK(s.request.paper.slippage_bps == 2.0);
  CHECK(s.request.paper.cash == 100000);  // from trial_defaults
  CHECK(std::find(s.request.pinned.begin(), s.request.pinned.end(), "seed") != s.request.pinned.end());
  CHECK(std::find(s.request.pinned.begin(), s.request.pinned.end(), "paper.slippage_bps") != s.request.pinned.end());
  CHECK(o.schedules[1].kind == "paper_update");
  CHECK_FALSE(o.schedules[1].enabled);
  CHECK(o.schedules[2].request.symbols == std::vector<std::string>{"AAPL", "NVDA", "TSLA"});
  CHECK(o.allowed_origins.size() == 2);

  // Every key the reader knows appears in the example (so the README can use it).
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* key :
       {"bind", "port", "io_threads", "tokens", "tokens_env", "allowed_origins", "dir", "polygon_api_key_env",
        "polygon_api_key", "polygon_base_url", "cache_dir", "kind", "decision_deadline_ms", "max_decisions",
        "token_budget", "memory_turns", "anthropic", "openai", "model", "base_url", "api_key_env", "api_key",
        "max_tokens", "knowledge_cutoff", "data_source", "start", "end", "train_ratio", "val_ratio", "horizon", "seed",
        "decision_budget", "wf_folds", "wf_window", "params", "paper", "cash", "commission_bps", "slippage_bps", "allow_short",
        "long_threshold", "short_threshold", "fractional_shares", "stop_loss", "take_profit",
        "commission_per_share", "commission_min", "commission_fixed", "sizing", "size", "vol_lookback",
        "max_concurrent_trials", "parallel_fits", "max_queue", "max_frame_bytes", "max_message_bytes", "messages_per_minute",
        "max_sessions", "state_dir", "level", "file", "max_file_mb", "max_files", "name", "cron", "timezone",
        "request", "approved", "missed", "enabled", "symbol", "symbols", "local_trainers", "secret_env", "call_deadline_ms"}) {
    INFO(key);
    CHECK(text.find(std::string("\"") + key + "\":") != std::string::npos);
  }
}

TEST_CASE("flags override the file, and the environment overrides the file's keys") {
  const auto path = write_temp("layers.json", R"({
    "server": {"port": 9001, "bind": "127.0.0.1", "tokens": ["file-token-0123456789"], "tokens_env": "MY_TOKENS"},
    "data": {"polygon_api_key_env": "MY_POLYGON", "polygon_api_key": "inline-key"},
    "limits": {"max_queue": 5, "max_concurrent_trials": 2},
    "storage": {"state_dir": "/tmp/from-file"},
    "logging": {"level": "debug", "max_file_mb": 3}
  })");
  std::vector<std::string> args = {"--config", path, "--port", "9100", "--max-trials=4"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  daemon_options o;
  config_report r;
  std::string flag_error;
  bool help = false;
  const auto env = fake_env({{"MY_TOKENS", " env-token-0123456789 , env-token-abcdefghij "},
                             {"MY_POLYGON", "env-key"},
                             {"POLYGON_API_KEY", "not-this-one"},
                             {"ANTHROPIC_API_KEY", "a-key"},
                             {"OPENAI_BASE_URL", "http://127.0.0.1:8080"}});
  REQUIRE(load_daemon_options(static_cast<int>(argv.size()), argv.data(), o, r, flag_error, help, env));
  INFO(r.error_text());
  CHECK(r.ok());
  CHECK(o.config_file == path);
  CHECK_FALSE(o.check_only);
  CHECK(o.port == 9100);                 // flag over file
  CHECK(o.max_concurrent_trials == 4);   // flag over file
  CHECK(o.max_queue == 5);               // file over default
  CHECK(o.state_dir == "/tmp/from-file");
  CHECK(o.log_level == "debug");
  CHECK(o.log_max_file_mb == 3);
  CHECK(effective_log_file(o) == "/tmp/from-file/mltrainerd.log");
  CHECK(effective_cache_dir(o) == "/tmp/from-file/cache");
  CHECK(o.tokens == std::vector<std::string>{"env-token-0123456789", "env-token-abcdefghij"});  // env over file
  CHECK(o.tokens_from_env);
  CHECK(o.polygon_api_key == "env-key");  // the variable the file named
  CHECK(o.anthropic.api_key == "a-key");
  CHECK(o.openai.base_url == "http://127.0.0.1:8080");
  CHECK(o.openai.api_key.empty());
}

TEST_CASE("a bad URL from the environment is reported too") {
  daemon_options o;
  const auto r = check_json("{}", o, fake_env({{"ANTHROPIC_BASE_URL", "api.anthropic.com"}}));
  CHECK_THAT(r.error_text(),
             Catch::Contains("$.brain.anthropic.base_url: must be an http:// or https:// URL, got \"api.anthropic.com\""));
}

TEST_CASE("without an environment value the file's inline key and tokens stay; check-config is recorded") {
  const auto path = write_temp("inline.json", R"({"server":{"bind":"0.0.0.0","tokens":["file-token-0123456789"]},
    "data":{"polygon_api_key":"inline-key"}})");
  std::vector<std::string> args = {"--check-config=" + path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  daemon_options o;
  config_report r;
  std::string flag_error;
  bool help = false;
  REQUIRE(load_daemon_options(1, argv.data(), o, r, flag_error, help, fake_env({{"POLYGON_API_KEY", ""}})));
  CHECK(r.ok());  // not loopback, but it has a token
  CHECK(o.check_only);
  CHECK(o.polygon_api_key == "inline-key");
  CHECK(o.tokens.size() == 1);
  CHECK_FALSE(o.tokens_from_env);
}

TEST_CASE("a missing config file is one clear error") {
  daemon_options o;
  config_report r;
  apply_config_file("/nonexistent/mltrainer.json", o, r);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].text() == "$: cannot read the config file: no such file");
}

TEST_CASE("loopback binds need no token; other addresses do") {
  for (const char* bind : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    INFO(bind);
    daemon_options o;
    o.bind = bind;
    config_report r;
    check_options(o, r);
    CHECK(r.ok());
  }
  for (const char* bind : {"0.0.0.0", "::", "192.168.1.5", "127.0.0.1.example.com", "128.0.0.1"}) {
    INFO(bind);
    daemon_options o;
    o.bind = bind;
    config_report r;
    check_options(o, r);
    CHECK_THAT(r.error_text(), Catch::Contains(std::string("refusing to listen on ") + bind + " without tokens"));
  }
}

TEST_CASE("an LLM's knowledge cutoff is a month or a day, defaults to the published one of a known model, and a bad "
          "one is a clear error") {
  daemon_options o;
  auto r = check_json(R"({"brain":{"anthropic":{"knowledge_cutoff":"2025-03"},"openai":{"model":"llama3",
                          "knowledge_cutoff":"2024-02-29"}}})", o);
  INFO(r.error_text());
  CHECK(r.ok());
  CHECK(o.anthropic.knowledge_cutoff == "2025-03");
  CHECK(effective_knowledge_cutoff(o.anthropic) == "2025-03");
  CHECK(effective_knowledge_cutoff(o.openai) == "2024-02-29");

  daemon_options d;  // nothing configured: the default models' published cutoffs
  CHECK(d.anthropic.knowledge_cutoff.empty());
  CHECK(effective_knowledge_cutoff(d.anthropic) == "2025-07");
  CHECK(effective_knowledge_cutoff(d.openai) == "2023-10");
  d.anthropic.model = "claude-sonnet-4-5-20250929";
  CHECK(effective_knowledge_cutoff(d.anthropic) == "2025-07");
  d.openai.model = "llama3";  // unknown model, nothing configured: unknown
  CHECK(effective_knowledge_cutoff(d.openai).empty());
  CHECK(published_knowledge_cutoff("gpt-4o-mini-2024-07-18") == "2023-10");
  CHECK(published_knowledge_cutoff("gpt-4o-mini-tts").empty());

  for (const char* bad : {"2025/03", "2025-13", "2025-02-30", "March 2025", "2025"}) {
    daemon_options x;
    auto e = check_json(std::string(R"({"brain":{"anthropic":{"knowledge_cutoff":")") + bad + "\"}}}", x);
    INFO(bad);
    CHECK(e.error_text() == std::string("$.brain.anthropic.knowledge_cutoff: must be the last month or day of the "
                                       "model's training data, \"YYYY-MM\" or \"YYYY-MM-DD\" (\"\" = the published "
                                       "cutoff of a known model), got \"") + bad + "\"\n");
  }
  daemon_options n;
  auto e = check_json(R"({"brain":{"openai":{"knowledge_cutoff":20250301}}})", n);
  CHECK(e.error_text() == "$.brain.openai.knowledge_cutoff: must be a string, got 20250301\n");
}

TEST_CASE("a cutoff covers up to the last day of its month") {
  CHECK(cutoff_last_day("2025-07") == "2025-07-31");
  CHECK(cutoff_last_day("2024-02") == "2024-02-29");
  CHECK(cutoff_last_day("2023-02") == "2023-02-28");
  CHECK(cutoff_last_day("2023-04") == "2023-04-30");
  CHECK(cutoff_last_day("2017-12-29") == "2017-12-29");
  CHECK(cutoff_last_day("").empty());
  CHECK(cutoff_last_day("2017-13").empty());
  CHECK(knowledge_cutoff_ok("2025-07"));
  CHECK_FALSE(knowledge_cutoff_ok("2025-7"));
}

TEST_CASE("a schedule's symbols: tickers or a built-in list, the first standing for the plan") {
  daemon_options o;
  const auto report = check_json(R"({"schedules":[
    {"name":"pair","cron":"0 0 * * *","approved":true,"request":{"symbols":["AAPL","MSFT"],"model":"logistic"}},
    {"name":"dow","cron":"0 1 * * *","approved":true,"request":{"symbols":"Dow 30"}},
    {"name":"one","cron":"0 2 * * *","approved":true,"request":{"symbols":["TSLA"]}}]})", o);
  INFO(report.error_text());
  REQUIRE(report.ok());
  REQUIRE(o.schedules.size() == 3);
  CHECK(o.schedules[0].request.symbols == std::vector<std::string>{"AAPL", "MSFT"});
  CHECK(o.schedules[0].request.symbol == "AAPL");
  CHECK(o.schedules[0].request.universe.empty());
  CHECK(o.schedules[1].request.symbols.size() == 30);
  CHECK(o.schedules[1].request.universe == "dow30");
  CHECK(o.schedules[2].request.symbols.empty());  // one symbol is a plain trial
  CHECK(o.schedules[2].request.symbol == "TSLA");
}
