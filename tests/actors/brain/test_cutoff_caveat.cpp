// The knowledge-cutoff caveat: when an LLM that decided anything in a trial
// may remember the period the trial is judged on.
#include <catch2/catch.hpp>

#include "actors/brain/cutoff_caveat.hpp"
#include "actors/brain/report_writer.hpp"
#include "actors/agent/comparison.hpp"

using namespace mlt::brain;
using mlt::msg::final_report;
using mlt::msg::trial_summary;

namespace {

trial_summary summary(const std::string& first, const std::string& last, bool synthetic = false) {
  trial_summary s;
  s.trial_id = mlt::msg::trial_id{4};
  s.symbol = "AAPL";
  s.model = "xgboost";
  s.test_first_date = first;
  s.test_last_date = last;
  s.synthetic = synthetic;
  s.test.n = 75;
  return s;
}

llm_role claude(std::vector<std::string> decided) {
  return llm_role{"claude-sonnet-4-5", "2025-07", "brain.anthropic.knowledge_cutoff", std::move(decided)};
}

}  // namespace

TEST_CASE("a test period that ends before the cutoff is fully known, one that straddles it partly, a later one not") {
  CHECK(cutoff_overlap("2025-03", {"2016-11-01", "2017-12-29"}) == overlap::full);
  // A month cutoff covers its whole month.
  CHECK(cutoff_overlap("2025-03", {"2025-01-02", "2025-03-31"}) == overlap::full);
  CHECK(cutoff_overlap("2025-03", {"2025-01-02", "2025-04-01"}) == overlap::partial);
  CHECK(cutoff_overlap("2025-03", {"2025-03-31", "2025-06-30"}) == overlap::partial);
  CHECK(cutoff_overlap("2025-03", {"2025-04-01", "2025-06-30"}) == overlap::none);
  CHECK(cutoff_overlap("2025-03-15", {"2025-03-16", "2025-06-30"}) == overlap::none);
  CHECK(cutoff_overlap("2025-03-15", {"2025-03-01", "2025-03-15"}) == overlap::full);
  // Intraday timestamps compare by their day.
  CHECK(cutoff_overlap("2006-01", {"2006-01-30 09:30:00", "2006-01-31 16:00:00"}) == overlap::full);
  // Unknown: assumed to know everything.
  CHECK(cutoff_overlap("", {"2024-01-02", "2024-12-31"}) == overlap::full);
}

TEST_CASE("the caveat names the model, what it decided, its cutoff and the test period's end") {
  const auto text = cutoff_caveat(claude({"the proposal", "3 checkpoint decisions", "the report"}),
                                  {"2016-11-01", "2017-12-29"});
  CHECK(text ==
        "claude-sonnet-4-5 (which decided the proposal, 3 checkpoint decisions and the report) has a knowledge cutoff "
        "of 2025-07; this trial's test period ends 2017-12-29, so the model may know what happened: treat its "
        "decisions as possibly contaminated. The rules brain remembers nothing; \"compare brains\" runs it beside the "
        "LLM as the uncontaminated reference.");
  const auto part = cutoff_caveat(claude({"the report"}), {"2025-05-01", "2025-10-31"});
  CHECK_THAT(part, Catch::Contains("test period (2025-05-01 to 2025-10-31) begins before it, so the model may know "
                                   "what happened in part of it"));
  const auto unknown = cutoff_caveat(llm_role{"llama3", "", "brain.openai.knowledge_cutoff", {"the proposal"}},
                                     {"2023-01-03", "2023-12-29"});
  CHECK_THAT(unknown, Catch::Contains("llama3 (which decided the proposal) has an unknown knowledge cutoff (set "
                                      "brain.openai.knowledge_cutoff)"));
  CHECK(cutoff_caveat(claude({"the report"}), {"2025-08-01", "2025-12-31"}).empty());
  CHECK(cutoff_caveat(claude({}), {"2016-11-01", "2017-12-29"}).empty());  // decided nothing
}

TEST_CASE("the rules brain's report carries the caveat when an LLM shaped the trial, deterministically after the text") {
  const auto s = summary("2016-11-01", "2017-02-16");
  auto rep = write_rules_report(s);
  append_usage(rep, "rules", "");
  const auto before = rep.caveats;
  std::vector<llm_role> roles;
  add_role(roles, claude({"the proposal"}));
  add_role(roles, claude({"2 checkpoint decisions"}));
  add_role(roles, claude({"the proposal"}));
  REQUIRE(roles.size() == 1);
  CHECK(roles[0].decided == std::vector<std::string>{"the proposal", "2 checkpoint decisions"});
  const auto notes = append_cutoff_caveats(rep, roles, s);
  CHECK(rep.caveats.rfind(before, 0) == 0);  // appended, nothing rewritten
  CHECK_THAT(rep.caveats, Catch::EndsWith("uncontaminated reference."));
  CHECK_THAT(rep.caveats, Catch::Contains("which decided the proposal and 2 checkpoint decisions"));
  CHECK(notes == "claude-sonnet-4-5: knowledge cutoff 2025-07, after the test period ends (2017-02-16)");
  CHECK(cutoff_notes(roles, s) == notes);
  CHECK(cutoff_notes({claude({})}, s).empty());

  // A cutoff before the test period, an LLM that decided nothing, synthetic data: no caveat.
  for (const auto& [roles2, s2] : std::vector<std::pair<std::vector<llm_role>, trial_summary>>{
           {{llm_role{"claude-x", "2016-06", "", {"the report"}}}, s},
           {{claude({})}, s},
           {{claude({"the report"})}, summary("2016-11-01", "2017-02-16", true)},
           {{}, s}}) {
    final_report r = rep;
    CHECK(append_cutoff_caveats(r, roles2, s2).empty());
    CHECK(r.caveats == rep.caveats);
  }
}

TEST_CASE("compare brains marks an arm whose LLM may remember the test period and names the clean reference") {
  mlt::actors::comparison c;
  c.kind = "brains";
  for (const char* label : {"claude (claude-sonnet-4-5)", "rules", "no intervention"}) {
    mlt::actors::comparison_arm a;
    a.label = label;
    a.done = true;
    a.summary = summary("2016-11-01", "2017-02-16");
    c.arms.push_back(a);
  }
  const auto clean = mlt::actors::comparison_text(c);
  CHECK(clean.find("contaminated") == std::string::npos);
  c.arms[0].remembers = "claude-sonnet-4-5: knowledge cutoff 2025-07, after the test period ends (2017-02-16)";
  const auto text = mlt::actors::comparison_text(c);
  CHECK_THAT(text, Catch::Contains("claude (claude-sonnet-4-5) *"));
  CHECK_THAT(text, Catch::Contains("  * claude (claude-sonnet-4-5): claude-sonnet-4-5: knowledge cutoff 2025-07"));
  CHECK_THAT(text, Catch::Contains("rules and no intervention are the uncontaminated reference"));
  CHECK(text.find("The plan every arm shares") == std::string::npos);
  // An LLM-proposed plan reaches every arm, the reference included.
  for (auto& a : c.arms) a.plan_remembers = "claude-sonnet-4-5: knowledge cutoff 2025-07, after the test period ends";
  CHECK_THAT(mlt::actors::comparison_text(c), Catch::Contains("The plan every arm shares was proposed by an LLM that "
                                                             "may remember the test period (claude-sonnet-4-5:"));
  for (auto& a : c.arms) a.remembers = "x";
  CHECK_THAT(mlt::actors::comparison_text(c), Catch::Contains("No arm is free of it"));
}
