#include "ml/models/ensemble_model.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "ml/models/nn/net_io.hpp"
#include "ml/models/nn/ops.hpp"
#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/seq_trainer.hpp"

namespace mlt::ml {

namespace {

// Saved state, version 1 (text; see nn/net_io.hpp for numbers and checksum):
//   mlt-ensemble 1
//   params <n> <name> <value> ...   own and <member>.<parameter> values
//   mode <0 weighted | 1 stacking>
//   done <0 | 1>                     0: saved before the combining step
//   columns <feature columns>
//   weights <n> <values>             weighted mode (n = 0 otherwise)
//   stack <n> <values>               stacking: intercept then one per member
//   members <m>
//   member <name> <bytes>\n<that many bytes of the member's save()>\n   (m times)
//   checksum <FNV-1a 64 of all bytes above, 16 hex digits>
// Member states are opaque bytes (each model checks its own), so any model
// with save()/load() can be a member.
constexpr const char* state_tag = "mlt-ensemble";
constexpr int state_version = 1;

constexpr double stack_l2 = 1e-2;
constexpr int stack_folds = 5;

bool is_default_member(const std::string& n) { return n == "logistic" || n == "xgboost"; }

std::vector<std::string> candidate_members() {
  std::vector<std::string> out;
  for (const auto& n : model_names())
    if (n != "ensemble") out.push_back(n);
  return out;
}

double logit(double p) {
  const double q = std::clamp(p, 1e-6, 1.0 - 1e-6);
  return std::log(q / (1.0 - q));
}

/// Design matrix [1, logit(p_1), ..., logit(p_m)] from member probabilities.
Eigen::MatrixXd stack_design(const Eigen::MatrixXd& probs) {
  Eigen::MatrixXd z(probs.rows(), probs.cols() + 1);
  z.col(0).setOnes();
  for (Eigen::Index i = 0; i < probs.rows(); ++i)
    for (Eigen::Index j = 0; j < probs.cols(); ++j) z(i, j + 1) = logit(probs(i, j));
  return z;
}

/// L2-penalised logistic regression (intercept unpenalised) by Newton steps.
Eigen::VectorXd fit_stacker(const Eigen::MatrixXd& z, const Eigen::VectorXd& y) {
  const Eigen::Index k = z.cols();
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(k);
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(k, stack_l2 * std::max<double>(1, z.rows()));
  penalty(0) = 0;
  for (int it = 0; it < 50; ++it) {
    const Eigen::VectorXd eta = z * beta;
    Eigen::VectorXd p(eta.size()), w(eta.size());
    for (Eigen::Index i = 0; i < eta.size(); ++i) {
      p(i) = nn::sigmoid(eta(i));
      w(i) = std::max(p(i) * (1 - p(i)), 1e-10);
    }
    const Eigen::VectorXd grad = z.transpose() * (p - y) + penalty.cwiseProduct(beta);
    Eigen::MatrixXd hess = z.transpose() * w.asDiagonal() * z;
    hess.diagonal() += penalty + Eigen::VectorXd::Constant(k, 1e-9);
    const Eigen::VectorXd delta = hess.ldlt().solve(grad);
    beta -= delta;
    if (delta.lpNorm<Eigen::Infinity>() < 1e-10) break;
  }
  return beta;
}

Eigen::VectorXd stacker_proba(const Eigen::MatrixXd& z, const Eigen::VectorXd& beta) {
  Eigen::VectorXd eta = z * beta;
  for (Eigen::Index i = 0; i < eta.size(); ++i) eta(i) = nn::sigmoid(eta(i));
  return eta;
}

}  // namespace

void ensemble_model::start(const fit_data& data, const param_map& params, std::uint64_t seed) {
  const auto candidates = candidate_members();
  param_map own = {{"mode", 0}, {"weight_by", 0}};
  for (const auto& n : candidates) own["use_" + n] = is_default_member(n) ? 1 : 0;
  std::map<std::string, param_map> member_params;
  for (const auto& [key, value] : params) {
    const auto dot = key.find('.');
    if (dot != std::string::npos) {
      const std::string member = key.substr(0, dot);
      if (std::find(candidates.begin(), candidates.end(), member) == candidates.end())
        throw std::invalid_argument("ensemble: parameter '" + key + "' names unknown model '" +
                                    member + "'");
      member_params[member][key.substr(dot + 1)] = value;
      continue;
    }
    if (!own.count(key)) {
      std::string known;
      for (const auto& o : own) known += " " + o.first;
      throw std::invalid_argument("ensemble: unknown parameter '" + key + "' (known:" + known +
                                  ", and <member>.<parameter>)");
    }
    if (value != 0 && value != 1)
      throw std::invalid_argument("ensemble: parameter '" + key + "' = " + std::to_string(value) +
                                  " is out of range: expected 0 or 1");
    own[key] = value;
  }

  names_.clear();
  for (const auto& n : candidates)
    if (own.at("use_" + n) == 1) names_.push_back(n);
  for (const auto& [member, p] : member_params)
    if (std::find(names_.begin(), names_.end(), member) == names_.end())
      throw std::invalid_argument("ensemble: parameters given for '" + member +
                                  "' but use_" + member + " is 0");
  if (names_.empty())
    throw std::invalid_argument("ensemble: no members; set use_<name> = 1 for at least one model");
  stacking_ = own.at("mode") == 1;
  // Members early-stop on the first share of the validation rows; the combiner
  // is fitted on the rest, so no row is used for both.
  pool_.reset();
  ahead_.clear();
  data_ = data;
  const fit_data member_data = this->member_data();
  combine_begin_ = 0;
  if (data.x_val.rows() > 0)
    combine_begin_ = static_cast<Eigen::Index>(
        validation_shares(static_cast<std::size_t>(data.x_val.rows()), data.embargo).second_begin);
  if (stacking_ && data.x_val.rows() - combine_begin_ < 2 * stack_folds)
    throw std::invalid_argument("ensemble: mode 1 (stacking) needs at least " +
                                std::to_string(2 * stack_folds) + " combiner validation rows");

  members_.clear();
  member_params_.clear();
  seed_ = seed;
  member_totals_.assign(names_.size(), 1);
  params_ = own;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    auto m = make_model(names_[i]);
    try {
      m->start(member_data, member_params[names_[i]], nn::mix_seed(seed, 100 + i));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("ensemble: member '" + names_[i] + "': " + e.what());
    }
    for (const auto& [k, v] : m->params()) params_[names_[i] + "." + k] = v;
    members_.push_back(std::move(m));
    member_params_.push_back(member_params[names_[i]]);
  }
  columns_ = data.x_train.cols();
  current_ = 0;
  last_part_ = 0;
  steps_ = 0;
  kept_.clear();
  done_ = false;
  weights_.resize(0);
  stack_.resize(0);
  last_ = fit_step{};
}

