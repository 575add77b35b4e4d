#pragma once
/// Typed access to the network kernels in use (see kernel_table.hpp).

#include <stdexcept>
#include <type_traits>

#include "ml/models/nn/kernel_table.hpp"
#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

template <class T>
const kernel_ops<T>& ops_for() {
  if constexpr (std::is_same_v<T, float>)
    return kernels().f;
  else
    return kernels().d;
}

/// c = alpha * op(a) * op(b) + beta * c through the kernels in use. a, b and c
/// are column-major matrices or blocks with unit inner stride; c has its size.
template <class C, class A, class B>
void gemm(C&& c, const A& a, bool ta, const B& b, bool tb,
          typename std::decay_t<C>::Scalar beta = 0, typename std::decay_t<C>::Scalar alpha = 1) {
  using T = typename std::decay_t<C>::Scalar;
  const Eigen::Index m = ta ? a.cols() : a.rows(), k = ta ? a.rows() : a.cols();
  const Eigen::Index n = tb ? b.rows() : b.cols(), kb = tb ? b.cols() : b.rows();
  if (m != c.rows() || n != c.cols() || k != kb) throw std::logic_error("nn::gemm: shapes do not match");
  if (m == 0 || n == 0) return;
  ops_for<T>().gemm(ta, tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha,
                    a.data(), static_cast<int>(a.outerStride()), b.data(),
                    static_cast<int>(b.outerStride()), beta, c.data(),
                    static_cast<int>(c.outerStride()));
}

/// dst (rows x 1) = the sum of each row of m, as a product with a column of
/// ones kept in `ones` (a strided row sum is slow). `ones` grows once.
template <class D, class M>
void row_sums(D&& dst, const M& m, mat<typename M::Scalar>& ones) {
  if (ones.rows() < m.cols()) ones.setOnes(m.cols(), 1);
  gemm(dst, m, false, ones.topRows(m.cols()), false);
}

}  // namespace mlt::ml::nn
