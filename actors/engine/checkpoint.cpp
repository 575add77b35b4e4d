#include "actors/engine/checkpoint.hpp"

#include <map>

#include "actors/engine/engine_state.hpp"
#include "ml/market/bar.hpp"

namespace mlt::actors::checkpoint {

namespace {

std::string plural(std::size_t n, const std::string& one) {
  return std::to_string(n) + " " + one + (n == 1 ? "" : "s");
}

std::string joined(const std::vector<std::string>& parts, const std::string& last_sep = " and ") {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? last_sep : ", ";
    out += parts[i];
  }
  return out;
}

std::string describe(const question_key& k) {
  if (k.question == msg::question::volatility) return "the volatility question";
  if (k.question == msg::question::progress) return "a progress question of " + k.model + " at step " + std::to_string(k.step);
  return "the results question of " + k.model;
}

question_key key_of(const msg::recorded_decision& r) { return {r.question, r.model, r.step}; }

bool same(const question_key& a, const question_key& b) {
  return a.question == b.question && a.model == b.model && a.step == b.step;
}

void end_replay(trial_run& run) {
  run.replay.next_answer = run.replay.from.answers.size();
  run.replay.next_optimization = run.replay.from.optimizations.size();
}

// Answers were given on these bars; others make them answers to other numbers.
bool same_bars(trial_run& run, std::string& why) {
  const auto& c = run.replay.from;
  const auto& b = run.series->bars;
  if (c.bars == 0) return true;
  const std::string first = b.empty() ? "" : ml::format_date(b.front().time);
  const std::string last = b.empty() ? "" : ml::format_date(b.back().time);
  if (static_cast<std::int64_t>(b.size()) == c.bars && first == c.first_date && last == c.last_date) return true;
  why = "the bars loaded now (" + std::to_string(b.size()) + ", " + first + " .. " + last +
        ") are not those the recorded decisions were made on (" + std::to_string(c.bars) + ", " + c.first_date +
        " .. " + c.last_date + ")";
  return false;
}

}  // namespace

std::string resume_text(const msg::trial_checkpoint& c, std::int32_t decision_budget) {
  std::map<msg::question, std::size_t> by_question;
  std::vector<std::string> changes;
  for (const auto& a : c.answers) {
    ++by_question[a.question];
    if (a.answer.action != msg::action::continue_trial)
      changes.push_back(msg::to_string(a.answer.action) +
                        (a.answer.action == msg::action::switch_model ? " " + a.answer.model : ""));
  }
  std::vector<std::string> kept;
  if (by_question[msg::question::volatility]) kept.push_back("the volatility decision");
  if (auto n = by_question[msg::question::progress]) kept.push_back(plural(n, "progress decision"));
  if (auto n = by_question[msg::question::results]) kept.push_back(plural(n, "results decision"));
  std::string text = "Resumed from the checkpoint after decision " + std::to_string(c.decisions) + " (" +
                     std::to_string(c.decisions) + " of " + std::to_string(decision_budget) + " decisions used, " +
                     plural(static_cast<std::size_t>(c.configurations), "configuration") + " fitted): " +
                     joined(kept) + (changes.empty() ? "" : " (" + joined(changes, ", ") + ")") +
                     (c.answers.size() == 1 ? " is" : " are") + " kept and not asked again";
  if (!c.optimizations.empty()) {
    std::int32_t evals = 0;
    for (const auto& o : c.optimizations) evals += o.outcome.evaluations;
    text += "; the optimiser's outcome (" + plural(static_cast<std::size_t>(evals), "evaluation") +
            ") is kept without searching again";
  }
  text += ". A fit cannot resume mid-way: the bars are loaded again";
  if (c.models_tried.empty())
    text += " and the fit of " + c.model + " is redone from the start.";
  else
    text += " and the fits so far (" + joined(c.models_tried, ", then ") +
            ") are redone from the start, because the final choice on validation needs every fitted configuration.";
  text += " The counts of decisions and configurations carry on from where they stood.";
  return text;
}

std::optional<msg::decision> take_answer(trial_run& run, const question_key& k, std::string& why) {
  auto& r = run.replay;
  if (r.next_answer >= r.from.answers.size()) return std::nullopt;
  if (r.next_answer == 0 && !same_bars(run, why)) {
    end_replay(run);
    return std::nullopt;
  }
  const auto& rec = r.from.answers[r.next_answer];
  if (!same(key_of(rec), k)) {
    why = "the redone work asks " + describe(k) + " where the record has " + describe(key_of(rec)) + " (decision " +
          std::to_string(r.next_answer + 1) + ")";
    end_replay(run);
    return std::nullopt;
  }
  ++r.next_answer;
  return rec.answer;
}

std::string replay_note(const std::string& note) {
  return "recorded before the interruption, not asked again" + (note.empty() ? "" : "; then: " + note);
}

std::optional<msg::optimize_outcome> take_optimization(trial_run& run, const std::string& model, int budget,
                                                       std::string& why) {
  auto& r = run.replay;
  if (r.next_optimization >= r.from.optimizations.size()) return std::nullopt;
  const auto& rec = r.from.optimizations[r.next_optimization];
  if (rec.model != model || rec.budget != budget) {
    why = "the redone work optimises " + model + " with a budget of " + std::to_string(budget) +
          " where the record has " + rec.model + " with " + std::to_string(rec.budget);
    end_replay(run);
    return std::nullopt;
  }
  ++r.next_optimization;
  return rec.outcome;
}

void record_answer(trial_run& run, const question_key& k, const msg::decision& d) {
  run.answers.push_back({k.question, k.model, k.step, d});
}

void record_optimization(trial_run& run, const std::string& model, int budget, const msg::optimize_outcome& out) {
  run.optimizations.push_back({model, budget, out});
}

msg::trial_checkpoint snapshot(const trial_run& run) {
  msg::trial_checkpoint c;
  c.trial_id = run.id;
  c.decisions = run.decisions;
  c.configurations = run.configurations;
  c.models_tried = run.models_tried;
  c.train_ratio = run.plan.train_ratio;
  c.val_ratio = run.plan.val_ratio;
  c.model = run.model;
  c.params = run.params;
  c.answers = run.answers;
  c.optimizations = run.optimizations;
  const auto& b = run.series->bars;
  c.bars = static_cast<std::int64_t>(b.size());
  if (!b.empty()) {
    c.first_date = ml::format_date(b.front().time);
    c.last_date = ml::format_date(b.back().time);
  }
  return c;
}

}  // namespace mlt::actors::checkpoint
