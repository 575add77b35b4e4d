#pragma once
/// LSTM classifier over windows of the last seq_len rows (see nn/lstm_net.hpp);
/// fitting, prediction, saving and loading are sequence_model's.

#include <memory>
#include <vector>

#include "ml/models/nn/lstm_net.hpp"
#include "ml/models/sequence_model.hpp"

namespace mlt::ml {

/// What makes the LSTM a sequence_model (see sequence_model.hpp).
struct lstm_spec {
  using net = nn::lstm_net<float>;
  static constexpr const char* name = "lstm";
  static constexpr nn::window_layout layout = nn::window_layout::time_major;
  /// hidden, layers, seq_len, dropout, learning_rate, batch_size, max_epochs,
  /// patience, clip_norm.
  static const std::vector<param_spec>& specs();
  static nn::lstm_shape shape(const param_map& p, int inputs);
  static double flops_per_window(const nn::lstm_shape& s);
  /// Learning rate, hidden size, window (seq_len), dropout, layers.
  static std::vector<search_dim> search_space();
};

using lstm_model = sequence_model<lstm_spec>;
extern template class sequence_model<lstm_spec>;

/// Registry factory for "lstm".
std::unique_ptr<model> make_lstm_model();

}  // namespace mlt::ml
