// Load and soak against the real daemon (issue 17), started as a process on a
// free loopback port with a fresh state folder and the synthetic market only.
//
// Load: one trial holds the daemon's one trainer (it loads from a stand-in
// Polygon that does not answer), Q more wait in the queue, then S WebSocket
// sessions chat to a proposal three times each, all at once, while
// GET /api/trials is polled; then the queue is emptied and the same number of
// sessions comes, chats and goes once more (memory kept or leaked?).
// Soak: N short trials back to back (synthetic TSLA 2018-2020, logistic, two
// walk-forward folds; the rules brain may still switch models), with a
// progress line per hundred.
// The daemon's memory is its VmRSS from /proc. Limits are raised only
// through the config file (max_sessions, max_queue, messages_per_minute,
// max_concurrent_trials 1).
//
//   bench_load [--sessions S=1000] [--queued Q=50] [--trials N=2000] [--io-threads T=1]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_load_measure.hpp"
#include "bench/bench_load_poll.hpp"
#include "bench/bench_load_pool.hpp"
#include "bench/bench_load_stall.hpp"
#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

using namespace mlt::bench;

namespace {

struct options {
  int sessions = 1000;
  int queued = 50;
  int trials = 2000;
  int io_threads = 1;  // the daemon's server.io_threads (its default is 1)
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    int* target = a == "--sessions"     ? &o.sessions
                  : a == "--queued"     ? &o.queued
                  : a == "--trials"     ? &o.trials
                  : a == "--io-threads" ? &o.io_threads
                                        : nullptr;
    if (!target || i + 1 >= argc)
      throw std::runtime_error("usage: bench_load [--sessions N] [--queued N] [--trials N] [--io-threads N]; got '" +
                               a + "'");
    *target = std::stoi(argv[++i]);
    if (*target < 1) throw std::runtime_error(a + " must be at least 1");
  }
  return o;
}

// Each session holds a socket in the bench and one in the daemon (which inherits the limit).
void raise_fd_limit(int needed) {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < static_cast<rlim_t>(needed))
    throw std::runtime_error("RLIMIT_NOFILE hard limit " + std::to_string(r.rlim_max) + " is below the " +
                             std::to_string(needed) + " descriptors needed; raise it (ulimit -Hn)");
}

using mlt::test::frame;
using mlt::test::frame_reader;

// The next frame within `wait`, parsed by `p` (valid until its next parse), or nothing.
std::optional<frame> poll_frame(mlt::net::ws_client& c, simdjson::dom::parser& p, std::chrono::milliseconds wait) {
  auto raw = c.read(wait);
  if (!raw) return std::nullopt;
  frame f;
  f.raw = std::move(*raw);
  if (p.parse(f.raw).get(f.doc)) throw std::runtime_error("invalid JSON from the daemon: " + f.raw);
  return f;
}

// Reads until a frame of `type`; an `error` frame first is a failure.
frame expect(frame_reader& r, const std::string& type, std::chrono::seconds timeout = 120s) {
  const auto deadline = steady::now() + timeout;
  while (steady::now() < deadline) {
    auto f = r.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()));
    if (f.type() == type) return f;
    if (f.type() == "error") throw std::runtime_error("expected '" + type + "', the daemon answered " + f.raw);
  }
  throw std::runtime_error("no '" + type + "' frame within " + std::to_string(timeout.count()) + " s");
}

// Chats `request`, approves its proposal and returns the trial id from the reply.
std::int64_t start_trial(mlt::net::ws_client& c, frame_reader& r, const std::string& request) {
  mlt::test::chat(c, request);
  mlt::test::approve(c, expect(r, "proposal"));
  for (;;) {
    auto reply = expect(r, "reply");
    std::int64_t id = 0;
    if (!reply.doc["trial_id"].get_int64().get(id)) return id;
  }
}

// The trial's end: its report (checked for real test numbers) or a failure.
std::string await_report(frame_reader& r, std::int64_t id) {
  for (;;) {
    auto f = r.next(600s);
    const auto type = f.type();
    if (type != "report" && type != "trial_failed") continue;
    if (static_cast<std::int64_t>(f.num("trial_id")) != id) continue;
    if (type == "trial_failed") return "trial " + std::to_string(id) + " failed: " + f.raw.substr(0, 300);
    frame test{f.raw, f.doc["metrics"]["test"]};
    const double acc = test.num("accuracy");
    if (!(test.num("n") > 20 && acc >= 0 && acc <= 1)) return "implausible report: " + f.raw.substr(0, 300);
    return "";
  }
}

