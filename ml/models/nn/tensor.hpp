#pragma once
/// Matrix aliases and the trainable parameter tensor shared by the networks.

#include <string>
#include <vector>

#include <Eigen/Dense>

namespace mlt::ml::nn {

template <class T>
using mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// A weight tensor with its gradient; vectors are one-column matrices.
template <class T>
struct param {
  std::string name;
  mat<T> w;
  mat<T> g;

  /// Sets the shape; weights and gradient start at zero.
  void resize(Eigen::Index rows, Eigen::Index cols) {
    w = mat<T>::Zero(rows, cols);
    g = mat<T>::Zero(rows, cols);
  }
};

template <class T>
using param_refs = std::vector<param<T>*>;

}  // namespace mlt::ml::nn
