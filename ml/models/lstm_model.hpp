#pragma once
/// LSTM classifier over windows of the last seq_len rows (see
/// nn/lstm_net.hpp and sequence_model.hpp). Params: hidden, layers, seq_len
/// and the training ones (see params() for defaults).

#include <memory>

#include "ml/models/nn/lstm_net.hpp"
#include "ml/models/sequence_model.hpp"

namespace mlt::ml {

class lstm_model final : public sequence_model<nn::lstm_net<float>> {
public:
  lstm_model();
};

extern template class sequence_model<nn::lstm_net<float>>;

/// Registry factory for "lstm".
std::unique_ptr<model> make_lstm_model();

}  // namespace mlt::ml
