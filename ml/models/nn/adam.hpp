#pragma once
/// Adam optimiser (Kingma & Ba 2015) with bias correction, and global-norm
/// gradient clipping.

#include <cmath>
#include <vector>

#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// Scales all gradients so their joint L2 norm is at most `max_norm`
/// (no-op when max_norm <= 0); returns the norm before clipping.
template <class T>
double clip_grad_norm(const param_refs<T>& ps, double max_norm) {
  double sq = 0;
  for (const auto* p : ps) sq += p->g.template cast<double>().squaredNorm();
  const double norm = std::sqrt(sq);
  if (max_norm > 0 && norm > max_norm) {
    const T scale = static_cast<T>(max_norm / norm);
    for (auto* p : ps) p->g *= scale;
  }
  return norm;
}

template <class T>
class adam {
public:
  adam() = default;
  adam(const param_refs<T>& ps, double lr, double beta1 = 0.9, double beta2 = 0.999,
       double eps = 1e-8)
      : lr_(lr), beta1_(beta1), beta2_(beta2), eps_(eps) {
    for (const auto* p : ps) {
      m_.push_back(mat<T>::Zero(p->w.rows(), p->w.cols()));
      v_.push_back(mat<T>::Zero(p->w.rows(), p->w.cols()));
    }
  }

  /// Applies one update from the gradients in `ps` (same order as construction).
  void step(const param_refs<T>& ps) {
    ++t_;
    const T b1 = static_cast<T>(beta1_), b2 = static_cast<T>(beta2_);
    const T c1 = static_cast<T>(1.0 - std::pow(beta1_, t_));
    const T c2 = static_cast<T>(1.0 - std::pow(beta2_, t_));
    const T lr = static_cast<T>(lr_), eps = static_cast<T>(eps_);
    for (std::size_t k = 0; k < ps.size(); ++k) {
      auto& g = ps[k]->g;
      m_[k] = b1 * m_[k] + (T(1) - b1) * g;
      v_[k] = b2 * v_[k] + (T(1) - b2) * g.cwiseAbs2();
      ps[k]->w.array() -=
          lr * (m_[k].array() / c1) / ((v_[k].array() / c2).sqrt() + eps);
    }
  }

  void set_learning_rate(double lr) { lr_ = lr; }

private:
  double lr_ = 1e-3, beta1_ = 0.9, beta2_ = 0.999, eps_ = 1e-8;
  int t_ = 0;
  std::vector<mat<T>> m_, v_;
};

}  // namespace mlt::ml::nn
