#include "ml/models/transformer_model.hpp"

#include "ml/models/sequence_model_impl.hpp"

namespace mlt::ml {

namespace {

nn::transformer_shape transformer_shape(const param_map& p, int inputs) {
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

double transformer_flops(const nn::transformer_shape& s) {
  // Forward + backward per token: ~3 passes of 2 flops per multiply-add.
  const double d = s.d_model;
  const double per_token =
      s.inputs * d + s.layers * (4.0 * d * d + 2.0 * d * s.ff + 2.0 * s.seq_len * d);
  return 6.0 * s.seq_len * per_token;
}

const sequence_spec<nn::transformer_shape>& transformer_spec() {
  // Defaults sized so ~2500 daily bars train in seconds on one core. In the
  // search, every d_model offered is a multiple of every heads offered, so
  // each combination the optimiser picks is valid.
  static const sequence_spec<nn::transformer_shape> spec{
      "transformer",
      nn::window_layout::sequence_major,
      {{"d_model", 32, 2, 512, true},
       {"heads", 4, 1, 64, true},
       {"layers", 1, 1, 6, true},
       {"ff", 64, 1, 4096, true},
       {"seq_len", 20, 1, 500, true},
       {"mean_pool", 0, 0, 1, true}},
      1e-3,
      &transformer_shape,
      &transformer_flops,
      {choice_dim("d_model", {16, 32, 64}), choice_dim("heads", {1, 2, 4})},
      {{"layers", 1, 3, true, false}},
  };
  return spec;
}

}  // namespace

template class sequence_model<nn::transformer_net<float>>;

transformer_model::transformer_model() : sequence_model(transformer_spec()) {}

std::unique_ptr<model> make_transformer_model() { return std::make_unique<transformer_model>(); }

}  // namespace mlt::ml
