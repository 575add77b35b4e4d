// The `mltrainer` client as a person sees it: its pieces (bars, sparkline,
// tables, CSV), then `ask --yes` piped and `chat` under a pseudo-terminal
// against the real daemon, the subcommands, and the report files.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "actors/report_csv.hpp"
#include "app/client_view.hpp"
#include "app/report_view.hpp"
#include "net/http_client.hpp"
#include "tests/support/daemon_process.hpp"

using namespace std::chrono_literals;

namespace {

const std::regex colour_code("\033\\[[0-9;]*m");

bool has_colour(const std::string& s) { return std::regex_search(s, colour_code); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A small report frame with the fields the views read.
const char* sample_report = R"({"type":"report","trial_id":7,"symbol":"TSLA","model":"logistic","data_source":"csv",
  "data":{"source":"csv","origin":"TSLA.csv","synthetic":false,"first_date":"2020-01-02","last_date":"2024-12-31","bars":1200,
          "test_first_date":"2024-01-02","test_last_date":"2024-12-31"},
  "metrics":{"train":{"n":800,"accuracy":0.56,"balanced_accuracy":0.55,"roc_auc":0.58,"log_loss":0.68,"base_rate":0.52},
             "validation":{"n":200,"accuracy":0.53,"balanced_accuracy":0.52,"roc_auc":0.54,"log_loss":0.69,"base_rate":0.5},
             "test":{"n":200,"accuracy":0.51,"balanced_accuracy":0.5,"roc_auc":0.51,"log_loss":0.7,"base_rate":0.49}},
  "paper":{"total_return":0.031,"cagr":0.03,"sharpe":0.45,"max_drawdown":0.051,"trades":3,"win_rate":0.66,"exposure":0.4},
  "buy_hold":{"total_return":0.082,"cagr":0.08,"sharpe":0.8,"max_drawdown":0.12,"trades":1,"win_rate":1,"exposure":1},
  "equity":[{"date":"2024-01-02","equity":100,"drawdown":0},{"date":"2024-01-03","equity":90,"drawdown":0.1},
            {"date":"2024-01-04","equity":110,"drawdown":0}],
  "buy_hold_equity":[{"date":"2024-01-02","equity":100,"drawdown":0},{"date":"2024-01-04","equity":120,"drawdown":0}],
  "trades":[{"side":"long","size":10,"entry_date":"2024-01-02","entry_price":10,"exit_date":"2024-01-03","exit_price":11,
             "pnl":10,"return":0.1,"open":false},
            {"side":"long, again","size":5,"entry_date":"2024-01-04","entry_price":12,"exit_date":null,"exit_price":null,
             "pnl":0,"return":0,"open":true}],
  "walk_forward":{"folds":[{"fold":1,"first":"2022-01-03","last":"2022-12-30","n":250,"accuracy":0.52,"auc":0.53,"majority_rate":0.51},
                           {"fold":2,"first":"2023-01-03","last":"2023-12-29","n":250,"accuracy":0.5,"auc":0.5,"majority_rate":0.53}],
                  "pooled":{"n":500,"accuracy":0.51,"accuracy_se":0.022,"auc":0.515,"majority_rate":0.52}},
  "sections":{"answer":"No edge | worth trading.","analysis":"Accuracy near the base rate."},
  "text":"ANSWER\nNo edge worth trading."})";

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& s) {
  simdjson::dom::element e;
  REQUIRE_FALSE(p.parse(s).get(e));
  return e;
}

struct run_result {
  int status = -1;
  std::string out;
};