fit_step ensemble_model::step() {
  if (members_.empty()) throw std::logic_error("ensemble: step() before start()");
  fit_step out;
  if (!done_) {
    if (current_ < members_.size()) {
      const std::size_t i = current_;
      const fit_step fs = step_member(i);
      member_totals_[i] = std::max(fs.total, fs.step);
      if (fs.measured) {
        out.measured = true;
        out.train_loss = fs.train_loss;
        out.val_loss = fs.val_loss;
        out.val_accuracy = fs.val_accuracy;
        last_part_val_loss_ = fs.val_loss;
        out.part = names_[i];
        last_part_ = i;
        out.part_what = "member " + names_[i] + ", " + members_[i]->step_unit() + " " + std::to_string(fs.step) + "/" +
                        std::to_string(std::max(fs.total, fs.step));
      }
      if (fs.done) {
        member_totals_[i] = fs.step;
        end_member(i);
      }
    } else {
      finish();
      // The ensemble's one measured unit: the members combined.
      out = last_;
      out.measured = true;
    }
    ++steps_;
  }
  out.step = steps_;
  int total = 1;  // the combining step
  for (int t : member_totals_) total += std::max(1, t);
  out.total = std::max(total, steps_);
  out.fraction = done_ ? 1.0 : static_cast<double>(steps_) / out.total;
  out.done = done_;
  return out;
}

