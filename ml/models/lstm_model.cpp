#include "ml/models/lstm_model.hpp"

#include "ml/models/sequence_model_impl.hpp"

namespace mlt::ml {

namespace {

nn::lstm_shape lstm_shape(const param_map& p, int inputs) {
  nn::lstm_shape shape;
  shape.inputs = inputs;
  shape.hidden = static_cast<int>(p.at("hidden"));
  shape.layers = static_cast<int>(p.at("layers"));
  shape.seq_len = static_cast<int>(p.at("seq_len"));
  return shape;
}

double lstm_flops(const nn::lstm_shape& s) {
  // Forward + backward of one window: ~3 passes of 2 flops per multiply-add.
  const double h4 = 4.0 * s.hidden;
  return 6.0 * s.seq_len * h4 * (s.inputs + s.hidden * (2.0 * s.layers - 1.0));
}

const sequence_spec<nn::lstm_shape>& lstm_spec() {
  // Defaults sized so ~2500 daily bars train in seconds on one core.
  static const sequence_spec<nn::lstm_shape> spec{
      "lstm",
      nn::window_layout::time_major,
      {{"hidden", 32, 1, 512, true}, {"layers", 1, 1, 2, true}, {"seq_len", 20, 1, 500, true}},
      3e-3,
      &lstm_shape,
      &lstm_flops,
      {{"hidden", 8, 64, true, false}},
      {{"layers", 1, 2, true, false}},
  };
  return spec;
}

}  // namespace

template class sequence_model<nn::lstm_net<float>>;

lstm_model::lstm_model() : sequence_model(lstm_spec()) {}

std::unique_ptr<model> make_lstm_model() { return std::make_unique<lstm_model>(); }

}  // namespace mlt::ml