// Runs a shell command with its output piped (not a terminal).
run_result run(const std::string& cmd) {
  run_result r;
  FILE* f = popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(f);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
  const int st = pclose(f);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string client() { return mlt::test::binary("app/mltrainer"); }

// `mltrainer ARGS` on a pseudo-terminal of 120 columns, as a person runs it.
class pty_process {
public:
  pty_process(const std::vector<std::string>& args, bool no_colour) {
    winsize ws{};
    ws.ws_col = 120;
    ws.ws_row = 40;
    pid_ = forkpty(&fd_, nullptr, nullptr, &ws);
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      setenv("TERM", "xterm-256color", 1);
      if (no_colour) setenv("NO_COLOR", "1", 1);
      else unsetenv("NO_COLOR");
      std::vector<char*> argv;
      const std::string exe = client();
      argv.push_back(const_cast<char*>(exe.c_str()));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(exe.c_str(), argv.data());
      _exit(127);
    }
  }
  ~pty_process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }
  void type(const std::string& line) { REQUIRE(write(fd_, line.data(), line.size()) == static_cast<ssize_t>(line.size())); }
  // Reads until `part` has appeared `times` times; false on timeout or exit.
  bool wait_for(const std::string& part, std::chrono::seconds timeout, int times = 1) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      int seen = 0;
      for (auto at = out.find(part); at != std::string::npos; at = out.find(part, at + 1)) ++seen;
      if (seen >= times) return true;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buf[4096];
      const auto n = read(fd_, buf, sizeof buf);
      if (n <= 0) return false;  // the client exited (EIO on Linux)
      out.append(buf, static_cast<std::size_t>(n));
    }
    return false;
  }
  int wait_exit() {
    std::string rest;
    wait_for("\x01never", 5s);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  std::string out;

private:
  pid_t pid_ = -1;
  int fd_ = -1;
};

mlt::net::http_response http_get(std::uint16_t port, const std::string& target) {
  mlt::net::http_client c;
  mlt::net::http_request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + target;
  return c.send(req);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a progress bar fills by its fraction and has colour only when asked", "[client]") {
  mlt::app::terminal plain, colour;
  colour.tty = colour.colour = true;
  const auto half = mlt::app::client_view::bar_line("fit", 0.5, "xgboost round 80/160", plain);
  CHECK(contains(half, "[████████████            ]  50%"));
  CHECK(contains(half, "xgboost round 80/160"));
  CHECK_FALSE(has_colour(half));
  CHECK(contains(mlt::app::client_view::bar_line("fit", 1.0, "", plain), "100%"));
  CHECK(contains(mlt::app::client_view::bar_line("fit", 1.0 / 48, "", plain), "[▌"));
  CHECK(has_colour(mlt::app::client_view::bar_line("fit", 0.5, "", colour)));
  // A redrawn line must never wrap: cut to the width, escapes kept whole.
  const auto cut = mlt::app::fit_width(mlt::app::client_view::bar_line("fit", 0.5, std::string(200, 'x'), colour), 60);
  CHECK(mlt::app::display_width(cut) == 60);
  CHECK(cut.substr(cut.size() - 4) == "\033[0m");
}

namespace {
std::string train_event(int step, double fraction) {
  return R"({"type":"event","kind":"progress","speaker":"engine","text":"logistic iteration )" + std::to_string(step) +
         R"(/50","data":{"phase":"train","model":"logistic","step":)" + std::to_string(step) +
         R"(,"total":50,"unit":"iteration","fraction":)" + std::to_string(fraction) + R"(,"train_loss":0.69,"val_loss":0.7,"val_accuracy":0.5}})";
}
}  // namespace

TEST_CASE("a terminal gets one bar per fit redrawn in place; a pipe gets thinned lines with each fit's last", "[client]") {
  simdjson::dom::parser p;
  const std::vector<std::string> events = {train_event(1, 0.02), train_event(2, 0.04), train_event(3, 1.0),
                                           train_event(1, 0.02)};  // a refit of the same model
  std::ostringstream tty_out, pipe_out;
  mlt::app::terminal tty;
  tty.tty = true;
  tty.width = 200;
  mlt::app::client_view on_tty(tty_out, tty), on_pipe(pipe_out, mlt::app::terminal{});
  for (const auto& e : events) {
    on_tty.frame(parse(p, e));
    on_pipe.frame(parse(p, e));
  }
  const auto t = tty_out.str();
  INFO(t);
  CHECK(std::count(t.begin(), t.end(), '\n') == 1);  // the refit starts a second bar
  int redraws = 0;
  for (auto at = t.find("\r\033[K"); at != std::string::npos; at = t.find("\r\033[K", at + 1)) ++redraws;
  CHECK(redraws == 2);
  CHECK(contains(t, "100%  logistic iteration 3/50 · train loss 0.6900 · val loss 0.7000 · val acc 50.0%\n"));
  // Piped: step 3 ends the fit early (fraction 1), so it is shown; 1 and 2 are thinned away.
  CHECK(pipe_out.str() == "  ... logistic iteration 3/50\n");
}

