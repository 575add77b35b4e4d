/// The network kernels, compiled once per instruction-set level with
/// MLT_NN_LEVEL set to sse2, avx2 or avx512 (see ../CMakeLists.txt).
///
/// Eigen picks its vector width from the compiler flags, so each level gets
/// its own copy of Eigen under its own namespace name; the build also makes
/// every symbol of this object local except the one table getter, so no
/// inline function compiled for a wider level can stand in for the baseline
/// one elsewhere in the binary.

#ifndef MLT_NN_LEVEL
#error "compile with -DMLT_NN_LEVEL=sse2|avx2|avx512"
#endif
#define MLT_NN_CAT2(a, b) a##b
#define MLT_NN_CAT(a, b) MLT_NN_CAT2(a, b)
#define MLT_NN_STR2(a) #a
#define MLT_NN_STR(a) MLT_NN_STR2(a)
// Must come before any Eigen header.
#define Eigen MLT_NN_CAT(mlt_eigen_, MLT_NN_LEVEL)
// Eigen's product packing buffers up to this size live on the stack instead of
// the heap, so a training step at the benchmark sizes allocates nothing
// (thread stacks are 8 MiB).
#define EIGEN_STACK_ALLOCATION_LIMIT (512 * 1024)
#include <Eigen/Core>
#include <cmath>

#include "ml/models/nn/kernel_table.hpp"

