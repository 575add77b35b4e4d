#include "ml/models/nn/lstm_net.hpp"

#include <string>

#include "ml/models/nn/init.hpp"
#include "ml/models/nn/kernel.hpp"
#include "ml/models/nn/ops.hpp"

namespace mlt::ml::nn {

template <class T>
lstm_net<T>::lstm_net(const lstm_shape& shape, rng& r) : shape_(shape) {
  const int h = shape.hidden;
  for (int l = 0; l < shape.layers; ++l) {
    layer ly;
    const int in = l == 0 ? shape.inputs : h;
    const std::string p = "lstm" + std::to_string(l) + ".";
    ly.wx.name = p + "w_x";
    ly.wh.name = p + "w_h";
    ly.b.name = p + "b";
    ly.wx.resize(4 * h, in);
    ly.wh.resize(4 * h, h);
    ly.b.resize(4 * h, 1);
    glorot_uniform(ly.wx.w, r);
    glorot_uniform(ly.wh.w, r);
    // A forget bias of 1 keeps early gradients flowing through the cell.
    ly.b.w.block(h, 0, h, 1).setConstant(T(1));
    layers_.push_back(std::move(ly));
  }
  w_out_.name = "head.w";
  b_out_.name = "head.b";
  w_out_.resize(1, h);
  b_out_.resize(1, 1);
  glorot_uniform(w_out_.w, r);
}

template <class T>
param_refs<T> lstm_net<T>::params() {
  param_refs<T> out;
  out.reserve(3 * layers_.size() + 2);
  for (auto& ly : layers_) {
    out.push_back(&ly.wx);
    out.push_back(&ly.wh);
    out.push_back(&ly.b);
  }
  out.push_back(&w_out_);
  out.push_back(&b_out_);
  return out;
}

template <class T>
void lstm_net<T>::forward(const mat<T>& x, double dropout, rng* masks, cache& cc) const {
  const Eigen::Index h = shape_.hidden, steps = shape_.seq_len, n = x.cols();
  const Eigen::Index nb = n / steps;
  const bool drop = masks && dropout > 0;
  const kernel_ops<T>& k = ops_for<T>();
  cc.layers.resize(layers_.size());
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const layer& ly = layers_[l];
    layer_cache& lc = cc.layers[l];
    const mat<T>& in = layer_input(x, cc, static_cast<int>(l));
    // Buffers keep their storage from one batch to the next of the same size.
    lc.act.resize(4 * h, n);
    lc.c.resize(h, n);
    lc.tc.resize(h, n);
    lc.h.resize(h, n);
    // Input projection of every time step in one product.
    gemm(lc.act, ly.wx.w, false, in, false);
    lc.act.colwise() += ly.b.w.col(0);
    for (Eigen::Index t = 0; t < steps; ++t) {
      auto a = lc.act.middleCols(t * nb, nb);
      // All four gates of the step in one product.
      if (t > 0) gemm(a, ly.wh.w, false, lc.h.middleCols((t - 1) * nb, nb), false, T(1));
      k.lstm_cell_forward(a.data(), t > 0 ? lc.c.col((t - 1) * nb).data() : nullptr,
                          lc.c.col(t * nb).data(), lc.tc.col(t * nb).data(),
                          lc.h.col(t * nb).data(), static_cast<int>(h), static_cast<int>(nb));
    }
    const bool last = l + 1 == layers_.size();
    if (!last && drop) {
      fill_dropout_mask(lc.mask, h, n, dropout, *masks);
      lc.out = lc.h.cwiseProduct(lc.mask);
    } else if (!last) {
      lc.mask.resize(0, 0);
      lc.out = lc.h;
    }
  }
  const auto last_h = cc.layers.back().h.rightCols(nb);
  if (drop) {
    fill_dropout_mask(cc.head_mask, h, nb, dropout, *masks);
    cc.head_in = last_h.cwiseProduct(cc.head_mask);
  } else {
    cc.head_mask.resize(0, 0);
    cc.head_in = last_h;
  }
  cc.z.resize(1, nb);
  gemm(cc.z, w_out_.w, false, cc.head_in, false);
  cc.z.array() += b_out_.w(0, 0);
}

template <class T>
mat<T> lstm_net<T>::logits(const mat<T>& x) const {
  cache cc;
  forward(x, 0.0, nullptr, cc);
  return cc.z;
}

template <class T>
double lstm_net<T>::loss_and_grad(const mat<T>& x, const vec<T>& y, double dropout,
                                  std::uint64_t dropout_seed) {
  rng masks(dropout_seed);
  forward(x, dropout, &masks, cache_);
  grad_work& g = work_;
  const double loss = bce_with_logits(cache_.z, y, g.dz);

  const Eigen::Index h = shape_.hidden, steps = shape_.seq_len, n = x.cols();
  const Eigen::Index nb = n / steps;
  const kernel_ops<T>& k = ops_for<T>();
  gemm(w_out_.g, g.dz, false, cache_.head_in, true);
  b_out_.g(0, 0) = g.dz.sum();

  // d_h: gradient w.r.t. the current layer's output sequence.
  g.d_h.setZero(h, n);
  auto dh_last = g.d_h.rightCols(nb);
  gemm(dh_last, w_out_.w, true, g.dz, false);
  if (cache_.head_mask.size() > 0) dh_last.array() *= cache_.head_mask.array();
  g.dh_next.resize(h, nb);
  g.dc_next.resize(h, nb);
  g.dh.resize(h, nb);
  g.dc.resize(h, nb);
  g.d_act.resize(4 * h, n);
  for (std::size_t li = layers_.size(); li-- > 0;) {
    layer& ly = layers_[li];
    const layer_cache& lc = cache_.layers[li];
    const mat<T>& in = layer_input(x, cache_, static_cast<int>(li));
    g.dh_next.setZero();
    g.dc_next.setZero();
    for (Eigen::Index t = steps; t-- > 0;) {
      auto da = g.d_act.middleCols(t * nb, nb);
      k.lstm_cell_backward(lc.act.col(t * nb).data(),
                           t > 0 ? lc.c.col((t - 1) * nb).data() : nullptr,
                           lc.tc.col(t * nb).data(), g.d_h.col(t * nb).data(), g.dh_next.data(),
                           g.dc_next.data(), g.dh.data(), g.dc.data(), da.data(),
                           static_cast<int>(h), static_cast<int>(nb));
      if (t > 0) gemm(g.dh_next, ly.wh.w, true, da, false);
    }
    // Weight gradients as single products over all time steps.
    if (steps > 1)
      gemm(ly.wh.g, g.d_act.rightCols((steps - 1) * nb), false, lc.h.leftCols((steps - 1) * nb),
           true);
    else
      ly.wh.g.setZero();
    gemm(ly.wx.g, g.d_act, false, in, true);
    row_sums(ly.b.g, g.d_act, g.ones);
    if (li > 0) {
      gemm(g.d_h, ly.wx.w, true, g.d_act, false);
      const layer_cache& below = cache_.layers[li - 1];
      if (below.mask.size() > 0) g.d_h.array() *= below.mask.array();
    }
  }
  return loss;
}

template class lstm_net<float>;
template class lstm_net<double>;

}  // namespace mlt::ml::nn
