// Transformer training step (forward, backward, Adam) at d_model 64, 4
// heads, 2 layers, ff 128, seq 60, batch 64, 20 inputs (issue 16 aim: <= 25 ms
// on one core, 3x PyTorch), at every kernel level the CPU runs, after
// checking the gradient.

#include <cstdio>
#include <string>

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

  // The training step (forward, backward, clipping, Adam) at every kernel
  // level, then in double (the gradient checks' scalar) with the start kernel.
  const std::string shape_json = "\"d_model\":64,\"heads\":4,\"layers\":2,\"ff\":128,\"seq_len\":60,\"batch\":64,\"inputs\":20,\"aim_ms\":25";
  bench::print_step_timings("transformer_train_step", net, x, y,
                            shape_json + bench::json_number("grad_check_rel_err", f_err), 20);
  nn::adam<double> opt(ref.params(), 1e-3);
  const auto td = bench::time_ms([&] { bench::train_step(ref, opt, xd, yd); }, 2, 8);
  std::printf("{\"name\":\"transformer_train_step\",\"value\":%.3f,\"unit\":\"ms\",\"kernel\":\"%s\","
              "\"scalar\":\"double\",\"wall_ms\":%.3f,\"threads\":1,\"clock\":\"thread_cpu\",%s}\n",
              td.cpu_ms, nn::kernel_name(), td.wall_ms,
              (shape_json + bench::json_number("grad_check_rel_err", dir_err)).c_str());

  const auto d = bench::daily_like(2000, 500, 30);
  transformer_model m;
  int epochs = 0;
  const double secs = bench::fit_seconds(m, d, epochs);
  std::printf("{\"name\":\"transformer_default_fit_2500_rows\",\"value\":%.3f,\"unit\":\"s\",\"clock\":\"thread_cpu\","
              "\"rows_train\":2000,\"rows_val\":500,\"features\":30,\"epochs\":%d,\"kernel\":\"%s\"}\n",
              secs, epochs, nn::kernel_name());
  return 0;
}
