#include "ml/models/transformer_model.hpp"

#include "ml/models/sequence_model_impl.hpp"

namespace mlt::ml {

const std::vector<param_spec>& transformer_spec::specs() {
  // Defaults sized so ~2500 daily bars train in seconds on one core.
  static const std::vector<param_spec> table = {
      {"d_model", 32, 2, 512, true},
      {"heads", 4, 1, 64, true},
      {"layers", 1, 1, 6, true},
      {"ff", 64, 1, 4096, true},
      {"seq_len", 20, 1, 500, true},
      {"mean_pool", 0, 0, 1, true},
      {"dropout", 0.1, 0, 0.9, false},
      {"learning_rate", 1e-3, 1e-6, 1, false},
      {"batch_size", 64, 1, 4096, true},
      {"max_epochs", 20, 1, 1000, true},
      {"patience", 4, 1, 1000, true},
      {"clip_norm", 1.0, 0, 1e6, false},
  };
  return table;
}

nn::transformer_shape transformer_spec::shape(const param_map& p, int inputs) {
  nn::transformer_shape shape;
  shape.inputs = inputs;
  shape.d_model = static_cast<int>(p.at("d_model"));
  shape.heads = static_cast<int>(p.at("heads"));
  if (shape.d_model % shape.heads != 0)
    throw std::invalid_argument("parameter 'heads' = " + std::to_string(shape.heads) +
                                " must divide d_model = " + std::to_string(shape.d_model));
  shape.layers = static_cast<int>(p.at("layers"));
  shape.ff = static_cast<int>(p.at("ff"));
  shape.seq_len = static_cast<int>(p.at("seq_len"));
  shape.mean_pool = p.at("mean_pool") > 0.5;
  return shape;
}

double transformer_spec::flops_per_window(const nn::transformer_shape& s) {
  // Forward + backward per token: ~3 passes of 2 flops per multiply-add.
  const double d = s.d_model;
  const double per_token =
      s.inputs * d + s.layers * (4.0 * d * d + 2.0 * d * s.ff + 2.0 * s.seq_len * d);
  return 6.0 * s.seq_len * per_token;
}

std::vector<search_dim> transformer_spec::search_space() {
  // heads must divide d_model: every d_model offered is a multiple of every
  // heads offered, so each combination the optimiser picks is valid.
  return {{"learning_rate", 1e-4, 1e-2, false, true},
          choice_dim("d_model", {16, 32, 64}),
          choice_dim("heads", {1, 2, 4}),
          {"seq_len", 5, 60, true, false},
          {"dropout", 0.0, 0.5, false, false},
          {"layers", 1, 3, true, false}};
}

template class sequence_model<transformer_spec>;

std::unique_ptr<model> make_transformer_model() { return std::make_unique<transformer_model>(); }

}  // namespace mlt::ml
