#pragma once
/// LSTM classifier over windows of the last seq_len rows (see nn/lstm_net.hpp).
///
/// The window for row t holds rows t-seq_len+1 .. t of the matrix it is given;
/// the first rows of a matrix have no full window and are left-padded with
/// zeros. A prediction for row t never sees a row after t.

#include <memory>
#include <optional>

#include "ml/models/model.hpp"
#include "ml/models/nn/lstm_net.hpp"
#include "ml/models/nn/seq_trainer.hpp"

namespace mlt::ml {

class lstm_model final : public model {
public:
  std::string name() const override { return "lstm"; }
  /// Params: hidden, layers, seq_len, dropout, learning_rate, batch_size,
  /// max_epochs, patience, clip_norm (see params() for defaults).
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
  /// the text format "mlt-lstm 1" described in lstm_model.cpp; empty before
  /// start() or load().
  std::string save() const override;
  /// Restores save() output; throws std::invalid_argument naming the problem
  /// when the state is malformed, truncated or of another model.
  void load(const std::string& state) override;
  /// Learning rate, hidden size, window (seq_len), dropout, layers.
  std::vector<search_dim> search_space() const override;
  /// Weights and biases of the network.
  std::int64_t parameter_count() const override;

private:
  const nn::lstm_net<float>* net() const;

  param_map params_;
  std::optional<nn::seq_trainer<nn::lstm_net<float>>> trainer_;
  std::optional<nn::lstm_net<float>> loaded_;  // set by load(), cleared by start()
};

/// Registry factory for "lstm".
std::unique_ptr<model> make_lstm_model();

}  // namespace mlt::ml
