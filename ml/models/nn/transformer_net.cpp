#include "ml/models/nn/transformer_net.hpp"

#include <cmath>
#include <string>

#include "ml/models/nn/init.hpp"
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
  param_refs<T> out = {&w_emb_, &b_emb_};
  for (auto& ly : layers_)
    for (auto* p : {&ly.ln1_g, &ly.ln1_b, &ly.w_qkv, &ly.b_qkv, &ly.w_o, &ly.b_o, &ly.ln2_g,
                    &ly.ln2_b, &ly.w_1, &ly.b_1, &ly.w_2, &ly.b_2})
      out.push_back(p);
  for (auto* p : {&lnf_g_, &lnf_b_, &w_out_, &b_out_}) out.push_back(p);
  return out;
}

namespace {
/// Columns of the last token of each sequence (sequence-major layout).
template <class T>
mat<T> last_tokens(const mat<T>& m, Eigen::Index steps) {
  const Eigen::Index nb = m.cols() / steps;
  mat<T> out(m.rows(), nb);
  for (Eigen::Index b = 0; b < nb; ++b) out.col(b) = m.col(b * steps + steps - 1);
  return out;
}
}  // namespace

template <class T>
void transformer_net<T>::forward(const mat<T>& x, double dropout, rng* masks, cache& cc) const {
  const Eigen::Index d = shape_.d_model, steps = shape_.seq_len, n = x.cols();
  const Eigen::Index nb = n / steps, heads = shape_.heads, dh = d / heads;
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dh)));
  const bool drop = masks && dropout > 0;

  mat<T>& h = cc.h;
  mat<T>& s = cc.s;
  mat<T>& o = cc.o;
  mat<T>& x_mid = cc.x_mid;
  h.noalias() = w_emb_.w * x;
  h.colwise() += b_emb_.w.col(0);
  for (Eigen::Index b = 0; b < nb; ++b) h.middleCols(b * steps, steps) += pos_;

  cc.layers.resize(layers_.size());
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const layer& ly = layers_[l];
    layer_cache& lc = cc.layers[l];
    lc.last_only = !shape_.mean_pool && l + 1 == layers_.size();
    const Eigen::Index lq = lc.last_only ? 1 : steps, nq = lq * nb;
    layer_norm_forward(h, ly.ln1_g.w, ly.ln1_b.w, lc.u, lc.ln1);
    lc.u_q = lc.last_only ? last_tokens(lc.u, steps) : lc.u;
    lc.kv.noalias() = ly.w_qkv.w.bottomRows(2 * d) * lc.u;
    lc.kv.colwise() += ly.b_qkv.w.col(0).tail(2 * d);
    lc.q.noalias() = ly.w_qkv.w.topRows(d) * lc.u_q;
    lc.q.colwise() += ly.b_qkv.w.col(0).head(d);
    lc.probs.resize(lq, steps * nb * heads);
    lc.att.resize(d, nq);
    for (Eigen::Index b = 0; b < nb; ++b)
      for (Eigen::Index hd = 0; hd < heads; ++hd) {
        const auto q = lc.q.block(hd * dh, b * lq, dh, lq);
        const auto k = lc.kv.block(hd * dh, b * steps, dh, steps);
        const auto v = lc.kv.block(d + hd * dh, b * steps, dh, steps);
        // s(i, j): query token i against key token j; softmax over j.
        s.noalias() = q.transpose() * k;
        s *= scale;
        s.colwise() -= s.rowwise().maxCoeff();
        s = s.array().exp();
        s.array().colwise() /= s.rowwise().sum().array();
        lc.probs.middleCols((b * heads + hd) * steps, steps) = s;
        lc.att.block(hd * dh, b * lq, dh, lq).noalias() = v * s.transpose();
      }
    o.noalias() = ly.w_o.w * lc.att;
    o.colwise() += ly.b_o.w.col(0);
    if (drop) {
      lc.mask1 = dropout_mask<T>(d, nq, dropout, *masks);
      o.array() *= lc.mask1.array();
    } else {
      lc.mask1.resize(0, 0);
    }
    x_mid = (lc.last_only ? last_tokens(h, steps) : h) + o;
    layer_norm_forward(x_mid, ly.ln2_g.w, ly.ln2_b.w, lc.v, lc.ln2);
    lc.f1.noalias() = ly.w_1.w * lc.v;
    lc.f1.colwise() += ly.b_1.w.col(0);
    lc.r = lc.f1.cwiseMax(T(0));
    o.noalias() = ly.w_2.w * lc.r;
    o.colwise() += ly.b_2.w.col(0);
    if (drop) {
      lc.mask2 = dropout_mask<T>(d, nq, dropout, *masks);
      o.array() *= lc.mask2.array();
    } else {
      lc.mask2.resize(0, 0);
    }
    h = x_mid + o;
  }
  // h is d x N, or d x B when the last layer ran on last tokens only.
  cc.x_out = h;
  layer_norm_forward(cc.x_out, lnf_g_.w, lnf_b_.w, cc.y_final, cc.lnf);
  if (shape_.mean_pool) {
    cc.pooled.resize(d, nb);
    for (Eigen::Index b = 0; b < nb; ++b)
      cc.pooled.col(b) =
          cc.y_final.middleCols(b * steps, steps).rowwise().sum() / static_cast<T>(steps);
  } else {
    cc.pooled = cc.y_final;
  }
  cc.z.noalias() = w_out_.w * cc.pooled;
  cc.z.array() += b_out_.w(0, 0);
}

