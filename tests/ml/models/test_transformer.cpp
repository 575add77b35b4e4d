#include <catch2/catch.hpp>

#include <stdexcept>

#include "ml/models/nn/net_io.hpp"
#include "ml/models/nn/transformer_net.hpp"
#include "ml/models/transformer_model.hpp"
#include "test_lstm_support.hpp"

using namespace mlt::ml;

namespace {

struct transformer_case {
  int layers;
  int heads;
  bool mean_pool;
  double dropout;
};

void check_transformer_gradients(const transformer_case& c) {
  nn::transformer_shape shape;
  shape.inputs = 3;
  shape.d_model = 4;
  shape.heads = c.heads;
  shape.layers = c.layers;
  shape.ff = 6;
  shape.seq_len = 4;
  shape.mean_pool = c.mean_pool;
  nn::rng r(3);
  nn::transformer_net<double> net(shape, r);
  // Move layer-norm gains and biases off their 1/0 start so their gradients
  // are checked at a generic point.
  for (auto* p : net.params()) p->w.array() += 0.1 * nn::mat<double>::Random(p->w.rows(), p->w.cols()).array();
  const int batch = 3;
  nn::mat<double> x(shape.inputs, shape.seq_len * batch);
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = r.normal();
  nn::vec<double> y(batch);
  y << 1, 0, 1;
  INFO("layers " << c.layers << " heads " << c.heads << " mean_pool " << c.mean_pool
                 << " dropout " << c.dropout);
  const double worst = test::check_gradients(
      net.params(), [&] { return net.loss_and_grad(x, y, c.dropout, 1234); });
  CHECK(worst < 1e-6);
}

}  // namespace

TEST_CASE("transformer backward pass matches central finite differences for every tensor",
          "[transformer][gradient]") {
  const transformer_case cases[] = {
      {1, 1, false, 0.0}, {2, 2, false, 0.0}, {2, 2, true, 0.0}, {2, 4, false, 0.25}};
  for (const auto& c : cases) check_transformer_gradients(c);
}

TEST_CASE("transformer prediction at row t does not change when later rows change",
          "[transformer][leakage]") {
  auto d = test::planted_sequence(300, 100, 3, 5);
  transformer_model m;
  test::fit_all(m, d, {{"max_epochs", 2}, {"d_model", 8}, {"heads", 2}, {"seq_len", 6}}, 3);
  Eigen::MatrixXd x = d.x_val;
  const Eigen::VectorXd before = m.predict_proba(x);
  x.bottomRows(50).setConstant(10.0);
  const Eigen::VectorXd after = m.predict_proba(x);
  CHECK(before.head(50) == after.head(50));
  CHECK(before.tail(50) != after.tail(50));
}

TEST_CASE("transformer rejects out-of-range and unknown parameters naming them",
          "[transformer][params]") {
  auto d = test::planted_sequence(100, 20, 2, 1);
  transformer_model m;
  CHECK_THROWS_WITH(m.start(d, {{"d_model", 30}, {"heads", 4}}, 1), Catch::Contains("heads"));
  CHECK_THROWS_WITH(m.start(d, {{"layers", 0}}, 1), Catch::Contains("layers"));
  CHECK_THROWS_WITH(m.start(d, {{"mean_pool", 2}}, 1), Catch::Contains("mean_pool"));
  CHECK_THROWS_WITH(m.start(d, {{"dmodel", 8}}, 1), Catch::Contains("dmodel"));
  const auto p = m.params();
  for (const char* k : {"d_model", "heads", "layers", "ff", "seq_len", "mean_pool", "dropout",
                        "learning_rate", "batch_size", "max_epochs", "patience", "clip_norm"})
    CHECK(p.count(k) == 1);
}

TEST_CASE("transformer finds a planted sequence signal on held-out rows",
          "[transformer][learn]") {
  auto d = test::planted_sequence(1500, 600, 4, 11);
  transformer_model m;
  test::fit_all(m, d, {{"seq_len", 6}, {"d_model", 16}, {"ff", 32}, {"max_epochs", 30},
                       {"patience", 5}, {"learning_rate", 3e-3}}, 42);
  const double acc = test::accuracy(m.predict_proba(d.x_val), d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.75);
}

