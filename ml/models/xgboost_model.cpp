#include "ml/models/xgboost_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <xgboost/c_api.h>

#include "ml/eval/metrics.hpp"

namespace mlt::ml {

namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string("xgboost: ") + what + ": " + XGBGetLastError());
}

// XGBoost reads dense rows of float; Eigen stores doubles column-major.
std::vector<float> row_major_floats(const Eigen::MatrixXd& x) {
  std::vector<float> out(static_cast<std::size_t>(x.rows() * x.cols()));
  std::size_t k = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j) out[k++] = static_cast<float>(x(i, j));
  return out;
}

DMatrixHandle make_dmatrix(const Eigen::MatrixXd& x, const Eigen::VectorXd* y) {
  const std::vector<float> data = row_major_floats(x);
  DMatrixHandle h = nullptr;
  check(XGDMatrixCreateFromMat(data.data(), static_cast<bst_ulong>(x.rows()), static_cast<bst_ulong>(x.cols()),
                               std::nanf(""), &h),
        "creating a DMatrix");
  if (y) {
    std::vector<float> labels(static_cast<std::size_t>(y->size()));
    for (Eigen::Index i = 0; i < y->size(); ++i) labels[static_cast<std::size_t>(i)] = static_cast<float>((*y)[i]);
    const int rc = XGDMatrixSetFloatInfo(h, "label", labels.data(), static_cast<bst_ulong>(labels.size()));
    if (rc != 0) XGDMatrixFree(h);
    check(rc, "setting labels");
  }
  return h;
}

// Reads "<name>-logloss:<value>" from an evaluation line such as
// "[3]\ttrain-logloss:0.68\tval-logloss:0.69".
double eval_value(const char* text, const std::string& name) {
  const std::string s(text);
  const std::string key = name + "-logloss:";
  const auto pos = s.find(key);
  if (pos == std::string::npos) throw std::runtime_error("xgboost: no " + key + " in '" + s + "'");
  return std::strtod(s.c_str() + pos + key.size(), nullptr);
}

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

const std::vector<param_spec>& xgboost_model::param_specs() {
  static const std::vector<param_spec> specs = {
      {"n_rounds", 400, 1, 10000, true},
      {"eta", 0.05, 1e-4, 1.0, false},
      {"max_depth", 3, 1, 16, true},
      {"subsample", 0.8, 0.1, 1.0, false},
      {"colsample", 0.8, 0.1, 1.0, false},
      {"min_child_weight", 5, 0.0, 1000.0, false},
      {"lambda", 1, 0.0, 1000.0, false},
      {"rounds_per_step", 10, 1, 1000, true},
      {"early_stopping", 40, 0, 10000, true},
  };
  return specs;
}

xgboost_model::xgboost_model() = default;

xgboost_model::~xgboost_model() { release(); }

void xgboost_model::release() {
  if (booster_) XGBoosterFree(booster_);
  if (dtrain_) XGDMatrixFree(dtrain_);
  if (dval_) XGDMatrixFree(dval_);
  booster_ = dtrain_ = dval_ = nullptr;
}

void xgboost_model::start(const fit_data& data, const param_map& params, std::uint64_t seed) {
  params_ = resolve_params("xgboost", param_specs(), params);
  if (data.x_train.rows() == 0) throw std::invalid_argument("xgboost: no training rows");
  if (data.x_train.rows() != data.y_train.size())
    throw std::invalid_argument("xgboost: x_train and y_train differ in rows");
  if (data.x_val.rows() != data.y_val.size())
    throw std::invalid_argument("xgboost: x_val and y_val differ in rows");
  if (data.x_val.rows() > 0 && data.x_val.cols() != data.x_train.cols())
    throw std::invalid_argument("xgboost: x_val and x_train differ in columns");
  release();
  n_features_ = data.x_train.cols();
  y_val_ = data.y_val;
  rounds_ = 0;
  best_round_ = -1;
  best_val_loss_ = 0;
  last_train_loss_ = 0;
  last_val_loss_ = 0;
  done_ = false;

  dtrain_ = make_dmatrix(data.x_train, &data.y_train);
  if (data.x_val.rows() > 0) dval_ = make_dmatrix(data.x_val, &data.y_val);
  DMatrixHandle cache[2] = {dtrain_, dval_};
  check(XGBoosterCreate(cache, dval_ ? 2 : 1, &booster_), "creating the booster");
  const auto set = [&](const char* k, const std::string& v) { check(XGBoosterSetParam(booster_, k, v.c_str()), k); };
  set("verbosity", "0");
  set("nthread", "1");  // bit-identical results need a fixed reduction order
  set("tree_method", "hist");
  set("objective", "binary:logistic");
  set("eval_metric", "logloss");
  set("seed", std::to_string(seed % 2147483647ULL));
  set("eta", fmt(params_.at("eta")));
  set("max_depth", fmt(params_.at("max_depth")));
  set("subsample", fmt(params_.at("subsample")));
  set("colsample_bytree", fmt(params_.at("colsample")));
  set("min_child_weight", fmt(params_.at("min_child_weight")));
  set("lambda", fmt(params_.at("lambda")));
}

