#pragma once
/// Sliding windows over rows in time order for the sequence models.
///
/// The window for row t holds rows t-seq_len+1 .. t, oldest first. Rows before
/// the first row of the matrix do not exist, so those slots are zero (left
/// padding); a window never contains a row after t.

#include <vector>

#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// Column order of a batch of windows in a features x (seq_len * batch) matrix.
enum class window_layout {
  time_major,      ///< column t * batch + b (LSTM: one block per time step)
  sequence_major,  ///< column b * seq_len + t (Transformer: one block per sequence)
};

/// Fills `out` with the windows ending at rows `ends[0..batch)` of `xt`
/// (features x rows, i.e. the data transposed).
template <class T>
void build_windows(const mat<T>& xt, const int* ends, int batch, int seq_len,
                   window_layout layout, mat<T>& out) {
  out.resize(xt.rows(), static_cast<Eigen::Index>(seq_len) * batch);
  for (int b = 0; b < batch; ++b) {
    for (int t = 0; t < seq_len; ++t) {
      const int row = ends[b] - (seq_len - 1) + t;
      const Eigen::Index col = layout == window_layout::time_major
                                   ? static_cast<Eigen::Index>(t) * batch + b
                                   : static_cast<Eigen::Index>(b) * seq_len + t;
      if (row < 0)
        out.col(col).setZero();
      else
        out.col(col) = xt.col(row);
    }
  }
}

}  // namespace mlt::ml::nn
