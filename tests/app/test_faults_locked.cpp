// The database locked by another process (an EXCLUSIVE transaction): the
// daemon's writes wait up to the store's busy timeout, then fail with a clear
// error; nothing the person was shown is lost, and the trial resumes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>

#include "actors/store/trial_db.hpp"
#include "tests/support/fault_checks.hpp"

using namespace std::chrono_literals;
using mlt::test::chat;
using mlt::test::frame;

namespace {

using clock_type = std::chrono::steady_clock;
const auto busy_timeout = std::chrono::milliseconds(mlt::store::trial_db::busy_timeout_ms);

std::int64_t id_of(const frame& f, const char* key) { return static_cast<std::int64_t>(f.num(key)); }

std::ptrdiff_t reports_shown(const mlt::test::acknowledged& ack) {
  return std::count_if(ack.frames.begin(), ack.frames.end(),
                       [](const std::string& f) { return f.find("\"type\":\"report\"") != std::string::npos; });
}

// The checks after every case: the lines were really many, and nothing is wrong.
void check_after(const mlt::test::fault_run& run, const mlt::test::acknowledged& ack) {
  CHECK(ack.lines.size() > 10);
  for (const auto& p : run.problems(ack)) FAIL_CHECK(p);
}

}  // namespace

TEST_CASE("a lock held for less than the busy timeout only delays the daemon's writes", "[integration][faults]") {
  mlt::test::fault_run run("faults-lock-short");
  mlt::test::fault_session s(run.state, {"--config", mlt::test::fault_config(run.dir)});
  auto& [c, r] = s.conn;
  auto& ack = s.ack;
  // Its lines are written from the approval on, for seconds (each is a commit).
  const auto trial = mlt::test::approve_trial(c, r, ack, "Run trial on TSLA");

  const auto hold = busy_timeout * 2 / 5;  // 2 s of 5
  mlt::test::exclusive_lock lock(run.state + "/mltrainer.db", s.d.pid(), static_cast<int>(hold.count()));
  const auto locked_at = clock_type::now();
  chat(c, "Run trial on AAPL on synthetic data");  // a proposal is a write: it waits for the lock
  ack.until(r, "proposal");
  const auto waited = clock_type::now() - locked_at;
  CHECK(waited >= hold - 200ms);
  CHECK(waited < busy_timeout);
  CHECK(lock.release());

  CHECK(id_of(ack.until(r, "report"), "trial_id") == trial);
  for (const auto& f : ack.frames) {
    INFO(f);
    CHECK(f.find("\"trial_failed\"") == std::string::npos);
    CHECK(f.find("store_failed") == std::string::npos);
  }
  check_after(run, ack);
  CHECK(s.d.stop(SIGTERM) == 0);
}

TEST_CASE("a lock held past the busy timeout fails the waiting writes clearly, loses nothing shown, and the trial "
          "resumes",
          "[integration][faults]") {
  mlt::test::fault_run run("faults-lock-long");
  mlt::test::fault_session s(run.state, {"--config", mlt::test::fault_config(run.dir)});
  auto& [c, r] = s.conn;
  auto& ack = s.ack;
  const auto hold = busy_timeout * 8 / 5;  // 8 s of 5

  // A write of the person's: the proposal waits one busy timeout, then is
  // refused with the reason while the lock is still held.
  {
    mlt::test::exclusive_lock lock(run.state + "/mltrainer.db", s.d.pid(), static_cast<int>(hold.count()));
    const auto locked_at = clock_type::now();
    chat(c, "Run trial on AAPL on synthetic data");
    const auto refused = ack.until(r, "error");
    const auto waited = clock_type::now() - locked_at;
    CHECK(refused.str("code") == "store_failed");
    CHECK_THAT(refused.str("message"), Catch::Matchers::Contains("could not record the proposal") &&
                                           Catch::Matchers::Contains("database is locked"));
    CHECK(waited >= busy_timeout - 200ms);
    CHECK(waited < hold);
    CHECK(lock.release());
  }

  // A running trial (its lines are written from the approval on, for
  // seconds: each is a commit). An LSTM's, so that it is surely still running
  // when the lock is taken: a logistic trial once ran to its report in the
  // time the lock took (CI, 2026-12-06). Its first line that meets the lock fails
  // after one wait, and the trial fails at its next step (which may be a
  // whole optimiser run); the failure is shown once its status is written.
  // Writes that are not transcript lines (its status, a checkpoint) can come
  // first and spend a wait each, hence the longer lock.
  const auto trial = mlt::test::approve_trial(c, r, ack, "Run trial on TSLA with lstm");
  {
    const auto long_hold = busy_timeout * 3;
    mlt::test::exclusive_lock lock(run.state + "/mltrainer.db", s.d.pid(), static_cast<int>(long_hold.count()));
    const auto locked_at = clock_type::now();
    const auto reports_before = reports_shown(ack);
    const auto failed = ack.until(r, "trial_failed", 60s);
    const auto waited = clock_type::now() - locked_at;
    // The lock met the trial, not a finished one.
    CHECK(reports_shown(ack) == reports_before);
    CHECK(id_of(failed, "trial_id") == trial);
    CHECK(failed.str("code") == "store_failed");
    CHECK_THAT(failed.str("message"), Catch::Matchers::Contains("could not record transcript line") &&
                                          Catch::Matchers::Contains("database is locked"));
    CHECK(waited >= busy_timeout - 200ms);
    CHECK(lock.release());
  }

  // The daemon kept serving and the store writes again: the trial is failed,
  // resumes and reports.
  c.send(R"({"type":"ping"})");
  ack.until(r, "pong");
  {
    mlt::test::store_view store(run.state);
    CHECK(store.status(trial) == "failed");
  }
  chat(c, "resume trial " + std::to_string(trial));
  CHECK(id_of(ack.until(r, "reply"), "trial_id") == trial);
  CHECK(id_of(ack.until(r, "report"), "trial_id") == trial);
  check_after(run, ack);
  CHECK(s.d.stop(SIGTERM) == 0);
}
