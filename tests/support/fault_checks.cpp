#include "tests/support/fault_checks.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <sqlite3.h>

namespace mlt::test {

scoped_env::~scoped_env() {
  for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
    if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
    else ::unsetenv(it->first.c_str());
  }
}

void scoped_env::set(const std::string& name, const std::string& value) {
  const char* old = std::getenv(name.c_str());
  saved_.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
  ::setenv(name.c_str(), value.c_str(), 1);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::pair<std::string, std::string>> snapshot(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back({e.path().string(), slurp(e.path().string())});
  return out;
}

void fake_secrets::hand_out(scoped_env& env) const {
  env.set("POLYGON_API_KEY", polygon);
  env.set("ANTHROPIC_API_KEY", anthropic);
  env.set("OPENAI_API_KEY", openai);
}

std::vector<std::string> secret_leaks(const std::vector<std::string>& secrets, const std::string& state_dir,
                                      const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  const auto files = snapshot(state_dir);
  for (const auto& secret : secrets) {
    for (const auto& [path, bytes] : files)
      if (bytes.find(secret) != std::string::npos) out.push_back("file " + path);
    for (std::size_t i = 0; i < texts.size(); ++i)
      if (texts[i].find(secret) != std::string::npos) out.push_back("frame " + std::to_string(i) + ": " + texts[i]);
  }
  return out;
}

// ---- store_view

struct store_view::impl {
  sqlite3* db = nullptr;
};

namespace {

// One prepared query; rows are read with `each`.
class query {
public:
  query(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("test query failed: ") + sqlite3_errmsg(db));
  }
  ~query() { sqlite3_finalize(s_); }
  query(const query&) = delete;
  query& operator=(const query&) = delete;
  query& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  query& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.c_str(), -1, SQLITE_TRANSIENT);
    return *this;
  }
  bool row() { return sqlite3_step(s_) == SQLITE_ROW; }
  std::int64_t i64(int c) { return sqlite3_column_int64(s_, c); }
  std::string text(int c) {
    auto p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  }

private:
  sqlite3_stmt* s_ = nullptr;
};

}  // namespace

store_view::store_view(const std::string& state_dir) : impl_(new impl) {
  const auto path = state_dir + "/mltrainer.db";
  if (sqlite3_open_v2(path.c_str(), &impl_->db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string err = impl_->db ? sqlite3_errmsg(impl_->db) : "out of memory";
    sqlite3_close(impl_->db);
    delete impl_;
    throw std::runtime_error("cannot open " + path + ": " + err);
  }
  sqlite3_busy_timeout(impl_->db, 10000);
}

store_view::~store_view() {
  sqlite3_close(impl_->db);
  delete impl_;
}

std::string store_view::integrity_check() {
  query q(impl_->db, "PRAGMA integrity_check");
  std::string out;
  while (q.row()) out += (out.empty() ? "" : "; ") + q.text(0);
  return out;
}

std::optional<std::string> store_view::line(std::int64_t trial_id, std::int64_t seq) {
  query q(impl_->db, "SELECT text FROM events WHERE trial_id=? AND seq=?");
  q.bind(1, trial_id).bind(2, seq);
  if (!q.row()) return std::nullopt;
  return q.text(0);
}

std::map<std::pair<std::int64_t, std::int64_t>, std::string> store_view::lines() {
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> out;
  query q(impl_->db, "SELECT trial_id, seq, text FROM events");
  while (q.row()) out[{q.i64(0), q.i64(1)}] = q.text(2);
  return out;
}

std::optional<std::pair<bool, std::int64_t>> store_view::proposal(std::int64_t proposal_id) {
  query q(impl_->db, "SELECT approved_at IS NOT NULL, COALESCE(trial_id, 0) FROM proposals WHERE id=?");
  q.bind(1, proposal_id);
  if (!q.row()) return std::nullopt;
  return std::make_pair(q.i64(0) != 0, q.i64(1));
}

std::string store_view::status(std::int64_t trial_id) {
  query q(impl_->db, "SELECT status FROM trials WHERE id=?");
  q.bind(1, trial_id);
  return q.row() ? q.text(0) : std::string();
}

std::vector<std::int64_t> store_view::trials_with_status(const std::string& status) {
  std::vector<std::int64_t> out;
  query q(impl_->db, "SELECT id FROM trials WHERE status=? ORDER BY id");
  q.bind(1, status);
  while (q.row()) out.push_back(q.i64(0));
  return out;
}

// ---- what the person saw

std::string fault_config(const std::string& dir, const std::string& extra) {
  const std::string path = dir + "/mltrainer.json";
  std::ofstream out(path);
  out << R"({"trial_defaults": {"model": "logistic", "data_source": "synthetic", "wf_folds": 2})" << extra << "}\n";
  return path;
}

void acknowledged::note(const frame& f) {
  frames.push_back(f.raw);
  const auto type = f.type();
  if (type == "proposal") proposals.insert(static_cast<std::int64_t>(f.num("proposal_id")));
  if (type == "event")
    lines[{static_cast<std::int64_t>(f.num("trial_id")), static_cast<std::int64_t>(f.num("seq"))}] = f.str("text");
  // "Approved proposal 4. Trial 4 is starting..."
  const std::string approved = "Approved proposal ";
  if (type == "reply" && f.str("text").rfind(approved, 0) == 0)
    approvals[std::stoll(f.str("text").substr(approved.size()))] = static_cast<std::int64_t>(f.num("trial_id"));
}

frame acknowledged::until(frame_reader& r, const std::string& type, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto start = frames.size();
  try {
    while (std::chrono::steady_clock::now() < deadline) {
      auto f = r.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      note(f);
      if (f.type() == type) return f;
      if (type == "report" && f.type() == "trial_failed") throw std::runtime_error("the trial failed: " + f.raw);
    }
  } catch (const std::runtime_error& e) {
    std::string last;
    for (auto i = std::max(start, frames.size() > 3 ? frames.size() - 3 : 0); i < frames.size(); ++i)
      last += "\n  " + frames[i].substr(0, 300);
    throw std::runtime_error(std::string(e.what()) + " (waiting for '" + type + "'; last frames:" + last + ")");
  }
  throw std::runtime_error("no '" + type + "' frame in time");
}

void acknowledged::drain(frame_reader& r, std::chrono::milliseconds how_long) {
  const auto deadline = std::chrono::steady_clock::now() + how_long;
  for (auto left = how_long; left.count() > 0;
       left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())) {
    try {
      note(r.next(left));
    } catch (const std::runtime_error&) {
      return;  // nothing more within the time (or the connection is gone)
    }
  }
}

