#pragma once
/// The model the sequence networks (lstm, transformer) share: it checks the
/// data, fits through nn::seq_trainer (windows, mini-batches, early stopping,
/// best weights kept), predicts over windows, and saves and loads the network
/// in one text format. A network brings only what differs, as a
/// sequence_spec (see lstm_model.cpp, transformer_model.cpp).
///
/// The window for row t holds rows t-seq_len+1 .. t of the matrix it is given;
/// the first rows of a matrix have no full window and are left-padded with
/// zeros. A prediction for row t never sees a row after t.
///
/// The member functions are defined in sequence_model_impl.hpp, which only a
/// model's own .cpp includes (it instantiates the template once).

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ml/models/model.hpp"
#include "ml/models/nn/seq_trainer.hpp"

namespace mlt::ml {

/// What makes a network of shape `Shape` a sequence model.
template <class Shape>
struct sequence_spec {
  std::string name;  ///< the registered model name
  nn::window_layout layout;
  /// The network's own parameters, seq_len among them. The training ones
  /// follow them in params(): dropout, learning_rate, batch_size, max_epochs,
  /// patience, clip_norm, the same for every network but the learning rate's
  /// default.
  std::vector<param_spec> net_params;
  double learning_rate = 1e-3;  ///< default
  /// The network's shape from resolved parameters; throws std::invalid_argument
  /// (without the model's name) when they cannot hold together.
  Shape (*shape)(const param_map& p, int inputs) = nullptr;
  /// Approximate flops of forward + backward for one window.
  double (*flops_per_window)(const Shape& s) = nullptr;
  /// The optimiser searches, most important first: the learning rate, then
  /// `search_width` (the network's size), the window (seq_len), dropout, then
  /// `search_depth`; the ranges of the shared ones are sequence_model's.
  std::vector<search_dim> search_width;
  std::vector<search_dim> search_depth;
};

template <class Net>
class sequence_model : public model {
public:
  using shape_type = std::decay_t<decltype(std::declval<const Net&>().shape())>;
  using spec_type = sequence_spec<shape_type>;

  /// `spec` must outlive the model (each network's is a static object).
  explicit sequence_model(const spec_type& spec);

  std::string name() const override { return spec_.name; }
  /// Unknown or out-of-range params throw std::invalid_argument naming the parameter.
  void start(const fit_data& data, const param_map& params, std::uint64_t seed) override;
  /// One bounded chunk of an epoch; `step` counts finished epochs.
  fit_step step() override;
  std::string step_unit() const override { return "epoch"; }
  /// Keeps the weights of the epoch with the lowest validation loss (see
  /// nn::seq_trainer::stop()); early stopping ends the same way.
  kept_step stop() override;
  Eigen::VectorXd predict_proba(const Eigen::MatrixXd& x) const override;
  param_map params() const override;
  /// The network predict_proba() uses (best weights once fitting is done), in
  /// the text format "mlt-<name> 1" described in sequence_model_impl.hpp;
  /// empty before start() or load().
  std::string save() const override;
  /// Restores save() output; throws std::invalid_argument naming the problem
  /// when the state is malformed, truncated or of another model.
  void load(const std::string& state) override;
  std::vector<search_dim> search_space() const override;
  /// Weights and biases of the network.
  std::int64_t parameter_count() const override;

private:
  const Net* net() const;
  shape_type checked_shape(const param_map& p, int inputs, const std::string& error_prefix) const;

  const spec_type& spec_;
  std::vector<param_spec> table_;  // spec_.net_params, then the training parameters
  param_map params_;
  std::optional<nn::seq_trainer<Net>> trainer_;
  std::optional<Net> loaded_;  // set by load(), cleared by start()
};

}  // namespace mlt::ml
