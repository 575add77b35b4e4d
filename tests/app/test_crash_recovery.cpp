// kill -9 in the middle of a trial: nothing acknowledged is lost, the trial
// is interrupted, and "resume trial N" completes it.
#include <catch2/catch.hpp>

#include <csignal>
#include <map>
#include <vector>

#include <sqlite3.h>

#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/normalised.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::daemon_process;
using mlt::test::frame;

namespace {

std::int64_t id_of(const frame& f, const char* key) { return static_cast<std::int64_t>(f.num(key)); }

// The proposal row as stored: (approved, trial id), or (-1, -1) if absent.
std::pair<int, std::int64_t> stored_proposal(const std::string& state, std::int64_t proposal_id) {
  sqlite3* db = nullptr;
  std::pair<int, std::int64_t> out{-1, -1};
  const auto path = state + "/mltrainer.db";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT approved_at IS NOT NULL, COALESCE(trial_id, 0) FROM proposals WHERE id=?", -1, &s,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, proposal_id);
    if (sqlite3_step(s) == SQLITE_ROW) out = {sqlite3_column_int(s, 0), sqlite3_column_int64(s, 1)};
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// seq -> text of every transcript line in a `trial` frame.
std::map<std::int64_t, std::string> transcript_of(const frame& t) {
  std::map<std::int64_t, std::string> out;
  for (auto line : t.doc["transcript"].get_array()) {
    std::int64_t seq = 0;
    std::string_view text;
    if (!line["seq"].get_int64().get(seq) && !line["text"].get_string().get(text)) out[seq] = std::string(text);
  }
  return out;
}

// The trial's stored checkpoint: (decisions, configurations), or (-1, -1).
std::pair<std::int64_t, std::int64_t> stored_checkpoint(const std::string& state, std::int64_t trial_id) {
  sqlite3* db = nullptr;
  std::pair<std::int64_t, std::int64_t> out{-1, -1};
  const auto path = state + "/mltrainer.db";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT decisions, configurations FROM checkpoints WHERE trial_id=?", -1, &s, nullptr) ==
      SQLITE_OK) {
    sqlite3_bind_int64(s, 1, trial_id);
    if (sqlite3_step(s) == SQLITE_ROW) out = {sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1)};
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

const char* replay_mark = "recorded before the interruption, not asked again";

// "ACTION continue — REASON ..." without the bracketed note.
std::string action_of(const std::string& decision_line) { return decision_line.substr(0, decision_line.find(" [")); }

std::string status_of(const frame& t) {
  std::string_view status;
  return t.doc["trial"]["status"].get_string().get(status) ? std::string() : std::string(status);
}

// Runs `request` to its report on a fresh daemon that is never interrupted
// and returns the report frame's text; that daemon must stop cleanly.
std::string uninterrupted_report(const std::string& dir_name, const std::string& request) {
  daemon_process plain(mlt::test::fresh_dir(dir_name));
  mlt::test::chat_connection conn(plain.port());
  auto& [c, r] = conn;
  r.next();
  mlt::test::propose_and_approve(c, r, request);
  const auto raw = r.until("report", std::chrono::seconds(400)).raw;
  CHECK(plain.stop(SIGTERM) == 0);
  return raw;
}

}  // namespace

TEST_CASE("after kill -9 mid-trial nothing acknowledged is lost and 'resume trial N' continues from the checkpoint",
          "[integration]") {
  const auto state = mlt::test::fresh_dir("crash");
  std::int64_t proposal_id = 0, trial_id = 0;
  std::map<std::int64_t, std::string> shown;  // transcript lines the person saw before the kill
  std::vector<std::string> decided;           // the decision lines among them
  {
    daemon_process d(state);
    mlt::test::chat_connection conn(d.port());
    auto& [c, r] = conn;
    REQUIRE(r.next().type() == "hello");
    chat(c, "Analyze TSLA with LSTM model on synthetic data");
    auto p = r.until("proposal");
    proposal_id = id_of(p, "proposal_id");
    c.send(R"({"type":"approve","proposal_id":)" + std::to_string(proposal_id) + "}");
    // Kill during training after a decision taken at a training checkpoint
    // (the volatility decision comes first): the fit is under way and two
    // decisions are recorded.
    bool training = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (!(training && decided.size() >= 2) && std::chrono::steady_clock::now() < deadline) {
      auto f = r.next();
      if (f.type() == "reply" && f.num("trial_id") > 0) trial_id = id_of(f, "trial_id");
      if (f.type() != "event") continue;
      shown[id_of(f, "seq")] = f.str("text");
      if (f.str("kind") == "decision") decided.push_back(f.str("text"));
      std::string_view phase;
      training = f.str("kind") == "progress" && !f.doc["data"]["phase"].get_string().get(phase) && phase == "train";
    }
    REQUIRE(trial_id > 0);
    REQUIRE(training);
    REQUIRE(decided.size() >= 2);
    CHECK(d.stop(SIGKILL) == 128 + SIGKILL);
  }
  // Every decision shown is in the stored checkpoint, and so is the fit under
  // way. (The daemon may have recorded one more between the last line read
  // and the kill: a recorded decision is stored before it is shown.)
  const auto checkpoint = stored_checkpoint(state, trial_id);
  CHECK(checkpoint.first >= static_cast<std::int64_t>(decided.size()));
  CHECK(checkpoint.second >= 1);
  const auto kept = std::to_string(checkpoint.first);

  daemon_process d(state);
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  r.next();

  // The proposal and its approval survived.
  auto prop = stored_proposal(state, proposal_id);
  CHECK(prop.first == 1);
  CHECK(prop.second == trial_id);

  // Every line shown before the kill is in the store; the trial is interrupted.
  auto before = mlt::test::get_trial(c, r, trial_id);
  CHECK(status_of(before) == "interrupted");
  const auto stored = transcript_of(before);
  for (const auto& [seq, text] : shown) {
    INFO("line " << seq << ": " << text);
    auto it = stored.find(seq);
    REQUIRE(it != stored.end());
    CHECK(it->second == text);
  }

  // Resume from the chat; it runs to a report under the same id.
  chat(c, "resume trial " + std::to_string(trial_id));
  auto answer = r.until("reply");
  CHECK(id_of(answer, "trial_id") == trial_id);
  CHECK(answer.str("text").find("esum") != std::string::npos);
  CHECK(answer.str("text").find("from its checkpoint after decision " + kept) != std::string::npos);
  auto report = r.until("report", std::chrono::seconds(400));
  CHECK(id_of(report, "trial_id") == trial_id);

  auto after = mlt::test::get_trial(c, r, trial_id);
  CHECK(status_of(after) == "completed");
  const auto full = transcript_of(after);
  // The old lines are kept as they were; the resumed run continues after them.
  for (const auto& [seq, text] : shown) {
    auto it = full.find(seq);
    REQUIRE(it != full.end());
    CHECK(it->second == text);
  }
  bool resumed_line = false, says_what_is_redone = false;
  std::vector<std::string> replayed, fresh;  // decision lines after the resume
  for (const auto& [seq, text] : full) {
    if (seq <= shown.rbegin()->first) continue;
    if (text.find("resumed after interruption") != std::string::npos) resumed_line = true;
    if (text.find("Resumed from the checkpoint after decision " + kept) != std::string::npos &&
        text.find("redone from the start") != std::string::npos && text.find("not asked again") != std::string::npos)
      says_what_is_redone = true;
    if (text.rfind("ACTION ", 0) == 0) (text.find(replay_mark) != std::string::npos ? replayed : fresh).push_back(text);
  }
  CHECK(resumed_line);
  CHECK(says_what_is_redone);
  CHECK(full.rbegin()->first > stored.rbegin()->first + 3);
  // The decisions made before the kill are re-applied in order, not asked again...
  REQUIRE(static_cast<std::int64_t>(replayed.size()) == checkpoint.first);
  for (std::size_t i = 0; i < decided.size(); ++i) CHECK(action_of(replayed[i]) == action_of(decided[i]));
  // ...and counted once: the report's counts include the work before the kill.
  CHECK(report.num("decisions") == static_cast<double>(replayed.size() + fresh.size()));
  CHECK(report.num("configurations_tried") >= static_cast<double>(checkpoint.second));

  // A completed trial is not resumed again.
  chat(c, "resume trial " + std::to_string(trial_id));
  auto refused = r.until("error");
  CHECK(refused.str("code") == "cannot_resume");
  CHECK(refused.str("message").find("completed") != std::string::npos);
  CHECK(d.stop(SIGTERM) == 0);

  // The interruption changed nothing: the same plan run without one on a
  // fresh daemon gives the same report, counts included.
  const auto uninterrupted = uninterrupted_report("crash-uninterrupted", "Analyze TSLA with LSTM model on synthetic data");
  CHECK(mlt::test::normalised(uninterrupted) == mlt::test::normalised(report.raw));
}

TEST_CASE("a trial killed after its optimiser finished resumes with the optimiser's outcome, not a new search",
          "[integration]") {
  const auto state = mlt::test::fresh_dir("crash-optimise");
  const std::string request = "Run trial on TSLA with xgboost and optimize";
  std::int64_t trial_id = 0;
  {
    daemon_process d(state);
    mlt::test::chat_connection conn(d.port());
    auto& [c, r] = conn;
    r.next();
    mlt::test::propose_and_approve(c, r, request);
    bool optimised = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (!optimised && std::chrono::steady_clock::now() < deadline) {
      auto f = r.next();
      if (f.type() == "reply" && f.num("trial_id") > 0) trial_id = id_of(f, "trial_id");
      optimised = f.type() == "event" && f.str("text").rfind("Optimiser tried", 0) == 0;
    }
    REQUIRE(optimised);
    CHECK(d.stop(SIGKILL) == 128 + SIGKILL);
  }
  daemon_process d(state);
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  r.next();
  const auto before = mlt::test::get_trial(c, r, trial_id);
  REQUIRE(status_of(before) == "interrupted");
  const auto last_before = transcript_of(before).rbegin()->first;
  chat(c, "resume trial " + std::to_string(trial_id));
  CHECK(id_of(r.until("reply"), "trial_id") == trial_id);
  auto report = r.until("report", std::chrono::seconds(400));
  int searches = 0, kept = 0, said = 0;
  for (const auto& [seq, text] : transcript_of(mlt::test::get_trial(c, r, trial_id))) {
    if (seq <= last_before) continue;
    if (text.rfind("Optimiser evaluation", 0) == 0) ++searches;
    if (text.rfind("Optimiser outcome recorded before the interruption (not searched again)", 0) == 0) ++kept;
    if (text.find("the optimiser's outcome (12 evaluations) is kept without searching again") != std::string::npos) ++said;
  }
  CHECK(searches == 0);
  CHECK(kept == 1);
  CHECK(said == 1);
  CHECK(d.stop(SIGTERM) == 0);

  // The same report as a run that was never interrupted.
  CHECK(mlt::test::normalised(uninterrupted_report("crash-optimise-uninterrupted", request)) ==
        mlt::test::normalised(report.raw));
}

TEST_CASE("SIGTERM mid-fit exits on its own, records the trial interrupted, and it resumes after the restart",
          "[integration]") {
  const auto state = mlt::test::fresh_dir("sigterm-resume");
  std::int64_t trial_id = 0;
  {
    daemon_process d(state);
    mlt::test::chat_connection conn(d.port());
    auto& [c, r] = conn;
    r.next();
    mlt::test::propose_and_approve(c, r, "Analyze AAPL with LSTM model on synthetic data");
    bool training = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!training && std::chrono::steady_clock::now() < deadline) {
      auto f = r.next();
      if (f.type() == "reply" && f.num("trial_id") > 0) trial_id = id_of(f, "trial_id");
      std::string_view phase;
      training = f.type() == "event" && f.str("kind") == "progress" &&
                 !f.doc["data"]["phase"].get_string().get(phase) && phase == "train";
    }
    REQUIRE(training);
    // stop() sends SIGKILL after 20 s: exit status 0 means the daemon shut
    // itself down within that bound.
    CHECK(d.stop(SIGTERM) == 0);
  }
  daemon_process d(state);
  mlt::test::chat_connection conn(d.port());
  auto& [c, r] = conn;
  r.next();
  auto before = mlt::test::get_trial(c, r, trial_id);
  CHECK(status_of(before) == "interrupted");
  chat(c, "resume trial " + std::to_string(trial_id));
  CHECK(id_of(r.until("reply"), "trial_id") == trial_id);
  CHECK(id_of(r.until("report", std::chrono::seconds(400)), "trial_id") == trial_id);
  CHECK(d.stop(SIGTERM) == 0);
}
