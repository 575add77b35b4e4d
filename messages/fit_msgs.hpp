#pragma once
/// Trainer -> fit worker: one independent fit (ml/models/fit_job.hpp) as a
/// message, so a pool of workers can run a trial's folds at once, and later
/// workers on other nodes. Matrices travel as rows, columns and values.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "ml/models/fit_job.hpp"

namespace mlt::msg {

/// A dense matrix, column-major like Eigen's.
struct matrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<double> values;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, matrix& x) {
  return f(caf::meta::type_name("matrix"), x.rows, x.cols, x.values);
}

/// One fit, numbered by the sender; the answer carries the same index.
struct fit_job {
  std::uint64_t index = 0;
  std::string model;
  std::map<std::string, double> params;
  std::uint64_t seed = 0;
  matrix x_train;
  std::vector<double> y_train;
  matrix x_val;
  std::vector<double> y_val;
  std::int32_t embargo = 0;
  matrix predict_x;
  matrix extra_x;
  bool stop_at_end = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_job& x) {
  return f(caf::meta::type_name("fit_job"), x.index, x.model, x.params, x.seed, x.x_train, x.y_train, x.x_val,
           x.y_val, x.embargo, x.predict_x, x.extra_x, x.stop_at_end);
}

/// Fit worker -> trainer.
struct fit_done {
  std::uint64_t index = 0;
  std::vector<double> prob;
  std::vector<double> extra_prob;
  std::int32_t steps = 0;
  std::string error;
  bool bad_input = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_done& x) {
  return f(caf::meta::type_name("fit_done"), x.index, x.prob, x.extra_prob, x.steps, x.error, x.bad_input);
}

fit_job to_message(std::uint64_t index, const ml::fit_job& job);
/// Throws std::invalid_argument when a matrix's values do not fill its shape.
ml::fit_job from_message(const fit_job& job);
fit_done to_message(std::uint64_t index, const ml::fit_outcome& outcome);
ml::fit_outcome from_message(const fit_done& done);

}  // namespace mlt::msg