TEST_CASE("a sparkline scales to the range and ends on the last value", "[client]") {
  CHECK(mlt::app::sparkline({0, 1, 2, 3, 4, 5, 6, 7}, 0, 7, 8) == "▁▂▃▄▅▆▇█");
  CHECK(mlt::app::sparkline({0, 7}, 0, 14, 10) == "▁▅");
  // 100 points into 10 columns: each column shows the last point of its tenth.
  std::vector<double> v;
  for (int i = 0; i < 100; ++i) v.push_back(i < 95 ? 0 : 10);
  CHECK(mlt::app::sparkline(v, 0, 10, 10) == "▁▁▁▁▁▁▁▁▁█");
  CHECK(mlt::app::sparkline({1, std::nan(""), 1}, 0, 2, 3) == "▅ ▅");
}

TEST_CASE("the report's tables, terminal view and Markdown come from one set of rows", "[client]") {
  simdjson::dom::parser p;
  auto r = parse(p, sample_report);
  auto tables = mlt::app::report_tables(r);
  REQUIRE(tables.size() == 3);
  CHECK(tables[0].rows[0] == std::vector<std::string>{"accuracy", "56.0%", "53.0%", "51.0%"});
  CHECK(tables[1].rows[0] == std::vector<std::string>{"total return", "+3.1%", "+8.2%"});
  CHECK(tables[2].rows.back()[0] == "pooled");
  CHECK(tables[2].rows.back()[3] == "51.0% ± 2.2%");

  mlt::app::terminal plain;
  const auto text = mlt::app::terminal_report(r, plain);
  CHECK_FALSE(has_colour(text));
  // Both curves on one scale 90..120: the model ends at 110, buy-and-hold at 120.
  CHECK(contains(text, "  model       ▃▁▆  +10.0%"));
  CHECK(contains(text, "  buy & hold  ▃ █  +20.0%"));
  CHECK(std::regex_search(text, std::regex("accuracy +56\\.0% +53\\.0% +51\\.0%")));

  const auto md = mlt::app::markdown_report(r);
  CHECK(contains(md, "# mlTrainer report: trial 7, TSLA, logistic"));
  CHECK(contains(md, "## Answer\n\nNo edge | worth trading."));
  CHECK(contains(md, "| accuracy | 56.0% | 53.0% | 51.0% |"));
  CHECK(contains(md, "|---|---:|---:|---:|"));
  CHECK(contains(md, "| 2 | long, again | 5.00 | 2024-01-04 | 12.00 | open | — |"));
  CHECK(contains(md, "## Walk-forward folds"));
}

TEST_CASE("equity.csv joins buy-and-hold by date and trades.csv quotes text", "[client][http]") {
  auto eq = mlt::actors::equity_csv(sample_report);
  REQUIRE(eq);
  CHECK(*eq ==
        "date,equity,drawdown,buy_hold_equity,buy_hold_drawdown\n"
        "2024-01-02,100,0,100,0\n2024-01-03,90,0.1,,\n2024-01-04,110,0,120,0\n");
  auto tr = mlt::actors::trades_csv(sample_report);
  REQUIRE(tr);
  CHECK(*tr ==
        "side,size,entry_date,entry_price,exit_date,exit_price,pnl,return,open\n"
        "long,10,2024-01-02,10,2024-01-03,11,10,0.1,false\n"
        "\"long, again\",5,2024-01-04,12,,,0,0,true\n");
  CHECK_FALSE(mlt::actors::equity_csv("not json"));
  CHECK_FALSE(mlt::actors::trades_csv("[1,2]"));
}