fit_step xgboost_model::step() {
  if (!booster_) throw std::logic_error("xgboost: step() before start()");
  const int total = static_cast<int>(params_.at("n_rounds"));
  const int chunk = static_cast<int>(params_.at("rounds_per_step"));
  const int patience = static_cast<int>(params_.at("early_stopping"));
  fit_step s;
  const int rounds_before = rounds_;
  for (int k = 0; k < chunk && !done_; ++k) {
    check(XGBoosterUpdateOneIter(booster_, rounds_, dtrain_), "boosting a round");
    DMatrixHandle sets[2] = {dtrain_, dval_};
    const char* names[2] = {"train", "val"};
    const char* text = nullptr;
    check(XGBoosterEvalOneIter(booster_, rounds_, sets, names, dval_ ? 2 : 1, &text), "evaluating a round");
    last_train_loss_ = eval_value(text, "train");
    const double val_loss = dval_ ? eval_value(text, "val") : last_train_loss_;
    last_val_loss_ = val_loss;
    if (best_round_ < 0 || val_loss < best_val_loss_) {
      best_val_loss_ = val_loss;
      best_round_ = rounds_;
    }
    ++rounds_;
    if (rounds_ >= total) done_ = true;
    if (dval_ && patience > 0 && rounds_ - 1 - best_round_ >= patience) done_ = true;
  }
  if (!dval_) best_round_ = rounds_ - 1;  // without validation every tree counts
  s.step = rounds_;
  s.total = total;
  s.done = done_;
  s.fraction = total > 0 ? std::min(1.0, static_cast<double>(rounds_) / total) : 1.0;
  // Every round is measured; a call after the end boosts nothing and measures nothing.
  s.measured = rounds_ > rounds_before;
  if (!s.measured) return s;
  s.train_loss = last_train_loss_;
  s.val_loss = last_val_loss_;  // the latest round's, so the trend shows overfitting
  if (y_val_.size() > 0) {
    // Accuracy of the model as it would predict now (best round so far).
    const char* cfg_fmt = R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":%d,"strict_shape":false})";
    char cfg[160];
    std::snprintf(cfg, sizeof cfg, cfg_fmt, best_round_ + 1);
    bst_ulong const* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    check(XGBoosterPredictFromDMatrix(booster_, dval_, cfg, &shape, &dim, &out), "predicting");
    Eigen::VectorXd p(y_val_.size());
    for (Eigen::Index i = 0; i < p.size(); ++i) p[i] = out[i];
    s.val_accuracy = evaluate_classification(y_val_, p).accuracy;
  }
  return s;
}

kept_step xgboost_model::stop() {
  if (!booster_) throw std::logic_error("xgboost: stop() before start()");
  done_ = true;
  kept_step k;
  if (rounds_ == 0) {
    k.val_loss = std::nan("");
    k.what = "no trees (no boosting round finished)";
    return k;
  }
  k.step = best_round_ + 1;
  // Without validation rows every tree counts and the monitor is the training loss.
  k.val_loss = dval_ ? best_val_loss_ : last_train_loss_;
  k.what = "the trees up to round " + std::to_string(k.step);
  return k;
}

Eigen::VectorXd xgboost_model::predict_proba(const Eigen::MatrixXd& x) const {
  if (!booster_ || rounds_ == 0) throw std::logic_error("xgboost: predict before any boosting round");
  if (x.cols() != n_features_)
    throw std::invalid_argument("xgboost: predict with " + std::to_string(x.cols()) + " columns, fitted on " +
                                std::to_string(n_features_));
  Eigen::VectorXd p(x.rows());
  if (x.rows() == 0) return p;
  DMatrixHandle d = make_dmatrix(x, nullptr);
  char cfg[160];
  std::snprintf(cfg, sizeof cfg,
                R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":%d,"strict_shape":false})",
                best_round_ + 1);
  bst_ulong const* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  const int rc = XGBoosterPredictFromDMatrix(booster_, d, cfg, &shape, &dim, &out);
  if (rc == 0)
    for (Eigen::Index i = 0; i < p.size(); ++i) p[i] = out[i];
  XGDMatrixFree(d);
  check(rc, "predicting");
  return p;
}

