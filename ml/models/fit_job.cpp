#include "ml/models/fit_job.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "ml/models/ensemble_model.hpp"

namespace mlt::ml {

fit_outcome run_fit_job(const fit_job& job, const std::function<bool()>& go_on) {
  fit_outcome out;
  try {
    auto m = make_model(job.model);
    if (!m) throw std::invalid_argument("unknown model '" + job.model + "'");
    m->start(job.data, job.params, job.seed);
    fit_step s;
    while (!s.done) {
      if (go_on && !go_on()) throw std::runtime_error("the fit of " + job.model + " was abandoned before its end");
      s = m->step();
      if (job.keep_fit) out.log.push_back(s);
    }
    out.steps = s.step;
    if (job.stop_at_end || job.keep_fit) out.kept = m->stop();
    if (job.keep_fit) out.state = m->save();
    if (job.predict_x.rows() > 0) out.prob = m->predict_proba(job.predict_x);
    if (job.extra_x.rows() > 0) out.extra_prob = m->predict_proba(job.extra_x);
  } catch (const std::invalid_argument& e) {
    out.error = e.what();
    out.bad_input = true;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

void throw_first_failure(const std::vector<fit_outcome>& outcomes) {
  for (const auto& o : outcomes) {
    if (o.error.empty()) continue;
    if (o.bad_input) throw std::invalid_argument(o.error);
    throw std::runtime_error(o.error);
  }
}

void in_turn_pool::submit(std::size_t index, fit_job job) { queued_.emplace_back(index, std::move(job)); }

std::optional<std::pair<std::size_t, fit_outcome>> in_turn_pool::collect(std::chrono::milliseconds /*wait*/) {
  if (queued_.empty()) return std::nullopt;
  const auto lowest = std::min_element(queued_.begin(), queued_.end(),
                                       [](const auto& a, const auto& b) { return a.first < b.first; });
  auto job = std::move(*lowest);
  queued_.erase(lowest);
  return std::make_pair(job.first, run_fit_job(job.second));
}

struct fit_batch::entry {
  std::size_t first_unit = 0, units = 0;
  std::unique_ptr<ensemble_model> ensemble;  // combines the members' outcomes
  std::vector<fit_outcome> arrived;
  std::size_t count = 0;
  fit_outcome failed;  // a job that failed before it had units
};

fit_batch::fit_batch(std::vector<fit_job> jobs) {
  entries_.resize(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    auto& e = entries_[j];
    e.first_unit = units_.size();
    std::vector<fit_job> parts;
    if (jobs[j].model == "ensemble") {
      try {
        e.ensemble = std::make_unique<ensemble_model>();
        e.ensemble->start(jobs[j].data, jobs[j].params, jobs[j].seed);
        parts = e.ensemble->member_jobs(jobs[j].predict_x);
      } catch (const std::invalid_argument& ex) {
        e.failed.error = ex.what();
        e.failed.bad_input = true;
      } catch (const std::exception& ex) {
        e.failed.error = ex.what();
      }
    } else {
      parts.push_back(std::move(jobs[j]));
    }
    e.units = parts.size();
    e.arrived.resize(parts.size());
    for (auto& p : parts) {
      units_.push_back(std::move(p));
      job_of_unit_.push_back(j);
    }
  }
}

fit_batch::~fit_batch() = default;

std::vector<fit_job> fit_batch::take_units() { return std::move(units_); }

void fit_batch::arrive(std::size_t unit, fit_outcome outcome) {
  if (unit >= job_of_unit_.size()) throw std::logic_error("fit batch: no unit " + std::to_string(unit));
  auto& e = entries_[job_of_unit_[unit]];
  e.arrived[unit - e.first_unit] = std::move(outcome);
  ++e.count;
}

bool fit_batch::complete(std::size_t job) const { return entries_.at(job).count == entries_.at(job).units; }

fit_outcome fit_batch::take(std::size_t job) {
  auto& e = entries_.at(job);
  if (!complete(job)) throw std::logic_error("fit batch: job " + std::to_string(job) + " is not complete");
  if (!e.failed.error.empty()) return e.failed;
  if (!e.ensemble) return std::move(e.arrived.front());
  fit_outcome out;
  for (const auto& m : e.arrived) {
    out.steps += m.steps;
    if (m.error.empty() || !out.error.empty()) continue;
    out.error = "ensemble member: " + m.error;
    out.bad_input = m.bad_input;
  }
  if (out.error.empty()) out.prob = e.ensemble->combine_members(e.arrived);
  return out;
}

std::size_t fit_batch::jobs() const { return entries_.size(); }

std::vector<fit_outcome> run_all(fit_pool& pool, std::vector<fit_job> jobs) {
  fit_batch batch(std::move(jobs));
  auto units = batch.take_units();
  const std::size_t n = units.size();
  for (std::size_t i = 0; i < n; ++i) pool.submit(i, std::move(units[i]));
  for (std::size_t got = 0; got < n;) {
    auto done = pool.collect(std::chrono::hours(24));
    if (!done) continue;
    batch.arrive(done->first, std::move(done->second));
    ++got;
  }
  std::vector<fit_outcome> out;
  for (std::size_t j = 0; j < batch.jobs(); ++j) out.push_back(batch.take(j));
  return out;
}

}  // namespace mlt::ml
