#include "actors/brain/cutoff_caveat.hpp"

#include <algorithm>

#include "config/knowledge_cutoff.hpp"

namespace mlt::brain {

namespace {

std::string day(const std::string& date) { return date.substr(0, std::min<std::size_t>(10, date.size())); }

// "the proposal, 3 checkpoint decision(s) and the report".
std::string listed(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i)
    s += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return s;
}

}  // namespace

judged_period judged_period_of(const msg::trial_summary& s) { return {s.test_first_date, s.test_last_date}; }

overlap cutoff_overlap(const std::string& cutoff, const judged_period& p) {
  const std::string known_until = config::cutoff_last_day(cutoff);
  if (known_until.empty()) return overlap::full;  // unknown: assume it may know everything
  if (day(p.last) <= known_until) return overlap::full;
  if (day(p.first) <= known_until) return overlap::partial;
  return overlap::none;
}

std::string cutoff_caveat(const llm_role& who, const judged_period& p) {
  const auto o = cutoff_overlap(who.cutoff, p);
  if (who.decided.empty() || o == overlap::none) return "";
  const bool known = !config::cutoff_last_day(who.cutoff).empty();
  std::string s = who.model + " (which decided " + listed(who.decided) + ") ";
  s += known ? "has a knowledge cutoff of " + who.cutoff
             : "has an unknown knowledge cutoff (set " + (who.setting.empty() ? std::string("it") : who.setting) +
                   "), so it is assumed to know everything before today";
  if (o == overlap::full)
    s += "; this trial's test period ends " + day(p.last) + ", so the model may know what happened";
  else
    s += "; this trial's test period (" + day(p.first) + " to " + day(p.last) +
         ") begins before it, so the model may know what happened in part of it";
  s += ": treat its decisions as possibly contaminated. The rules brain remembers nothing; \"compare brains\" runs "
       "it beside the LLM as the uncontaminated reference.";
  return s;
}

std::string cutoff_note(const llm_role& who, const judged_period& p) {
  switch (cutoff_overlap(who.cutoff, p)) {
    case overlap::none: return "";
    case overlap::partial:
      return who.model + ": knowledge cutoff " + who.cutoff + ", inside the test period (" + day(p.first) + " to " +
             day(p.last) + ")";
    case overlap::full:
      break;
  }
  if (config::cutoff_last_day(who.cutoff).empty())
    return who.model + ": knowledge cutoff unknown, so it may know the test period (ends " + day(p.last) + ")";
  return who.model + ": knowledge cutoff " + who.cutoff + ", after the test period ends (" + day(p.last) + ")";
}

void add_role(std::vector<llm_role>& roles, const llm_role& who) {
  if (who.decided.empty()) return;
  for (auto& r : roles) {
    if (r.model != who.model || r.cutoff != who.cutoff) continue;
    for (const auto& d : who.decided)
      if (std::find(r.decided.begin(), r.decided.end(), d) == r.decided.end()) r.decided.push_back(d);
    return;
  }
  roles.push_back(who);
}

std::string cutoff_notes(const std::vector<llm_role>& roles, const msg::trial_summary& s) {
  if (s.synthetic) return "";
  const auto p = judged_period_of(s);
  std::string notes;
  for (const auto& who : roles) {
    if (who.decided.empty()) continue;
    const auto note = cutoff_note(who, p);
    if (!note.empty()) notes += (notes.empty() ? "" : "; ") + note;
  }
  return notes;
}

std::string append_cutoff_caveats(msg::final_report& r, const std::vector<llm_role>& roles,
                                  const msg::trial_summary& s) {
  if (s.synthetic) return "";
  const auto p = judged_period_of(s);
  for (const auto& who : roles) {
    const auto caveat = cutoff_caveat(who, p);
    if (caveat.empty()) continue;
    if (!r.caveats.empty() && r.caveats.back() != ' ') r.caveats += " ";
    r.caveats += caveat;
  }
  return cutoff_notes(roles, s);
}

}  // namespace mlt::brain
