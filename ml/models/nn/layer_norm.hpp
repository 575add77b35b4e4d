#pragma once
/// Layer normalisation over the rows of each column (one column per token),
/// through the network kernels in use. A call allocates nothing once its
/// outputs have their size.

#include "ml/models/nn/kernel.hpp"
#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// What the backward pass of a layer norm needs.
template <class T>
struct layer_norm_cache {
  mat<T> xhat;     // normalised input, d x N
  mat<T> inv_std;  // 1 x N
};

/// y = gain * (x - mean) / sqrt(var + eps) + bias, per column; var is the
/// population variance.
template <class T>
void layer_norm_forward(const mat<T>& x, const mat<T>& gain, const mat<T>& bias, mat<T>& y,
                        layer_norm_cache<T>& c, T eps = T(1e-5)) {
  c.xhat.resize(x.rows(), x.cols());
  c.inv_std.resize(1, x.cols());
  y.resize(x.rows(), x.cols());
  ops_for<T>().layer_norm_forward(x.data(), gain.data(), bias.data(), y.data(), c.xhat.data(),
                                  c.inv_std.data(), static_cast<int>(x.rows()),
                                  static_cast<int>(x.cols()), eps);
}

/// From dy, accumulates nothing: writes d_gain, d_bias and dx.
template <class T>
void layer_norm_backward(const mat<T>& dy, const mat<T>& gain, const layer_norm_cache<T>& c,
                         mat<T>& d_gain, mat<T>& d_bias, mat<T>& dx) {
  d_gain.resize(dy.rows(), 1);
  d_bias.resize(dy.rows(), 1);
  dx.resize(dy.rows(), dy.cols());
  ops_for<T>().layer_norm_backward(dy.data(), gain.data(), c.xhat.data(), c.inv_std.data(),
                                   d_gain.data(), d_bias.data(), dx.data(),
                                   static_cast<int>(dy.rows()), static_cast<int>(dy.cols()));
}

}  // namespace mlt::ml::nn
