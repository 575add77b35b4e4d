// Transformer forward + backward step at d_model 64, 2 layers, seq 60,
// batch 64, 20 inputs (issue 3 aim: <= 40 ms on one core), after checking
// the gradient.

#include <cstdio>

#include "ml/models/nn/transformer_net.hpp"
#include "ml/models/transformer_model.hpp"
#include "nets_bench_support.hpp"

using namespace mlt;
using namespace mlt::ml;

int main() {
  Eigen::setNbThreads(1);
  nn::transformer_shape shape;
  shape.inputs = 20;
  shape.d_model = 64;
  shape.heads = 4;
  shape.layers = 2;
  shape.ff = 128;
  shape.seq_len = 60;
  const int batch = 64;
  nn::rng r(1);
  nn::transformer_net<float> net(shape, r);
  nn::transformer_net<double> ref(shape, r);
  bench::copy_weights(net.params(), ref.params());
  nn::mat<float> x(shape.inputs, shape.seq_len * batch);
  nn::vec<float> y(batch);
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = static_cast<float>(r.normal());
  for (int b = 0; b < batch; ++b) y(b) = r.uniform() < 0.5 ? 0.f : 1.f;
  const nn::mat<double> xd = x.cast<double>();
  const nn::vec<double> yd = y.cast<double>();

  const double dir_err =
      bench::directional_check(ref, [&] { return ref.loss_and_grad(xd, yd, 0.0, 7); });
  const double lf = net.loss_and_grad(x, y, 0.0, 7);
  const double ld = ref.loss_and_grad(xd, yd, 0.0, 7);
  const double f_err = bench::grad_rel_diff(net.params(), ref.params());
  if (dir_err > 1e-4 || f_err > 1e-3 || std::abs(lf - ld) > 1e-4) {
    std::fprintf(stderr,
                 "bench_transformer: gradient check failed (directional %g, float %g, loss %g vs %g)\n",
                 dir_err, f_err, lf, ld);
    return 1;
  }

  const auto tf = bench::time_ms([&] { net.loss_and_grad(x, y, 0.1, 7); }, 3, 20);
  const auto td = bench::time_ms([&] { ref.loss_and_grad(xd, yd, 0.1, 7); }, 2, 8);
  const char* fmt =
      "{\"name\":\"transformer_forward_backward_step\",\"value\":%.3f,\"unit\":\"ms\","
      "\"scalar\":\"%s\",\"wall_ms\":%.3f,\"d_model\":64,\"heads\":4,\"layers\":2,\"ff\":128,"
      "\"seq_len\":60,\"batch\":64,\"inputs\":20,\"threads\":1,\"clock\":\"thread_cpu\",\"aim_ms\":40,"
      "\"grad_check_rel_err\":%.2e}\n";
  std::printf(fmt, tf.cpu_ms, "float", tf.wall_ms, f_err);
  std::printf(fmt, td.cpu_ms, "double", td.wall_ms, dir_err);

  const auto d = bench::daily_like(2000, 500, 30);
  transformer_model m;
  int epochs = 0;
  const double secs = bench::fit_seconds(m, d, epochs);
  std::printf("{\"name\":\"transformer_default_fit_2500_rows\",\"value\":%.3f,\"unit\":\"s\",\"clock\":\"thread_cpu\","
              "\"rows_train\":2000,\"rows_val\":500,\"features\":30,\"epochs\":%d}\n",
              secs, epochs);
  return 0;
}