TEST_CASE("a person runs ask --yes piped, chat on a terminal, the subcommands and the report files",
          "[client][integration]") {
  const auto state = mlt::test::fresh_dir("client");
  mlt::test::daemon_process d(state);
  const std::string conn = " --port " + std::to_string(d.port());

  // 1. Piped: plain lines, no colour, no redraws; the report ends with the
  //    sparklines and the tables.
  auto ask = run("NO_COLOR= " + client() + " ask 'Run trial on TSLA with logistic' --yes --timeout 240" + conn);
  INFO(ask.out);
  REQUIRE(ask.status == 0);
  CHECK_FALSE(has_colour(ask.out));
  CHECK_FALSE(contains(ask.out, "\r"));
  CHECK(contains(ask.out, "  ... Loading TSLA bars"));
  CHECK(std::regex_search(ask.out, std::regex("  \\.\\.\\. logistic \\w+ \\d+/\\d+: train loss")));
  CHECK(contains(ask.out, "=== REPORT: trial "));
  CHECK(std::regex_search(ask.out, std::regex("  model       [▁▂▃▄▅▆▇█ ]{16,}  [+-]\\d+\\.\\d%")));
  CHECK(std::regex_search(ask.out, std::regex("  buy & hold  [▁▂▃▄▅▆▇█ ]{16,}  [+-]\\d+\\.\\d%")));
  CHECK(std::regex_search(ask.out, std::regex("accuracy +\\d+\\.\\d% +\\d+\\.\\d% +\\d+\\.\\d%")));
  CHECK(std::regex_search(ask.out, std::regex("Sharpe +-?\\d+\\.\\d\\d +-?\\d+\\.\\d\\d")));
  std::smatch m;
  REQUIRE(std::regex_search(ask.out, m, std::regex("=== REPORT: trial (\\d+)")));
  const std::string id = m[1];

  // 2. On a terminal: a live bar redrawn in place, colours, the same report.
  {
    pty_process chat({"chat", "--port", std::to_string(d.port())}, false);
    REQUIRE(chat.wait_for("/quit)", 20s));
    chat.type("Run trial on TSLA with logistic\n");
    REQUIRE(chat.wait_for("proposal #", 60s));
    chat.type("/approve\n");
    REQUIRE(chat.wait_for("rows (n)", 240s, 1));
    REQUIRE(chat.wait_for("exposure", 10s));
    chat.type("/quit\n");
    CHECK(chat.wait_exit() == 0);
    INFO(chat.out);
    CHECK(has_colour(chat.out));
    CHECK(contains(chat.out, "\r\033[K"));  // the bar is redrawn, not repeated
    // Bars drawn in colour: "loading [<cyan>████…</cyan>] 100%".
    const std::string bar = "\\[(\033\\[[0-9;]*m|[█▏▎▍▌▋▊▉ ])+\\] +\\d+%";
    CHECK(std::regex_search(chat.out, std::regex("loading.*" + bar)));
    CHECK(contains(chat.out, "] 100%"));
    CHECK(std::regex_search(chat.out, std::regex("fit.*" + bar + "  logistic \\w+ \\d+/\\d+ · train loss \\d")));
    CHECK(contains(chat.out, "=== REPORT: trial "));
    CHECK(std::regex_search(chat.out, std::regex("model       (\033\\[[0-9;]*m)?[▁▂▃▄▅▆▇█ ]{16,}")));
  }
  // NO_COLOR on a terminal: the same view without colour codes.
  {
    pty_process show({"show", id, "--port", std::to_string(d.port())}, true);
    CHECK(show.wait_exit() == 0);
    INFO(show.out);
    CHECK_FALSE(has_colour(show.out));
    CHECK(std::regex_search(show.out, std::regex("trial " + id + ": completed TSLA \\w+ \\(chat, ")));
    CHECK(contains(show.out, "progress events not shown"));
    CHECK(contains(show.out, "buy & hold  "));
  }

  // 3. The subcommands, plain and --json.
  auto trials = run(client() + " trials --json" + conn);
  REQUIRE(trials.status == 0);
  simdjson::dom::parser p;
  auto list = parse(p, trials.out);
  CHECK(list["trials"].get_array().size() == 2);
  auto shown = run(client() + " show " + id + conn);
  CHECK(shown.status == 0);
  CHECK(contains(shown.out, "=== REPORT: trial " + id));
  auto cancel = run(client() + " cancel " + id + " --json" + conn);
  CHECK(cancel.status == 1);
  CHECK(contains(cancel.out, R"("code":"not_running")"));
  auto resume = run(client() + " resume " + id + conn);
  CHECK(resume.status == 1);
  CHECK(contains(resume.out, "error [cannot_resume]"));
  CHECK(run(client() + " show" + conn).status == 2);
  CHECK(run(client() + " show x" + conn).status == 2);

  // 4. Report files: HTML from the daemon (self-contained), Markdown here,
  //    CSV for a spreadsheet.
  const auto html = state + "/r.html", md = state + "/r.md";
  auto rep = run(client() + " report " + id + " --html " + html + " --md " + md + conn);
  INFO(rep.out);
  REQUIRE(rep.status == 0);
  const auto page = slurp(html);
  CHECK(contains(page, R"(<script type="application/json" id="report-data">{"type":"report")"));
  CHECK(contains(page, "default-src 'none'"));
  CHECK_FALSE(std::regex_search(page, std::regex(R"((src|href)=["']?(https?:)?//)")));
  CHECK(contains(page, "function renderReport"));
  const auto mark = slurp(md);
  CHECK(std::regex_search(mark, std::regex("# mlTrainer report: trial " + id + ", TSLA, \\w+\n")));
  CHECK(std::regex_search(mark, std::regex("\\| accuracy \\| \\d+\\.\\d% \\| \\d+\\.\\d% \\| \\d+\\.\\d% \\|")));
  auto missing = run(client() + " report 999 --md -" + conn);
  CHECK(missing.status == 1);
  CHECK(contains(missing.out, "404: there is no trial 999"));

  const auto eq_res = http_get(d.port(), "/api/trials/" + id + "/equity.csv");
  CHECK(eq_res.status == 200);
  CHECK(eq_res.header("Content-Type") == "text/csv; charset=utf-8");
  CHECK(eq_res.header("Content-Disposition") == "attachment; filename=\"mltrainer-trial-" + id + "-equity.csv\"");
  const auto& eq = eq_res.body;
  CHECK(eq.rfind("date,equity,drawdown,buy_hold_equity,buy_hold_drawdown\n", 0) == 0);
  CHECK(std::count(eq.begin(), eq.end(), '\n') > 20);
  CHECK(std::regex_search(eq, std::regex("\n\\d{4}-\\d\\d-\\d\\d,[0-9.e+]+,[0-9.e+-]+,[0-9.e+]+,[0-9.e+-]+\n")));
  const auto tr = http_get(d.port(), "/api/trials/" + id + "/trades.csv");
  CHECK(tr.status == 200);
  CHECK(tr.body.rfind("side,size,entry_date,entry_price,exit_date,exit_price,pnl,return,open\n", 0) == 0);
  const auto page_res = http_get(d.port(), "/api/trials/" + id + "/report.html");
  CHECK(page_res.status == 200);
  CHECK(page_res.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(page_res.body == page);  // the client saves what the daemon builds
  CHECK(http_get(d.port(), "/api/trials/" + id + "/other.csv").status == 404);
  CHECK(http_get(d.port(), "/api/trials/999/equity.csv").status == 404);
  CHECK(http_get(d.port(), "/api/trials/x/trades.csv").status == 400);
}
