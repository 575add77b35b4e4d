#pragma once
/// Transformer-encoder classifier over windows of the last seq_len rows (see
/// nn/transformer_net.hpp and sequence_model.hpp). Params: d_model, heads
/// (must divide d_model), layers, ff, seq_len, mean_pool (0 = last token,
/// 1 = mean) and the training ones (see params() for defaults).

#include <memory>

#include "ml/models/nn/transformer_net.hpp"
#include "ml/models/sequence_model.hpp"

namespace mlt::ml {

class transformer_model final : public sequence_model<nn::transformer_net<float>> {
public:
  transformer_model();
};

extern template class sequence_model<nn::transformer_net<float>>;

/// Registry factory for "transformer".
std::unique_ptr<model> make_transformer_model();

}  // namespace mlt::ml