// A member that is done keeps its best state, as every fit does; one whose
// every step came from its job takes the state the job kept.
kept_step ensemble_model::end_member(std::size_t i) {
  kept_step k;
  if (!ahead_.empty() && ahead_[i].back && ahead_[i].answered == ahead_[i].fitted.log.size()) {
    auto fitted = make_model(names_[i]);
    fitted->load(ahead_[i].fitted.state);
    members_[i] = std::move(fitted);
    k = ahead_[i].fitted.kept;
  } else {
    catch_up(i);
    k = members_[i]->stop();
  }
  if (k.step > 0) kept_.push_back(names_[i] + " at " + members_[i]->step_unit() + " " + std::to_string(k.step));
  current_ = i + 1;
  return k;
}

kept_step ensemble_model::stop_part() {
  if (members_.empty()) throw std::logic_error("ensemble: stop_part() before start()");
  if (done_ || current_ >= members_.size()) return stop();
  if (last_part_ != current_) {
    // The member of the last measured step finished in that same step: it
    // already keeps its best state, and the next one has not begun.
    kept_step k;
    k.val_loss = last_part_val_loss_;
    k.what = "member " + names_[last_part_] + " had already finished; the ensemble goes on with member " +
             names_[current_];
    return k;
  }
  const std::size_t i = current_;
  kept_step k = end_member(i);
  member_totals_[i] = std::max(1, k.step);
  k.what = "member " + names_[i] + " keeps " + k.what + "; the ensemble goes on with " +
           (current_ < members_.size() ? "member " + names_[current_] : std::string("the combination"));
  return k;
}

kept_step ensemble_model::stop() {
  if (members_.empty()) throw std::logic_error("ensemble: stop() before start()");
  if (!done_) {
    // The member in progress keeps its best state; members not yet fitted are
    // left out. A member with no finished step of its own is left out too.
    std::size_t keep = current_;
    if (current_ < members_.size() && end_member(current_).step > 0) ++keep;
    if (keep == 0) throw std::logic_error("ensemble: stopped before any member finished a step");
    for (std::size_t i = keep; i < names_.size(); ++i) {
      params_["use_" + names_[i]] = 0;
      for (auto it = params_.lower_bound(names_[i] + "."); it != params_.end() && it->first.rfind(names_[i] + ".", 0) == 0;)
        it = params_.erase(it);
    }
    names_.resize(keep);
    members_.resize(keep);
    member_totals_.resize(keep);
    current_ = keep;
    finish();
  }
  kept_step k;
  k.step = steps_;
  if (kept_.empty()) {  // loaded, not fitted here
    k.val_loss = std::nan("");
    k.what = "the combination as loaded";
    return k;
  }
  k.val_loss = data_.y_val.size() > 0 ? last_.val_loss : last_.train_loss;
  std::string parts;
  for (std::size_t i = 0; i < kept_.size(); ++i)
    parts += (i == 0 ? "" : i + 1 == kept_.size() ? " and " : ", ") + kept_[i];
  k.what = std::string(stacking_ ? "the stacked" : "the weighted") + " combination of " + parts;
  return k;
}

row_shares ensemble_model::validation_shares(std::size_t val_rows, int embargo) {
  return share_rows(val_rows, embargo, "ensemble validation rows (members' early stopping | combiner)");
}