std::string str_field(simdjson::dom::element doc, const char* key) {
  std::string_view v;
  return doc[key].get_string().get(v) ? std::string() : std::string(v);
}

// Three lines, each a new proposal revision; each checked for what it asked.
const mlt::bench::chat_script chat_three_times{
    {"Run trial on TSLA using synthetic data", "use logistic", "horizon 5"},
    [](std::size_t line, simdjson::dom::element p) -> std::string {
      std::int64_t horizon = 0;
      const auto symbol = str_field(p, "symbol");
      const auto model = str_field(p, "model");
      const bool has_horizon = !p["horizon"].get_int64().get(horizon);
      if (symbol != "TSLA") return "proposal for '" + symbol + "', not TSLA";
      if (line >= 1 && model != "logistic") return "model '" + model + "' after 'use logistic'";
      if (line >= 2 && (!has_horizon || horizon != 5)) return "horizon " + std::to_string(horizon) + " after 'horizon 5'";
      return "";
    }};

const char* blocker_request = "Run trial on SPY with logistic using polygon data";
const char* short_request =
    "Run trial on TSLA with logistic using synthetic data from 2018-01-01 to 2020-12-31 with 2 folds";

struct load_figures {
  double rss_before_queue = 0, rss_queued = 0, rss_idle_sessions = 0, rss_peak = 0, rss_after = 0;
  double rss_after_again = 0;  // after the same sessions came, chatted and went a second time
  mlt::bench::chat_result chat, chat_again;
  mlt::bench::poll_result poll;
  std::vector<std::string> open_problems;
  std::string blocker_problem;
};

// The load phase; leaves no trial running or queued behind it.
load_figures run_load(const options& o, const mlt::test::daemon_process& d, mlt::bench::stalled_polygon& polygon) {
  load_figures f;
  mlt::test::chat_connection control(d.port());
  auto& [c, r] = control;
  expect(r, "hello");
  const auto blocker = start_trial(c, r, blocker_request);
  for (int i = 0; i < 600 && polygon.requests() == 0; ++i) std::this_thread::sleep_for(100ms);
  if (polygon.requests() == 0) throw std::runtime_error("the trial holding the trainer never asked Polygon");
  f.rss_before_queue = rss_mib(d.pid());
  std::vector<std::int64_t> queued;
  for (int i = 0; i < o.queued; ++i) queued.push_back(start_trial(c, r, short_request));
  f.rss_queued = rss_mib(d.pid());

  mlt::bench::session_pool pool(d.port(), o.sessions);
  f.open_problems = pool.open(300s);
  f.rss_idle_sessions = rss_mib(d.pid());

  rss_sampler sampler(d.pid());
  mlt::bench::trials_poller poller(d.port(), 100ms);
  f.chat = pool.chat(chat_three_times, 600s);
  f.poll = poller.stop();
  f.rss_peak = sampler.stop();
  pool.close();

  // The queue must have been full the whole time: the trial holding the trainer still waiting.
  simdjson::dom::parser parser;
  auto ended = [&](const frame& fr) { return fr.type() == "report" || fr.type() == "trial_failed"; };
  while (auto fr = poll_frame(c, parser, 200ms))
    if (ended(*fr) && static_cast<std::int64_t>(fr->num("trial_id")) == blocker)
      f.blocker_problem = "the trial holding the trainer ended before the chat load did; the queue drained";
  // The queued trials are cancelled first, then the held one fails on Polygon's 401.
  for (auto id : queued) c.send(R"({"type":"cancel","trial_id":)" + std::to_string(id) + "}");
  polygon.release();
  std::set<std::int64_t> waiting(queued.begin(), queued.end());
  waiting.insert(blocker);
  const auto deadline = steady::now() + 300s;
  while (!waiting.empty() && steady::now() < deadline)
    if (auto fr = poll_frame(c, parser, 1000ms); fr && ended(*fr))
      waiting.erase(static_cast<std::int64_t>(fr->num("trial_id")));
  if (!waiting.empty())
    throw std::runtime_error(std::to_string(waiting.size()) + " trials not ended within 300 s of their cancel");
  std::this_thread::sleep_for(1s);  // the closed sessions' actors gone
  f.rss_after = rss_mib(d.pid());
  // Memory kept after the sessions left is either reused or leaked: a second
  // round of the same sessions tells which.
  mlt::bench::session_pool again(d.port(), o.sessions);
  for (auto& p : again.open(300s)) f.open_problems.push_back("second round: " + p);
  f.chat_again = again.chat(chat_three_times, 600s);
  again.close();
  std::this_thread::sleep_for(1s);
  f.rss_after_again = rss_mib(d.pid());
  return f;
}

