#pragma once
/// Transformer-encoder classifier over windows of the last seq_len rows (see
/// nn/transformer_net.hpp); fitting, prediction, saving and loading are
/// sequence_model's.

#include <memory>
#include <vector>

#include "ml/models/nn/transformer_net.hpp"
#include "ml/models/sequence_model.hpp"

namespace mlt::ml {

/// What makes the transformer a sequence_model (see sequence_model.hpp).
struct transformer_spec {
  using net = nn::transformer_net<float>;
  static constexpr const char* name = "transformer";
  static constexpr nn::window_layout layout = nn::window_layout::sequence_major;
  /// d_model, heads, layers, ff, seq_len, mean_pool (0 = last token, 1 =
  /// mean), dropout, learning_rate, batch_size, max_epochs, patience,
  /// clip_norm.
  static const std::vector<param_spec>& specs();
  /// Throws std::invalid_argument when heads does not divide d_model.
  static nn::transformer_shape shape(const param_map& p, int inputs);
  static double flops_per_window(const nn::transformer_shape& s);
  /// Learning rate, d_model, heads, window (seq_len), dropout, layers.
  static std::vector<search_dim> search_space();
};

using transformer_model = sequence_model<transformer_spec>;
extern template class sequence_model<transformer_spec>;

/// Registry factory for "transformer".
std::unique_ptr<model> make_transformer_model();

}  // namespace mlt::ml
