#include "ml/models/lstm_model.hpp"

#include <stdexcept>


namespace mlt::ml {

namespace {
// Defaults sized so ~2500 daily bars train in seconds on one core.
const std::vector<param_spec> lstm_specs = {
    {"hidden", 32, 1, 512, true},
    {"layers", 1, 1, 2, true},
    {"seq_len", 20, 1, 500, true},
    {"dropout", 0.1, 0, 0.9, false},
    {"learning_rate", 3e-3, 1e-6, 1, false},
    {"batch_size", 64, 1, 4096, true},
    {"max_epochs", 20, 1, 1000, true},
    {"patience", 4, 1, 1000, true},
    {"clip_norm", 1.0, 0, 1e6, false},
};
}  // namespace

void lstm_model::start(const fit_data& data, const param_map& params, std::uint64_t seed) {
  params_ = resolve_params("lstm", lstm_specs, params);
  if (data.x_train.rows() == 0 || data.x_train.cols() == 0)
    throw std::invalid_argument("lstm: x_train is empty");
  if (data.y_train.size() != data.x_train.rows() || data.y_val.size() != data.x_val.rows() ||
      (data.x_val.rows() > 0 && data.x_val.cols() != data.x_train.cols()))
    throw std::invalid_argument("lstm: fit_data shapes disagree");
  Eigen::setNbThreads(1);

  nn::lstm_shape shape;
  shape.inputs = static_cast<int>(data.x_train.cols());
  shape.hidden = static_cast<int>(params_.at("hidden"));
  shape.layers = static_cast<int>(params_.at("layers"));
  shape.seq_len = static_cast<int>(params_.at("seq_len"));

  nn::train_options opt;
  opt.seq_len = shape.seq_len;
  opt.batch_size = static_cast<int>(params_.at("batch_size"));
  opt.max_epochs = static_cast<int>(params_.at("max_epochs"));
  opt.patience = static_cast<int>(params_.at("patience"));
  opt.learning_rate = params_.at("learning_rate");
  opt.clip_norm = params_.at("clip_norm");
  opt.dropout = params_.at("dropout");
  // Forward + backward of one window: ~3 passes of 2 flops per multiply-add.
  const double h4 = 4.0 * shape.hidden;
  opt.flops_per_window =
      6.0 * shape.seq_len * h4 * (shape.inputs + shape.hidden * (2.0 * shape.layers - 1.0));

  nn::rng init(nn::mix_seed(seed, 1));
  trainer_.emplace(nn::lstm_net<float>(shape, init), data, opt, nn::window_layout::time_major,
                   nn::mix_seed(seed, 2));
}

fit_step lstm_model::step() {
  if (!trainer_) throw std::logic_error("lstm: step() before start()");
  return trainer_->step();
}

Eigen::VectorXd lstm_model::predict_proba(const Eigen::MatrixXd& x) const {
  if (!trainer_) throw std::logic_error("lstm: predict_proba() before start()");
  const auto& net = trainer_->net();
  if (x.cols() != net.shape().inputs)
    throw std::invalid_argument("lstm: x has " + std::to_string(x.cols()) +
                                " columns, the model was fit on " +
                                std::to_string(net.shape().inputs));
  return nn::predict_windows(net, x, net.shape().seq_len, nn::window_layout::time_major);
}

param_map lstm_model::params() const {
  return params_.empty() ? resolve_params(name(), lstm_specs, {}) : params_;
}

std::unique_ptr<model> make_lstm_model() { return std::make_unique<lstm_model>(); }

}  // namespace mlt::ml