void print_load(const options& o, const load_figures& f) {
  const auto& ch = f.chat;
  const std::string ctx = "\"sessions\":" + std::to_string(o.sessions) + ",\"queued\":" + std::to_string(o.queued) +
                          ",\"io_threads\":" + std::to_string(o.io_threads) +
                          ",\"answered\":" + std::to_string(ch.latency_ms.size());
  emit("load_chat_to_proposal_p50", percentile(ch.latency_ms, 0.5), "ms", ctx);
  emit("load_chat_to_proposal_p99", percentile(ch.latency_ms, 0.99), "ms", ctx);
  emit("load_chat_to_proposal_max", percentile(ch.latency_ms, 1.0), "ms", ctx);
  emit("load_frames_per_second", static_cast<double>(ch.frames_in + ch.frames_out) / std::max(ch.seconds, 1e-9),
       "frames/s",
       "\"frames_in\":" + std::to_string(ch.frames_in) + ",\"frames_out\":" + std::to_string(ch.frames_out) +
           ",\"seconds\":" + std::to_string(ch.seconds));
  std::vector<std::string> problems = f.open_problems;
  problems.insert(problems.end(), ch.problems.begin(), ch.problems.end());
  problems.insert(problems.end(), f.chat_again.problems.begin(), f.chat_again.problems.end());
  problems.insert(problems.end(), f.poll.problems.begin(), f.poll.problems.end());
  if (!f.blocker_problem.empty()) problems.push_back(f.blocker_problem);
  const auto errors = static_cast<double>(f.open_problems.size()) +
                      static_cast<double>(ch.errors + f.chat_again.errors + f.poll.errors) +
                      (f.blocker_problem.empty() ? 0 : 1);
  emit("load_errors", errors, "count", "\"aim\":0,\"problems\":" + json_list(problems));
  emit("load_api_trials_p50", percentile(f.poll.latency_ms, 0.5), "ms",
       "\"requests\":" + std::to_string(f.poll.latency_ms.size()) +
           ",\"p99_ms\":" + std::to_string(percentile(f.poll.latency_ms, 0.99)));
  emit("load_daemon_rss_peak", f.rss_peak, "MiB",
       "\"before_queue\":" + std::to_string(f.rss_before_queue) + ",\"idle_sessions\":" +
           std::to_string(f.rss_idle_sessions) + ",\"after_cancel_and_close\":" + std::to_string(f.rss_after));
  emit("load_rss_after_second_round", f.rss_after_again, "MiB",
       "\"after_first_round\":" + std::to_string(f.rss_after) + ",\"sessions\":" + std::to_string(o.sessions));
  emit("load_rss_per_queued_trial", (f.rss_queued - f.rss_before_queue) * 1024.0 / o.queued, "KiB",
       "\"queued\":" + std::to_string(o.queued));
  emit("load_rss_per_idle_session", (f.rss_idle_sessions - f.rss_queued) * 1024.0 / o.sessions, "KiB",
       "\"sessions\":" + std::to_string(o.sessions));
}

