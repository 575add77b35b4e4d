#pragma once
/// Test helpers for the fault-injection tests: environment variables set for
/// the daemon a test starts, the state directory's bytes, secret leaks, and
/// what the store holds, read with a connection of the test's own.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <thread>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

struct sqlite3;

namespace mlt::test {

/// Sets environment variables for the daemon a test starts; restores them after.
class scoped_env {
public:
  scoped_env() = default;
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;
  ~scoped_env();
  void set(const std::string& name, const std::string& value);

private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

/// A file's bytes ("" if it cannot be read).
std::string slurp(const std::string& path);

/// Path and bytes of every regular file under `dir` (database, WAL, log, cache, models).
std::vector<std::pair<std::string, std::string>> snapshot(const std::string& dir);

/// Fake secrets a fault test hands the daemon (through the environment, see
/// `hand_out`) and then looks for everywhere the outside can see.
struct fake_secrets {
  std::string polygon = "pk-fake-POLYGON-faults-3e9b1d";
  std::string anthropic = "sk-ant-fake-ANTHROPIC-faults-7c20";
  std::string openai = "sk-fake-OPENAI-faults-a4f6";
  std::vector<std::string> all() const { return {polygon, anthropic, openai}; }
  /// Sets POLYGON_API_KEY, ANTHROPIC_API_KEY and OPENAI_API_KEY.
  void hand_out(scoped_env& env) const;
};

/// Where any of `secrets` occurs: "file PATH" for a file under `state_dir`
/// (the log, the database and its WAL included), "frame N" for an entry of
/// `texts` (frames the client received). Empty when nothing leaked.
std::vector<std::string> secret_leaks(const std::vector<std::string>& secrets, const std::string& state_dir,
                                      const std::vector<std::string>& texts);

/// The store as it is on disk, read through a read-only connection of the test's own.
class store_view {
public:
  explicit store_view(const std::string& state_dir);
  ~store_view();
  store_view(const store_view&) = delete;
  store_view& operator=(const store_view&) = delete;

  /// "ok" or what `PRAGMA integrity_check` reports.
  std::string integrity_check();
  /// The stored text of transcript line `seq` of `trial_id`, if stored.
  std::optional<std::string> line(std::int64_t trial_id, std::int64_t seq);
  /// Every stored transcript line: (trial, seq) -> text.
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> lines();
  /// The proposal's approval as stored: (approved, trial id), or nullopt if the proposal is absent.
  std::optional<std::pair<bool, std::int64_t>> proposal(std::int64_t proposal_id);
  /// The trial's status ("" when there is no such trial).
  std::string status(std::int64_t trial_id);
  /// Ids of the trials in `status`, oldest first.
  std::vector<std::int64_t> trials_with_status(const std::string& status);

private:
  struct impl;
  impl* impl_;
};

/// Writes DIR/mltrainer.json for a fault test: quick trials (logistic on the
/// synthetic market, two walk-forward folds) and `extra` top-level keys
/// (e.g. `"schedules": [...]`, with a leading comma); returns its path.
std::string fault_config(const std::string& dir, const std::string& extra = "");

/// What the person was shown, and so what the store must keep: transcript
/// lines, proposals and approvals, gathered from the frames as they arrive.
struct acknowledged {
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> lines;  ///< (trial, seq) -> text
  std::set<std::int64_t> proposals;
  std::map<std::int64_t, std::int64_t> approvals;  ///< proposal -> trial
  std::vector<std::string> frames;                 ///< every frame's text, for the secret check
  void note(const frame& f);
  /// Reads frames from `r`, noting each, until one of `type` arrives; throws
  /// naming the last frames if none does in time, and at once with the
  /// failure when a trial fails while a report is awaited.
  frame until(frame_reader& r, const std::string& type, std::chrono::seconds timeout = std::chrono::seconds(120));
  /// Reads and notes frames for `how_long`, whatever arrives.
  void drain(frame_reader& r, std::chrono::milliseconds how_long);
  /// Every acknowledged item the store lacks or holds differently, one text each.
  std::vector<std::string> missing_from(store_view& store) const;
};

/// Chats `request`, approves its proposal and returns the new trial's id
/// (every frame noted in `ack`).
std::int64_t approve_trial(net::ws_client& c, frame_reader& r, acknowledged& ack, const std::string& request);

/// A fault test's surroundings: the fake secrets handed out (more variables
/// may be set on `env` before a daemon starts), a fresh directory `dir` with
/// the state directory `state` inside.
struct fault_run {
  explicit fault_run(const std::string& name);
  fake_secrets secrets;
  scoped_env env;
  std::string dir, state;
  /// What is wrong after a fault, one text each (none is the aim): the
  /// database's integrity_check, what `ack` saw that the store lacks, and
  /// every fake secret found in the state directory or a frame.
  std::vector<std::string> problems(const acknowledged& ack) const;
};

/// A daemon on `state` started with `flags`, and a person's chat connection
/// to it whose hello is already noted in `ack`.
struct fault_session {
  fault_session(const std::string& state, const std::vector<std::string>& flags);
  daemon_process d;
  chat_connection conn;
  acknowledged ack;
};

/// The database's integrity_check unless "ok", and what `ack` saw that the store lacks.
std::vector<std::string> store_problems(const std::string& state_dir, const acknowledged& ack);

/// This test process, for the daemon another process, holding an EXCLUSIVE
/// transaction on the database: the constructor returns once the lock is
/// held; a thread of its own commits after `hold_ms`. The lock is taken
/// while the daemon (`daemon_pid`, a child of this process) is paused with
/// SIGSTOP between two of its transactions: a daemon that commits back to
/// back leaves gaps too short for anyone polling.
class exclusive_lock {
public:
  exclusive_lock(const std::string& db_path, pid_t daemon_pid, int hold_ms);
  ~exclusive_lock();
  exclusive_lock(const exclusive_lock&) = delete;
  exclusive_lock& operator=(const exclusive_lock&) = delete;
  /// Waits for the commit; true if the lock was held throughout and committed.
  bool release();

private:
  sqlite3* db_ = nullptr;
  std::thread releaser_;
  bool committed_ = false;
};

}  // namespace mlt::test
