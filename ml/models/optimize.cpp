#include "ml/models/optimize.hpp"

#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <dlib/global_optimization.h>

namespace mlt::ml {

namespace {

std::unique_ptr<model> make_or_throw(const std::string& name) {
  auto m = make_model(name);
  if (!m) {
    std::string known;
    for (const auto& n : model_names()) known += " " + n;
    throw std::invalid_argument("unknown model '" + name + "' (known:" + known + ")");
  }
  return m;
}

double score_of(const cv_result& r, cv_score s) {
  switch (s) {
    case cv_score::accuracy: return r.mean_accuracy;
    case cv_score::auc: return r.mean_auc;
    case cv_score::log_loss: break;
  }
  return -r.mean_log_loss;
}

const char* score_name(cv_score s) {
  switch (s) {
    case cv_score::accuracy: return "accuracy";
    case cv_score::auc: return "auc";
    case cv_score::log_loss: break;
  }
  return "neg_log_loss";
}

void check_space(const std::vector<search_dim>& space, const std::string& model) {
  if (space.empty()) throw std::invalid_argument("model '" + model + "' has no hyperparameters to search");
  for (const auto& d : space) {
    std::ostringstream msg;
    if (!(d.lo < d.hi)) msg << "search range of '" << d.name << "' is empty: [" << d.lo << ", " << d.hi << "]";
    else if (d.log_scale && d.integer) msg << "search dimension '" << d.name << "' cannot be both integer and log scale";
    else if (d.log_scale && !(d.lo > 0)) msg << "log-scale search of '" << d.name << "' needs a positive lower bound";
    if (!msg.str().empty()) throw std::invalid_argument(msg.str());
  }
}

}  // namespace

cv_result cross_validate(const std::string& model_name, const param_map& params, const dataset& rows,
                         const walk_forward_spec& cv, std::uint64_t seed) {
  const auto folds = walk_forward_folds(rows.bar_index, cv);
  cv_result out;
  for (const auto& f : folds) {
    auto m = make_or_throw(model_name);
    m->start(fold_fit_data(rows, f), params, seed);
    for (fit_step s; !s.done;) s = m->step();
    const auto metrics = evaluate_classification(fold_val_y(rows, f), m->predict_proba(fold_val_x(rows, f)));
    out.mean_log_loss += metrics.log_loss / static_cast<double>(folds.size());
    out.mean_accuracy += metrics.accuracy / static_cast<double>(folds.size());
    out.mean_auc += metrics.roc_auc / static_cast<double>(folds.size());
    out.folds.push_back(metrics);
  }
  return out;
}

optimize_result optimize(const dataset& rows, const optimize_spec& spec, const optimize_progress& progress) {
  const auto prototype = make_or_throw(spec.model);
  const std::vector<search_dim> space = spec.space.empty() ? prototype->search_space() : spec.space;
  check_space(space, spec.model);
  if (spec.max_evals < 1 || spec.max_evals > 10000)
    throw std::invalid_argument("optimiser max_evals must be in [1, 10000] (got " + std::to_string(spec.max_evals) + ")");
  if (!(spec.max_seconds > 0)) throw std::invalid_argument("optimiser max_seconds must be > 0");
  if (rows.rows() == 0) throw std::invalid_argument("optimiser: no rows to validate on");
  walk_forward_folds(rows.bar_index, spec.cv);  // throws early when folds would be too small

  const auto n = static_cast<long>(space.size());
  dlib::matrix<double, 0, 1> lo(n), hi(n);
  std::vector<bool> is_int;
  for (long j = 0; j < n; ++j) {
    const auto& d = space[static_cast<std::size_t>(j)];
    lo(j) = d.log_scale ? std::log10(d.lo) : d.lo;
    hi(j) = d.log_scale ? std::log10(d.hi) : d.hi;
    is_int.push_back(d.integer);
  }
  dlib::global_function_search search(dlib::function_spec(lo, hi, is_int));
  search.set_seed(static_cast<time_t>(spec.seed % 2147483647ULL));

  optimize_result out;
  out.score_name = score_name(spec.score);
  out.stop_reason = "evaluation budget";
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t best = 0;
  for (int i = 0; i < spec.max_evals; ++i) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (elapsed >= spec.max_seconds) {
      out.stop_reason = "time budget";
      break;
    }
    dlib::function_evaluation_request req = search.get_next_x();
    tried_config c;
    c.index = i + 1;
    c.params = spec.fixed;
    for (long j = 0; j < n; ++j) {
      const auto& d = space[static_cast<std::size_t>(j)];
      c.params[d.name] = d.log_scale ? std::pow(10.0, req.x()(j)) : req.x()(j);
    }
    const auto e0 = std::chrono::steady_clock::now();
    c.cv = cross_validate(spec.model, c.params, rows, spec.cv, spec.seed);
    c.score = score_of(c.cv, spec.score);
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
    // A failed fit (NaN) must not become the optimiser's best.
    req.set(std::isfinite(c.score) ? c.score : -1e300);
    out.tried.push_back(c);
    if (out.tried.size() == 1 || c.score > out.tried[best].score) best = out.tried.size() - 1;
    if (progress && !progress(out.tried.back(), out.tried[best])) {
      out.stop_reason = "stopped by caller";
      break;
    }
  }
  if (!out.tried.empty()) {
    out.best_params = out.tried[best].params;
    out.best_score = out.tried[best].score;
  }
  return out;
}

}  // namespace mlt::ml