// The soak phase: N short trials back to back on one session.
int run_soak(const options& o, const mlt::test::daemon_process& d, const std::string& state) {
  const std::string db = state + "/mltrainer.db";
  mlt::test::chat_connection conn(d.port());
  auto& c = conn.c;
  {
    frame_reader r(c);
    expect(r, "hello");
  }
  const double rss_start = rss_mib(d.pid()), db_start = db_mib(db), dir_start = dir_mib(state);
  std::vector<double> seconds, cpu;
  std::vector<std::string> problems;
  int errors = 0;
  double rss_peak = rss_start;
  for (int i = 0; i < o.trials; ++i) {
    frame_reader r(c);  // per trial: the reader keeps every frame it parsed
    const auto start = steady::now();
    const double cpu_start = cpu_seconds(d.pid());
    std::string bad;
    try {
      bad = await_report(r, start_trial(c, r, short_request));
    } catch (const std::exception& e) {
      bad = e.what();
    }
    seconds.push_back(std::chrono::duration<double>(steady::now() - start).count());
    cpu.push_back(cpu_seconds(d.pid()) - cpu_start);
    if (!bad.empty() && ++errors <= 5) problems.push_back("trial " + std::to_string(i + 1) + ": " + bad);
    if ((i + 1) % 100 == 0) {
      // A line per hundred: a soak of an hour shows it is alive, and its
      // figures so far survive an interrupted run.
      const double rss = rss_mib(d.pid());
      rss_peak = std::max(rss_peak, rss);
      const auto done = static_cast<std::size_t>(i + 1);
      emit("soak_progress", static_cast<double>(done), "trials",
           "\"rss_mib\":" + std::to_string(rss) + ",\"db_mib\":" + std::to_string(db_mib(db)) +
               ",\"failed\":" + std::to_string(errors) + ",\"wall_s_per_trial\":" +
               std::to_string(mean(seconds, done - 100, done)) +
               ",\"cpu_s_per_trial\":" + std::to_string(mean(cpu, done - 100, done)));
      std::fflush(stdout);
    }
  }
  const double rss_end = rss_mib(d.pid()), db_end = db_mib(db), dir_end = dir_mib(state);
  const auto n = static_cast<std::size_t>(o.trials);
  const std::size_t window = std::min<std::size_t>(100, n / 2 ? n / 2 : 1);
  const double first = mean(seconds, 0, window), last = mean(seconds, n - window, n);
  const double first_cpu = mean(cpu, 0, window), last_cpu = mean(cpu, n - window, n);
  const std::string ctx = "\"trials\":" + std::to_string(n);
  emit("soak_trials_failed", errors, "count", ctx + ",\"aim\":0,\"problems\":" + json_list(problems));
  emit("soak_rss_start", rss_start, "MiB", ctx);
  emit("soak_rss_end", rss_end, "MiB", ctx + ",\"peak_sampled_every_100\":" + std::to_string(rss_peak));
  emit("soak_db_growth_per_trial", (db_end - db_start) * 1024.0 / static_cast<double>(n), "KiB",
       ctx + ",\"db_start_mib\":" + std::to_string(db_start) + ",\"db_end_mib\":" + std::to_string(db_end));
  emit("soak_state_dir_growth_per_trial", (dir_end - dir_start) * 1024.0 / static_cast<double>(n), "KiB",
       ctx + ",\"what\":\"database, WAL, kept models, log\"");
  emit("soak_time_per_trial_first", first, "s", ctx + ",\"window\":" + std::to_string(window));
  emit("soak_time_per_trial_last", last, "s", ctx + ",\"window\":" + std::to_string(window));
  emit("soak_last_over_first", last / first, "ratio", ctx + ",\"clock\":\"wall\"");
  emit("soak_daemon_cpu_per_trial_first", first_cpu, "s", ctx + ",\"window\":" + std::to_string(window));
  emit("soak_daemon_cpu_per_trial_last", last_cpu, "s", ctx + ",\"window\":" + std::to_string(window));
  emit("soak_daemon_cpu_last_over_first", last_cpu / first_cpu, "ratio", ctx + ",\"aim\":\"<= 1.1\"");
  return errors;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto o = parse(argc, argv);
    raise_fd_limit(2 * o.sessions + 256);
    const auto state = mlt::test::fresh_dir("bench-load-state");
    const auto config = state + ".json";
    // The soak's one session sends two frames a trial (chat, approve): above
    // the default 120 a minute once a trial takes under a second.
    std::ofstream(config) << R"({"server":{"io_threads":)" << o.io_threads << R"(},"limits":{"max_sessions":)"
                          << o.sessions + 16 << R"(,"max_queue":)" << std::max(o.queued + 16, 32)
                          << R"(,"max_concurrent_trials":1,"messages_per_minute":6000}})";
    // Polygon is the stand-in; the key is a dummy it never checks.
    mlt::bench::stalled_polygon polygon;
    setenv("POLYGON_API_KEY", "bench-load-dummy-key", 1);
    setenv("POLYGON_BASE_URL", ("http://127.0.0.1:" + std::to_string(polygon.port())).c_str(), 1);
    mlt::test::daemon_process d(state, {"--config", config, "--data-dir", ""});
    {
      // A first trial warms the daemon (allocator, caches) before anything is measured.
      mlt::test::chat_connection warm(d.port());
      expect(warm.r, "hello");
      const auto bad = await_report(warm.r, start_trial(warm.c, warm.r, short_request));
      if (!bad.empty()) throw std::runtime_error("warm-up trial: " + bad);
    }
    const auto load = run_load(o, d, polygon);
    print_load(o, load);
    const int soak_errors = run_soak(o, d, state);
    const int exit_status = d.stop();
    emit("daemon_exit_status", exit_status, "code", "\"aim\":0");
    const bool ok = load.open_problems.empty() && load.chat.errors == 0 && load.chat_again.errors == 0 &&
                    load.poll.errors == 0 &&
                    load.blocker_problem.empty() && soak_errors == 0 && exit_status == 0;
    fs::remove_all(state);
    fs::remove(config);
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_load: %s\n", e.what());
    return 1;
  }
}
