#pragma once
/// Definitions of sequence_model<Net> (see sequence_model.hpp); included by
/// a sequence model's .cpp, which instantiates the template for its network.

#include <sstream>
#include <stdexcept>
#include <string>

#include "ml/models/nn/net_io.hpp"
#include "ml/models/sequence_model.hpp"

namespace mlt::ml {

namespace seq_detail {
// Saved state, version 1 (text; see nn/net_io.hpp for numbers and checksum):
//   mlt-<name> 1
//   params <n> <name> <value> ...       all parameters, defaults filled in
//   inputs <feature columns>
//   tensors <n>                          then per tensor of the net's params():
//   <name> <rows> <cols> <values, column-major>
//   checksum <FNV-1a 64 of all lines above, 16 hex digits>
// The network's shape follows from the parameters and inputs (anything the
// shape fixes, such as a positional encoding, is not stored).
constexpr int state_version = 1;
constexpr int max_inputs = 1000000;
inline std::string state_tag(const std::string& name) { return "mlt-" + name; }

// Eigen's thread count is one process-wide int: set it once (thread-safe
// static initialisation), not on every start, since fits run on many
// threads at once (the fit workers) and concurrent writes are a data race.
inline void one_eigen_thread() {
  static const bool set = (Eigen::setNbThreads(1), true);
  (void)set;
}

}  // namespace seq_detail

template <class Net>
sequence_model<Net>::sequence_model(const spec_type& spec) : spec_(spec), table_(spec.net_params) {
  // The training parameters: the same for every sequence network.
  table_.insert(table_.end(), {
                                  {"dropout", 0.1, 0, 0.9, false},
                                  {"learning_rate", spec.learning_rate, 1e-6, 1, false},
                                  {"batch_size", 64, 1, 4096, true},
                                  {"max_epochs", 20, 1, 1000, true},
                                  {"patience", 4, 1, 1000, true},
                                  {"clip_norm", 1.0, 0, 1e6, false},
                              });
}

template <class Net>
typename sequence_model<Net>::shape_type sequence_model<Net>::checked_shape(const param_map& p, int inputs,
                                                                            const std::string& error_prefix) const {
  try {
    return spec_.shape(p, inputs);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(error_prefix + e.what());
  }
}

template <class Net>
void sequence_model<Net>::start(const fit_data& data, const param_map& params, std::uint64_t seed) {
  const std::string who = spec_.name + ": ";
  params_ = resolve_params(spec_.name, table_, params);
  const shape_type shape = checked_shape(params_, static_cast<int>(data.x_train.cols()), who);
  if (data.x_train.rows() == 0 || data.x_train.cols() == 0)
    throw std::invalid_argument(who + "x_train is empty");
  if (data.y_train.size() != data.x_train.rows() || data.y_val.size() != data.x_val.rows() ||
      (data.x_val.rows() > 0 && data.x_val.cols() != data.x_train.cols()))
    throw std::invalid_argument(who + "fit_data shapes disagree");
  seq_detail::one_eigen_thread();

  nn::train_options opt;
  opt.seq_len = shape.seq_len;
  opt.batch_size = static_cast<int>(params_.at("batch_size"));
  opt.max_epochs = static_cast<int>(params_.at("max_epochs"));
  opt.patience = static_cast<int>(params_.at("patience"));
  opt.learning_rate = params_.at("learning_rate");
  opt.clip_norm = params_.at("clip_norm");
  opt.dropout = params_.at("dropout");
  opt.flops_per_window = spec_.flops_per_window(shape);

  // Two streams from one seed: the initial weights, then the trainer's
  // shuffles and dropout masks.
  nn::rng init(nn::mix_seed(seed, 1));
  loaded_.reset();
  trainer_.emplace(Net(shape, init), data, opt, spec_.layout, nn::mix_seed(seed, 2));
}

template <class Net>
fit_step sequence_model<Net>::step() {
  if (!trainer_) throw std::logic_error(spec_.name + ": step() before start()");
  return trainer_->step();
}

template <class Net>
kept_step sequence_model<Net>::stop() {
  if (!trainer_) throw std::logic_error(spec_.name + ": stop() before start()");
  return trainer_->stop();
}

template <class Net>
const Net* sequence_model<Net>::net() const {
  if (trainer_) return &trainer_->net();
  return loaded_ ? &*loaded_ : nullptr;
}

template <class Net>
Eigen::VectorXd sequence_model<Net>::predict_proba(const Eigen::MatrixXd& x) const {
  const std::string who = spec_.name + ": ";
  if (!net()) throw std::logic_error(who + "predict_proba() before start() or load()");
  const auto& net = *this->net();
  if (x.cols() != net.shape().inputs)
    throw std::invalid_argument(who + "x has " + std::to_string(x.cols()) +
                                " columns, the model was fit on " +
                                std::to_string(net.shape().inputs));
  return nn::predict_windows(net, x, net.shape().seq_len, spec_.layout);
}

template <class Net>
param_map sequence_model<Net>::params() const {
  return params_.empty() ? resolve_params(name(), table_, {}) : params_;
}

template <class Net>
std::string sequence_model<Net>::save() const {
  if (!net()) return {};
  Net copy = *net();  // params() is non-const
  std::string out = seq_detail::state_tag(spec_.name) + ' ' +
                    std::to_string(seq_detail::state_version) + '\n';
  nn::write_param_line(out, params_);
  out += "inputs " + std::to_string(copy.shape().inputs) + '\n';
  nn::write_tensors(out, copy.params());
  return nn::seal_state(std::move(out));
}

template <class Net>
void sequence_model<Net>::load(const std::string& state) {
  const std::string prefix = spec_.name + ": cannot load state: ";
  const auto fail = [&](const std::string& what) { throw std::invalid_argument(prefix + what); };
  std::istringstream in(
      nn::load_body(state, seq_detail::state_tag(spec_.name), seq_detail::state_version, fail));
  std::string word;
  in >> word >> word;  // tag and version, checked by load_body
  const param_map given = nn::read_param_line(in, fail);
  param_map p;
  try {
    p = resolve_params(spec_.name, table_, given);
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  nn::expect_word(in, "inputs", fail);
  const double inputs = nn::read_number<double>(in, "inputs", fail);
  if (!(inputs >= 1 && inputs <= seq_detail::max_inputs) || inputs != static_cast<int>(inputs))
    fail("bad input count " + nn::exact_number(inputs));
  const shape_type shape = checked_shape(p, static_cast<int>(inputs), prefix);
  nn::rng unused(0);  // every weight is overwritten below
  Net net(shape, unused);
  nn::read_tensors(in, net.params(), fail);
  nn::expect_end(in, fail);
  seq_detail::one_eigen_thread();  // as in start(): predictions run on one thread
  trainer_.reset();
  loaded_ = std::move(net);
  params_ = p;
}

template <class Net>
std::vector<search_dim> sequence_model<Net>::search_space() const {
  std::vector<search_dim> dims = {{"learning_rate", 1e-4, 1e-2, false, true}};
  dims.insert(dims.end(), spec_.search_width.begin(), spec_.search_width.end());
  dims.push_back({"seq_len", 5, 60, true, false});
  dims.push_back({"dropout", 0.0, 0.5, false, false});
  dims.insert(dims.end(), spec_.search_depth.begin(), spec_.search_depth.end());
  return dims;
}

template <class Net>
std::int64_t sequence_model<Net>::parameter_count() const {
  if (!net()) return 0;
  Net copy = *net();  // params() is non-const
  std::int64_t n = 0;
  for (const auto* p : copy.params()) n += p->w.size();
  return n;
}

}  // namespace mlt::ml