std::vector<std::string> acknowledged::missing_from(store_view& store) const {
  std::vector<std::string> out;
  const auto stored = store.lines();
  for (const auto& [key, text] : lines) {
    auto it = stored.find(key);
    const auto where = "trial " + std::to_string(key.first) + " line " + std::to_string(key.second);
    if (it == stored.end()) out.push_back(where + " is missing: " + text);
    else if (it->second != text) out.push_back(where + " differs: shown '" + text + "', stored '" + it->second + "'");
  }
  for (auto id : proposals)
    if (!store.proposal(id)) out.push_back("proposal " + std::to_string(id) + " is missing");
  for (const auto& [pid, tid] : approvals) {
    auto p = store.proposal(pid);
    if (!p || !p->first || p->second != tid)
      out.push_back("the approval of proposal " + std::to_string(pid) + " (trial " + std::to_string(tid) + ") is missing");
    if (store.status(tid).empty()) out.push_back("trial " + std::to_string(tid) + " is missing");
  }
  return out;
}

std::int64_t approve_trial(net::ws_client& c, frame_reader& r, acknowledged& ack, const std::string& request) {
  chat(c, request);
  approve(c, ack.until(r, "proposal"));
  return static_cast<std::int64_t>(ack.until(r, "reply").num("trial_id"));
}

fault_run::fault_run(const std::string& name) : dir(fresh_dir(name)), state(dir + "/state") {
  secrets.hand_out(env);
}

std::vector<std::string> store_problems(const std::string& state_dir, const acknowledged& ack) {
  store_view store(state_dir);
  auto out = ack.missing_from(store);
  const auto integrity = store.integrity_check();
  if (integrity != "ok") out.push_back("integrity_check: " + integrity);
  return out;
}

std::vector<std::string> fault_run::problems(const acknowledged& ack) const {
  auto out = store_problems(state, ack);
  for (auto& leak : secret_leaks(secrets.all(), state, ack.frames)) out.push_back("a secret is in " + leak);
  return out;
}

fault_session::fault_session(const std::string& state, const std::vector<std::string>& flags)
    : d(state, flags), conn(d.port()) {
  ack.note(conn.r.next());
}

// ---- exclusive_lock

exclusive_lock::exclusive_lock(const std::string& db_path, pid_t daemon_pid, int hold_ms) {
  if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + db_path);
  }
  bool locked = false;
  for (int attempt = 0; attempt < 2000 && !locked; ++attempt) {
    int status = 0;
    if (::kill(daemon_pid, SIGSTOP) != 0 || ::waitpid(daemon_pid, &status, WUNTRACED) != daemon_pid) break;
    // In WAL mode EXCLUSIVE takes the write lock at once: every writer waits.
    locked = sqlite3_exec(db_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK;
    ::kill(daemon_pid, SIGCONT);
    if (!locked) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!locked) {
    sqlite3_close(db_);
    throw std::runtime_error("could not take an exclusive lock on " + db_path);
  }
  releaser_ = std::thread([this, hold_ms] {
    std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
    committed_ = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  });
}

bool exclusive_lock::release() {
  if (releaser_.joinable()) releaser_.join();
  return committed_;
}

exclusive_lock::~exclusive_lock() {
  release();
  sqlite3_close(db_);
}

}  // namespace mlt::test
