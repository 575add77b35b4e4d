#pragma once
/// Layer normalisation over the rows of each column (one column per token).

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
  const T inv_d = T(1) / static_cast<T>(x.rows());
  const auto mean = (x.colwise().sum() * inv_d).eval();
  c.xhat = x.rowwise() - mean;
  c.inv_std = ((c.xhat.cwiseAbs2().colwise().sum() * inv_d).array() + eps).rsqrt().matrix();
  c.xhat.array().rowwise() *= c.inv_std.row(0).array();
  y = (c.xhat.array().colwise() * gain.col(0).array()).colwise() + bias.col(0).array();
}

/// From dy, accumulates nothing: writes d_gain, d_bias and dx.
template <class T>
void layer_norm_backward(const mat<T>& dy, const mat<T>& gain, const layer_norm_cache<T>& c,
                         mat<T>& d_gain, mat<T>& d_bias, mat<T>& dx) {
  const T inv_d = T(1) / static_cast<T>(dy.rows());
  d_gain = dy.cwiseProduct(c.xhat).rowwise().sum();
  d_bias = dy.rowwise().sum();
  const mat<T> dxhat = (dy.array().colwise() * gain.col(0).array()).matrix();
  const auto mean_d = (dxhat.colwise().sum() * inv_d).eval();
  const auto mean_dx = (dxhat.cwiseProduct(c.xhat).colwise().sum() * inv_d).eval();
  dx = dxhat.rowwise() - mean_d;
  dx -= (c.xhat.array().rowwise() * mean_dx.row(0).array()).matrix();
  dx.array().rowwise() *= c.inv_std.row(0).array();
}

}  // namespace mlt::ml::nn
