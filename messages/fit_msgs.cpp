#include "messages/fit_msgs.hpp"

#include <stdexcept>

namespace mlt::msg {

namespace {

matrix pack(const Eigen::MatrixXd& m) { return {m.rows(), m.cols(), std::vector<double>(m.data(), m.data() + m.size())}; }

Eigen::MatrixXd unpack(const matrix& m, const char* what) {
  if (m.rows < 0 || m.cols < 0 || static_cast<std::uint64_t>(m.rows) * static_cast<std::uint64_t>(m.cols) != m.values.size())
    throw std::invalid_argument(std::string("fit job: ") + what + " has " + std::to_string(m.values.size()) +
                                " values for " + std::to_string(m.rows) + " x " + std::to_string(m.cols));
  return Eigen::Map<const Eigen::MatrixXd>(m.values.data(), m.rows, m.cols);
}

std::vector<double> pack(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

Eigen::VectorXd unpack(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

}  // namespace

fit_job to_message(std::uint64_t index, const ml::fit_job& job) {
  return {index,
          job.model,
          job.params,
          job.seed,
          pack(job.data.x_train),
          pack(job.data.y_train),
          pack(job.data.x_val),
          pack(job.data.y_val),
          job.data.embargo,
          pack(job.predict_x),
          pack(job.extra_x),
          job.stop_at_end,
          job.keep_fit};
}

ml::fit_job from_message(const fit_job& job) {
  ml::fit_job out;
  out.model = job.model;
  out.params = job.params;
  out.seed = job.seed;
  out.data.x_train = unpack(job.x_train, "x_train");
  out.data.y_train = unpack(job.y_train);
  out.data.x_val = unpack(job.x_val, "x_val");
  out.data.y_val = unpack(job.y_val);
  out.data.embargo = job.embargo;
  out.predict_x = unpack(job.predict_x, "predict_x");
  out.extra_x = unpack(job.extra_x, "extra_x");
  out.stop_at_end = job.stop_at_end;
  out.keep_fit = job.keep_fit;
  return out;
}

fit_done to_message(std::uint64_t index, const ml::fit_outcome& outcome) {
  std::vector<fit_step_record> log;
  for (const auto& s : outcome.log)
    log.push_back({s.step, s.total, s.train_loss, s.val_loss, s.val_accuracy, s.measured, s.fraction, s.done, s.part,
                   s.part_what});
  return {index,          pack(outcome.prob),  pack(outcome.extra_prob), outcome.steps,
          outcome.error,  outcome.bad_input,   std::move(log),           outcome.kept.step,
          outcome.kept.val_loss, outcome.kept.what, outcome.state};
}

ml::fit_outcome from_message(const fit_done& done) {
  std::vector<ml::fit_step> log;
  for (const auto& r : done.log)
    log.push_back({r.step, r.total, r.train_loss, r.val_loss, r.val_accuracy, r.measured, r.fraction, r.done, r.part,
                   r.part_what});
  return {unpack(done.prob), unpack(done.extra_prob), done.steps,  done.error,
          done.bad_input,    std::move(log),          {done.kept_step, done.kept_val_loss, done.kept_what},
          done.state};
}

}  // namespace mlt::msg
