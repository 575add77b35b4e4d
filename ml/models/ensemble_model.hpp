#pragma once
/// Ensemble over any registered models, combined by validation-derived
/// weights or by a stacked logistic regression.
///
/// Parameters (all doubles, as param_map requires):
///   use_<name>   1 to include registered model <name> (defaults: logistic and
///                xgboost on, the rest off)
///   mode         0 = weighted average, 1 = stacking
///   weight_by    weighted mode: 0 = weights proportional to 1 / validation log
///                loss, 1 = proportional to validation accuracy
///   <name>.<p>   parameter <p> passed to member <name>
/// The validation rows it is given serve two uses on disjoint rows
/// (validation_shares): the members early-stop on the first half; after
/// fit_data::embargo rows, the second half fits the weights or the stacker,
/// so no row both stops a member and weighs it.
/// Stacking fits a logistic regression (small L2) on the members' logits on
/// those combiner rows; its reported validation loss is cross-fitted over 5
/// contiguous blocks of them, so it is out of sample for the stacker.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "ml/eval/dataset.hpp"
#include "ml/models/fit_job.hpp"
#include "ml/models/model.hpp"

namespace mlt::ml {

class ensemble_model final : public model {
public:
  std::string name() const override { return "ensemble"; }
  void start(const fit_data& data, const param_map& params, std::uint64_t seed) override;
  /// Advances the members in turn (one member step per call), then combines.
  /// A member's measured unit is a measured step of the ensemble, with that
  /// member as its `part` (its losses are the member's); the combining step
  /// is measured too, as the whole.
  fit_step step() override;
  /// Once done: the combination, each member at its own kept step. Before
  /// that: the member in progress keeps its best state, members not yet
  /// fitted are left out (use_<name> becomes 0), and the rest are combined.
  kept_step stop() override;
  /// Ends the member being fitted (it keeps its best state); the next member
  /// is fitted after it, then the members are combined as usual.
  kept_step stop_part() override;
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& x) const override;
  param_map params() const override;
  /// Weighted average of the members' importances that have one per column.
  std::vector<double> importance() const override;

  /// Names of the members in use.
  std::vector<std::string> members() const;
  /// Weight of each member in weighted mode, or the stacker's coefficient of
  /// each member's logit in stacking mode (after the fit is done).
  std::vector<double> weights() const;
  /// How `val_rows` validation rows are shared: [0, first_end) early-stop the
  /// members, [second_begin, rows) fit the combiner. Throws
  /// std::invalid_argument when either would get fewer than min_use_rows.
  static row_shares validation_shares(std::size_t val_rows, int embargo);
  /// Mode, weights or stacker, and every member's own save() state, in the
  /// text format "mlt-ensemble 1" described in ensemble_model.cpp; empty
  /// before start() or when a member cannot be saved.
  std::string save() const override;
  /// Restores save() output (members through their own load()); throws
  /// std::invalid_argument naming the problem (and the member) when the state
  /// is malformed, truncated or of another model.
  void load(const std::string& state) override;
  /// Categorical: members (sets of logistic, xgboost, lstm, transformer) and
  /// weighting (inverse log loss, accuracy, stacking).
  std::vector<search_dim> search_space() const override;
  /// The members' parameters plus the combining weights (or the stacker's).
  std::int64_t parameter_count() const override;

  /// After start(): each member's fit as an independent job, fitted to the
  /// end and stopped as step() does it, with the member's own seed; it
  /// predicts `x` and (extra) the combiner's validation rows. The members can
  /// then fit at once, on any pool.
  std::vector<fit_job> member_jobs(const Eigen::MatrixXd& x) const;
  /// P(up) of the `x` given to member_jobs, from those jobs' outcomes (in
  /// member order): the combiner fitted exactly as step() fits it. The
  /// ensemble keeps the combiner, not the fitted members: use it for nothing
  /// else afterwards.
  Eigen::VectorXd combine_members(const std::vector<fit_outcome>& members);

  /// After start(), before the first step(): fits every member at once on
  /// `pool` (a pool of width 1 changes nothing), each a job that keeps its
  /// steps and its fitted state (fit_job::keep_fit). step() then answers each
  /// member's steps from its job, member after member, exactly as stepping it
  /// here would, and the member keeps the state the job saved. A member
  /// stopped before its end (stop_part(), stop()) is stepped here from its
  /// start to that step first, so it keeps what it would keep in turn. A
  /// member whose job fails is stepped here; one not back within `first_wait`
  /// of its first step is stepped here until its job is back.
  void fit_members_on(std::unique_ptr<fit_pool> pool, std::chrono::milliseconds first_wait = member_wait);
  /// How long step() waits for a member's job before stepping it here:
  /// below a worker node's 3-minute deadline for one trainer call
  /// (actors/cluster/remote_trainer.cpp) and the engine's 5 minutes.
  static constexpr std::chrono::minutes member_wait{2};

private:
  /// A member's job on the pool (fit_members_on) and how far step() is.
  struct ahead {
    bool sent = false;         // on the pool, not back yet
    bool back = false;         // back whole: every step, stop()'s answer, a state
    fit_outcome fitted;
    std::size_t answered = 0;  // the member's steps step() has answered
    std::size_t local = 0;     // of those, the steps its model here has taken
  };
  /// The member's data as start() gave it: the early-stopping share of the validation rows.
  fit_data member_data() const;
  fit_job member_job(std::size_t i, const fit_data& data) const;
  /// Member i's next step: from its job when that is back, else stepped here.
  fit_step step_member(std::size_t i);
  /// Takes the pool's outcomes that are back, waiting at most `wait` for member i's.
  void await(std::size_t i, std::chrono::milliseconds wait);
  /// Steps member i's model here up to the steps answered from its job (its
  /// state must be the one in turn before it is stopped, saved or asked).
  /// Const for predict_proba() and save(): the answers do not change.
  void catch_up(std::size_t i) const;
  void settle() const;
  Eigen::VectorXd combine(const Eigen::MatrixXd& member_probs) const;
  /// Fits the weights or the stacker on the members' predictions of the
  /// combiner rows; answers the (cross-fitted) combined predictions of them.
  Eigen::VectorXd fit_combiner(const Eigen::MatrixXd& val, const Eigen::VectorXd& y_comb);
  void finish();
  kept_step end_member(std::size_t i);

  param_map params_;
  fit_data data_;
  Eigen::Index combine_begin_ = 0;  // first validation row of the combiner
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<model>> members_;
  std::vector<param_map> member_params_;  // as given to each member's start()
  std::uint64_t seed_ = 0;
  Eigen::Index columns_ = 0;  // feature columns fitted on (for importance())
  std::vector<int> member_totals_;
  std::size_t current_ = 0;
  std::size_t last_part_ = 0;        // member of the last measured step
  double last_part_val_loss_ = 0;    // and its validation loss
  int steps_ = 0;
  bool stacking_ = false;
  bool done_ = false;
  Eigen::VectorXd weights_;  // weighted mode: member weights
  Eigen::VectorXd stack_;    // stacking: intercept then one coefficient per member
  fit_step last_;                 // the combination's losses, set by finish()
  std::vector<std::string> kept_;  // "xgboost at round 57" per finished member
  std::unique_ptr<fit_pool> pool_;  // fit_members_on's, until the combination
  std::chrono::milliseconds first_wait_{member_wait};
  mutable std::vector<ahead> ahead_;  // per member while pool_ is set (catch_up is const)
};

/// Registry factory for "ensemble".
std::unique_ptr<model> make_ensemble_model();

}  // namespace mlt::ml