TEST_CASE("transformer stays near 0.5 on a random walk", "[transformer][honest]") {
  // Same band as the LSTM test: 0.5 +- 0.06 is ~3.8 sd for 1000 labels.
  auto d = test::random_walk(2000, 1000, 17);
  transformer_model m;
  test::fit_all(m, d, {{"seq_len", 10}, {"d_model", 16}, {"ff", 32}}, 42);
  const double acc = test::accuracy(m.predict_proba(d.x_val), d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.44);
  CHECK(acc < 0.56);
}

TEST_CASE("transformer gives bit-identical predictions for the same seed",
          "[transformer][determinism]") {
  auto d = test::planted_sequence(400, 100, 3, 2);
  const param_map p = {{"d_model", 8}, {"heads", 2}, {"seq_len", 5}, {"max_epochs", 3},
                       {"layers", 2}, {"mean_pool", 1}};
  transformer_model a, b, c;
  test::fit_all(a, d, p, 9);
  test::fit_all(b, d, p, 9);
  test::fit_all(c, d, p, 10);
  const Eigen::VectorXd pa = a.predict_proba(d.x_val), pb = b.predict_proba(d.x_val);
  CHECK(pa == pb);
  CHECK(pa != c.predict_proba(d.x_val));
}

TEST_CASE("transformer saved and loaded predicts bit-identically", "[transformer][save]") {
  auto d = test::planted_sequence(300, 100, 3, 5);
  // Table: last-token and mean pooling, one and two layers.
  const param_map cases[] = {
      {{"d_model", 8}, {"heads", 2}, {"seq_len", 6}, {"max_epochs", 2}},
      {{"d_model", 8}, {"heads", 4}, {"seq_len", 5}, {"max_epochs", 2}, {"layers", 2},
       {"mean_pool", 1}, {"ff", 12}},
  };
  for (const auto& p : cases) {
    transformer_model a;
    CHECK(a.save().empty());  // nothing fitted yet
    test::fit_all(a, d, p, 3);
    const std::string state = a.save();
    REQUIRE_FALSE(state.empty());
    auto b = make_model("transformer");
    b->load(state);
    INFO("layers " << a.params().at("layers") << " mean_pool " << a.params().at("mean_pool"));
    CHECK(b->predict_proba(d.x_val) == a.predict_proba(d.x_val));
    CHECK(b->params() == a.params());
    CHECK(b->save() == state);
  }
}

TEST_CASE("transformer refuses a truncated, corrupted or foreign state naming the problem",
          "[transformer][save]") {
  auto d = test::planted_sequence(200, 50, 3, 6);
  transformer_model a;
  test::fit_all(a, d, {{"d_model", 4}, {"heads", 2}, {"seq_len", 4}, {"max_epochs", 1}}, 2);
  const std::string state = a.save();
  REQUIRE(state.size() > 100);
  transformer_model b;
  CHECK_THROWS_WITH(b.load(state.substr(0, state.size() / 2)),
                    Catch::Contains("transformer: cannot load state") &&
                        Catch::Contains("truncated"));
  for (std::size_t cut = 0; cut < state.size(); cut += 1 + state.size() / 97)
    CHECK_THROWS_AS(b.load(state.substr(0, cut)), std::invalid_argument);
  for (std::size_t k = 1; k < 30; ++k)
    CHECK_THROWS_AS(b.load(state.substr(0, state.size() - k)), std::invalid_argument);

  std::string flipped = state;
  const std::size_t digit = flipped.find_first_of("123456789", flipped.size() / 2);
  REQUIRE(digit != std::string::npos);
  flipped[digit] = flipped[digit] == '9' ? '8' : '9';
  CHECK_THROWS_WITH(b.load(flipped), Catch::Contains("checksum mismatch"));

  // A consistent checksum over parameters that cannot hold is refused, naming them.
  std::string body = state.substr(0, state.rfind("checksum "));
  const std::size_t at = body.find(" heads 2 ");
  REQUIRE(at != std::string::npos);
  body.replace(at, 9, " heads 3 ");
  CHECK_THROWS_WITH(b.load(nn::seal_state(body)),
                    Catch::Contains("transformer: cannot load state") &&
                        Catch::Contains("'heads' = 3 must divide d_model"));

  CHECK_THROWS_WITH(b.load("garbage"), Catch::Contains("not a mlt-transformer state"));
  CHECK_THROWS_WITH(make_model("lstm")->load(state), Catch::Contains("not a mlt-lstm state"));
  CHECK_THROWS_AS(b.predict_proba(d.x_val), std::logic_error);
}
