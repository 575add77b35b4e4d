// The rules brain reaches the model zoo through the real daemon: a switch
// fits another model, an optimise fits other parameters.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/daemon_chat.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/ws_json.hpp"

using mlt::test::chat;
using mlt::test::daemon_process;
using mlt::test::frame;
using mlt::test::frame_reader;

namespace {

// A market whose next-bar direction depends on the size of today's volume
// surprise: after an unusual volume (|z| > 0.674, half the days, either
// sign) the next close is up with probability about 0.69, after an ordinary
// one down with 0.69. Volume is symmetric around its mean and returns carry
// no autocorrelation, so no feature predicts linearly (a logistic regression
// sees no edge) while trees split volume_z_20 twice and see it at once.
// Weekdays only, without the fixed-date holidays; deterministic for a seed.
void write_volume_market(const std::string& path, int bars, std::uint64_t seed) {
  std::uint64_t s = seed;
  const auto uniform = [&] {  // splitmix64: the same numbers on every library
    s += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return ((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  const auto normal = [&] { return std::sqrt(-2.0 * std::log(1.0 - uniform())) * std::cos(6.283185307179586 * uniform()); };
  const double sigma = 0.01, mu = 0.5 * sigma;
  std::ofstream out(path, std::ios::trunc);
  out << "date,open,high,low,close,volume\n";
  std::time_t t = 1262606400;  // 2010-01-04 12:00 UTC, a Monday
  double close = 100, drift = 0;
  for (int written = 0; written < bars; t += 86400) {
    std::tm d{};
    gmtime_r(&t, &d);
    const bool weekend = d.tm_wday == 0 || d.tm_wday == 6;
    const bool holiday = (d.tm_mon == 0 && d.tm_mday == 1) || (d.tm_mon == 6 && d.tm_mday == 4) ||
                         (d.tm_mon == 11 && d.tm_mday == 25);
    if (weekend || holiday) continue;
    const double open = close;
    close = open * std::exp(drift + sigma * normal());
    const double surprise = normal();
    drift = std::abs(surprise) > 0.6745 ? mu : -mu;  // sets the next bar's direction
    char line[160];
    std::snprintf(line, sizeof line, "%04d-%02d-%02d,%.4f,%.4f,%.4f,%.4f,%.0f\n", d.tm_year + 1900, d.tm_mon + 1,
                  d.tm_mday, open, std::max(open, close) * 1.002, std::min(open, close) * 0.998, close,
                  1e6 * (1.0 + 0.2 * surprise));
    out << line;
    ++written;
  }
}

struct fitted {
  std::string model;
  long parameters = 0;
};

// Every "Initial results for MODEL (N parameters)" line of the transcript, in order.
std::vector<fitted> fits_in(const std::vector<frame>& seen) {
  static const std::regex line(R"(^Initial results for (\w+) \((\d+) parameters\))");
  std::vector<fitted> out;
  for (const auto& f : seen) {
    if (f.type() != "event") continue;
    std::smatch m;
    const std::string text = f.str("text");
    if (std::regex_search(text, m, line)) out.push_back({m[1], std::stol(m[2])});
  }
  return out;
}

std::vector<std::string> texts_of(const std::vector<frame>& seen, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& f : seen)
    if (f.type() == "event" && f.str("kind") == kind) out.push_back(f.str("text"));
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Chats `request`, approves the proposal and returns the report; the trial's
// frames are left in r.seen.
frame run_trial(mlt::net::ws_client& c, frame_reader& r, const std::string& request, const std::string& model) {
  chat(c, request);
  auto p = r.until("proposal");
  INFO(p.raw);
  CHECK(p.str("model") == model);
  mlt::test::approve(c, p);
  r.seen.clear();
  return r.until("report", std::chrono::seconds(400));
}

// How many "Optimiser evaluation i/12:" progress lines arrived, numbered 1..n in order.
int optimiser_evaluations(const std::vector<frame>& seen) {
  int evaluations = 0;
  for (const auto& t : texts_of(seen, "progress"))
    if (t.rfind("Optimiser evaluation " + std::to_string(evaluations + 1) + "/12:", 0) == 0) ++evaluations;
  return evaluations;
}

// The last "Optimiser tried ..." status line, or "" if there is none.
std::string optimiser_summary(const std::vector<frame>& seen) {
  std::string summary;
  for (const auto& t : texts_of(seen, "status"))
    if (t.rfind("Optimiser tried", 0) == 0) summary = t;
  return summary;
}

bool ran_whole_budget(const std::string& summary) {
  return summary.find("Ran 12 of 12 configurations") != std::string::npos;
}

bool stopped_by_limit(const std::string& summary, int evaluations) {
  return summary.find("Stopped by the 120 s limit after " + std::to_string(evaluations) + " of 12") !=
         std::string::npos;
}

}  // namespace

TEST_CASE("a switch fits another model: its name and parameter count reach the report", "[integration]") {
  const auto data = mlt::test::fresh_dir("zoo-switch-data");
  write_volume_market(data + "/SPY.csv", 2600, 7);
  daemon_process d(mlt::test::fresh_dir("zoo-switch"), {"--data-dir", data});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  auto report = run_trial(c, r, "Run trial on SPY with logistic", "logistic");
  const auto fits = fits_in(r.seen);
  const auto decisions = texts_of(r.seen, "decision");
  INFO(joined(decisions));
  REQUIRE(fits.size() >= 2);
  // The logistic regression learns one coefficient per feature and an intercept.
  CHECK(fits[0].model == "logistic");
  CHECK(fits[0].parameters == static_cast<long>(frame{report.raw, report.doc["data"]}.num("features")) + 1);
  bool switched = false;
  for (const auto& t : decisions)
    if (t.rfind("ACTION switch_model " + fits[1].model, 0) == 0) switched = true;
  CHECK(switched);
  CHECK(fits[1].model != "logistic");
  CHECK(fits[1].parameters != fits[0].parameters);

  // The trees see the volume pattern the linear model cannot, so the switched
  // fit wins on validation and is the one evaluated and reported.
  INFO(report.str("text"));
  const auto model = report.str("model");
  const auto count = static_cast<long>(report.num("parameter_count"));
  bool from_a_later_fit = false;
  for (std::size_t i = 1; i < fits.size(); ++i)
    from_a_later_fit = from_a_later_fit || (fits[i].model == model && fits[i].parameters == count);
  CHECK(from_a_later_fit);
  CHECK(model != fits[0].model);
  CHECK(count != fits[0].parameters);
  CHECK(report.str("text").find(model + " (" + std::to_string(count) + " learned parameters)") != std::string::npos);
  CHECK(d.stop() == 0);
}

TEST_CASE("an optimise fits other parameters and shows its progress and its bounds", "[integration]") {
  const auto data = mlt::test::fresh_dir("zoo-optimize-data");
  write_volume_market(data + "/SPY.csv", 2600, 8);
  daemon_process d(mlt::test::fresh_dir("zoo-optimize"), {"--data-dir", data});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  auto report = run_trial(c, r, "Run trial on SPY with logistic and optimize it", "logistic");
  const auto decisions = texts_of(r.seen, "decision");
  INFO(joined(decisions));
  REQUIRE(!decisions.empty());
  bool optimised = false;
  for (const auto& t : decisions) optimised = optimised || t.rfind("ACTION optimize", 0) == 0;
  REQUIRE(optimised);

  // One progress line per evaluation, numbered 1..n of the budget.
  const int evaluations = optimiser_evaluations(r.seen);
  CHECK(evaluations >= 1);
  const std::string summary = optimiser_summary(r.seen);
  INFO(summary);
  CHECK(summary.find("Searched l2 on 5 walk-forward folds") != std::string::npos);
  // Either the whole budget ran or the limit stopped it and says so.
  const bool whole = ran_whole_budget(summary);
  const bool limited = stopped_by_limit(summary, evaluations);
  CHECK((whole || limited));
  CHECK((whole ? evaluations == 12 : evaluations < 12));

  // The report's parameters are the optimiser's, not the defaults (l2 0.01).
  INFO(report.str("optimizer"));
  double l2 = 0;
  REQUIRE(!report.doc["plan"]["params"]["l2"].get_double().get(l2));
  CHECK(l2 != Approx(0.01));
  CHECK(report.str("optimizer").find("Searched l2") != std::string::npos);
  CHECK(d.stop() == 0);
}

TEST_CASE("an LSTM optimise searches the net's space on bounded fits and says how", "[integration]") {
  const auto data = mlt::test::fresh_dir("zoo-lstm-data");
  write_volume_market(data + "/SPY.csv", 900, 9);
  daemon_process d(mlt::test::fresh_dir("zoo-lstm"), {"--data-dir", data});
  mlt::net::ws_client c;
  c.connect("127.0.0.1", d.port());
  frame_reader r(c);
  r.next();
  auto report = run_trial(c, r, "Run trial on SPY with lstm and optimize it", "lstm");
  INFO(joined(texts_of(r.seen, "decision")));
  const int evaluations = optimiser_evaluations(r.seen);
  CHECK(evaluations >= 1);
  const std::string summary = optimiser_summary(r.seen);
  INFO(summary);
  CHECK(summary.find("Searched learning_rate, hidden, seq_len, dropout, layers on 3 walk-forward folds") !=
        std::string::npos);
  CHECK(summary.find("each net fits at most 5 epochs") != std::string::npos);
  CHECK(summary.find("the final fit uses the full max_epochs") != std::string::npos);
  const bool whole = ran_whole_budget(summary);
  const bool limited = stopped_by_limit(summary, evaluations);
  CHECK((whole || limited));

  // After the search the LSTM is fitted again with the chosen parameters and
  // its full epoch budget (max_epochs is not capped in that fit).
  std::vector<std::string> lstm_fits;
  for (const auto& t : texts_of(r.seen, "status"))
    if (t.rfind("Fitting lstm (", 0) == 0) lstm_fits.push_back(t);
  INFO(joined(lstm_fits));
  REQUIRE(lstm_fits.size() >= 2);
  CHECK(lstm_fits.back() != lstm_fits.front());
  CHECK(lstm_fits.back().find("max_epochs=20") != std::string::npos);
  CHECK(report.num("parameter_count") > 0);
  CHECK(d.stop() == 0);
}
