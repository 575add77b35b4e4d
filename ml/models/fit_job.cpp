#include "ml/models/fit_job.hpp"

#include <algorithm>
#include <stdexcept>

namespace mlt::ml {

fit_outcome run_fit_job(const fit_job& job) {
  fit_outcome out;
  try {
    auto m = make_model(job.model);
    if (!m) throw std::invalid_argument("unknown model '" + job.model + "'");
    m->start(job.data, job.params, job.seed);
    fit_step s;
    while (!s.done) s = m->step();
    out.steps = s.step;
    out.prob = m->predict_proba(job.predict_x);
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

std::vector<fit_outcome> run_all(fit_pool& pool, std::vector<fit_job> jobs) {
  const std::size_t n = jobs.size();
  for (std::size_t i = 0; i < n; ++i) pool.submit(i, std::move(jobs[i]));
  std::vector<fit_outcome> out(n);
  for (std::size_t got = 0; got < n;) {
    auto done = pool.collect(std::chrono::hours(24));
    if (!done) continue;
    if (done->first >= n) throw std::logic_error("fit pool answered job " + std::to_string(done->first) +
                                                 " of " + std::to_string(n));
    out[done->first] = std::move(done->second);
    ++got;
  }
  return out;
}

}  // namespace mlt::ml
