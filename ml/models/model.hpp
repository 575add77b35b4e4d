#pragma once
/// One interface for every model: fit in steps, predict, parameters.

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

namespace mlt::ml {

using param_map = std::map<std::string, double>;

/// Scaled training and validation rows in time order.
struct fit_data {
  Eigen::MatrixXd x_train;
  Eigen::VectorXd y_train;
  Eigen::MatrixXd x_val;
  Eigen::VectorXd y_val;
  int embargo = 0;  ///< rows a model leaves out where it shares x_val between two uses (the label horizon)
};

/// What one step() call did; losses are log loss.
///
/// A fit is made of units of work (epochs, boosting rounds, Newton
/// iterations; see model::step_unit()). A call may end inside a unit: then
/// `measured` is false, `step` still counts the units finished before it and
/// the losses are 0, because nothing was measured. A call that finishes a unit
/// is `measured`: `step` is that unit's number (strictly greater than any
/// earlier measured step of the fit) and the losses are that unit's.
struct fit_step {
  int step = 0;         ///< units finished so far
  int total = 0;        ///< planned units
  double train_loss = 0;
  double val_loss = 0;
  double val_accuracy = 0;
  bool measured = false;  ///< this call finished unit `step`; the losses are its measurements
  double fraction = 0;    ///< share of the planned work done, partial units included (0..1)
  bool done = false;    ///< converged, early-stopped or out of steps
  /// For a model made of parts (an ensemble's members): the part whose unit
  /// this measured step finished ("lstm"), and that unit in words ("member
  /// lstm, epoch 3/20"). A new part starts a new loss history: its losses are
  /// not comparable with another part's. Empty for a single model.
  std::string part;
  std::string part_what;
};

/// The state a fit ends with (see model::stop()).
struct kept_step {
  int step = 0;         ///< the measured unit whose state is kept; 0 = none (see `what`)
  double val_loss = 0;  ///< its validation log loss (training log loss without validation rows)
  std::string what;     ///< what is kept, for people: "the weights of epoch 7"
};

/// One value of a categorical search dimension: a label for the transcript
/// and the parameters it sets together (e.g. an ensemble's member set).
struct search_choice {
  std::string label;
  std::map<std::string, double> params;
};

/// One dimension of a hyperparameter search (see ml/models/optimize.hpp).
struct search_dim {
  search_dim() = default;
  /// A numeric range.
  search_dim(std::string name_, double lo_, double hi_, bool integer_ = false, bool log_scale_ = false)
      : name(std::move(name_)), lo(lo_), hi(hi_), integer(integer_), log_scale(log_scale_) {}

  std::string name;
  double lo = 0;
  double hi = 0;
  bool integer = false;
  bool log_scale = false;  ///< searched uniformly in log10
  /// Categorical when not empty: the optimiser picks one choice (lo, hi,
  /// integer and log_scale are then unused). Choices are searched by their
  /// index, so list ordered values in order.
  std::vector<search_choice> choices;
};

/// A categorical dimension over values of one parameter, e.g. d_model in
/// {16, 32, 64}: used where a range would allow invalid combinations.
search_dim choice_dim(const std::string& name, const std::vector<double>& values);

class model {
public:
  virtual ~model() = default;
  /// Registered name: "logistic", "xgboost", ...
  virtual std::string name() const = 0;
  /// Resets and prepares a fit; unknown or out-of-range params throw
  /// std::invalid_argument naming the parameter.
  virtual void start(const fit_data& data, const param_map& params, std::uint64_t seed) = 0;
  /// Advances the fit by one chunk of work (bounded, well under a second).
  virtual fit_step step() = 0;
  /// What one unit of work is called in fit_step::step: "epoch", "round", ...
  virtual std::string step_unit() const { return "step"; }
  /// Ends the fit (step() does no more work afterwards) and keeps the state of
  /// the measured step with the lowest validation loss, which predict_proba(),
  /// save() and importance() use from then on; says which step that was. Works
  /// both on a fit still running (the agent's "stop") and on one that is done
  /// (early stopping or out of steps), so every fit ends the same way. Each
  /// model documents its equivalent where it differs.
  virtual kept_step stop() = 0;
  /// Ends the part being fitted now (it keeps its best measured state) and
  /// lets the fit go on with the next part; a model without parts stops.
  virtual kept_step stop_part() { return stop(); }
  /// P(label = 1) for each row of `x` (rows in time order).
  virtual Eigen::VectorXd predict_proba(const Eigen::MatrixXd& x) const = 0;
  /// The parameters in effect, defaults filled in.
  virtual param_map params() const = 0;
  /// Feature importance by column (may be empty when a model has none).
  virtual std::vector<double> importance() const { return {}; }
  /// The fitted state as bytes, restorable by load() on a model of the same
  /// name; empty when the model cannot be saved.
  virtual std::string save() const { return {}; }
  /// Restores a state made by save() (predict, params and importance work;
  /// fitting again needs start()). Throws std::invalid_argument when the state
  /// is malformed or the model cannot be loaded.
  virtual void load(const std::string& state) {
    (void)state;
    throw std::invalid_argument(name() + ": saving and loading are not supported");
  }
  /// The hyperparameters the optimiser may tune, with ranges (empty = none),
  /// most important first: a small evaluation budget searches only the first.
  virtual std::vector<search_dim> search_space() const { return {}; }
  /// Numbers the fitted model learned (weights, biases, tree nodes), 0 before
  /// start() or load(); reports show it beside the model's name.
  virtual std::int64_t parameter_count() const { return 0; }
};

/// One tunable parameter: its default and inclusive range.
struct param_spec {
  std::string name;
  double value = 0;    ///< default
  double lo = 0;
  double hi = 0;
  bool integer = false;  ///< must be a whole number
};

/// Defaults of `specs` overridden by `given`; an unknown name or a value out of
/// range (or not whole when integer) throws std::invalid_argument naming the
/// model, the parameter and its range.
param_map resolve_params(const std::string& model_name, const std::vector<param_spec>& specs,
                         const param_map& given);

/// Makes a model by name; nullptr when the name is unknown.
std::unique_ptr<model> make_model(const std::string& name);
/// Names make_model accepts.
std::vector<std::string> model_names();
/// True for the neural nets over windows of bars (lstm, transformer): slow to
/// fit and hungry for rows, so the optimiser and the rules brain treat them apart.
bool is_sequence_model(const std::string& name);

}  // namespace mlt::ml