namespace mlt::ml::nn::MLT_NN_CAT(level_, MLT_NN_LEVEL) {
namespace {

template <class T>
using dmat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using mapped = Eigen::Map<dmat<T>, 0, Eigen::OuterStride<>>;
template <class T>
using cmapped = Eigen::Map<const dmat<T>, 0, Eigen::OuterStride<>>;

template <class T>
mapped<T> view(T* p, int rows, int cols, int ld) {
  return mapped<T>(p, rows, cols, Eigen::OuterStride<>(ld));
}
template <class T>
cmapped<T> view(const T* p, int rows, int cols, int ld) {
  return cmapped<T>(p, rows, cols, Eigen::OuterStride<>(ld));
}

template <class T, class P>
void assign(mapped<T>& c, const P& prod, T beta) {
  if (beta == T(0)) {
    c.noalias() = prod;
  } else {
    if (beta != T(1)) c *= beta;
    c.noalias() += prod;
  }
}

// Depth of one product call: longer sums are split so Eigen's packing buffers
// stay under the stack limit above (the split changes the order of the sum,
// the same way every time).
constexpr int max_depth = 256;

template <class T>
void gemm(bool ta, bool tb, int m, int n, int k, T alpha, const T* a, int lda, const T* b, int ldb,
          T beta, T* c, int ldc) {
  if (m == 1 && ldc == 1 && n > 1) {
    // A row result is computed as the column c^T = op(b)^T op(a)^T, which
    // Eigen writes in place (a strided row would go through a heap temporary).
    gemm(!tb, !ta, n, 1, k, alpha, b, ldb, a, lda, beta, c, n);
    return;
  }
  if (k > max_depth) {
    for (int k0 = 0; k0 < k; k0 += max_depth) {
      const int kk = k - k0 < max_depth ? k - k0 : max_depth;
      // Column k0 of op(a) and row k0 of op(b).
      const T* a0 = ta ? a + k0 : a + static_cast<long>(k0) * lda;
      const T* b0 = tb ? b + static_cast<long>(k0) * ldb : b + k0;
      gemm(ta, tb, m, n, kk, alpha, a0, lda, b0, ldb, k0 == 0 ? beta : T(1), c, ldc);
    }
    return;
  }
  auto cm = view(c, m, n, ldc);
  const auto am = view(a, ta ? k : m, ta ? m : k, lda);
  const auto bm = view(b, tb ? n : k, tb ? k : n, ldb);
  if (!ta && !tb) assign(cm, alpha * am * bm, beta);
  else if (ta && !tb) assign(cm, alpha * am.transpose() * bm, beta);
  else if (!ta && tb) assign(cm, alpha * am * bm.transpose(), beta);
  else assign(cm, alpha * am.transpose() * bm.transpose(), beta);
}

template <class T>
void lstm_cell_forward(T* act, const T* c_prev, T* c, T* tc, T* h, int hidden, int nb) {
  auto a = view(act, 4 * hidden, nb, 4 * hidden);
  a.topRows(3 * hidden) = a.topRows(3 * hidden).array().logistic();
  a.bottomRows(hidden) = a.bottomRows(hidden).array().tanh();
  auto cm = view(c, hidden, nb, hidden);
  const auto ig = a.topRows(hidden).array(), fg = a.middleRows(hidden, hidden).array(),
             og = a.middleRows(2 * hidden, hidden).array(), gg = a.bottomRows(hidden).array();
  if (c_prev)
    cm.array() = fg * view(c_prev, hidden, nb, hidden).array() + ig * gg;
  else
    cm.array() = ig * gg;
  auto tcm = view(tc, hidden, nb, hidden);
  tcm.array() = cm.array().tanh();
  view(h, hidden, nb, hidden).array() = og * tcm.array();
}

template <class T>
void lstm_cell_backward(const T* act, const T* c_prev, const T* tc, const T* d_h, const T* dh_next,
                        T* dc_next, T* dh, T* dc, T* d_act, int hidden, int nb) {
  const int H = hidden;
  const auto a = view(act, 4 * H, nb, 4 * H);
  const auto ig = a.topRows(H).array(), fg = a.middleRows(H, H).array(),
             og = a.middleRows(2 * H, H).array(), gg = a.bottomRows(H).array();
  const auto tca = view(tc, H, nb, H).array();
  auto dhm = view(dh, H, nb, H);
  auto dcm = view(dc, H, nb, H);
  auto dcn = view(dc_next, H, nb, H);
  auto da = view(d_act, 4 * H, nb, 4 * H);
  dhm = view(d_h, H, nb, H) + view(dh_next, H, nb, H);
  dcm.array() = dhm.array() * og * (T(1) - tca.square()) + dcn.array();
  // Gradients w.r.t. pre-activations: sigmoid' = s(1-s), tanh' = 1-t^2.
  da.topRows(H).array() = dcm.array() * gg * ig * (T(1) - ig);
  if (c_prev)
    da.middleRows(H, H).array() = dcm.array() * view(c_prev, H, nb, H).array() * fg * (T(1) - fg);
  else
    da.middleRows(H, H).setZero();
  da.middleRows(2 * H, H).array() = dhm.array() * tca * og * (T(1) - og);
  da.bottomRows(H).array() = dcm.array() * ig * (T(1) - gg.square());
  dcn.array() = dcm.array() * fg;
}

template <class T>
void attention_forward(const T* q, const T* kv, T* probs, T* att, T* s, int d, int heads, int steps,
                       int lq, int nb, T scale) {
  const int dh = d / heads;
  const auto qm = view(q, d, nb * lq, d);
  const auto kvm = view(kv, 2 * d, nb * steps, 2 * d);
  auto pm = view(probs, lq, steps * nb * heads, lq);
  auto am = view(att, d, nb * lq, d);
  auto sm = view(s, lq, steps, lq);
  auto row = view(s + lq * steps, lq, 1, lq);
  for (int b = 0; b < nb; ++b)
    for (int hd = 0; hd < heads; ++hd) {
      const auto qb = qm.block(hd * dh, b * lq, dh, lq);
      const auto k = kvm.block(hd * dh, b * steps, dh, steps);
      const auto v = kvm.block(d + hd * dh, b * steps, dh, steps);
      // s(i, j): query token i against key token j; softmax over j.
      sm.noalias() = qb.transpose() * k;
      sm *= scale;
      row = sm.rowwise().maxCoeff();
      sm.colwise() -= row.col(0);
      sm = sm.array().exp();
      row = sm.rowwise().sum();
      sm.array().colwise() /= row.col(0).array();
      pm.middleCols((b * heads + hd) * steps, steps) = sm;
      am.block(hd * dh, b * lq, dh, lq).noalias() = v * sm.transpose();
    }
}

template <class T>
void attention_backward(const T* q, const T* kv, const T* probs, const T* d_att, T* d_q, T* d_kv,
                        T* dp, T* ds, T* row_dot, int d, int heads, int steps, int lq, int nb,
                        T scale) {
  const int dh = d / heads;
  const auto qm = view(q, d, nb * lq, d);
  const auto kvm = view(kv, 2 * d, nb * steps, 2 * d);
  const auto pm = view(probs, lq, steps * nb * heads, lq);
  const auto dam = view(d_att, d, nb * lq, d);
  auto dqm = view(d_q, d, nb * lq, d);
  auto dkvm = view(d_kv, 2 * d, nb * steps, 2 * d);
  auto dpm = view(dp, lq, steps, lq);
  auto dsm = view(ds, lq, steps, lq);
  auto rd = view(row_dot, lq, 1, lq);
  for (int b = 0; b < nb; ++b)
    for (int hd = 0; hd < heads; ++hd) {
      const auto qb = qm.block(hd * dh, b * lq, dh, lq);
      const auto k = kvm.block(hd * dh, b * steps, dh, steps);
      const auto v = kvm.block(d + hd * dh, b * steps, dh, steps);
      const auto p = pm.middleCols((b * heads + hd) * steps, steps);
      const auto da = dam.block(hd * dh, b * lq, dh, lq);
      dkvm.block(d + hd * dh, b * steps, dh, steps).noalias() = da * p;
      dpm.noalias() = da.transpose() * v;
      // Softmax backward per row: ds = p * (dp - sum_j dp * p).
      rd = p.cwiseProduct(dpm).rowwise().sum();
      dsm = p.cwiseProduct(dpm.colwise() - rd.col(0)) * scale;
      dqm.block(hd * dh, b * lq, dh, lq).noalias() = k * dsm.transpose();
      dkvm.block(hd * dh, b * steps, dh, steps).noalias() = qb * dsm;
    }
}

template <class T>
void layer_norm_forward(const T* x, const T* gain, const T* bias, T* y, T* xhat, T* inv_std, int d,
                        int n, T eps) {
  const T inv_d = T(1) / static_cast<T>(d);
  const auto xm = view(x, d, n, d);
  auto xh = view(xhat, d, n, d);
  auto ym = view(y, d, n, d);
  const auto g = view(gain, d, 1, d).col(0);
  const auto b = view(bias, d, 1, d).col(0);
  for (int j = 0; j < n; ++j) {
    auto c = xh.col(j);
    c = xm.col(j).array() - xm.col(j).sum() * inv_d;
    const T s = T(1) / std::sqrt(c.squaredNorm() * inv_d + eps);
    inv_std[j] = s;
    c *= s;
    ym.col(j) = c.cwiseProduct(g) + b;
  }
}

template <class T>
void layer_norm_backward(const T* dy, const T* gain, const T* xhat, const T* inv_std, T* d_gain,
                         T* d_bias, T* dx, int d, int n) {
  const T inv_d = T(1) / static_cast<T>(d);
  const auto dym = view(dy, d, n, d);
  const auto xh = view(xhat, d, n, d);
  const auto g = view(gain, d, 1, d).col(0);
  auto dg = view(d_gain, d, 1, d).col(0);
  auto db = view(d_bias, d, 1, d).col(0);
  auto dxm = view(dx, d, n, d);
  dg.setZero();
  db.setZero();
  for (int j = 0; j < n; ++j) {
    dg += dym.col(j).cwiseProduct(xh.col(j));
    db += dym.col(j);
    auto c = dxm.col(j);
    c = dym.col(j).cwiseProduct(g);  // d(loss)/d(xhat)
    const T mean_d = c.sum() * inv_d, mean_dx = c.dot(xh.col(j)) * inv_d;
    c = (c.array() - mean_d - xh.col(j).array() * mean_dx) * inv_std[j];
  }
}

template <class T>
kernel_ops<T> ops() {
  return {&gemm<T>,
          &lstm_cell_forward<T>,
          &lstm_cell_backward<T>,
          &attention_forward<T>,
          &attention_backward<T>,
          &layer_norm_forward<T>,
          &layer_norm_backward<T>};
}

}  // namespace

/// The only symbol this object exports.
__attribute__((visibility("default"))) const kernel_table& table() {
  static const kernel_table t{MLT_NN_STR(MLT_NN_LEVEL), ops<float>(), ops<double>()};
  return t;
}

}  // namespace mlt::ml::nn::level_
