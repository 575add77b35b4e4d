#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "ml/models/nn/kernel.hpp"
#include "ml/models/nn/lstm_net.hpp"
#include "ml/models/nn/ops.hpp"
#include "ml/models/nn/transformer_net.hpp"
#include "test_lstm_support.hpp"

using namespace mlt::ml;

namespace {

// Every level this CPU runs; switches back to the start kernel when done.
struct each_level {
  std::string start = nn::kernel_name();
  std::vector<std::string> levels;
  each_level() {
    for (const char* l : {"sse2", "avx2", "avx512"})
      if (nn::use_kernel(l)) levels.emplace_back(l);
    nn::use_kernel(start.c_str());
  }
  ~each_level() { nn::use_kernel(start.c_str()); }
};

// c = alpha op(a) op(b) + beta c, one coefficient at a time.
nn::mat<double> naive(const nn::mat<double>& a, bool ta, const nn::mat<double>& b, bool tb,
                      const nn::mat<double>& c, double alpha, double beta) {
  const nn::mat<double> oa = ta ? nn::mat<double>(a.transpose()) : a;
  const nn::mat<double> ob = tb ? nn::mat<double>(b.transpose()) : b;
  nn::mat<double> out = beta * c;
  for (Eigen::Index i = 0; i < out.rows(); ++i)
    for (Eigen::Index j = 0; j < out.cols(); ++j)
      for (Eigen::Index k = 0; k < oa.cols(); ++k) out(i, j) += alpha * oa(i, k) * ob(k, j);
  return out;
}

}  // namespace

TEST_CASE("the kernels chosen at start are the widest level this CPU runs", "[nn][kernel]") {
  const each_level all;
  REQUIRE_FALSE(all.levels.empty());
  CHECK(all.levels.front() == "sse2");  // every x86-64 runs SSE2
  CHECK(all.start == all.levels.back());
  CHECK_FALSE(nn::use_kernel("avx1024"));
  CHECK(std::string(nn::kernel_name()) == all.start);
}

TEST_CASE("every kernel level multiplies like the definition, long sums and row results included",
          "[nn][kernel]") {
  const each_level all;
  nn::rng r(5);
  // Shapes: ordinary, a depth above the split size, a row result.
  const int shapes[][3] = {{7, 5, 3}, {9, 4, 600}, {1, 6, 300}};
  for (const auto& level : all.levels) {
    REQUIRE(nn::use_kernel(level.c_str()));
    for (const auto& s : shapes)
      for (int t = 0; t < 4; ++t) {
        const bool ta = t & 1, tb = t & 2;
        const int m = s[0], n = s[1], k = s[2];
        nn::mat<double> a(ta ? k : m, ta ? m : k), b(tb ? n : k, tb ? k : n), c(m, n);
        for (auto* mm : {&a, &b, &c})
          for (Eigen::Index i = 0; i < mm->size(); ++i) mm->data()[i] = r.normal();
        const nn::mat<double> want = naive(a, ta, b, tb, c, 0.5, 2.0);
        nn::gemm(c, a, ta, b, tb, 2.0, 0.5);
        INFO(level << " m " << m << " n " << n << " k " << k << " ta " << ta << " tb " << tb);
        CHECK((c - want).cwiseAbs().maxCoeff() < 1e-10 * (1 + want.cwiseAbs().maxCoeff()));
      }
  }
}

TEST_CASE("every kernel level passes the gradient checks of both networks", "[nn][kernel][gradient]") {
  const each_level all;
  for (const auto& level : all.levels) {
    REQUIRE(nn::use_kernel(level.c_str()));
    INFO("kernel " << level);
    nn::rng r(11);
    nn::lstm_shape ls;
    ls.inputs = 3;
    ls.hidden = 4;
    ls.layers = 2;
    ls.seq_len = 5;
    nn::lstm_net<double> lstm(ls, r);
    nn::transformer_shape ts;
    ts.inputs = 3;
    ts.d_model = 4;
    ts.heads = 2;
    ts.layers = 2;
    ts.ff = 6;
    ts.seq_len = 4;
    nn::transformer_net<double> tr(ts, r);
    nn::mat<double> xl(3, 5 * 3), xt(3, 4 * 3);
    for (auto* x : {&xl, &xt})
      for (Eigen::Index i = 0; i < x->size(); ++i) x->data()[i] = r.normal();
    nn::vec<double> y(3);
    y << 1, 0, 1;
    CHECK(test::check_gradients(lstm.params(), [&] { return lstm.loss_and_grad(xl, y, 0.3, 9); }) < 1e-6);
    CHECK(test::check_gradients(tr.params(), [&] { return tr.loss_and_grad(xt, y, 0.3, 9); }) < 1e-6);
  }
}

TEST_CASE("float logits are bit-identical on repeat within a level and agree across levels",
          "[nn][kernel][determinism]") {
  const each_level all;
  nn::rng r(13);
  nn::lstm_shape ls;
  ls.inputs = 20;
  ls.hidden = 64;
  ls.seq_len = 30;
  const nn::lstm_net<float> net(ls, r);
  nn::mat<float> x(20, 30 * 16);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(r.normal());
  nn::use_kernel("sse2");
  const nn::mat<float> base = net.logits(x);
  for (const auto& level : all.levels) {
    REQUIRE(nn::use_kernel(level.c_str()));
    INFO("kernel " << level);
    const nn::mat<float> z1 = net.logits(x), z2 = net.logits(x);
    CHECK(std::memcmp(z1.data(), z2.data(), sizeof(float) * z1.size()) == 0);
    CHECK((z1 - base).cwiseAbs().maxCoeff() < 1e-4f);
  }
}

TEST_CASE("dropout masks draw exactly what uniform() < p draws", "[nn][dropout]") {
  for (const double p : {0.0, 0.1, 0.3, 0.5}) {
    nn::rng a(17), b(17);
    nn::mat<float> m;
    nn::fill_dropout_mask(m, 7, 300, p, a);
    int zeros = 0;
    for (Eigen::Index k = 0; k < m.size(); ++k) {
      const float want = b.uniform() < p ? 0.f : static_cast<float>(1.0 / (1.0 - p));
      zeros += m.data()[k] == 0.f;
      REQUIRE(m.data()[k] == want);
    }
    INFO("p " << p);
    CHECK(std::abs(zeros / 2100.0 - p) < 0.05);
  }
}
