#include "ml/models/transformer_model.hpp"

#include <sstream>
#include <stdexcept>

#include "ml/models/nn/net_io.hpp"

namespace mlt::ml {

namespace {
// Defaults sized so ~2500 daily bars train in seconds on one core.
const std::vector<param_spec> transformer_specs = {
    {"d_model", 32, 2, 512, true},
    {"heads", 4, 1, 64, true},
    {"layers", 1, 1, 6, true},
    {"ff", 64, 1, 4096, true},
    {"seq_len", 20, 1, 500, true},
    {"mean_pool", 0, 0, 1, true},
    {"dropout", 0.1, 0, 0.9, false},
    {"learning_rate", 1e-3, 1e-6, 1, false},
    {"batch_size", 64, 1, 4096, true},
    {"max_epochs", 20, 1, 1000, true},
    {"patience", 4, 1, 1000, true},
    {"clip_norm", 1.0, 0, 1e6, false},
};

/// Shape from resolved parameters; `who` prefixes the error when heads does not divide d_model.
nn::transformer_shape shape_of(const param_map& p, int inputs, const std::string& who) {
  nn::transformer_shape shape;
  shape.inputs = inputs;
  shape.d_model = static_cast<int>(p.at("d_model"));
  shape.heads = static_cast<int>(p.at("heads"));
  if (shape.d_model % shape.heads != 0)
    throw std::invalid_argument(who + "parameter 'heads' = " + std::to_string(shape.heads) +
                                " must divide d_model = " + std::to_string(shape.d_model));
  shape.layers = static_cast<int>(p.at("layers"));
  shape.ff = static_cast<int>(p.at("ff"));
  shape.seq_len = static_cast<int>(p.at("seq_len"));
  shape.mean_pool = p.at("mean_pool") > 0.5;
  return shape;
}

// Saved state, version 1 (text; see nn/net_io.hpp for numbers and checksum):
//   mlt-transformer 1
//   params <n> <name> <value> ...       all parameters, defaults filled in
//   inputs <feature columns>
//   tensors <n>                          then per tensor of transformer_net::params():
//   <name> <rows> <cols> <values, column-major>
//   checksum <FNV-1a 64 of all lines above, 16 hex digits>
// The network's shape follows from the parameters and inputs; the positional
// encoding is fixed by the shape, so it is not stored.
constexpr const char* state_tag = "mlt-transformer";
constexpr int state_version = 1;
constexpr int max_inputs = 1000000;
}  // namespace

void transformer_model::start(const fit_data& data, const param_map& params,
                              std::uint64_t seed) {
  params_ = resolve_params("transformer", transformer_specs, params);
  const nn::transformer_shape shape =
      shape_of(params_, static_cast<int>(data.x_train.cols()), "transformer: ");
  if (data.x_train.rows() == 0 || data.x_train.cols() == 0)
    throw std::invalid_argument("transformer: x_train is empty");
  if (data.y_train.size() != data.x_train.rows() || data.y_val.size() != data.x_val.rows() ||
      (data.x_val.rows() > 0 && data.x_val.cols() != data.x_train.cols()))
    throw std::invalid_argument("transformer: fit_data shapes disagree");
  Eigen::setNbThreads(1);

  nn::train_options opt;
  opt.seq_len = shape.seq_len;
  opt.batch_size = static_cast<int>(params_.at("batch_size"));
  opt.max_epochs = static_cast<int>(params_.at("max_epochs"));
  opt.patience = static_cast<int>(params_.at("patience"));
  opt.learning_rate = params_.at("learning_rate");
  opt.clip_norm = params_.at("clip_norm");
  opt.dropout = params_.at("dropout");
  // Forward + backward per token: ~3 passes of 2 flops per multiply-add.
  const double d = shape.d_model;
  const double per_token =
      shape.inputs * d + shape.layers * (4.0 * d * d + 2.0 * d * shape.ff + 2.0 * shape.seq_len * d);
  opt.flops_per_window = 6.0 * shape.seq_len * per_token;

  nn::rng init(nn::mix_seed(seed, 1));
  loaded_.reset();
  trainer_.emplace(nn::transformer_net<float>(shape, init), data, opt,
                   nn::window_layout::sequence_major, nn::mix_seed(seed, 2));
}

fit_step transformer_model::step() {
  if (!trainer_) throw std::logic_error("transformer: step() before start()");
  return trainer_->step();
}

kept_step transformer_model::stop() {
  if (!trainer_) throw std::logic_error("transformer: stop() before start()");
  return trainer_->stop();
}

const nn::transformer_net<float>* transformer_model::net() const {
  if (trainer_) return &trainer_->net();
  return loaded_ ? &*loaded_ : nullptr;
}

Eigen::VectorXd transformer_model::predict_proba(const Eigen::MatrixXd& x) const {
  if (!net()) throw std::logic_error("transformer: predict_proba() before start() or load()");
  const auto& net = *this->net();
  if (x.cols() != net.shape().inputs)
    throw std::invalid_argument("transformer: x has " + std::to_string(x.cols()) +
                                " columns, the model was fit on " +
                                std::to_string(net.shape().inputs));
  return nn::predict_windows(net, x, net.shape().seq_len, nn::window_layout::sequence_major);
}

param_map transformer_model::params() const {
  return params_.empty() ? resolve_params(name(), transformer_specs, {}) : params_;
}

std::string transformer_model::save() const {
  if (!net()) return {};
  nn::transformer_net<float> copy = *net();  // params() is non-const
  std::string out = std::string(state_tag) + ' ' + std::to_string(state_version) + '\n';
  nn::write_param_line(out, params_);
  out += "inputs " + std::to_string(copy.shape().inputs) + '\n';
  nn::write_tensors(out, copy.params());
  return nn::seal_state(std::move(out));
}

void transformer_model::load(const std::string& state) {
  const std::string prefix = "transformer: cannot load state: ";
  const auto fail = [&](const std::string& what) { throw std::invalid_argument(prefix + what); };
  std::istringstream in(nn::load_body(state, state_tag, state_version, fail));
  std::string word;
  in >> word >> word;  // tag and version, checked by load_body
  const param_map given = nn::read_param_line(in, fail);
  param_map p;
  nn::expect_word(in, "inputs", fail);
  const double inputs = nn::read_number<double>(in, "inputs", fail);
  if (!(inputs >= 1 && inputs <= max_inputs) || inputs != static_cast<int>(inputs))
    fail("bad input count " + nn::exact_number(inputs));
  nn::transformer_shape shape;
  try {
    p = resolve_params("transformer", transformer_specs, given);
    shape = shape_of(p, static_cast<int>(inputs), "");
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  nn::rng unused(0);  // every weight is overwritten below
  nn::transformer_net<float> net(shape, unused);
  nn::read_tensors(in, net.params(), fail);
  nn::expect_end(in, fail);
  Eigen::setNbThreads(1);  // as in start(): predictions run on one thread
  trainer_.reset();
  loaded_ = std::move(net);
  params_ = p;
}

std::vector<search_dim> transformer_model::search_space() const {
  // heads must divide d_model: every d_model offered is a multiple of every
  // heads offered, so each combination the optimiser picks is valid.
  return {{"learning_rate", 1e-4, 1e-2, false, true},
          choice_dim("d_model", {16, 32, 64}),
          choice_dim("heads", {1, 2, 4}),
          {"seq_len", 5, 60, true, false},
          {"dropout", 0.0, 0.5, false, false},
          {"layers", 1, 3, true, false}};
}

std::int64_t transformer_model::parameter_count() const {
  if (!net()) return 0;
  nn::transformer_net<float> copy = *net();  // params() is non-const
  std::int64_t n = 0;
  for (const auto* p : copy.params()) n += p->w.size();
  return n;
}

std::unique_ptr<model> make_transformer_model() { return std::make_unique<transformer_model>(); }

}  // namespace mlt::ml