Eigen::VectorXd ensemble_model::fit_combiner(const Eigen::MatrixXd& val, const Eigen::VectorXd& y_comb) {
  const Eigen::Index m = val.cols();
  const bool has_val = val.rows() > 0;
  Eigen::VectorXd val_pred;
  if (stacking_) {
    const Eigen::MatrixXd z = stack_design(val);
    // Cross-fitted predictions: each block scored by a stacker fit on the others.
    val_pred.resize(z.rows());
    const Eigen::Index n = z.rows();
    for (int f = 0; f < stack_folds; ++f) {
      const Eigen::Index lo = n * f / stack_folds, hi = n * (f + 1) / stack_folds;
      Eigen::MatrixXd zf(n - (hi - lo), z.cols());
      Eigen::VectorXd yf(n - (hi - lo));
      zf << z.topRows(lo), z.bottomRows(n - hi);
      yf << y_comb.head(lo), y_comb.tail(n - hi);
      val_pred.segment(lo, hi - lo) = stacker_proba(z.middleRows(lo, hi - lo), fit_stacker(zf, yf));
    }
    stack_ = fit_stacker(z, y_comb);
  } else {
    weights_ = Eigen::VectorXd::Ones(m);
    if (has_val) {
      const bool by_accuracy = params_.at("weight_by") == 1;
      for (Eigen::Index j = 0; j < m; ++j) {
        const nn::scored s = nn::score(val.col(j), y_comb);
        weights_(j) = by_accuracy ? s.accuracy : 1.0 / std::max(s.log_loss, 1e-12);
      }
    }
    if (!(weights_.sum() > 0)) weights_.setOnes();
    weights_ /= weights_.sum();
    if (has_val) val_pred = combine(val);
  }
  return val_pred;
}

void ensemble_model::finish() {
  // Every member kept is ended; jobs of members left out are not waited for.
  pool_.reset();
  ahead_.clear();
  const Eigen::Index m = static_cast<Eigen::Index>(members_.size());
  // The combiner sees only its own rows, never those that stopped the members.
  const Eigen::Index n_comb = data_.x_val.rows() - combine_begin_;
  const bool has_val = n_comb > 0;
  const Eigen::MatrixXd x_comb = data_.x_val.bottomRows(n_comb);
  const Eigen::VectorXd y_comb = data_.y_val.tail(n_comb);
  Eigen::MatrixXd val(n_comb, m);
  for (Eigen::Index j = 0; j < m; ++j)
    if (has_val) val.col(j) = members_[static_cast<std::size_t>(j)]->predict_proba(x_comb);
  const Eigen::VectorXd val_pred = fit_combiner(val, y_comb);
  done_ = true;
  last_.train_loss = nn::score(predict_proba(data_.x_train), data_.y_train).log_loss;
  if (has_val) {
    const nn::scored s = nn::score(val_pred, y_comb);
    last_.val_loss = s.log_loss;
    last_.val_accuracy = s.accuracy;
  } else {
    last_.val_loss = 0;
    last_.val_accuracy = 0;
  }
}

fit_data ensemble_model::member_data() const {
  fit_data out = data_;
  if (data_.x_val.rows() > 0) {
    const auto first = static_cast<Eigen::Index>(
        validation_shares(static_cast<std::size_t>(data_.x_val.rows()), data_.embargo).first_end);
    out.x_val = data_.x_val.topRows(first);
    out.y_val = data_.y_val.head(first);
  }
  return out;
}

fit_job ensemble_model::member_job(std::size_t i, const fit_data& data) const {
  fit_job j;
  j.model = names_[i];
  j.params = member_params_[i];
  j.seed = nn::mix_seed(seed_, 100 + i);
  j.data = data;
  return j;
}

std::vector<fit_job> ensemble_model::member_jobs(const Eigen::MatrixXd& x) const {
  if (members_.empty()) throw std::logic_error("ensemble: member_jobs() before start()");
  const fit_data data = member_data();
  std::vector<fit_job> out;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    fit_job j = member_job(i, data);
    j.predict_x = x;
    j.extra_x = data_.x_val.bottomRows(data_.x_val.rows() - combine_begin_);
    j.stop_at_end = true;
    out.push_back(std::move(j));
  }
  return out;
}

void ensemble_model::fit_members_on(std::unique_ptr<fit_pool> pool, std::chrono::milliseconds first_wait) {
  if (members_.empty()) throw std::logic_error("ensemble: fit_members_on() before start()");
  if (steps_ > 0) throw std::logic_error("ensemble: fit_members_on() after the first step()");
  if (!pool || pool->width() < 2) return;  // one at a time: stepping here is the same work
  pool_ = std::move(pool);
  first_wait_ = first_wait;
  ahead_.assign(members_.size(), ahead{});
  const fit_data data = member_data();
  // Submitted in member order: the first members, answered first, start first.
  for (std::size_t i = 0; i < members_.size(); ++i) {
    fit_job j = member_job(i, data);
    j.keep_fit = true;
    pool_->submit(i, std::move(j));
    ahead_[i].sent = true;
  }
}

