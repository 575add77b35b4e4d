#include <catch2/catch.hpp>

#include <stdexcept>

#include "ml/models/lstm_model.hpp"
#include "ml/models/nn/lstm_net.hpp"
#include "ml/models/nn/net_io.hpp"
#include "ml/models/nn/windows.hpp"
#include "test_lstm_support.hpp"

using namespace mlt::ml;

namespace {

struct lstm_case {
  int layers;
  double dropout;
};

void check_lstm_gradients(const lstm_case& c) {
  nn::lstm_shape shape;
  shape.inputs = 3;
  shape.hidden = 4;
  shape.layers = c.layers;
  shape.seq_len = 5;
  nn::rng r(7);
  nn::lstm_net<double> net(shape, r);
  const int batch = 3;
  nn::mat<double> x(shape.inputs, shape.seq_len * batch);
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = r.normal();
  nn::vec<double> y(batch);
  y << 1, 0, 1;
  const double worst =
      test::check_gradients(net.params(), [&] { return net.loss_and_grad(x, y, c.dropout, 99); });
  INFO("layers " << c.layers << " dropout " << c.dropout);
  CHECK(worst < 1e-6);
}

}  // namespace

TEST_CASE("lstm backward pass matches central finite differences for every tensor",
          "[lstm][gradient]") {
  // Table: one and two layers, with and without dropout (fixed masks).
  const lstm_case cases[] = {{1, 0.0}, {2, 0.0}, {1, 0.3}, {2, 0.3}};
  for (const auto& c : cases) check_lstm_gradients(c);
}

TEST_CASE("sequence windows are left-padded with zeros and never hold later rows",
          "[lstm][windows]") {
  nn::mat<double> xt(1, 5);
  xt << 1, 2, 3, 4, 5;  // one feature, rows 0..4
  const int ends[] = {1, 4};
  nn::mat<double> w;
  nn::build_windows(xt, ends, 2, 3, nn::window_layout::time_major, w);
  // Column t * batch + b.
  CHECK(w(0, 0) == 0);  // window for row 1: [pad, 1, 2]
  CHECK(w(0, 2) == 1);
  CHECK(w(0, 4) == 2);
  CHECK(w(0, 1) == 3);  // window for row 4: [3, 4, 5]
  CHECK(w(0, 3) == 4);
  CHECK(w(0, 5) == 5);
  nn::build_windows(xt, ends, 2, 3, nn::window_layout::sequence_major, w);
  CHECK(w(0, 0) == 0);
  CHECK(w(0, 2) == 2);
  CHECK(w(0, 3) == 3);
  CHECK(w(0, 5) == 5);
}

TEST_CASE("lstm prediction at row t does not change when later rows change",
          "[lstm][leakage]") {
  auto d = test::planted_sequence(300, 100, 3, 5);
  lstm_model m;
  m.start(d, {{"max_epochs", 2}, {"hidden", 8}, {"seq_len", 6}}, 3);
  while (!m.step().done) {
  }
  Eigen::MatrixXd x = d.x_val;
  const Eigen::VectorXd before = m.predict_proba(x);
  x.bottomRows(50).setConstant(10.0);
  const Eigen::VectorXd after = m.predict_proba(x);
  CHECK(before.head(50) == after.head(50));
  CHECK(before.tail(50) != after.tail(50));
}

TEST_CASE("lstm rejects out-of-range and unknown parameters naming them", "[lstm][params]") {
  auto d = test::planted_sequence(100, 20, 2, 1);
  lstm_model m;
  CHECK_THROWS_WITH(m.start(d, {{"hidden", 0}}, 1), Catch::Contains("hidden"));
  CHECK_THROWS_WITH(m.start(d, {{"layers", 3}}, 1), Catch::Contains("layers"));
  CHECK_THROWS_WITH(m.start(d, {{"dropout", 1.0}}, 1), Catch::Contains("dropout"));
  CHECK_THROWS_WITH(m.start(d, {{"seq_len", 2.5}}, 1), Catch::Contains("seq_len"));
  CHECK_THROWS_WITH(m.start(d, {{"hiden", 8}}, 1), Catch::Contains("hiden"));
  const auto p = m.params();
  for (const char* k : {"hidden", "layers", "seq_len", "dropout", "learning_rate", "batch_size",
                        "max_epochs", "patience", "clip_norm"})
    CHECK(p.count(k) == 1);
}

TEST_CASE("lstm finds a planted sequence signal on held-out rows", "[lstm][learn]") {
  auto d = test::planted_sequence(2000, 600, 4, 11);
  lstm_model m;
  test::fit_all(m, d, {{"hidden", 16}, {"seq_len", 8}, {"max_epochs", 30}, {"patience", 5}}, 42);
  const double acc = test::accuracy(m.predict_proba(d.x_val), d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.75);
}

