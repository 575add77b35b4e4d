#include "ml/models/nn/transformer_net.hpp"

#include <cmath>
#include <string>

#include "ml/models/nn/init.hpp"
#include "ml/models/nn/kernel.hpp"
#include "ml/models/nn/ops.hpp"

namespace mlt::ml::nn {

namespace {
template <class T>
void make(param<T>& p, const std::string& name, Eigen::Index rows, Eigen::Index cols) {
  p.name = name;
  p.resize(rows, cols);
}
}  // namespace

template <class T>
transformer_net<T>::transformer_net(const transformer_shape& shape, rng& r) : shape_(shape) {
  const int d = shape.d_model;
  pos_.resize(d, shape.seq_len);
  for (int t = 0; t < shape.seq_len; ++t)
    for (int i = 0; i < d; ++i) {
      const double freq = std::pow(10000.0, -static_cast<double>(i - i % 2) / d);
      pos_(i, t) = static_cast<T>(i % 2 == 0 ? std::sin(t * freq) : std::cos(t * freq));
    }
  make(w_emb_, "embed.w", d, shape.inputs);
  make(b_emb_, "embed.b", d, 1);
  glorot_uniform(w_emb_.w, r);
  for (int l = 0; l < shape.layers; ++l) {
    layer ly;
    const std::string p = "layer" + std::to_string(l) + ".";
    make(ly.ln1_g, p + "ln1.gain", d, 1);
    make(ly.ln1_b, p + "ln1.bias", d, 1);
    make(ly.w_qkv, p + "attn.w_qkv", 3 * d, d);
    make(ly.b_qkv, p + "attn.b_qkv", 3 * d, 1);
    make(ly.w_o, p + "attn.w_o", d, d);
    make(ly.b_o, p + "attn.b_o", d, 1);
    make(ly.ln2_g, p + "ln2.gain", d, 1);
    make(ly.ln2_b, p + "ln2.bias", d, 1);
    make(ly.w_1, p + "ffn.w_1", shape.ff, d);
    make(ly.b_1, p + "ffn.b_1", shape.ff, 1);
    make(ly.w_2, p + "ffn.w_2", d, shape.ff);
    make(ly.b_2, p + "ffn.b_2", d, 1);
    ly.ln1_g.w.setOnes();
    ly.ln2_g.w.setOnes();
    // Glorot per projection (q, k, v separately), as if three d x d matrices.
    mat<T> part(d, d);
    for (int k = 0; k < 3; ++k) {
      glorot_uniform(part, r);
      ly.w_qkv.w.middleRows(k * d, d) = part;
    }
    glorot_uniform(ly.w_o.w, r);
    glorot_uniform(ly.w_1.w, r);
    glorot_uniform(ly.w_2.w, r);
    layers_.push_back(std::move(ly));
  }
  make(lnf_g_, "final_ln.gain", d, 1);
  make(lnf_b_, "final_ln.bias", d, 1);
  lnf_g_.w.setOnes();
  make(w_out_, "head.w", 1, d);
  make(b_out_, "head.b", 1, 1);
  glorot_uniform(w_out_.w, r);
}

template <class T>
param_refs<T> transformer_net<T>::params() {
  param_refs<T> out;
  out.reserve(12 * layers_.size() + 6);
  out.push_back(&w_emb_);
  out.push_back(&b_emb_);
  for (auto& ly : layers_)
    for (auto* p : {&ly.ln1_g, &ly.ln1_b, &ly.w_qkv, &ly.b_qkv, &ly.w_o, &ly.b_o, &ly.ln2_g,
                    &ly.ln2_b, &ly.w_1, &ly.b_1, &ly.w_2, &ly.b_2})
      out.push_back(p);
  for (auto* p : {&lnf_g_, &lnf_b_, &w_out_, &b_out_}) out.push_back(p);
  return out;
}

namespace {
/// Columns of the last token of each sequence (sequence-major layout) into `out`.
template <class T>
void gather_last_tokens(const mat<T>& m, Eigen::Index steps, mat<T>& out) {
  const Eigen::Index nb = m.cols() / steps;
  out.resize(m.rows(), nb);
  for (Eigen::Index b = 0; b < nb; ++b) out.col(b) = m.col(b * steps + steps - 1);
}

/// The batch's sizes: d_model, tokens per sequence, tokens, sequences, heads,
/// and the attention's 1/sqrt(head width).
template <class T>
struct batch_dims {
  Eigen::Index d, steps, n, nb, heads;
  T scale;

