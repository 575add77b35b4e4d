// A universe trial through the LLM brain: the real daemon with its real
// Anthropic client, and a loopback server speaking the Messages API whose
// scripted Claude reads a request no rule reads ("the iPhone maker and the
// GPU maker") into propose_trial over two symbols, then decides every
// checkpoint of both trials and writes their reports.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "tests/net/loopback_http_server.hpp"
#include "tests/support/claude_wire.hpp"
#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::claude_tool_use;
using mlt::test::forces_tool;
using mlt::test::loopback_reply;
using mlt::test::loopback_request;

namespace {

const char* claude_key = "sk-ant-test-universe-KEY-0000";

struct universe_claude {
  std::mutex m;
  int proposals = 0, decisions = 0, reports = 0, refused = 0;

  loopback_reply operator()(const loopback_request& req) {
    std::lock_guard<std::mutex> lock(m);
    if (auto no = mlt::test::refuse_without_key(req, claude_key)) {
      ++refused;
      return *no;
    }
    loopback_reply r;
    r.headers.push_back({"content-type", "application/json"});
    const std::string& b = req.body;
    if (forces_tool(b, "decide")) {
      ++decisions;
      r.body = claude_tool_use("decide", R"({"action":"continue","reason":"claude: the plan holds","params":{}})");
    } else if (forces_tool(b, "write_report")) {
      ++reports;
      r.body = claude_tool_use("write_report",
                               R"({"answer":"Claude's answer for this symbol.","analysis":"Near the base rate.",)"
                               R"("trading_insights":"Costs matter.","recommendations":"Do not trade it.",)"
                               R"("caveats":"One split of one series; several configurations were fitted."})");
    } else if (b.find("iPhone maker") != std::string::npos && b.find("toolu_propose_trial") == std::string::npos) {
      ++proposals;
      r.body = claude_tool_use("propose_trial", R"({"symbols":["AAPL","NVDA"],"model":"logistic","data_source":"csv"})");
    } else {
      r.body = claude_tool_use("reply", R"({"text":"I am Claude inside mlTrainer."})");
    }
    return r;
  }
};

}  // namespace

TEST_CASE("Claude reads a request into a universe over two symbols, decides every trial's checkpoints, and one "
          "combined table arrives",
          "[integration][brain]") {
  universe_claude claude;
  mlt::test::loopback_http_server server([&](const loopback_request& q) { return claude(q); });
  ::setenv("ANTHROPIC_BASE_URL", server.base_url().c_str(), 1);
  ::setenv("ANTHROPIC_API_KEY", claude_key, 1);
  const auto state = mlt::test::fresh_dir("universe-claude");
  mlt::test::daemon_process d(state, {"--brain", "anthropic", "--decision-deadline-ms", "5000"});
  ::unsetenv("ANTHROPIC_API_KEY");
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  REQUIRE(r.next().type() == "hello");

  chat(c, "Run trial on the iPhone maker and the GPU maker with logistic regression");
  auto p = r.until("proposal");
  CHECK(claude.proposals == 1);
  std::vector<std::string> proposed;
  for (auto s : p.doc["symbols"].get_array()) proposed.emplace_back(std::string_view(s.get_string()));
  CHECK(proposed == std::vector<std::string>{"AAPL", "NVDA"});
  CHECK(p.str("model") == "logistic");
  CHECK_THAT(p.str("text"), Catch::Contains("symbols:       AAPL, NVDA (2)") && Catch::Contains("2 trials"));

  chat(c, "yes");
  auto ok = r.until("reply");
  CHECK_THAT(ok.str("text"), Catch::Contains("Running the same plan once per symbol:"));
  r.seen.clear();
  auto u = r.until("universe_report", std::chrono::seconds(300));
  CHECK(u.num("report_id") > 0);
  CHECK_THAT(u.str("text"), Catch::Contains("2 of 2 trials finished"));

  // Both rows finished, and Claude answered each trial's checkpoints and wrote its report.
  std::map<std::string, std::int64_t> trial_of;
  for (auto row : u.doc["rows"].get_array()) {
    mlt::test::frame f{u.raw, row};
    bool finished = false;
    CHECK_FALSE(row["finished"].get_bool().get(finished));
    CHECK(finished);
    CHECK(f.str("model") == "logistic");
    trial_of[f.str("symbol")] = static_cast<std::int64_t>(f.num("trial_id"));
  }
  REQUIRE(trial_of.size() == 2);
  // A trial's report reaches the client through the engine and the store,
  // the table through the agent and the store: either may come first.
  auto reported = [&] {
    int n = 0;
    for (const auto& f : r.seen) n += f.type() == "report" ? 1 : 0;
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (reported() < 2 && std::chrono::steady_clock::now() < deadline) r.seen.push_back(r.next());
  std::map<std::int64_t, int> claude_decisions, reports;
  for (const auto& f : r.seen) {
    const auto id = f.type() == "event" || f.type() == "report" ? static_cast<std::int64_t>(f.num("trial_id")) : 0;
    if (f.type() == "event" && f.str("kind") == "decision" &&
        f.raw.find(R"("brain":"anthropic")") != std::string::npos)
      ++claude_decisions[id];
    if (f.type() == "report" && f.raw.find("Claude's answer for this symbol.") != std::string::npos) ++reports[id];
  }
  for (const auto& [symbol, id] : trial_of) {
    INFO(symbol);
    CHECK(claude_decisions[id] >= 3);
    CHECK(reports[id] == 1);
  }
  CHECK(claude.decisions >= 6);
  CHECK(claude.reports == 2);
  CHECK(claude.refused == 0);
  CHECK(u.raw.find(claude_key) == std::string::npos);
  CHECK(d.stop() == 0);
}
