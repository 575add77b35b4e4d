#include "ml/models/nn/lstm_net.hpp"

#include <string>

#include "ml/models/nn/init.hpp"
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
  const Eigen::Index h = shape_.hidden, steps = shape_.seq_len;
  const Eigen::Index nb = x.cols() / steps;
  const bool drop = masks && dropout > 0;
  cc.layers.resize(layers_.size());
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const layer& ly = layers_[l];
    layer_cache& lc = cc.layers[l];
    const mat<T>& in = layer_input(x, cc, static_cast<int>(l));
    // Input projection of every time step in one product.
    lc.act.noalias() = ly.wx.w * in;
    lc.act.colwise() += ly.b.w.col(0);
    lc.c.resize(h, x.cols());
    lc.tc.resize(h, x.cols());
    lc.h.resize(h, x.cols());
    for (Eigen::Index t = 0; t < steps; ++t) {
      auto a = lc.act.middleCols(t * nb, nb);
      // All four gates of the step in one product.
      if (t > 0) a.noalias() += ly.wh.w * lc.h.middleCols((t - 1) * nb, nb);
      a.topRows(3 * h) = a.topRows(3 * h).array().logistic();
      a.bottomRows(h) = a.bottomRows(h).array().tanh();
      auto c = lc.c.middleCols(t * nb, nb);
      if (t > 0)
        c = a.middleRows(h, h).cwiseProduct(lc.c.middleCols((t - 1) * nb, nb)) +
            a.topRows(h).cwiseProduct(a.bottomRows(h));
      else
        c = a.topRows(h).cwiseProduct(a.bottomRows(h));
      lc.tc.middleCols(t * nb, nb) = c.array().tanh();
      lc.h.middleCols(t * nb, nb) =
          a.middleRows(2 * h, h).cwiseProduct(lc.tc.middleCols(t * nb, nb));
    }
    const bool last = l + 1 == layers_.size();
    if (!last && drop) {
      lc.mask = dropout_mask<T>(h, x.cols(), dropout, *masks);
      lc.out = lc.h.cwiseProduct(lc.mask);
    } else if (!last) {
      lc.mask.resize(0, 0);
      lc.out = lc.h;
    }
  }
  const auto last_h = cc.layers.back().h.rightCols(nb);
  if (drop) {
    cc.head_mask = dropout_mask<T>(h, nb, dropout, *masks);
    cc.head_in = last_h.cwiseProduct(cc.head_mask);
  } else {
    cc.head_mask.resize(0, 0);
    cc.head_in = last_h;
  }
  cc.z.noalias() = w_out_.w * cc.head_in;
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
  mat<T> dz;
  const double loss = bce_with_logits(cache_.z, y, dz);

  const Eigen::Index h = shape_.hidden, steps = shape_.seq_len;
  const Eigen::Index nb = x.cols() / steps;
  w_out_.g.noalias() = dz * cache_.head_in.transpose();
  b_out_.g(0, 0) = dz.sum();
  mat<T> dh_last = w_out_.w.transpose() * dz;
  if (cache_.head_mask.size() > 0) dh_last.array() *= cache_.head_mask.array();

  // d_h_: gradient w.r.t. the current layer's output sequence.
  d_h_.setZero(h, x.cols());
  d_h_.rightCols(nb) = dh_last;
  mat<T> dh_next(h, nb), dc_next(h, nb), dh(h, nb), dc(h, nb);
  for (std::size_t li = layers_.size(); li-- > 0;) {
    layer& ly = layers_[li];
    const layer_cache& lc = cache_.layers[li];
    const mat<T>& in = layer_input(x, cache_, static_cast<int>(li));
    d_act_.resize(4 * h, x.cols());
    dh_next.setZero();
    dc_next.setZero();
    for (Eigen::Index t = steps; t-- > 0;) {
      const auto a = lc.act.middleCols(t * nb, nb);
      const auto ig = a.topRows(h).array(), fg = a.middleRows(h, h).array(),
                 og = a.middleRows(2 * h, h).array(), gg = a.bottomRows(h).array();
      const auto tc = lc.tc.middleCols(t * nb, nb).array();
      auto da = d_act_.middleCols(t * nb, nb);
      dh = d_h_.middleCols(t * nb, nb) + dh_next;
      dc.array() = dh.array() * og * (T(1) - tc.square()) + dc_next.array();
      // Gradients w.r.t. pre-activations: sigmoid' = s(1-s), tanh' = 1-t^2.
      da.topRows(h).array() = dc.array() * gg * ig * (T(1) - ig);
      if (t > 0)
        da.middleRows(h, h).array() =
            dc.array() * lc.c.middleCols((t - 1) * nb, nb).array() * fg * (T(1) - fg);
      else
        da.middleRows(h, h).setZero();
      da.middleRows(2 * h, h).array() = dh.array() * tc * og * (T(1) - og);
      da.bottomRows(h).array() = dc.array() * ig * (T(1) - gg.square());
      dc_next.array() = dc.array() * fg;
      if (t > 0) dh_next.noalias() = ly.wh.w.transpose() * da;
    }
    // Weight gradients as single products over all time steps.
    if (steps > 1)
      ly.wh.g.noalias() = d_act_.rightCols((steps - 1) * nb) *
                          lc.h.leftCols((steps - 1) * nb).transpose();
    else
      ly.wh.g.setZero();
    ly.wx.g.noalias() = d_act_ * in.transpose();
    ly.b.g = d_act_.rowwise().sum();
    if (li > 0) {
      d_h_.noalias() = ly.wx.w.transpose() * d_act_;
      const layer_cache& below = cache_.layers[li - 1];
      if (below.mask.size() > 0) d_h_.array() *= below.mask.array();
    }
  }
  return loss;
}

template class lstm_net<float>;
template class lstm_net<double>;

}  // namespace mlt::ml::nn