  batch_dims(const transformer_shape& shape, Eigen::Index cols)
      : d(shape.d_model), steps(shape.seq_len), n(cols), nb(cols / steps), heads(shape.heads),
        scale(static_cast<T>(1.0 / std::sqrt(static_cast<double>(d / heads)))) {}
};

/// o *= a fresh dropout mask (kept in `mask` for the backward pass) when
/// `masks` is given; otherwise `mask` is left empty.
template <class T>
void apply_dropout(mat<T>& o, mat<T>& mask, Eigen::Index rows, Eigen::Index cols, rng* masks, double dropout) {
  if (masks) {
    fill_dropout_mask(mask, rows, cols, dropout, *masks);
    o.array() *= mask.array();
  } else {
    mask.resize(0, 0);
  }
}

/// m += bias in every column.
template <class T>
void add_bias(mat<T>& m, const mat<T>& bias) {
  m.colwise() += bias.col(0);
}
}  // namespace

template <class T>
void transformer_net<T>::forward_layer(std::size_t l, Eigen::Index cols, double dropout, rng* masks,
                                       cache& cc) const {
  const batch_dims<T> dm(shape_, cols);
  const Eigen::Index d = dm.d, steps = dm.steps, n = dm.n, nb = dm.nb, heads = dm.heads;
  const T scale = dm.scale;
  rng* const drop_masks = masks && dropout > 0 ? masks : nullptr;  // null: no dropout
  const kernel_ops<T>& k = ops_for<T>();
  mat<T>& h = cc.h;
  const layer& ly = layers_[l];
  layer_cache& lc = cc.layers[l];
  lc.last_only = !shape_.mean_pool && l + 1 == layers_.size();
  const Eigen::Index lq = lc.last_only ? 1 : steps, nq = lq * nb;
  layer_norm_forward(h, ly.ln1_g.w, ly.ln1_b.w, lc.u, lc.ln1);
  if (lc.last_only) gather_last_tokens(lc.u, steps, lc.u_q);
  const mat<T>& u_q = lc.last_only ? lc.u_q : lc.u;
  lc.kv.resize(2 * d, n);
  gemm(lc.kv, ly.w_qkv.w.bottomRows(2 * d), false, lc.u, false);
  lc.kv.colwise() += ly.b_qkv.w.col(0).tail(2 * d);
  lc.q.resize(d, nq);
  gemm(lc.q, ly.w_qkv.w.topRows(d), false, u_q, false);
  lc.q.colwise() += ly.b_qkv.w.col(0).head(d);
  lc.probs.resize(lq, steps * nb * heads);
  lc.att.resize(d, nq);
  k.attention_forward(lc.q.data(), lc.kv.data(), lc.probs.data(), lc.att.data(), cc.s.data(),
                      static_cast<int>(d), static_cast<int>(heads), static_cast<int>(steps),
                      static_cast<int>(lq), static_cast<int>(nb), scale);
  mat<T>& o = lc.o;
  o.resize(d, nq);
  gemm(o, ly.w_o.w, false, lc.att, false);
  add_bias(o, ly.b_o.w);
  apply_dropout(o, lc.mask1, d, nq, drop_masks, dropout);
  mat<T>& x_mid = lc.x_mid;
  if (lc.last_only) {
    gather_last_tokens(h, steps, x_mid);
    x_mid += o;
  } else {
    x_mid = h + o;
  }
  layer_norm_forward(x_mid, ly.ln2_g.w, ly.ln2_b.w, lc.v, lc.ln2);
  lc.f1.resize(ly.w_1.w.rows(), nq);
  gemm(lc.f1, ly.w_1.w, false, lc.v, false);
  add_bias(lc.f1, ly.b_1.w);
  lc.r = lc.f1.cwiseMax(T(0));
  gemm(o, ly.w_2.w, false, lc.r, false);
  add_bias(o, ly.b_2.w);
  apply_dropout(o, lc.mask2, d, nq, drop_masks, dropout);
  // The residual stream: d x N, or d x B after a last-token-only layer.
  if (lc.last_only)
    cc.x_out = x_mid + o;
  else
    h = x_mid + o;
}

template <class T>
void transformer_net<T>::forward(const mat<T>& x, double dropout, rng* masks, cache& cc) const {
  const batch_dims<T> dm(shape_, x.cols());
  const Eigen::Index d = dm.d, steps = dm.steps, n = dm.n, nb = dm.nb;

  // Every buffer keeps its size (per layer) from one batch to the next, so a
  // training step allocates nothing after the first.
  mat<T>& h = cc.h;
  h.resize(d, n);
  gemm(h, w_emb_.w, false, x, false);
  add_bias(h, b_emb_.w);
  for (Eigen::Index b = 0; b < nb; ++b) h.middleCols(b * steps, steps) += pos_;
  cc.s.resize(steps * (steps + 1), 1);

  cc.layers.resize(layers_.size());
  for (std::size_t l = 0; l < layers_.size(); ++l) forward_layer(l, dm.n, dropout, masks, cc);
  if (!cc.layers.back().last_only) cc.x_out = h;
  layer_norm_forward(cc.x_out, lnf_g_.w, lnf_b_.w, cc.y_final, cc.lnf);
  if (shape_.mean_pool) {
    cc.pooled.resize(d, nb);
    for (Eigen::Index b = 0; b < nb; ++b)
      cc.pooled.col(b) =
          cc.y_final.middleCols(b * steps, steps).rowwise().sum() / static_cast<T>(steps);
  } else {
    cc.pooled = cc.y_final;
  }
  cc.z.resize(1, nb);
  gemm(cc.z, w_out_.w, false, cc.pooled, false);
  cc.z.array() += b_out_.w(0, 0);
}

template <class T>
mat<T> transformer_net<T>::logits(const mat<T>& x) const {
  cache cc;
  forward(x, 0.0, nullptr, cc);
  return cc.z;
}

template <class T>
void transformer_net<T>::backward_layer(std::size_t li, Eigen::Index cols) {
  const batch_dims<T> dm(shape_, cols);
  const Eigen::Index d = dm.d, steps = dm.steps, n = dm.n, nb = dm.nb, heads = dm.heads;
  const T scale = dm.scale;
  const kernel_ops<T>& k = ops_for<T>();
  grad_work& top = work_.back();
  layer& ly = layers_[li];
  const layer_cache& lc = cache_.layers[li];
  grad_work& g = work_[li];
  mat<T>& d_res = g.d_res;
  mat<T>& d_in = li > 0 ? work_[li - 1].d_res : top.d_in;
  const Eigen::Index lq = lc.last_only ? 1 : steps, nq = lq * nb;
  const mat<T>& u_q = lc.last_only ? lc.u_q : lc.u;
  // Feed-forward sub-layer: out = x_mid + mask2 * (W2 relu(W1 LN2(x_mid) + b1) + b2).
  g.d_o = d_res;
  if (lc.mask2.size() > 0) g.d_o.array() *= lc.mask2.array();
  gemm(ly.w_2.g, g.d_o, false, lc.r, true);
  row_sums(ly.b_2.g, g.d_o, top.ones);
  g.d_r.resize(ly.w_2.w.cols(), nq);
  gemm(g.d_r, ly.w_2.w, true, g.d_o, false);
  g.d_r.array() *= (lc.f1.array() > T(0)).template cast<T>();
  gemm(ly.w_1.g, g.d_r, false, lc.v, true);
  row_sums(ly.b_1.g, g.d_r, top.ones);
  g.d_v.resize(d, nq);
  gemm(g.d_v, ly.w_1.w, true, g.d_r, false);
  layer_norm_backward(g.d_v, ly.ln2_g.w, lc.ln2, ly.ln2_g.g, ly.ln2_b.g, g.d_mid);
  d_res += g.d_mid;  // now d(x_mid)
  // Attention sub-layer: x_mid = x_q + mask1 * (W_o att + b_o).
  g.d_o = d_res;
  if (lc.mask1.size() > 0) g.d_o.array() *= lc.mask1.array();
  gemm(ly.w_o.g, g.d_o, false, lc.att, true);
  row_sums(ly.b_o.g, g.d_o, top.ones);
  g.d_att.resize(d, nq);
  gemm(g.d_att, ly.w_o.w, true, g.d_o, false);
  g.d_q.resize(d, nq);
  g.d_kv.resize(2 * d, n);
  g.dp.resize(steps * steps, 1);
  g.ds.resize(steps * steps, 1);
  g.row_dot.resize(steps, 1);
  k.attention_backward(lc.q.data(), lc.kv.data(), lc.probs.data(), g.d_att.data(), g.d_q.data(),
                       g.d_kv.data(), g.dp.data(), g.ds.data(), g.row_dot.data(),
                       static_cast<int>(d), static_cast<int>(heads), static_cast<int>(steps),
                       static_cast<int>(lq), static_cast<int>(nb), scale);
  gemm(ly.w_qkv.g.topRows(d), g.d_q, false, u_q, true);
  gemm(ly.w_qkv.g.bottomRows(2 * d), g.d_kv, false, lc.u, true);
  row_sums(ly.b_qkv.g.topRows(d), g.d_q, top.ones);
  row_sums(ly.b_qkv.g.bottomRows(2 * d), g.d_kv, top.ones);
  g.d_u.resize(d, n);
  gemm(g.d_u, ly.w_qkv.w.bottomRows(2 * d), true, g.d_kv, false);
  if (lc.last_only) {
    g.d_uq.resize(d, nq);
    gemm(g.d_uq, ly.w_qkv.w.topRows(d), true, g.d_q, false);
    for (Eigen::Index b = 0; b < nb; ++b) g.d_u.col(b * steps + steps - 1) += g.d_uq.col(b);
  } else {
    gemm(g.d_u, ly.w_qkv.w.topRows(d), true, g.d_q, false, T(1));
  }
  layer_norm_backward(g.d_u, ly.ln1_g.w, lc.ln1, ly.ln1_g.g, ly.ln1_b.g, d_in);
  // The residual x_q feeds x_mid directly.
  if (lc.last_only) {
    for (Eigen::Index b = 0; b < nb; ++b) d_in.col(b * steps + steps - 1) += d_res.col(b);
  } else {
    d_in += d_res;
  }
}

template <class T>
double transformer_net<T>::loss_and_grad(const mat<T>& x, const vec<T>& y, double dropout,
                                         std::uint64_t dropout_seed) {
  rng masks(dropout_seed);
  forward(x, dropout, &masks, cache_);
  const batch_dims<T> dm(shape_, x.cols());
  const Eigen::Index d = dm.d, steps = dm.steps, n = dm.n, nb = dm.nb;
  work_.resize(layers_.size() + 1);
  grad_work& top = work_.back();
  const double loss = bce_with_logits(cache_.z, y, top.dz);

  gemm(w_out_.g, top.dz, false, cache_.pooled, true);
  b_out_.g(0, 0) = top.dz.sum();
  top.d_pooled.resize(d, nb);
  gemm(top.d_pooled, w_out_.w, true, top.dz, false);
  mat<T>& dy = top.dy;
  if (shape_.mean_pool) {
    dy.setZero(d, n);
    for (Eigen::Index b = 0; b < nb; ++b)
      dy.middleCols(b * steps, steps).colwise() += top.d_pooled.col(b) / static_cast<T>(steps);
  } else {
    dy = top.d_pooled;
  }
  // work_[l].d_res: gradient w.r.t. the residual stream out of layer l (its
  // query columns); work_[0]'s d_in is the gradient w.r.t. the embedding.
  layer_norm_backward(dy, lnf_g_.w, cache_.lnf, lnf_g_.g, lnf_b_.g, work_[layers_.size() - 1].d_res);
  for (std::size_t li = layers_.size(); li-- > 0;) backward_layer(li, n);
  gemm(w_emb_.g, top.d_in, false, x, true);
  row_sums(b_emb_.g, top.d_in, top.ones);
  return loss;
}

template class transformer_net<float>;
template class transformer_net<double>;

}  // namespace mlt::ml::nn
