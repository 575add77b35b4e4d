#pragma once
/// Independent fits as units of work: a walk-forward fold of an optimiser's
/// evaluation, a fold of the walk-forward evidence, an ensemble member within
/// either (fit_batch splits an ensemble's job). Each job carries all it
/// needs (its rows, its seed), so it gives the same answer wherever and in
/// whatever order it runs; a fit_pool runs jobs, in turn on the caller's
/// thread (in_turn_pool) or elsewhere (the actors layer sends them to worker
/// actors as messages), and the caller gathers the outcomes by index.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ml/models/model.hpp"

namespace mlt::ml {

/// `model` with `params` and `seed` fitted to the end on `data` (the model's
/// own early stopping decides the end), then asked for P(up) of `predict_x`
/// and, apart (a sequence model reads earlier rows), of `extra_x`.
struct fit_job {
  std::string model;
  param_map params;
  std::uint64_t seed = 0;
  fit_data data;
  Eigen::MatrixXd predict_x;
  Eigen::MatrixXd extra_x;   ///< an ensemble member: the combiner's rows
  bool stop_at_end = false;  ///< call stop() once done, as an ensemble does with its members
  /// Keep the fit itself: every step() answer in order, stop()'s answer and
  /// save() after it (an ensemble member fitted ahead of the engine's steps).
  bool keep_fit = false;
};

struct fit_outcome {
  Eigen::VectorXd prob;  ///< P(up) per row of the job's predict_x (none when it has no rows)
  Eigen::VectorXd extra_prob;  ///< per row of extra_x
  int steps = 0;         ///< units of work the fit ran
  std::string error;     ///< non-empty: the fit failed, and why
  bool bad_input = false;  ///< the failure was the job's parameters or data (std::invalid_argument)
  std::vector<fit_step> log;  ///< keep_fit: what each step() answered, in order
  kept_step kept;             ///< keep_fit: what stop() answered
  std::string state;          ///< keep_fit: save() after stop() (empty: the model cannot be saved)
};

/// Runs one job on this thread; never throws (a failure is in `error`).
/// `go_on`, asked before every model step, may abandon the fit (a daemon
/// that stops does not wait for a long fit to end).
fit_outcome run_fit_job(const fit_job& job, const std::function<bool()>& go_on = {});

/// Throws the first failure among `outcomes` (in index order): as
/// std::invalid_argument when its input was bad, else std::runtime_error.
void throw_first_failure(const std::vector<fit_outcome>& outcomes);

/// Where independent fits run. Jobs are submitted with an index; outcomes
/// come back in any order, each with its index.
class fit_pool {
public:
  virtual ~fit_pool() = default;
  /// Fits that may run at once (1 = one after the other).
  virtual int width() const = 0;
  virtual void submit(std::size_t index, fit_job job) = 0;
  /// Waits at most `wait` for the outcome of any submitted job; nullopt when
  /// none finished in that time.
  virtual std::optional<std::pair<std::size_t, fit_outcome>> collect(std::chrono::milliseconds wait) = 0;
};

/// Runs each job when collected, lowest index first, on the caller's thread:
/// the sequential default.
class in_turn_pool final : public fit_pool {
public:
  int width() const override { return 1; }
  void submit(std::size_t index, fit_job job) override;
  std::optional<std::pair<std::size_t, fit_outcome>> collect(std::chrono::milliseconds wait) override;

private:
  std::vector<std::pair<std::size_t, fit_job>> queued_;
};

/// Jobs as the units a pool runs: an ensemble's job becomes one unit per
/// member (member_jobs), so its members fit at once too, and its outcome is
/// combined here when the last of them is back; any other job is one unit.
/// Units of job j come before those of job j + 1.
class fit_batch {
public:
  explicit fit_batch(std::vector<fit_job> jobs);
  ~fit_batch();
  fit_batch(const fit_batch&) = delete;
  fit_batch& operator=(const fit_batch&) = delete;

  /// The units, to submit under their position as index; once.
  std::vector<fit_job> take_units();
  /// Unit `unit`'s outcome is back.
  void arrive(std::size_t unit, fit_outcome outcome);
  /// Every unit of job `job` is back (or it failed before it had any).
  bool complete(std::size_t job) const;
  /// The job's outcome, once complete.
  fit_outcome take(std::size_t job);
  std::size_t jobs() const;

private:
  struct entry;
  std::vector<entry> entries_;
  std::vector<std::size_t> job_of_unit_;
  std::vector<fit_job> units_;
};

/// Submits every job's units, waits for all of them and answers the
/// outcomes in the jobs' order (never in the order they finished).
std::vector<fit_outcome> run_all(fit_pool& pool, std::vector<fit_job> jobs);

}  // namespace mlt::ml