void ensemble_model::await(std::size_t i, std::chrono::milliseconds wait) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + wait;
  do {
    const auto asked = clock::now();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - asked);
    auto got = pool_->collect(std::max(left, std::chrono::milliseconds(0)));
    // Nothing back: the time is up, or (an answer at once) nothing is left on the pool.
    if (!got && (clock::now() >= deadline || clock::now() - asked < std::chrono::milliseconds(1))) return;
    if (!got) continue;
    if (got->first >= ahead_.size() || !ahead_[got->first].sent) continue;
    auto& a = ahead_[got->first];
    a.sent = false;
    const auto& o = got->second;
    // Only a whole fit can answer for the member; anything else is stepped here.
    a.back = o.error.empty() && !o.state.empty() && !o.log.empty() && o.log.back().done;
    if (a.back) a.fitted = std::move(got->second);
  } while (ahead_[i].sent);
}

fit_step ensemble_model::step_member(std::size_t i) {
  if (ahead_.empty()) return members_[i]->step();
  auto& a = ahead_[i];
  // The first step waits for the job; later ones only look (the member is being stepped here meanwhile).
  if (a.sent) await(i, a.answered == 0 ? first_wait_ : std::chrono::milliseconds(0));
  if (a.back && a.answered < a.fitted.log.size()) return a.fitted.log[a.answered++];
  fit_step s = members_[i]->step();
  ++a.local;
  ++a.answered;
  return s;
}

void ensemble_model::catch_up(std::size_t i) const {
  if (ahead_.empty()) return;
  auto& a = ahead_[i];
  for (; a.local < a.answered; ++a.local) members_[i]->step();
}

void ensemble_model::settle() const {
  if (current_ < members_.size()) catch_up(current_);
}

Eigen::VectorXd ensemble_model::combine_members(const std::vector<fit_outcome>& fitted) {
  if (fitted.size() != members_.size())
    throw std::logic_error("ensemble: " + std::to_string(fitted.size()) + " member outcomes for " +
                           std::to_string(members_.size()) + " members");
  const auto m = static_cast<Eigen::Index>(fitted.size());
  const Eigen::Index n_comb = data_.x_val.rows() - combine_begin_;
  Eigen::MatrixXd val(n_comb, m), probs(fitted.front().prob.size(), m);
  for (Eigen::Index j = 0; j < m; ++j) {
    if (n_comb > 0) val.col(j) = fitted[static_cast<std::size_t>(j)].extra_prob;
    probs.col(j) = fitted[static_cast<std::size_t>(j)].prob;
  }
  fit_combiner(val, data_.y_val.tail(n_comb));
  done_ = true;
  return combine(probs);
}

Eigen::VectorXd ensemble_model::combine(const Eigen::MatrixXd& member_probs) const {
  if (stacking_) return stacker_proba(stack_design(member_probs), stack_);
  return member_probs * weights_;
}

Eigen::VectorXd ensemble_model::predict_proba(const Eigen::MatrixXd& x) const {
  if (members_.empty()) throw std::logic_error("ensemble: predict_proba() before start()");
  settle();
  const Eigen::Index m = static_cast<Eigen::Index>(members_.size());
  Eigen::MatrixXd probs(x.rows(), m);
  for (Eigen::Index j = 0; j < m; ++j)
    probs.col(j) = members_[static_cast<std::size_t>(j)]->predict_proba(x);
  if (done_) return combine(probs);
  // Before the combining step, the members count equally.
  return probs.rowwise().mean();
}

param_map ensemble_model::params() const {
  if (!params_.empty()) return params_;
  param_map out = {{"mode", 0}, {"weight_by", 0}};
  for (const auto& n : candidate_members()) {
    out["use_" + n] = is_default_member(n) ? 1 : 0;
    if (is_default_member(n))
      for (const auto& [k, v] : make_model(n)->params()) out[n + "." + k] = v;
  }
  return out;
}

