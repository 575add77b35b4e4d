#include "ml/models/lstm_model.hpp"

#include "ml/models/sequence_model_impl.hpp"

namespace mlt::ml {

const std::vector<param_spec>& lstm_spec::specs() {
  // Defaults sized so ~2500 daily bars train in seconds on one core.
  static const std::vector<param_spec> table = {
      {"hidden", 32, 1, 512, true},
      {"layers", 1, 1, 2, true},
      {"seq_len", 20, 1, 500, true},
      {"dropout", 0.1, 0, 0.9, false},
      {"learning_rate", 3e-3, 1e-6, 1, false},
      {"batch_size", 64, 1, 4096, true},
      {"max_epochs", 20, 1, 1000, true},
      {"patience", 4, 1, 1000, true},
      {"clip_norm", 1.0, 0, 1e6, false},
  };
  return table;
}

nn::lstm_shape lstm_spec::shape(const param_map& p, int inputs) {
  nn::lstm_shape shape;
  shape.inputs = inputs;
  shape.hidden = static_cast<int>(p.at("hidden"));
  shape.layers = static_cast<int>(p.at("layers"));
  shape.seq_len = static_cast<int>(p.at("seq_len"));
  return shape;
}

double lstm_spec::flops_per_window(const nn::lstm_shape& s) {
  // Forward + backward of one window: ~3 passes of 2 flops per multiply-add.
  const double h4 = 4.0 * s.hidden;
  return 6.0 * s.seq_len * h4 * (s.inputs + s.hidden * (2.0 * s.layers - 1.0));
}

std::vector<search_dim> lstm_spec::search_space() {
  return {{"learning_rate", 1e-4, 1e-2, false, true},
          {"hidden", 8, 64, true, false},
          {"seq_len", 5, 60, true, false},
          {"dropout", 0.0, 0.5, false, false},
          {"layers", 1, 2, true, false}};
}

template class sequence_model<lstm_spec>;

std::unique_ptr<model> make_lstm_model() { return std::make_unique<lstm_model>(); }

}  // namespace mlt::ml
