#pragma once
/// LSTM network (1-2 layers) with a logistic head on the last hidden state,
/// with a hand-written backward pass.
///
/// Input: features x (seq_len * batch) in time-major window layout. Per layer
/// the input projection W_x x + b of all time steps is one matrix product
/// outside the time loop; inside it, the four gates of a step come from one
/// product W_h h_{t-1}. Gate rows are ordered i, f, o (sigmoid) then g (tanh).
/// Dropout (inverted) applies to the output sequence of a lower layer and to
/// the last hidden state before the head.

#include <cstdint>
#include <vector>

#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// Shape of an LSTM network.
struct lstm_shape {
  int inputs = 1;
  int hidden = 32;
  int layers = 1;
  int seq_len = 20;
};

template <class T>
class lstm_net {
public:
  using scalar = T;
  lstm_net() = default;
  /// Glorot-uniform weights, zero biases except forget-gate bias 1.
  lstm_net(const lstm_shape& shape, rng& r);

  const lstm_shape& shape() const { return shape_; }
  /// Every trainable tensor (for the optimiser and gradient checks).
  param_refs<T> params();

  /// Test hook and training step: mean binary cross-entropy of the batch
  /// `x` (time-major windows) against `y`, filling every parameter's `g`.
  /// Dropout masks with probability `dropout` are drawn from `dropout_seed`,
  /// so equal seeds give equal masks (finite differences see the same net).
  double loss_and_grad(const mat<T>& x, const vec<T>& y, double dropout,
                       std::uint64_t dropout_seed);

  /// Logits (1 x batch) without dropout.
  mat<T> logits(const mat<T>& x) const;

private:
  struct layer {
    param<T> wx, wh, b;
  };
  struct layer_cache {
    mat<T> act;       // 4H x LB gate activations
    mat<T> c, tc, h;  // H x LB cell, tanh(cell), hidden
    mat<T> mask;      // dropout mask on h (lower layers), empty when off
    mat<T> out;       // h after dropout (input of the next layer)
  };
  struct cache {
    std::vector<layer_cache> layers;
    mat<T> head_mask, head_in, z;
  };

  void forward(const mat<T>& x, double dropout, rng* masks, cache& cc) const;
  const mat<T>& layer_input(const mat<T>& x, const cache& cc, int l) const {
    return l == 0 ? x : cc.layers[static_cast<std::size_t>(l - 1)].out;
  }

  lstm_shape shape_;
  std::vector<layer> layers_;
  param<T> w_out_, b_out_;
  // Backward buffers, kept between calls so a step allocates nothing.
  struct grad_work {
    mat<T> dz, d_act, d_h, dh_next, dc_next, dh, dc, ones;
  };

  cache cache_;
  grad_work work_;
};

extern template class lstm_net<float>;
extern template class lstm_net<double>;

}  // namespace mlt::ml::nn