std::vector<search_dim> ensemble_model::search_space() const {
  // Member sets in order of size; the baseline (majority) never helps an average.
  const std::vector<std::vector<std::string>> sets = {{"logistic", "xgboost"},
                                                      {"logistic", "lstm"},
                                                      {"xgboost", "lstm"},
                                                      {"logistic", "xgboost", "lstm"},
                                                      {"logistic", "xgboost", "transformer"},
                                                      {"logistic", "xgboost", "lstm", "transformer"}};
  search_dim members;
  members.name = "members";
  for (const auto& set : sets) {
    search_choice c;
    for (const auto& n : candidate_members())
      c.params["use_" + n] = std::find(set.begin(), set.end(), n) != set.end() ? 1 : 0;
    for (const auto& n : set) c.label += (c.label.empty() ? "" : "+") + n;
    members.choices.push_back(std::move(c));
  }
  search_dim weighting;
  weighting.name = "weighting";
  weighting.choices = {{"inverse log loss", {{"mode", 0}, {"weight_by", 0}}},
                       {"accuracy", {{"mode", 0}, {"weight_by", 1}}},
                       {"stacking", {{"mode", 1}, {"weight_by", 0}}}};
  return {members, weighting};
}

std::int64_t ensemble_model::parameter_count() const {
  settle();
  std::int64_t n = 0;
  for (const auto& m : members_) n += m->parameter_count();
  return n + (stacking_ ? stack_.size() : weights_.size());
}

std::vector<double> ensemble_model::importance() const {
  settle();
  const auto w = weights();
  std::vector<double> out;
  double used = 0;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    const auto imp = members_[i]->importance();
    if (imp.empty() || imp.size() != static_cast<std::size_t>(columns_)) continue;
    const double wi = std::abs(w.empty() ? 1.0 : w[i]);
    if (out.empty()) out.assign(imp.size(), 0.0);
    for (std::size_t k = 0; k < imp.size(); ++k) out[k] += wi * imp[k];
    used += wi;
  }
  if (used > 0)
    for (auto& v : out) v /= used;
  return out;
}

std::vector<std::string> ensemble_model::members() const { return names_; }

std::vector<double> ensemble_model::weights() const {
  if (stacking_ && stack_.size() > 0)
    return std::vector<double>(stack_.data() + 1, stack_.data() + stack_.size());
  return std::vector<double>(weights_.data(), weights_.data() + weights_.size());
}

namespace {

void write_vector(std::string& out, const char* word, const Eigen::VectorXd& v) {
  out += std::string(word) + ' ' + std::to_string(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) out += ' ' + nn::exact_number(v(i));
  out += '\n';
}

template <class Fail>
Eigen::VectorXd read_vector(std::istream& in, const char* word, std::size_t max_size, Fail fail) {
  nn::expect_word(in, word, fail);
  const double n = nn::read_number<double>(in, std::string(word) + " count", fail);
  if (!(n >= 0 && n <= static_cast<double>(max_size)) || n != std::floor(n))
    fail(std::string("bad ") + word + " count " + nn::exact_number(n));
  Eigen::VectorXd v(static_cast<Eigen::Index>(n));
  for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = nn::read_number<double>(in, word, fail);
  return v;
}

}  // namespace

std::string ensemble_model::save() const {
  if (members_.empty()) return {};
  settle();
  std::string out = std::string(state_tag) + ' ' + std::to_string(state_version) + '\n';
  nn::write_param_line(out, params_);
  out += "mode " + std::string(stacking_ ? "1" : "0") + '\n';
  out += "done " + std::string(done_ ? "1" : "0") + '\n';
  out += "columns " + std::to_string(columns_) + '\n';
  write_vector(out, "weights", weights_);
  write_vector(out, "stack", stack_);
  out += "members " + std::to_string(members_.size()) + '\n';
  for (std::size_t i = 0; i < members_.size(); ++i) {
    const std::string s = members_[i]->save();
    if (s.empty()) return {};  // this member cannot be saved, so neither can the whole
    out += "member " + names_[i] + ' ' + std::to_string(s.size()) + '\n' + s + '\n';
  }
  return nn::seal_state(std::move(out));
}

