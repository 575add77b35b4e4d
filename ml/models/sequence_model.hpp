#pragma once
/// The model wrapper the sequence networks (lstm, transformer) share: it
/// checks the data, fits through nn::seq_trainer (windows, mini-batches,
/// early stopping, best weights kept), predicts over windows, and saves and
/// loads the network in one text format. A network brings only what differs,
/// as a "spec" (see lstm_model.hpp, transformer_model.hpp):
///
///   struct my_spec {
///     using net = nn::my_net<float>;       // has shape(), params(), logits()
///     static constexpr const char* name = "my";
///     static constexpr nn::window_layout layout = ...;
///     static const std::vector<param_spec>& specs();   // parameter table
///     /// The network's shape from resolved parameters; throws
///     /// std::invalid_argument (without the model's name) when they cannot hold.
///     static shape_type shape(const param_map& p, int inputs);
///     static double flops_per_window(const shape_type& s);  // forward + backward
///     static std::vector<search_dim> search_space();
///   };
///
/// The window for row t holds rows t-seq_len+1 .. t of the matrix it is given;
/// the first rows of a matrix have no full window and are left-padded with
/// zeros. A prediction for row t never sees a row after t.
///
/// The member functions are defined in sequence_model_impl.hpp, which only a
/// model's own .cpp includes (it instantiates the template once).

#include <optional>

#include "ml/models/model.hpp"
#include "ml/models/nn/seq_trainer.hpp"

namespace mlt::ml {

template <class Spec>
class sequence_model final : public model {
public:
  using net_type = typename Spec::net;

  std::string name() const override { return Spec::name; }
  /// Parameters of the spec's table, defaults filled in; unknown or out-of-range
  /// ones throw std::invalid_argument naming the parameter.
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
  std::vector<search_dim> search_space() const override { return Spec::search_space(); }
  /// Weights and biases of the network.
  std::int64_t parameter_count() const override;

private:
  const net_type* net() const;

  param_map params_;
  std::optional<nn::seq_trainer<net_type>> trainer_;
  std::optional<net_type> loaded_;  // set by load(), cleared by start()
};

}  // namespace mlt::ml
