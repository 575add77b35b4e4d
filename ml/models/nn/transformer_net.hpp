#pragma once
/// Transformer encoder (pre-layer-norm) with a logistic head, with a
/// hand-written backward pass.
///
/// Input: features x (seq_len * batch) in sequence-major window layout. Tokens
/// are embedded linearly, a fixed sinusoidal positional encoding is added,
/// then each layer does x += dropout(MHA(LN1(x))); x += dropout(FFN(LN2(x)))
/// with a ReLU feed-forward. A final layer norm is pooled per sequence (last
/// token or mean over tokens) into the logistic head. No causal mask is needed:
/// every token of a window is at or before the row being predicted. Under
/// last-token pooling the last layer computes only the last token's output
/// (same result, a fraction of the work).

#include <cstdint>
#include <vector>

#include "ml/models/nn/layer_norm.hpp"
#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// Shape of a transformer encoder.
struct transformer_shape {
  int inputs = 1;
  int d_model = 32;
  int heads = 4;  ///< must divide d_model
  int layers = 1;  ///< at least 1
  int ff = 64;
  int seq_len = 20;
  bool mean_pool = false;  ///< mean over tokens instead of the last token
};

template <class T>
class transformer_net {
public:
  using scalar = T;

  transformer_net() = default;
  /// Glorot-uniform weights, zero biases, unit layer-norm gains.
  transformer_net(const transformer_shape& shape, rng& r);

  const transformer_shape& shape() const { return shape_; }
  /// Every trainable tensor (for the optimiser and gradient checks).
  param_refs<T> params();

  /// Test hook and training step: mean binary cross-entropy of the batch `x`
  /// (sequence-major windows) against `y`, filling every parameter's `g`.
  /// Dropout masks with probability `dropout` come from `dropout_seed`.
  double loss_and_grad(const mat<T>& x, const vec<T>& y, double dropout,
                       std::uint64_t dropout_seed);

  /// Logits (1 x batch) without dropout.
  mat<T> logits(const mat<T>& x) const;

private:
  struct layer {
    param<T> ln1_g, ln1_b, w_qkv, b_qkv, w_o, b_o, ln2_g, ln2_b, w_1, b_1, w_2, b_2;
  };
  // Each layer computes outputs for its query tokens: all tokens, except in
  // the last layer under last-token pooling, where only the last token of each
  // sequence matters (keys and values still cover every token). N tokens,
  // Nq query tokens.
  struct layer_cache {
    bool last_only = false;
    layer_norm_cache<T> ln1, ln2;
    mat<T> u, u_q;        // LN1 out (d x N) and, last-token-only, its query columns (d x Nq)
    mat<T> q, kv;         // queries d x Nq; keys and values 2d x N
    mat<T> probs;         // softmax, (Lq x L) per sequence and head
    mat<T> att;           // heads out, d x Nq
    mat<T> mask1, mask2;  // dropout masks (empty when off)
    mat<T> x_mid, o;      // residual after attention; sub-layer output scratch (d x Nq)
    mat<T> v, f1, r;      // LN2 out, FFN pre-activation, ReLU out
  };
  struct cache {
    std::vector<layer_cache> layers;
    mat<T> h, s;  // residual stream (d x N); attention score scratch
    mat<T> x_out, y_final, pooled, z;
    layer_norm_cache<T> lnf;
  };
  // Backward buffers, one set per layer (their sizes differ under last-token
  // pooling) plus one for the head, kept between calls so a step allocates
  // nothing after the first.
  struct grad_work {
    mat<T> dz, d_pooled, dy, d_in, ones;  // head only
    mat<T> d_res, d_o, d_r, d_v, d_u, d_uq, d_att, d_q, d_kv, d_mid, dp, ds, row_dot;
  };

  void forward(const mat<T>& x, double dropout, rng* masks, cache& cc) const;
  // Layer l of the forward pass over a batch of `cols` tokens: cc.h in, the
  // residual stream (cc.h, or cc.x_out after a last-token-only layer) out.
  void forward_layer(std::size_t l, Eigen::Index cols, double dropout, rng* masks, cache& cc) const;
  // Layer li of the backward pass: work_[li].d_res in, the gradient w.r.t. the
  // layer's input (work_[li - 1].d_res, or the head's d_in for layer 0) out.
  void backward_layer(std::size_t li, Eigen::Index cols);

  transformer_shape shape_;
  mat<T> pos_;  // d_model x seq_len positional encoding
  param<T> w_emb_, b_emb_;
  std::vector<layer> layers_;
  param<T> lnf_g_, lnf_b_, w_out_, b_out_;
  cache cache_;
  std::vector<grad_work> work_;
};

extern template class transformer_net<float>;
extern template class transformer_net<double>;

}  // namespace mlt::ml::nn
