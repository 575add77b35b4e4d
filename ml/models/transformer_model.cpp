#include "ml/models/transformer_model.hpp"

#include <stdexcept>


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
}  // namespace

void transformer_model::start(const fit_data& data, const param_map& params,
                              std::uint64_t seed) {
  params_ = resolve_params("transformer", transformer_specs, params);
  const int d_model = static_cast<int>(params_.at("d_model"));
  const int heads = static_cast<int>(params_.at("heads"));
  if (d_model % heads != 0)
    throw std::invalid_argument("transformer: parameter 'heads' = " + std::to_string(heads) +
                                " must divide d_model = " + std::to_string(d_model));
  if (data.x_train.rows() == 0 || data.x_train.cols() == 0)
    throw std::invalid_argument("transformer: x_train is empty");
  if (data.y_train.size() != data.x_train.rows() || data.y_val.size() != data.x_val.rows() ||
      (data.x_val.rows() > 0 && data.x_val.cols() != data.x_train.cols()))
    throw std::invalid_argument("transformer: fit_data shapes disagree");
  Eigen::setNbThreads(1);

  nn::transformer_shape shape;
  shape.inputs = static_cast<int>(data.x_train.cols());
  shape.d_model = d_model;
  shape.heads = heads;
  shape.layers = static_cast<int>(params_.at("layers"));
  shape.ff = static_cast<int>(params_.at("ff"));
  shape.seq_len = static_cast<int>(params_.at("seq_len"));
  shape.mean_pool = params_.at("mean_pool") > 0.5;

  nn::train_options opt;
  opt.seq_len = shape.seq_len;
  opt.batch_size = static_cast<int>(params_.at("batch_size"));
  opt.max_epochs = static_cast<int>(params_.at("max_epochs"));
  opt.patience = static_cast<int>(params_.at("patience"));
  opt.learning_rate = params_.at("learning_rate");
  opt.clip_norm = params_.at("clip_norm");
  opt.dropout = params_.at("dropout");
  // Forward + backward per token: ~3 passes of 2 flops per multiply-add.
  const double d = d_model;
  const double per_token =
      shape.inputs * d + shape.layers * (4.0 * d * d + 2.0 * d * shape.ff + 2.0 * shape.seq_len * d);
  opt.flops_per_window = 6.0 * shape.seq_len * per_token;

  nn::rng init(nn::mix_seed(seed, 1));
  trainer_.emplace(nn::transformer_net<float>(shape, init), data, opt,
                   nn::window_layout::sequence_major, nn::mix_seed(seed, 2));
}

fit_step transformer_model::step() {
  if (!trainer_) throw std::logic_error("transformer: step() before start()");
  return trainer_->step();
}

Eigen::VectorXd transformer_model::predict_proba(const Eigen::MatrixXd& x) const {
  if (!trainer_) throw std::logic_error("transformer: predict_proba() before start()");
  const auto& net = trainer_->net();
  if (x.cols() != net.shape().inputs)
    throw std::invalid_argument("transformer: x has " + std::to_string(x.cols()) +
                                " columns, the model was fit on " +
                                std::to_string(net.shape().inputs));
  return nn::predict_windows(net, x, net.shape().seq_len, nn::window_layout::sequence_major);
}

param_map transformer_model::params() const {
  return params_.empty() ? resolve_params(name(), transformer_specs, {}) : params_;
}

std::unique_ptr<model> make_transformer_model() { return std::make_unique<transformer_model>(); }

}  // namespace mlt::ml
