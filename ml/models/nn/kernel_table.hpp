#pragma once
/// The numeric kernels of the networks, compiled once per instruction-set
/// level (SSE2, AVX2+FMA, AVX-512) and chosen when the process starts from
/// what the CPU supports, so one binary runs on any x86-64 at the speed its
/// CPU allows. Entry points take raw column-major buffers: no Eigen type
/// crosses between code compiled for different levels, so this header
/// includes none.

namespace mlt::ml::nn {

/// Entry points of one scalar type at one level (see kernel_impl.cpp).
template <class T>
struct kernel_ops {
  /// c = alpha * op(a) * op(b) + beta * c; op transposes when its flag is set.
  void (*gemm)(bool ta, bool tb, int m, int n, int k, T alpha, const T* a, int lda, const T* b,
               int ldb, T beta, T* c, int ldc);
  /// One LSTM step on nb columns: gate pre-activations `act` (4H x nb, rows
  /// i f o g) become activations; writes cell c, tanh(c) and hidden h
  /// (H x nb each). c_prev is null at the first step.
  void (*lstm_cell_forward)(T* act, const T* c_prev, T* c, T* tc, T* h, int hidden, int nb);
  /// Backward through one LSTM step: dh = d_h + dh_next; fills `d_act`
  /// (4H x nb) and replaces dc_next by the cell gradient of the step before.
  /// `dh` and `dc` are H x nb scratch.
  void (*lstm_cell_backward)(const T* act, const T* c_prev, const T* tc, const T* d_h,
                             const T* dh_next, T* dc_next, T* dh, T* dc, T* d_act, int hidden,
                             int nb);
  /// Scaled dot-product attention of every sequence and head: q (d x nb*lq),
  /// kv (2d x nb*steps, keys then values) -> probs (lq x steps per sequence
  /// and head) and att (d x nb*lq). `s` is lq * (steps + 1) scratch.
  void (*attention_forward)(const T* q, const T* kv, T* probs, T* att, T* s, int d, int heads,
                            int steps, int lq, int nb, T scale);
  /// Its backward: from d_att (d x nb*lq) to d_q (d x nb*lq) and d_kv
  /// (2d x nb*steps). `dp`, `ds` are lq x steps scratch, `row_dot` lq.
  void (*attention_backward)(const T* q, const T* kv, const T* probs, const T* d_att, T* d_q,
                             T* d_kv, T* dp, T* ds, T* row_dot, int d, int heads, int steps,
                             int lq, int nb, T scale);
  /// Layer norm of every column of x (d x n): xhat, inv_std (n) and
  /// y = gain * xhat + bias.
  void (*layer_norm_forward)(const T* x, const T* gain, const T* bias, T* y, T* xhat, T* inv_std,
                             int d, int n, T eps);
  /// Its backward from dy: writes d_gain, d_bias (d) and dx (d x n).
  void (*layer_norm_backward)(const T* dy, const T* gain, const T* xhat, const T* inv_std,
                              T* d_gain, T* d_bias, T* dx, int d, int n);
};

/// Every entry point of one level.
struct kernel_table {
  const char* name;  ///< "sse2", "avx2" or "avx512"
  kernel_ops<float> f;
  kernel_ops<double> d;
};

/// The kernels in use (the best level the CPU supports unless use_kernel
/// chose another).
const kernel_table& kernels();
/// Name of the kernels in use, for start lines and benchmark output.
const char* kernel_name();
/// Switches to the named level ("sse2", "avx2", "avx512") when this CPU can
/// run it; returns false otherwise (tests and benchmarks compare levels).
bool use_kernel(const char* name);

}  // namespace mlt::ml::nn
