#pragma once
/// Gradient-boosted trees through the XGBoost C API (hist, binary:logistic).

#include <memory>

#include "ml/models/model.hpp"

namespace mlt::ml {

/// Parameters (defaults): n_rounds 400, eta 0.05, max_depth 3, subsample 0.8,
/// colsample 0.8, min_child_weight 5, lambda 1, rounds_per_step 10,
/// early_stopping 40 (rounds without a better validation log loss; 0 = off).
/// Runs single-threaded so that a seed gives bit-identical trees.
/// Predictions use the trees up to the best validation round. step() reports
/// the latest round's train and validation log loss, and the validation
/// accuracy of the predictions the model would make now (best round).
class xgboost_model final : public model {
public:
  xgboost_model();
  ~xgboost_model() override;
  xgboost_model(const xgboost_model&) = delete;
  xgboost_model& operator=(const xgboost_model&) = delete;

  std::string name() const override { return "xgboost"; }
  void start(const fit_data& data, const param_map& params, std::uint64_t seed) override;
  fit_step step() override;
  std::string step_unit() const override { return "round"; }
  /// Predictions already use the trees up to the best validation round; stop()
  /// ends boosting there and names that round.
  kept_step stop() override;
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& x) const override;
  param_map params() const override { return params_; }
  /// Total gain per column over the trees in use, normalised to sum 1.
  std::vector<double> importance() const override;
  /// A text header (parameters, rounds) followed by the booster in UBJSON.
  std::string save() const override;
  void load(const std::string& state) override;
  /// Ranges the optimiser searches.
  std::vector<search_dim> search_space() const override;
  /// Nodes of the trees in use (each a split threshold or a leaf value).
  std::int64_t parameter_count() const override;

  /// Best validation log loss so far (step() reports the latest round's).
  double best_val_loss() const { return best_val_loss_; }
  /// Boosting rounds done and the round (1-based count) predictions use.
  int rounds() const { return rounds_; }
  int best_rounds() const { return best_round_ + 1; }

  /// The parameter table (defaults and ranges).
  static const std::vector<param_spec>& param_specs();

private:
  void release();
  void* booster_ = nullptr;
  void* dtrain_ = nullptr;
  void* dval_ = nullptr;
  param_map params_;
  Eigen::Index n_features_ = 0;
  Eigen::VectorXd y_val_;
  int rounds_ = 0;
  int best_round_ = -1;
  double best_val_loss_ = 0;
  double last_train_loss_ = 0;
  double last_val_loss_ = 0;
  bool done_ = false;
};

/// Factory for the registry.
std::unique_ptr<model> make_xgboost_model();

}  // namespace mlt::ml
