#include "ml/models/optimize.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
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

std::string num(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void check_space(const std::vector<search_dim>& space, const std::string& model) {
  if (space.empty()) throw std::invalid_argument("model '" + model + "' has no hyperparameters to search");
  for (const auto& d : space) {
    std::ostringstream msg;
    if (!d.choices.empty()) {
      if (d.choices.size() < 2) msg << "categorical search dimension '" << d.name << "' needs at least two choices";
      for (const auto& c : d.choices)
        if (c.params.empty()) msg << "choice '" << c.label << "' of search dimension '" << d.name << "' sets no parameter";
    } else if (!(d.lo < d.hi)) {
      msg << "search range of '" << d.name << "' is empty: [" << d.lo << ", " << d.hi << "]";
    } else if (d.log_scale && d.integer) {
      msg << "search dimension '" << d.name << "' cannot be both integer and log scale";
    } else if (d.log_scale && !(d.lo > 0)) {
      msg << "log-scale search of '" << d.name << "' needs a positive lower bound";
    }
    if (!msg.str().empty()) throw std::invalid_argument(msg.str());
  }
}

/// True when a configuration with `params` fits a net: `model` is one, or
/// (an ensemble) it switches a net member on with use_<net> = 1.
bool fits_net(const std::string& model, const param_map& params) {
  if (is_sequence_model(model)) return true;
  for (const auto& [key, value] : params)
    if (key.rfind("use_", 0) == 0 && value == 1 && is_sequence_model(key.substr(4))) return true;
  return false;
}

/// caps[prefix + name] = min(the value in effect, cap).
void cap(param_map& caps, const param_map& params, const param_map& defaults, const std::string& prefix,
         const std::string& name, double limit) {
  auto it = params.find(prefix + name);
  const double now = it != params.end() ? it->second : defaults.count(name) ? defaults.at(name) : limit;
  caps[prefix + name] = std::min(now, limit);
}

void cap_net(param_map& caps, const param_map& params, const std::string& net, const std::string& prefix) {
  const param_map defaults = make_or_throw(net)->params();
  cap(caps, params, defaults, prefix, "max_epochs", net_search_epochs);
  cap(caps, params, defaults, prefix, "patience", net_search_patience);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string summary_of(const optimize_result& r, const optimize_spec& spec, std::size_t space_size,
                       const std::string& bounds_text) {
  const auto ran = std::to_string(r.tried.size()) + " of " + std::to_string(spec.max_evals);
  std::string s = "Searched " + joined(r.searched);
  if (r.searched.size() < space_size)
    s += " (" + std::to_string(r.searched.size()) + " of " + std::to_string(space_size) + " dimensions: a budget of " +
         std::to_string(spec.max_evals) + " evaluations searches at most " +
         std::to_string(std::max(1, spec.max_evals / evals_per_dim)) + "; the rest keep their defaults)";
  s += " on " + std::to_string(r.folds) + " walk-forward folds of the training and early-stopping rows, score " +
       r.score_name + ".";
  if (!bounds_text.empty()) s += " " + bounds_text;
  const std::string took = " (" + num("%.1f", r.seconds) + " s)";
  if (r.stop_reason == "time budget")
    s += " Stopped by the " + num("%g", spec.max_seconds) + " s limit after " + ran + " configurations" + took +
         "; the best of those " + std::to_string(r.tried.size()) + " is used.";
  else if (r.stop_reason == "stopped by caller")
    s += " Stopped by the caller after " + ran + " configurations" + took + ".";
  else
    s += " Ran " + ran + " configurations, the whole evaluation budget.";  // no time: the same run, the same text
  return s;
}

/// The configuration at the search's point `x`: categorical dimensions by
/// choice index, log-scale ones by exponent; `fixed` underneath.
tried_config config_at(const dlib::matrix<double, 0, 1>& x, const std::vector<search_dim>& space,
                       const param_map& fixed, int index) {
  tried_config c;
  c.index = index;
  c.params = fixed;
  for (std::size_t j = 0; j < space.size(); ++j) {
    const auto& d = space[j];
    const double v = x(static_cast<long>(j));
    if (!d.choices.empty()) {
      const auto k = static_cast<std::size_t>(std::clamp(std::lround(v), 0L, long(d.choices.size()) - 1));
      for (const auto& [key, value] : d.choices[k].params) c.params[key] = value;
    } else {
      c.params[d.name] = d.log_scale ? std::pow(10.0, v) : v;
    }
  }
  return c;
}

}  // namespace

search_dim choice_dim(const std::string& name, const std::vector<double>& values) {
  search_dim d;
  d.name = name;
  for (double v : values) d.choices.push_back({num("%g", v), {{name, v}}});
  return d;
}

bool can_optimize(const std::string& model) {
  auto m = make_model(model);
  return m && !m->search_space().empty();
}

evaluation_bounds bound_evaluation(const std::string& model, const param_map& params, int folds,
                                   bool could_fit_net) {
  evaluation_bounds b;
  b.folds = could_fit_net ? std::min(folds, net_search_folds) : folds;
  if (is_sequence_model(model)) cap_net(b.caps, params, model, "");
  if (model == "ensemble")
    for (const auto& n : model_names()) {
      auto use = params.find("use_" + n);
      if (is_sequence_model(n) && use != params.end() && use->second == 1) cap_net(b.caps, params, n, n + ".");
    }
  if (could_fit_net)
    b.text = "Nets are slow, so during the search each net fits at most " + std::to_string(net_search_epochs) +
             " epochs (early-stopping patience at most " + std::to_string(net_search_patience) + ") on each of " +
             std::to_string(b.folds) + " folds; the final fit uses the full max_epochs.";
  return b;
}

std::vector<cv_result> cross_validate_each(const std::string& model_name, const std::vector<param_map>& configs,
                                           const dataset& rows, const walk_forward_spec& cv, std::uint64_t seed,
                                           fit_pool* pool) {
  make_or_throw(model_name);
  const auto folds = walk_forward_folds(rows.bar_index, cv);
  std::vector<fit_job> jobs;
  for (const auto& params : configs)
    for (const auto& f : folds) jobs.push_back({model_name, params, seed, fold_fit_data(rows, f), fold_val_x(rows, f)});
  in_turn_pool in_turn;
  const auto outcomes = run_all(pool ? *pool : in_turn, std::move(jobs));
  throw_first_failure(outcomes);
  std::vector<cv_result> out(configs.size());
  // Summed in fold order, whatever order the folds finished in.
  for (std::size_t c = 0; c < configs.size(); ++c)
    for (std::size_t i = 0; i < folds.size(); ++i) {
      const auto metrics = evaluate_classification(fold_val_y(rows, folds[i]), outcomes[c * folds.size() + i].prob);
      out[c].mean_log_loss += metrics.log_loss / static_cast<double>(folds.size());
      out[c].mean_accuracy += metrics.accuracy / static_cast<double>(folds.size());
      out[c].mean_auc += metrics.roc_auc / static_cast<double>(folds.size());
      out[c].folds.push_back(metrics);
    }
  return out;
}

cv_result cross_validate(const std::string& model_name, const param_map& params, const dataset& rows,
                         const walk_forward_spec& cv, std::uint64_t seed, fit_pool* pool) {
  return cross_validate_each(model_name, {params}, rows, cv, seed, pool).front();
}

namespace {

void check_spec(const optimize_spec& spec, const dataset& rows) {
  if (spec.max_evals < 1 || spec.max_evals > 10000)
    throw std::invalid_argument("optimiser max_evals must be in [1, 10000] (got " + std::to_string(spec.max_evals) + ")");
  if (!(spec.max_seconds > 0)) throw std::invalid_argument("optimiser max_seconds must be > 0");
  if (rows.rows() == 0) throw std::invalid_argument("optimiser: no rows to validate on");
}

// The search box: a categorical dimension is the index of its choice, a
// log-scale one its log10.
dlib::function_spec search_box(const std::vector<search_dim>& space) {
  const auto n = static_cast<long>(space.size());
  dlib::matrix<double, 0, 1> lo(n), hi(n);
  std::vector<bool> is_int;
  for (long j = 0; j < n; ++j) {
    const auto& d = space[static_cast<std::size_t>(j)];
    if (!d.choices.empty()) {
      lo(j) = 0;
      hi(j) = static_cast<double>(d.choices.size() - 1);
      is_int.push_back(true);
      continue;
    }
    lo(j) = d.log_scale ? std::log10(d.lo) : d.lo;
    hi(j) = d.log_scale ? std::log10(d.hi) : d.hi;
    is_int.push_back(d.integer);
  }
  return dlib::function_spec(lo, hi, is_int);
}

struct search_run {
  const optimize_spec& spec;
  const std::vector<search_dim>& space;
  const dataset& rows;
  const walk_forward_spec& cv;
  bool could_fit_net;
  fit_pool* pool;
};

// One round: the next `round` configurations picked from the same history,
// all pending at once (dlib lets requests be outstanding), evaluated
// together; their scores go back to the search in index order.
std::vector<tried_config> run_round(dlib::global_function_search& search, const search_run& run, int done, int round) {
  std::vector<dlib::function_evaluation_request> reqs;
  std::vector<tried_config> picked;
  std::vector<param_map> fit_params;
  for (int r = 0; r < round; ++r) {
    reqs.push_back(search.get_next_x());
    picked.push_back(config_at(reqs.back().x(), run.space, run.spec.fixed, done + r + 1));
    // The caps bound this search's fits only; the configuration is picked.params.
    fit_params.push_back(picked.back().params);
    for (const auto& [key, value] :
         bound_evaluation(run.spec.model, picked.back().params, run.spec.cv.folds, run.could_fit_net).caps)
      fit_params.back()[key] = value;
  }
  const auto e0 = std::chrono::steady_clock::now();
  auto scored = cross_validate_each(run.spec.model, fit_params, run.rows, run.cv, run.spec.seed, run.pool);
  const double round_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
  for (int r = 0; r < round; ++r) {
    auto& c = picked[static_cast<std::size_t>(r)];
    c.cv = std::move(scored[static_cast<std::size_t>(r)]);
    c.score = score_of(c.cv, run.spec.score);
    c.seconds = round_seconds;
    // A failed fit (NaN) must not become the optimiser's best.
    reqs[static_cast<std::size_t>(r)].set(std::isfinite(c.score) ? c.score : -1e300);
  }
  return picked;
}

}  // namespace

optimize_result optimize(const dataset& rows, const optimize_spec& spec, const optimize_progress& progress,
                         fit_pool* pool) {
  const auto prototype = make_or_throw(spec.model);
  const std::vector<search_dim> full = spec.space.empty() ? prototype->search_space() : spec.space;
  check_space(full, spec.model);
  check_spec(spec, rows);

  // A small budget cannot learn many dimensions: search the most important ones.
  const std::size_t searched = std::min(full.size(), static_cast<std::size_t>(std::max(1, spec.max_evals / evals_per_dim)));
  const std::vector<search_dim> space(full.begin(), full.begin() + static_cast<long>(searched));
  bool could_fit_net = fits_net(spec.model, spec.fixed);
  for (const auto& d : space)
    for (const auto& c : d.choices) could_fit_net = could_fit_net || fits_net(spec.model, c.params);
  const auto base = bound_evaluation(spec.model, spec.fixed, spec.cv.folds, could_fit_net);
  walk_forward_spec cv = spec.cv;
  cv.folds = base.folds;
  walk_forward_folds(rows.bar_index, cv);  // throws early when folds would be too small

  dlib::global_function_search search(search_box(space));
  search.set_seed(static_cast<time_t>(spec.seed % 2147483647ULL));
  const search_run run{spec, space, rows, cv, could_fit_net, pool};

  optimize_result out;
  out.score_name = score_name(spec.score);
  out.stop_reason = "evaluation budget";
  out.folds = cv.folds;
  for (const auto& d : space) out.searched.push_back(d.name);
  const auto t0 = std::chrono::steady_clock::now();
  const auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  std::size_t best = 0;
  for (int done = 0; done < spec.max_evals && out.stop_reason == "evaluation budget";) {
    if (since(t0) >= spec.max_seconds) {
      out.stop_reason = "time budget";
      break;
    }
    // Reported one by one, in index order.
    for (auto& c : run_round(search, run, done, std::min(evals_per_round, spec.max_evals - done))) {
      out.tried.push_back(std::move(c));
      ++done;
      if (out.tried.size() == 1 || out.tried.back().score > out.tried[best].score) best = out.tried.size() - 1;
      if (progress && !progress(out.tried.back(), out.tried[best])) {
        out.stop_reason = "stopped by caller";
        break;
      }
    }
  }
  out.seconds = since(t0);
  if (!out.tried.empty()) {
    out.best_params = out.tried[best].params;
    out.best_score = out.tried[best].score;
  }
  out.summary = summary_of(out, spec, full.size(), base.text);
  return out;
}

}  // namespace mlt::ml
