#pragma once
/// Baseline: always predicts the majority class of the training labels.

#include <memory>

#include "ml/models/model.hpp"

namespace mlt::ml {

/// P(1) is the training base rate, so thresholding at 0.5 gives the majority class.
class majority_model final : public model {
public:
  std::string name() const override { return "majority"; }
  void start(const fit_data& data, const param_map& params, std::uint64_t seed) override;
  fit_step step() override;
  std::string step_unit() const override { return "fit"; }
  /// There is one state: the base rate, found in the one step.
  kept_step stop() override;
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& x) const override;
  param_map params() const override { return {}; }
  /// 1 (the training base rate) once fitted.
  std::int64_t parameter_count() const override { return done_ ? 1 : 0; }
  std::string save() const override;
  void load(const std::string& state) override;

private:
  fit_data data_;
  double rate_ = 0.5;
  double kept_loss_ = 0;  // validation (or training) log loss of the fit
  bool done_ = false;
};

/// Factory for the registry.
std::unique_ptr<model> make_majority_model();

}  // namespace mlt::ml
