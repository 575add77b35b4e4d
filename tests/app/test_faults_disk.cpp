// The state directory's disk fills up (a small tmpfs, mounted in a private
// mount namespace of this test process and inherited by the daemon): the
// trial fails with a clear error, the daemon keeps serving, nothing stored is
// damaged, and work resumes once there is space.
//
// Mounting needs root (CAP_SYS_ADMIN). Where it is refused the test checks
// that the refusal is a permission refusal, says so and exits 77, which
// ctest reports as skipped (SKIP_RETURN_CODE in tests/app/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include <sqlite3.h>

#include "tests/support/fault_checks.hpp"

using namespace std::chrono_literals;
using mlt::test::chat;
using mlt::test::frame;

namespace {

constexpr int skip_exit_code = 77;

std::int64_t id_of(const frame& f, const char* key) { return static_cast<std::int64_t>(f.num(key)); }

// A tmpfs of `size` at `dir`, private to this process and its children (the
// mount disappears with them). Skips the test where mounting is refused.
void mount_small_disk(const std::string& dir, const std::string& size) {
  const char* step = "unshare(CLONE_NEWNS)";
  bool ok = ::unshare(CLONE_NEWNS) == 0;
  if (ok) {
    step = "making / private";
    ok = ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
  }
  if (ok) {
    step = "mount -t tmpfs";
    ok = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size + ",mode=0700").c_str()) == 0;
  }
  if (ok) return;
  const int err = errno;
  INFO(step << " failed: " << std::strerror(err));
  // Anything but a refusal of the privilege is a failure, not a skip.
  REQUIRE((err == EPERM || err == EACCES));
  std::cout << "SKIPPED: the disk-full fault needs a tmpfs mount, and " << step << " was refused ("
            << std::strerror(err) << "); run the test as root." << std::endl;
  std::exit(skip_exit_code);
}

// Moves every committed page into the database file and empties the WAL, so
// the daemon's next commit needs new disk space (a WAL reuses its own space).
void truncate_wal(const std::string& state) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((state + "/mltrainer.db").c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  CHECK(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

// Fills the disk of `path` and then gives back `leave` bytes; returns the
// filler's descriptor (closing it and removing the file frees the space).
int fill_disk(const std::string& path, off_t leave) {
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  std::vector<char> chunk(1 << 16, 'f');
  off_t written = 0;
  for (;;) {
    auto n = ::write(fd, chunk.data(), chunk.size());
    if (n <= 0) break;
    written += n;
  }
  REQUIRE(errno == ENOSPC);
  REQUIRE(::ftruncate(fd, written > leave ? written - leave : 0) == 0);
  return fd;
}

}  // namespace

TEST_CASE("when the state directory's disk is full the trial fails clearly, the daemon serves on, the store is "
          "intact, and work resumes once there is space",
          "[integration][faults]") {
  mlt::test::fault_run run("faults-disk");
  const auto& state = run.state;
  std::filesystem::create_directories(state);
  mount_small_disk(state, "8m");
  mlt::test::fault_session s(state, {"--config", mlt::test::fault_config(run.dir)});
  auto& [c, r] = s.conn;
  auto& ack = s.ack;

  // A trial stored while there is room.
  const auto first = mlt::test::approve_trial(c, r, ack, "Run trial on TSLA");
  ack.until(r, "report");
  const auto stored_before = mlt::test::store_view(state).lines();

  truncate_wal(state);
  const auto filler_path = state + "/filler";
  const int filler = fill_disk(filler_path, 192 * 1024);

  // The next trial runs out of space on the way.
  const auto second = mlt::test::approve_trial(c, r, ack, "Run trial on AAPL on synthetic data");
  const auto failed = ack.until(r, "trial_failed", 60s);
  std::size_t shown_of_second = 0;
  for (const auto& [key, text] : ack.lines) shown_of_second += key.first == second;
  CHECK(shown_of_second > 0);  // it failed on the way, not before it began
  CHECK(id_of(failed, "trial_id") == second);
  CHECK(failed.str("code") == "store_failed");
  CHECK_THAT(failed.str("message"), Catch::Matchers::Contains("could not record transcript line") &&
                                        Catch::Matchers::Contains("disk is full"));

  // The daemon serves on: reads work, and a write is refused with the reason.
  c.send(R"({"type":"ping"})");
  ack.until(r, "pong");
  c.send(R"({"type":"get_trial","trial_id":)" + std::to_string(first) + "}");
  CHECK(ack.until(r, "trial").raw.find("\"status\":\"completed\"") != std::string::npos);
  chat(c, "Run trial on MSFT on synthetic data");
  const auto refused = ack.until(r, "error");
  CHECK(refused.str("code") == "store_failed");
  CHECK_THAT(refused.str("message"), Catch::Matchers::Contains("could not record the proposal") &&
                                         Catch::Matchers::Contains("disk is full"));

  // Nothing stored is damaged, and nothing shown is missing.
  {
    mlt::test::store_view store(state);
    CHECK(store.integrity_check() == "ok");
    const auto now_stored = store.lines();
    for (const auto& [key, text] : stored_before) {
      auto it = now_stored.find(key);
      REQUIRE(it != now_stored.end());
      CHECK(it->second == text);
    }
    for (const auto& m : ack.missing_from(store)) FAIL_CHECK(m);
  }

  // Space again: the failed trial resumes to its report, new work is recorded.
  ::close(filler);
  std::filesystem::remove(filler_path);
  chat(c, "resume trial " + std::to_string(second));
  CHECK(id_of(ack.until(r, "reply"), "trial_id") == second);
  CHECK(id_of(ack.until(r, "report"), "trial_id") == second);
  chat(c, "Run trial on MSFT on synthetic data");
  ack.until(r, "proposal");
  CHECK(s.d.stop(SIGTERM) == 0);

  mlt::test::store_view store(state);
  CHECK(store.status(first) == "completed");
  CHECK(store.status(second) == "completed");
  for (const auto& p : run.problems(ack)) FAIL_CHECK(p);
}
