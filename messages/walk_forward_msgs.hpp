#pragma once
/// Walk-forward evidence of a trial's chosen configuration: per fold and pooled.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/ml_inspect.hpp"

namespace mlt::msg {

/// One fold: fitted on its training window, predicting its block.
struct walk_forward_fold {
  std::int32_t fold = 0;  ///< 1-based; the last fold predicts the test part
  std::string train_first, train_last;  ///< dates of the first and last training rows
  std::int64_t train_rows = 0;
  std::string stop_first, stop_last;  ///< the inner validation tail early stopping used ("" when none)
  std::string first, last;  ///< dates of the first and last predicted rows
  std::int64_t n = 0;       ///< predicted rows
  double accuracy = 0;
  double auc = 0.5;
  double log_loss = 0;
  double ic = 0;              ///< Spearman rank correlation of P(up) with the forward return
  double majority_rate = 0;   ///< the training majority class's share of the block
  bool beats_majority = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_forward_fold& x) {
  return f(caf::meta::type_name("walk_forward_fold"), x.fold, x.train_first, x.train_last, x.train_rows, x.stop_first, x.stop_last, x.first,
           x.last, x.n, x.accuracy, x.auc, x.log_loss, x.ic, x.majority_rate, x.beats_majority);
}

/// The whole walk-forward evaluation; `folds` empty when it did not run
/// (`note` says why).
struct walk_forward_result {
  std::string window;          ///< expanding | rolling
  std::int32_t embargo = 0;    ///< bars between the last training label and the first predicted row
  std::string model;
  std::map<std::string, double> params;
  std::vector<walk_forward_fold> folds;
  /// Pooled over every out-of-sample row; standard errors: binomial for
  /// accuracy, Hanley-McNeil for AUC, per-row loss deviation for log loss,
  /// sqrt(1.06/(n-3)) for IC (rows treated as independent).
  std::int64_t n = 0;
  double accuracy = 0, accuracy_se = 0;
  double auc = 0.5, auc_se = 0;
  double log_loss = 0, log_loss_se = 0;
  double ic = 0, ic_se = 0;
  double majority_rate = 0;    ///< pooled: rows where each fold's training majority class came true
  std::int32_t folds_beating_majority = 0;
  /// Paper trading over the concatenated out-of-sample predictions, with
  /// buy-and-hold and the SMA(10,30) crossover over the same bars.
  ml::paper_stats paper;
  ml::paper_stats buy_hold;
  std::map<std::string, double> paper_detail;
  std::map<std::string, double> sma_cross;
  std::string note;            ///< why it is missing or partial, "" otherwise
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_forward_result& x) {
  return f(caf::meta::type_name("walk_forward_result"), x.window, x.embargo, x.model, x.params, x.folds, x.n,
           x.accuracy, x.accuracy_se, x.auc, x.auc_se, x.log_loss, x.log_loss_se, x.ic, x.ic_se, x.majority_rate,
           x.folds_beating_majority, x.paper, x.buy_hold, x.paper_detail, x.sma_cross, x.note);
}

}  // namespace mlt::msg
