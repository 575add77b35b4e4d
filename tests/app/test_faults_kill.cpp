// kill -9 in a loop: 20 kills at random (seeded) moments while trials run,
// a schedule fires and the person chats. After every restart each
// transcript line, proposal and approval the person was shown is in the
// store, PRAGMA integrity_check is ok and no trial is left running; at the
// end every interrupted trial resumes to a report.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <random>
#include <set>

#include "tests/support/fault_checks.hpp"

using namespace std::chrono_literals;
using mlt::test::chat;

namespace {

constexpr int kills = 20;
constexpr unsigned seed = 20261206;

// A schedule that fires every 10 s with an approved trial (nobody watches it).
const char* schedule = R"(, "schedules": [{"name": "every-10s", "cron": "*/10 * * * * *", "kind": "trial",
  "request": {"symbol": "SPY"}, "approved": true, "missed": "skip"}])";

const std::vector<std::string> symbols = {"TSLA", "AAPL", "MSFT", "NVDA", "AMZN", "META", "GOOGL", "ORCL"};

// The store right after a restart: everything shown is there, the file is
// sound, and no trial from before the kill still counts as running.
void check_after_restart(const std::string& state, const mlt::test::acknowledged& ack, int kill) {
  INFO("after kill " << kill);
  for (const auto& p : mlt::test::store_problems(state, ack)) FAIL_CHECK(p);
  mlt::test::store_view store(state);
  std::set<std::int64_t> shown_trials;
  for (const auto& [key, text] : ack.lines) shown_trials.insert(key.first);
  for (auto id : shown_trials) {
    INFO("trial " << id);
    const auto status = store.status(id);
    CHECK((status == "interrupted" || status == "completed"));
  }
}

}  // namespace

TEST_CASE("20 kill -9 at random moments during trials, schedules and chat lose nothing acknowledged, and every "
          "interrupted trial resumes to a report",
          "[integration][faults]") {
  mlt::test::fault_run run("faults-kill");
  const auto& state = run.state;
  const auto config = mlt::test::fault_config(run.dir, schedule);
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  mlt::test::acknowledged ack;
  std::set<std::int64_t> resumed_in_loop;

  for (int k = 0; k < kills; ++k) {
    mlt::test::daemon_process d(state, {"--config", config});
    if (k > 0) check_after_restart(state, ack, k);
    {
      mlt::test::chat_connection conn(d.port());
      auto& [c, r] = conn;
      ack.note(r.next());
      const auto sym = symbols[rng() % symbols.size()];
      switch (k % 4) {  // two new trials, a resume, a chat; the kill's moment is random
        case 0:
        case 2: {  // a new trial
          mlt::test::approve_trial(c, r, ack, "Run trial on " + sym + " on synthetic data");
          break;
        }
        case 1: {  // resume an interrupted trial (the oldest not yet resumed here)
          const auto waiting = mlt::test::store_view(state).trials_with_status("interrupted");
          std::int64_t pick = 0;
          for (auto id : waiting)
            if (!pick && !resumed_in_loop.count(id)) pick = id;
          if (pick) {
            resumed_in_loop.insert(pick);
            chat(c, "resume trial " + std::to_string(pick));
            ack.until(r, "reply");
          }
          break;
        }
        case 3:  // chat: a proposal and a change to it, killed mid-way
          chat(c, "Run trial on " + sym + " on synthetic data");
          chat(c, "train ratio 0.6");
          break;
      }
      ack.drain(r, std::chrono::milliseconds(100 + rng() % 2400));
      CHECK(d.stop(SIGKILL) == 128 + SIGKILL);
    }
  }

  // The last start: every interrupted trial is resumed and reports.
  mlt::test::daemon_process d(state, {"--config", config});
  check_after_restart(state, ack, kills);
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  ack.note(r.next());
  const auto interrupted = mlt::test::store_view(state).trials_with_status("interrupted");
  // The kills really met trials: at least three of the ten new ones (trials got
  // faster with the fit workers; a fresh-clone CI run saw 4 where 5 had been usual).
  CHECK(interrupted.size() >= 3);
  std::set<std::int64_t> waiting(interrupted.begin(), interrupted.end());
  for (auto id : interrupted) {
    chat(c, "resume trial " + std::to_string(id));
    auto reply = ack.until(r, "reply");
    CHECK(static_cast<std::int64_t>(reply.num("trial_id")) == id);
  }
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  while (!waiting.empty() && std::chrono::steady_clock::now() < deadline) {
    auto f = ack.until(r, "report", 300s);
    waiting.erase(static_cast<std::int64_t>(f.num("trial_id")));
  }
  CHECK(waiting.empty());
  CHECK(d.stop(SIGTERM) == 0);

  for (const auto& p : run.problems(ack)) FAIL_CHECK(p);
  mlt::test::store_view store(state);
  for (auto id : interrupted) {
    INFO("trial " << id);
    CHECK(store.status(id) == "completed");
  }
  CHECK(ack.proposals.size() >= 5);
  CHECK(ack.approvals.size() >= 3);
}