std::vector<double> xgboost_model::importance() const {
  std::vector<double> out(static_cast<std::size_t>(n_features_), 0.0);
  if (!booster_ || rounds_ == 0) return out;
  BoosterHandle used = nullptr;
  check(XGBoosterSlice(booster_, 0, best_round_ + 1, 1, &used), "slicing to the best round");
  bst_ulong n_names = 0, dim = 0;
  const char** names = nullptr;
  bst_ulong const* shape = nullptr;
  const float* scores = nullptr;
  const int rc = XGBoosterFeatureScore(used, R"({"importance_type":"total_gain"})", &n_names, &names, &dim,
                                       &shape, &scores);
  if (rc == 0) {
    // Unnamed features come back as "f<column>"; columns never split on are absent.
    for (bst_ulong i = 0; i < n_names; ++i) {
      const std::string nm(names[i]);
      if (nm.size() < 2 || nm[0] != 'f') continue;
      const auto col = static_cast<std::size_t>(std::strtoul(nm.c_str() + 1, nullptr, 10));
      if (col < out.size()) out[col] = scores[i];
    }
  }
  XGBoosterFree(used);
  check(rc, "computing feature importance");
  double total = 0;
  for (double v : out) total += v;
  if (total > 0)
    for (double& v : out) v /= total;
  return out;
}

std::string xgboost_model::save() const {
  if (!booster_ || rounds_ == 0) return {};
  bst_ulong len = 0;
  const char* buf = nullptr;
  check(XGBoosterSaveModelToBuffer(booster_, R"({"format":"ubj"})", &len, &buf), "saving the model");
  std::ostringstream out;
  out << "xgboost 1 " << n_features_ << ' ' << rounds_ << ' ' << best_round_ << ' ' << params_.size();
  for (const auto& [k, v] : params_) out << ' ' << k << ' ' << fmt(v);
  out << ' ' << len << '\n';
  std::string state = out.str();
  state.append(buf, static_cast<std::size_t>(len));
  return state;
}

void xgboost_model::load(const std::string& state) {
  const auto bad = [](const std::string& what) { throw std::invalid_argument("xgboost: cannot load state: " + what); };
  const auto eol = state.find('\n');
  if (eol == std::string::npos) bad("no header");
  std::istringstream in(state.substr(0, eol));
  std::string tag;
  int version = 0, rounds = 0, best = 0;
  long n_features = 0;
  std::size_t n_params = 0;
  if (!(in >> tag >> version >> n_features >> rounds >> best >> n_params) || tag != "xgboost" || version != 1)
    bad("not an xgboost model state");
  param_map p;
  for (std::size_t i = 0; i < n_params; ++i) {
    std::string k, v;
    if (!(in >> k >> v)) bad("truncated parameters");
    p[k] = std::strtod(v.c_str(), nullptr);
  }
  std::size_t len = 0;
  if (!(in >> len) || eol + 1 + len != state.size()) bad("model size does not match");
  const param_map resolved = resolve_params("xgboost", param_specs(), p);
  release();
  check(XGBoosterCreate(nullptr, 0, &booster_), "creating the booster");
  check(XGBoosterLoadModelFromBuffer(booster_, state.data() + eol + 1, static_cast<bst_ulong>(len)), "loading the model");
  check(XGBoosterSetParam(booster_, "nthread", "1"), "nthread");
  params_ = resolved;
  n_features_ = n_features;
  rounds_ = rounds;
  best_round_ = best;
  y_val_.resize(0);
  // A loaded model was not measured here: stop() names no loss.
  best_val_loss_ = last_train_loss_ = last_val_loss_ = std::nan("");
  done_ = true;
}

std::int64_t xgboost_model::parameter_count() const {
  if (!booster_ || rounds_ == 0) return 0;
  BoosterHandle used = nullptr;
  check(XGBoosterSlice(booster_, 0, best_round_ + 1, 1, &used), "slicing to the best round");
  bst_ulong trees = 0;
  const char** dump = nullptr;
  const int rc = XGBoosterDumpModelEx(used, "", 0, "text", &trees, &dump);
  std::int64_t nodes = 0;
  // The text dump has one line per node.
  if (rc == 0)
    for (bst_ulong t = 0; t < trees; ++t)
      for (const char* c = dump[t]; *c; ++c) nodes += *c == '\n';
  XGBoosterFree(used);
  check(rc, "counting tree nodes");
  return nodes;
}

std::vector<search_dim> xgboost_model::search_space() const {
  return {{"eta", 0.01, 0.3, false, true},
          {"max_depth", 2, 8, true, false},
          {"min_child_weight", 1, 50, false, true},
          {"subsample", 0.5, 1.0, false, false}};
}

std::unique_ptr<model> make_xgboost_model() { return std::make_unique<xgboost_model>(); }

}  // namespace mlt::ml
