// LSTM forward + backward step at hidden 64, seq 60, batch 64, 20 inputs
// (issue 3 aim: <= 10 ms on one core), after checking the gradient.

#include <cstdio>

#include "ml/models/lstm_model.hpp"
#include "ml/models/nn/lstm_net.hpp"
#include "nets_bench_support.hpp"

using namespace mlt;
using namespace mlt::ml;

int main() {
  Eigen::setNbThreads(1);
  nn::lstm_shape shape;
  shape.inputs = 20;
  shape.hidden = 64;
  shape.layers = 1;
  shape.seq_len = 60;
  const int batch = 64;
  nn::rng r(1);
  nn::lstm_net<float> net(shape, r);
  nn::lstm_net<double> ref(shape, r);
  bench::copy_weights(net.params(), ref.params());
  nn::mat<float> x(shape.inputs, shape.seq_len * batch);
  nn::vec<float> y(batch);
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = static_cast<float>(r.normal());
  for (int b = 0; b < batch; ++b) y(b) = r.uniform() < 0.5 ? 0.f : 1.f;
  const nn::mat<double> xd = x.cast<double>();
  const nn::vec<double> yd = y.cast<double>();

  // Answer first: the double network's gradient against a directional finite
  // difference, and the float network (the one timed) against the double one.
  const double dir_err =
      bench::directional_check(ref, [&] { return ref.loss_and_grad(xd, yd, 0.0, 7); });
  const double lf = net.loss_and_grad(x, y, 0.0, 7);
  const double ld = ref.loss_and_grad(xd, yd, 0.0, 7);
  const double f_err = bench::grad_rel_diff(net.params(), ref.params());
  if (dir_err > 1e-5 || f_err > 1e-3 || std::abs(lf - ld) > 1e-4) {
    std::fprintf(stderr, "bench_lstm: gradient check failed (directional %g, float %g, loss %g vs %g)\n",
                 dir_err, f_err, lf, ld);
    return 1;
  }

  const auto tf = bench::time_ms([&] { net.loss_and_grad(x, y, 0.1, 7); }, 3, 30);
  const auto td = bench::time_ms([&] { ref.loss_and_grad(xd, yd, 0.1, 7); }, 2, 10);
  const char* fmt =
      "{\"name\":\"lstm_forward_backward_step\",\"value\":%.3f,\"unit\":\"ms\",\"scalar\":\"%s\","
      "\"wall_ms\":%.3f,\"hidden\":64,\"seq_len\":60,\"batch\":64,\"inputs\":20,\"layers\":1,"
      "\"threads\":1,\"clock\":\"thread_cpu\",\"aim_ms\":10,\"grad_check_rel_err\":%.2e}\n";
  std::printf(fmt, tf.cpu_ms, "float", tf.wall_ms, f_err);
  std::printf(fmt, td.cpu_ms, "double", td.wall_ms, dir_err);

  const auto d = bench::daily_like(2000, 500, 30);
  lstm_model m;
  int epochs = 0;
  const double secs = bench::fit_seconds(m, d, epochs);
  std::printf("{\"name\":\"lstm_default_fit_2500_rows\",\"value\":%.3f,\"unit\":\"s\",\"clock\":\"thread_cpu\","
              "\"rows_train\":2000,\"rows_val\":500,\"features\":30,\"epochs\":%d}\n",
              secs, epochs);
  return 0;
}
