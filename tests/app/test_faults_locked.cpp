// The database locked by another process (an EXCLUSIVE transaction): the
// daemon's writes wait up to the store's busy timeout, then fail with a clear
// error; nothing the person was shown is lost, and the trial resumes.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>

#include "actors/store/trial_db.hpp"
#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/fault_checks.hpp"

using namespace std::chrono_literals;
using mlt::test::chat;
using mlt::test::frame;

namespace {

using clock_type = std::chrono::steady_clock;
const auto busy_timeout = std::chrono::milliseconds(mlt::store::trial_db::busy_timeout_ms);

std::int64_t id_of(const frame& f, const char* key) { return static_cast<std::int64_t>(f.num(key)); }

// Starts "Run trial on TSLA" and returns its id once its first lines are shown.
std::int64_t start_trial(mlt::net::ws_client& c, mlt::test::frame_reader& r, mlt::test::acknowledged& ack) {
  chat(c, "Run trial on TSLA");
  mlt::test::approve(c, ack.until(r, "proposal"));
  const auto trial = id_of(ack.until(r, "reply"), "trial_id");
  while (ack.lines.size() < 3) ack.until(r, "event");
  return trial;
}

void check_store_and_secrets(const std::string& state, const mlt::test::acknowledged& ack,
                             const mlt::test::fake_secrets& secrets) {
  mlt::test::store_view store(state);
  CHECK(store.integrity_check() == "ok");
  for (const auto& m : ack.missing_from(store)) FAIL_CHECK(m);
  CHECK(ack.lines.size() > 10);  // the check above had something to find
  for (const auto& leak : mlt::test::secret_leaks(secrets.all(), state, ack.frames)) FAIL_CHECK("secret in " << leak);
}

}  // namespace

TEST_CASE("a lock held for less than the busy timeout only delays the daemon's writes", "[integration][faults]") {
  mlt::test::fake_secrets secrets;
  mlt::test::scoped_env env;
  secrets.hand_out(env);
  const auto dir = mlt::test::fresh_dir("faults-lock-short");
  const auto state = dir + "/state";
  mlt::test::daemon_process d(state, {"--config", mlt::test::fault_config(dir)});
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  mlt::test::acknowledged ack;
  ack.note(r.next());
  const auto trial = start_trial(c, r, ack);

  const auto hold = busy_timeout * 2 / 5;  // 2 s of 5
  mlt::test::exclusive_lock lock(state + "/mltrainer.db", static_cast<int>(hold.count()));
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
  check_store_and_secrets(state, ack, secrets);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a lock held past the busy timeout fails the waiting writes clearly, loses nothing shown, and the trial "
          "resumes",
          "[integration][faults]") {
  mlt::test::fake_secrets secrets;
  mlt::test::scoped_env env;
  secrets.hand_out(env);
  const auto dir = mlt::test::fresh_dir("faults-lock-long");
  const auto state = dir + "/state";
  mlt::test::daemon_process d(state, {"--config", mlt::test::fault_config(dir)});
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  mlt::test::acknowledged ack;
  ack.note(r.next());
  const auto hold = busy_timeout * 8 / 5;  // 8 s of 5

  // A write of the person's: the proposal waits one busy timeout, then is
  // refused with the reason while the lock is still held.
  {
    mlt::test::exclusive_lock lock(state + "/mltrainer.db", static_cast<int>(hold.count()));
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

  // A running trial: its line that meets the lock fails after one wait and
  // the trial fails at its next step (which may be a whole optimiser run);
  // the failure is shown once its status is written.
  const auto trial = start_trial(c, r, ack);
  {
    mlt::test::exclusive_lock lock(state + "/mltrainer.db", static_cast<int>(hold.count()));
    const auto locked_at = clock_type::now();
    const auto failed = ack.until(r, "trial_failed", 60s);
    const auto waited = clock_type::now() - locked_at;
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
    mlt::test::store_view store(state);
    CHECK(store.status(trial) == "failed");
  }
  chat(c, "resume trial " + std::to_string(trial));
  CHECK(id_of(ack.until(r, "reply"), "trial_id") == trial);
  CHECK(id_of(ack.until(r, "report"), "trial_id") == trial);
  check_store_and_secrets(state, ack, secrets);
  CHECK(d.stop(SIGTERM) == 0);
}