void ensemble_model::load(const std::string& state) {
  const auto fail = [](const std::string& what) {
    throw std::invalid_argument("ensemble: cannot load state: " + what);
  };
  const std::string text = nn::load_body(state, state_tag, state_version, fail);
  std::istringstream in(text);
  std::string word;
  in >> word >> word;  // tag and version, checked by load_body
  const param_map p = nn::read_param_line(in, fail);
  const auto flag = [&](const char* name) {
    nn::expect_word(in, name, fail);
    const double v = nn::read_number<double>(in, name, fail);
    if (v != 0 && v != 1) fail(std::string(name) + " must be 0 or 1, found " + nn::exact_number(v));
    return v == 1;
  };
  const bool stacking = flag("mode");
  const bool done = flag("done");
  nn::expect_word(in, "columns", fail);
  const double columns = nn::read_number<double>(in, "columns", fail);
  if (!(columns >= 0 && columns <= 1e9) || columns != std::floor(columns))
    fail("bad column count " + nn::exact_number(columns));
  const std::size_t max_members = candidate_members().size();
  const Eigen::VectorXd weights = read_vector(in, "weights", max_members, fail);
  const Eigen::VectorXd stack = read_vector(in, "stack", max_members + 1, fail);
  nn::expect_word(in, "members", fail);
  const double m = nn::read_number<double>(in, "members count", fail);
  if (!(m >= 1 && m <= static_cast<double>(max_members)) || m != std::floor(m))
    fail("bad member count " + nn::exact_number(m));
  const auto count = static_cast<std::size_t>(m);
  if (done && !stacking && static_cast<std::size_t>(weights.size()) != count)
    fail("has " + std::to_string(weights.size()) + " weights for " + std::to_string(count) +
         " members");
  if (done && stacking && static_cast<std::size_t>(stack.size()) != count + 1)
    fail("has " + std::to_string(stack.size()) + " stacker coefficients for " +
         std::to_string(count) + " members (expected members + 1)");

  std::vector<std::string> names;
  std::vector<std::unique_ptr<model>> members;
  for (std::size_t i = 0; i < count; ++i) {
    std::string name;
    nn::expect_word(in, "member", fail);
    if (!(in >> name)) fail("missing name of member " + std::to_string(i + 1));
    auto member = name == "ensemble" ? nullptr : make_model(name);
    if (!member) fail("unknown member model '" + name + "'");
    const double bytes = nn::read_number<double>(in, "size of member '" + name + "'", fail);
    const std::size_t pos = static_cast<std::size_t>(in.tellg());
    // Room for the newline, the bytes and the newline after them.
    if (!(bytes >= 0) || bytes != std::floor(bytes) ||
        bytes + 2 > static_cast<double>(text.size() - pos) || in.get() != '\n')
      fail("bad size of member '" + name + "'");
    std::string body(static_cast<std::size_t>(bytes), '\0');
    if (!in.read(&body[0], static_cast<std::streamsize>(body.size())) || in.get() != '\n')
      fail("member '" + name + "' is cut short");
    try {
      member->load(body);
    } catch (const std::invalid_argument& e) {
      fail("member '" + name + "': " + e.what());
    }
    names.push_back(name);
    members.push_back(std::move(member));
  }
  nn::expect_end(in, fail);

  params_ = p;
  pool_.reset();
  ahead_.clear();
  data_ = {};
  combine_begin_ = 0;
  names_ = std::move(names);
  members_ = std::move(members);
  member_totals_.assign(names_.size(), 1);
  columns_ = static_cast<Eigen::Index>(columns);
  current_ = members_.size();
  steps_ = 0;
  kept_.clear();
  stacking_ = stacking;
  done_ = done;
  weights_ = weights;
  stack_ = stack;
  last_ = fit_step{};
  last_.done = done;
}

std::unique_ptr<model> make_ensemble_model() { return std::make_unique<ensemble_model>(); }

}  // namespace mlt::ml