TEST_CASE("lstm stays near 0.5 on a random walk", "[lstm][honest]") {
  // 1000 held-out labels: sd of accuracy under no skill is 0.5/sqrt(1000) =
  // 0.016; the band 0.5 +- 0.06 is about 3.8 sd, so a fair model fails it
  // with probability < 1e-3 (and the seed is fixed).
  auto d = test::random_walk(2000, 1000, 17);
  lstm_model m;
  test::fit_all(m, d, {{"hidden", 16}, {"seq_len", 10}}, 42);
  const double acc = test::accuracy(m.predict_proba(d.x_val), d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.44);
  CHECK(acc < 0.56);
}

TEST_CASE("lstm gives bit-identical predictions for the same seed", "[lstm][determinism]") {
  auto d = test::planted_sequence(400, 100, 3, 2);
  const param_map p = {{"hidden", 8}, {"seq_len", 5}, {"max_epochs", 3}, {"layers", 2}};
  lstm_model a, b, c;
  test::fit_all(a, d, p, 9);
  test::fit_all(b, d, p, 9);
  test::fit_all(c, d, p, 10);
  const Eigen::VectorXd pa = a.predict_proba(d.x_val), pb = b.predict_proba(d.x_val);
  CHECK(pa == pb);
  CHECK(pa != c.predict_proba(d.x_val));
}

TEST_CASE("lstm early-stops when validation loss stops improving", "[lstm][early-stop]") {
  auto d = test::random_walk(600, 300, 4);
  lstm_model m;
  const int steps =
      test::fit_all(m, d, {{"hidden", 8}, {"seq_len", 5}, {"max_epochs", 200}, {"patience", 2},
                           {"learning_rate", 0.01}},
                    1);
  fit_step last = m.step();
  CHECK(last.done);
  CHECK(last.step < 200);
  CHECK(steps >= 1);
}

TEST_CASE("lstm saved and loaded predicts bit-identically", "[lstm][save]") {
  auto d = test::planted_sequence(300, 100, 3, 5);
  lstm_model a;
  CHECK(a.save().empty());  // nothing fitted yet
  test::fit_all(a, d, {{"hidden", 8}, {"seq_len", 6}, {"max_epochs", 2}, {"layers", 2}}, 3);
  const std::string state = a.save();
  REQUIRE_FALSE(state.empty());
  auto b = make_model("lstm");
  b->load(state);
  CHECK(b->predict_proba(d.x_val) == a.predict_proba(d.x_val));
  CHECK(b->predict_proba(d.x_train) == a.predict_proba(d.x_train));
  CHECK(b->params() == a.params());
  CHECK(b->save() == state);
}

TEST_CASE("lstm refuses a truncated, corrupted or foreign state naming the problem",
          "[lstm][save]") {
  auto d = test::planted_sequence(200, 50, 3, 6);
  lstm_model a;
  test::fit_all(a, d, {{"hidden", 4}, {"seq_len", 4}, {"max_epochs", 1}}, 2);
  const std::string state = a.save();
  REQUIRE(state.size() > 100);
  lstm_model b;
  CHECK_THROWS_WITH(b.load(state.substr(0, state.size() / 2)),
                    Catch::Contains("lstm: cannot load state") && Catch::Contains("truncated"));
  // Every cut, including inside the last number and the checksum, is refused.
  for (std::size_t cut = 0; cut < state.size(); cut += 1 + state.size() / 97)
    CHECK_THROWS_AS(b.load(state.substr(0, cut)), std::invalid_argument);
  for (std::size_t k = 1; k < 30; ++k)
    CHECK_THROWS_AS(b.load(state.substr(0, state.size() - k)), std::invalid_argument);

  std::string flipped = state;
  const std::size_t digit = flipped.find_first_of("123456789", flipped.size() / 2);
  REQUIRE(digit != std::string::npos);
  flipped[digit] = flipped[digit] == '9' ? '8' : '9';
  CHECK_THROWS_WITH(b.load(flipped), Catch::Contains("checksum mismatch"));

  // A consistent checksum over a wrong shape still fails, naming the tensor.
  std::string body = state.substr(0, state.rfind("checksum "));
  const std::size_t at = body.find("inputs 3\n");
  REQUIRE(at != std::string::npos);
  body.replace(at, 9, "inputs 4\n");
  CHECK_THROWS_WITH(b.load(nn::seal_state(body)), Catch::Contains("tensor 'lstm0.w_x'"));

  CHECK_THROWS_WITH(b.load(""), Catch::Contains("empty"));
  CHECK_THROWS_WITH(b.load("garbage"), Catch::Contains("not a mlt-lstm state"));
  std::string v2 = state;
  v2.replace(0, 10, "mlt-lstm 2");
  CHECK_THROWS_WITH(b.load(v2), Catch::Contains("version 2"));
  CHECK_THROWS_WITH(make_model("transformer")->load(state),
                    Catch::Contains("not a mlt-transformer state"));
  // Failed loads leave the model as it was: still unfitted.
  CHECK_THROWS_AS(b.predict_proba(d.x_val), std::logic_error);
}