template <class T>
mat<T> transformer_net<T>::logits(const mat<T>& x) const {
  cache cc;
  forward(x, 0.0, nullptr, cc);
  return cc.z;
}

template <class T>
double transformer_net<T>::loss_and_grad(const mat<T>& x, const vec<T>& y, double dropout,
                                         std::uint64_t dropout_seed) {
  rng masks(dropout_seed);
  forward(x, dropout, &masks, cache_);
  mat<T> dz;
  const double loss = bce_with_logits(cache_.z, y, dz);

  const Eigen::Index d = shape_.d_model, steps = shape_.seq_len, n = x.cols();
  const Eigen::Index nb = n / steps, heads = shape_.heads, dh = d / heads;
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dh)));

  w_out_.g.noalias() = dz * cache_.pooled.transpose();
  b_out_.g(0, 0) = dz.sum();
  const mat<T> d_pooled = w_out_.w.transpose() * dz;  // d x B
  grad_work& g = work_;
  mat<T>& dy = g.dy;
  if (shape_.mean_pool) {
    dy = mat<T>::Zero(d, n);
    for (Eigen::Index b = 0; b < nb; ++b)
      dy.middleCols(b * steps, steps).colwise() += d_pooled.col(b) / static_cast<T>(steps);
  } else {
    dy = d_pooled;
  }
  // d_res: gradient w.r.t. the residual stream (query columns of a layer).
  mat<T>& d_res = g.d_res;
  mat<T>& d_o = g.d_o;
  mat<T>& d_r = g.d_r;
  mat<T>& d_v = g.d_v;
  mat<T>& d_u = g.d_u;
  mat<T>& d_uq = g.d_uq;
  mat<T>& d_att = g.d_att;
  mat<T>& d_q = g.d_q;
  mat<T>& d_kv = g.d_kv;
  mat<T>& d_mid = g.d_mid;
  mat<T>& d_in = g.d_in;
  mat<T>& dp = g.dp;
  mat<T>& ds = g.ds;
  mat<T>& row_dot = g.row_dot;
  layer_norm_backward(dy, lnf_g_.w, cache_.lnf, lnf_g_.g, lnf_b_.g, d_res);

  for (std::size_t li = layers_.size(); li-- > 0;) {
    layer& ly = layers_[li];
    const layer_cache& lc = cache_.layers[li];
    const Eigen::Index lq = lc.last_only ? 1 : steps, nq = lq * nb;
    // Feed-forward sub-layer: out = x_mid + mask2 * (W2 relu(W1 LN2(x_mid) + b1) + b2).
    d_o = d_res;
    if (lc.mask2.size() > 0) d_o.array() *= lc.mask2.array();
    ly.w_2.g.noalias() = d_o * lc.r.transpose();
    ly.b_2.g = d_o.rowwise().sum();
    d_r.noalias() = ly.w_2.w.transpose() * d_o;
    d_r.array() *= (lc.f1.array() > T(0)).template cast<T>();
    ly.w_1.g.noalias() = d_r * lc.v.transpose();
    ly.b_1.g = d_r.rowwise().sum();
    d_v.noalias() = ly.w_1.w.transpose() * d_r;
    layer_norm_backward(d_v, ly.ln2_g.w, lc.ln2, ly.ln2_g.g, ly.ln2_b.g, d_mid);
    d_res += d_mid;  // now d(x_mid)
    // Attention sub-layer: x_mid = x_q + mask1 * (W_o att + b_o).
    d_o = d_res;
    if (lc.mask1.size() > 0) d_o.array() *= lc.mask1.array();
    ly.w_o.g.noalias() = d_o * lc.att.transpose();
    ly.b_o.g = d_o.rowwise().sum();
    d_att.noalias() = ly.w_o.w.transpose() * d_o;
    d_q.resize(d, nq);
    d_kv.resize(2 * d, n);
    for (Eigen::Index b = 0; b < nb; ++b)
      for (Eigen::Index hd = 0; hd < heads; ++hd) {
        const auto q = lc.q.block(hd * dh, b * lq, dh, lq);
        const auto k = lc.kv.block(hd * dh, b * steps, dh, steps);
        const auto v = lc.kv.block(d + hd * dh, b * steps, dh, steps);
        const auto p = lc.probs.middleCols((b * heads + hd) * steps, steps);
        const auto da = d_att.block(hd * dh, b * lq, dh, lq);
        d_kv.block(d + hd * dh, b * steps, dh, steps).noalias() = da * p;
        dp.noalias() = da.transpose() * v;
        // Softmax backward per row: ds = p * (dp - sum_j dp * p).
        row_dot = p.cwiseProduct(dp).rowwise().sum();
        ds = p.cwiseProduct(dp.colwise() - row_dot.col(0)) * scale;
        d_q.block(hd * dh, b * lq, dh, lq).noalias() = k * ds.transpose();
        d_kv.block(hd * dh, b * steps, dh, steps).noalias() = q * ds;
      }
    ly.w_qkv.g.topRows(d).noalias() = d_q * lc.u_q.transpose();
    ly.w_qkv.g.bottomRows(2 * d).noalias() = d_kv * lc.u.transpose();
    ly.b_qkv.g.col(0).head(d) = d_q.rowwise().sum();
    ly.b_qkv.g.col(0).tail(2 * d) = d_kv.rowwise().sum();
    d_u.noalias() = ly.w_qkv.w.bottomRows(2 * d).transpose() * d_kv;
    d_uq.noalias() = ly.w_qkv.w.topRows(d).transpose() * d_q;
    if (lc.last_only) {
      for (Eigen::Index b = 0; b < nb; ++b) d_u.col(b * steps + steps - 1) += d_uq.col(b);
    } else {
      d_u += d_uq;
    }
    layer_norm_backward(d_u, ly.ln1_g.w, lc.ln1, ly.ln1_g.g, ly.ln1_b.g, d_in);
    // The residual x_q feeds x_mid directly.
    if (lc.last_only) {
      for (Eigen::Index b = 0; b < nb; ++b) d_in.col(b * steps + steps - 1) += d_res.col(b);
    } else {
      d_in += d_res;
    }
    d_res.swap(d_in);
  }
  w_emb_.g.noalias() = d_res * x.transpose();
  b_emb_.g = d_res.rowwise().sum();
  return loss;
}

template class transformer_net<float>;
template class transformer_net<double>;

}  // namespace mlt::ml::nn
