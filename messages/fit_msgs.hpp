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
  bool keep_fit = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_job& x) {
  return f(caf::meta::type_name("fit_job"), x.index, x.model, x.params, x.seed, x.x_train, x.y_train, x.x_val,
           x.y_val, x.embargo, x.predict_x, x.extra_x, x.stop_at_end, x.keep_fit);
}

/// One step() answer of a kept fit (ml::fit_step).
struct fit_step_record {
  std::int32_t step = 0;
  std::int32_t total = 0;
  double train_loss = 0;
  double val_loss = 0;
  double val_accuracy = 0;
  bool measured = false;
  double fraction = 0;
  bool done = false;
  std::string part;
  std::string part_what;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_step_record& x) {
  return f(caf::meta::type_name("fit_step_record"), x.step, x.total, x.train_loss, x.val_loss, x.val_accuracy,
           x.measured, x.fraction, x.done, x.part, x.part_what);
}

/// Fit worker -> trainer. A kept fit (fit_job.keep_fit) also carries its
/// steps, what stop() kept and the saved state.
struct fit_done {
  std::uint64_t index = 0;
  std::vector<double> prob;
  std::vector<double> extra_prob;
  std::int32_t steps = 0;
  std::string error;
  bool bad_input = false;
  std::vector<fit_step_record> log;
  std::int32_t kept_step = 0;
  double kept_val_loss = 0;
  std::string kept_what;
  std::string state;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_done& x) {
  return f(caf::meta::type_name("fit_done"), x.index, x.prob, x.extra_prob, x.steps, x.error, x.bad_input, x.log,
           x.kept_step, x.kept_val_loss, x.kept_what, x.state);
}

fit_job to_message(std::uint64_t index, const ml::fit_job& job);
/// Throws std::invalid_argument when a matrix's values do not fill its shape.
ml::fit_job from_message(const fit_job& job);
fit_done to_message(std::uint64_t index, const ml::fit_outcome& outcome);
ml::fit_outcome from_message(const fit_done& done);

}  // namespace mlt::msg
