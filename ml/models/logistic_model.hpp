#pragma once
/// L2-regularised logistic regression on Eigen, fitted by Newton steps.

#include <memory>

#include "ml/models/model.hpp"

namespace mlt::ml {

/// Minimises mean log loss + l2/2 |w|^2 (the intercept is not penalised).
/// Parameters: l2 [0, 1000] (default 0.01), max_iter [1, 1000] (default 50),
/// tol [0, 1] (default 1e-8, on the largest Newton update). One step() is one
/// Newton iteration; the fit is deterministic, so the seed is unused.
/// stop(): a fit that converged keeps its converged coefficients (the
/// minimiser of the penalised loss, which l2 tunes); a fit stopped before
/// converging, or that ran out of iterations, keeps the iterate with the
/// lowest validation loss.
class logistic_model final : public model {
public:
  std::string name() const override { return "logistic"; }
  void start(const fit_data& data, const param_map& params, std::uint64_t seed) override;
  fit_step step() override;
  std::string step_unit() const override { return "iteration"; }
  kept_step stop() override;
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& x) const override;
  param_map params() const override { return params_; }
  /// |coefficient| of each column, normalised to sum 1.
  std::vector<double> importance() const override;
  std::string save() const override;
  void load(const std::string& state) override;
  /// Ranges the optimiser searches.
  std::vector<search_dim> search_space() const override;
  /// One coefficient per column and the intercept.
  std::int64_t parameter_count() const override { return w_.size() > 0 ? w_.size() + 1 : 0; }

  /// Coefficients per column and the intercept.
  const Eigen::VectorXd& weights() const { return w_; }
  double intercept() const { return b_; }

  /// The parameter table (defaults and ranges).
  static const std::vector<param_spec>& param_specs();

private:
  fit_data data_;
  param_map params_;
  Eigen::VectorXd w_;
  double b_ = 0;
  int iter_ = 0;
  bool done_ = false;
  bool converged_ = false;
  // The iterate stop() keeps.
  Eigen::VectorXd best_w_;
  double best_b_ = 0;
  int best_iter_ = 0;
  double best_loss_ = 0;
};

/// Factory for the registry.
std::unique_ptr<model> make_logistic_model();

}  // namespace mlt::ml
