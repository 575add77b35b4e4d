// What the sequence models (lstm, transformer) do alike, because they are
// one sequence_model: every case runs once per network (GENERATE), with
// parameters sized for that network. Their nets' own tests (gradients,
// windows) are in test_lstm.cpp and test_transformer.cpp.

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ml/models/nn/net_io.hpp"
#include "test_lstm_support.hpp"

using namespace mlt::ml;

namespace {

/// Parameters that make a state unloadable, and the words that name why.
struct tampering {
  std::string find, replace, named;
};

struct network_case {
  std::string name, other;  ///< the model and the other sequence model
  param_map small;          ///< a quick fit (2 epochs)
  param_map tiny;           ///< a quicker one (1 epoch) for the state tests
  param_map repeat;         ///< the determinism fit (3 epochs)
  std::vector<param_map> saved;  ///< fits whose states round-trip
  int learn_rows;           ///< training rows of the planted signal
  param_map learn, walk;    ///< the planted-signal and random-walk fits
  std::vector<std::pair<param_map, std::string>> refused;  ///< bad params and the name the error gives
  std::vector<std::string> param_names;
  tampering bad_state;  ///< a consistent checksum over a state that cannot hold
};

const network_case lstm{
    "lstm",
    "transformer",
    {{"max_epochs", 2}, {"hidden", 8}, {"seq_len", 6}},
    {{"hidden", 4}, {"seq_len", 4}, {"max_epochs", 1}},
    {{"hidden", 8}, {"seq_len", 5}, {"max_epochs", 3}, {"layers", 2}},
    {{{"hidden", 8}, {"seq_len", 6}, {"max_epochs", 2}, {"layers", 2}}},
    2000,
    {{"hidden", 16}, {"seq_len", 8}, {"max_epochs", 30}, {"patience", 5}},
    {{"hidden", 16}, {"seq_len", 10}},
    {{{{"hidden", 0}}, "hidden"},
     {{{"layers", 3}}, "layers"},
     {{{"dropout", 1.0}}, "dropout"},
     {{{"seq_len", 2.5}}, "seq_len"},
     {{{"hiden", 8}}, "hiden"}},
    {"hidden", "layers", "seq_len", "dropout", "learning_rate", "batch_size", "max_epochs", "patience", "clip_norm"},
    // A wrong shape fails naming the tensor.
    {"inputs 3\n", "inputs 4\n", "tensor 'lstm0.w_x'"},
};

const network_case transformer{
    "transformer",
    "lstm",
    {{"max_epochs", 2}, {"d_model", 8}, {"heads", 2}, {"seq_len", 6}},
    {{"d_model", 4}, {"heads", 2}, {"seq_len", 4}, {"max_epochs", 1}},
    {{"d_model", 8}, {"heads", 2}, {"seq_len", 5}, {"max_epochs", 3}, {"layers", 2}, {"mean_pool", 1}},
    // Last-token and mean pooling, one and two layers.
    {{{"d_model", 8}, {"heads", 2}, {"seq_len", 6}, {"max_epochs", 2}},
     {{"d_model", 8}, {"heads", 4}, {"seq_len", 5}, {"max_epochs", 2}, {"layers", 2}, {"mean_pool", 1}, {"ff", 12}}},
    1500,
    {{"seq_len", 6}, {"d_model", 16}, {"ff", 32}, {"max_epochs", 30}, {"patience", 5}, {"learning_rate", 3e-3}},
    {{"seq_len", 10}, {"d_model", 16}, {"ff", 32}},
    {{{{"d_model", 30}, {"heads", 4}}, "heads"},
     {{{"layers", 0}}, "layers"},
     {{{"mean_pool", 2}}, "mean_pool"},
     {{{"dmodel", 8}}, "dmodel"}},
    {"d_model", "heads", "layers", "ff", "seq_len", "mean_pool", "dropout", "learning_rate", "batch_size",
     "max_epochs", "patience", "clip_norm"},
    // Parameters that cannot hold together are named.
    {" heads 2 ", " heads 3 ", "'heads' = 3 must divide d_model"},
};

#define EACH_NETWORK()                                   \
  const network_case& c = *GENERATE(&lstm, &transformer); \
  INFO("model " << c.name)

}  // namespace

TEST_CASE("a sequence model's prediction at row t does not change when later rows change",
          "[seq][leakage]") {
  EACH_NETWORK();
  auto d = test::planted_sequence(300, 100, 3, 5);
  auto m = make_model(c.name);
  test::fit_all(*m, d, c.small, 3);
  Eigen::MatrixXd x = d.x_val;
  const Eigen::VectorXd before = m->predict_proba(x);
  x.bottomRows(50).setConstant(10.0);
  const Eigen::VectorXd after = m->predict_proba(x);
  CHECK(before.head(50) == after.head(50));
  CHECK(before.tail(50) != after.tail(50));
}

TEST_CASE("a sequence model rejects out-of-range and unknown parameters naming them", "[seq][params]") {
  EACH_NETWORK();
  auto d = test::planted_sequence(100, 20, 2, 1);
  auto m = make_model(c.name);
  for (const auto& [params, named] : c.refused) CHECK_THROWS_WITH(m->start(d, params, 1), Catch::Contains(named));
  const auto p = m->params();
  CHECK(p.size() == c.param_names.size());
  for (const auto& k : c.param_names) CHECK(p.count(k) == 1);
}

TEST_CASE("a sequence model finds a planted sequence signal on held-out rows", "[seq][learn]") {
  EACH_NETWORK();
  auto d = test::planted_sequence(c.learn_rows, 600, 4, 11);
  auto m = make_model(c.name);
  test::fit_all(*m, d, c.learn, 42);
  const double acc = test::accuracy(m->predict_proba(d.x_val), d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.75);
}

TEST_CASE("a sequence model stays near 0.5 on a random walk", "[seq][honest]") {
  EACH_NETWORK();
  // 1000 held-out labels: sd of accuracy under no skill is 0.5/sqrt(1000) =
  // 0.016; the band 0.5 +- 0.06 is about 3.8 sd, so a fair model fails it
  // with probability < 1e-3 (and the seed is fixed).
  auto d = test::random_walk(2000, 1000, 17);
  auto m = make_model(c.name);
  test::fit_all(*m, d, c.walk, 42);
  const double acc = test::accuracy(m->predict_proba(d.x_val), d.y_val);
  INFO("held-out accuracy " << acc);
  CHECK(acc > 0.44);
  CHECK(acc < 0.56);
}

TEST_CASE("a sequence model gives bit-identical predictions for the same seed", "[seq][determinism]") {
  EACH_NETWORK();
  auto d = test::planted_sequence(400, 100, 3, 2);
  auto a = make_model(c.name), b = make_model(c.name), other_seed = make_model(c.name);
  test::fit_all(*a, d, c.repeat, 9);
  test::fit_all(*b, d, c.repeat, 9);
  test::fit_all(*other_seed, d, c.repeat, 10);
  const Eigen::VectorXd pa = a->predict_proba(d.x_val), pb = b->predict_proba(d.x_val);
  CHECK(pa == pb);
  CHECK(pa != other_seed->predict_proba(d.x_val));
}

TEST_CASE("a sequence model saved and loaded predicts bit-identically", "[seq][save]") {
  EACH_NETWORK();
  auto d = test::planted_sequence(300, 100, 3, 5);
  for (const auto& p : c.saved) {
    auto a = make_model(c.name);
    CHECK(a->save().empty());  // nothing fitted yet
    test::fit_all(*a, d, p, 3);
    const std::string state = a->save();
    REQUIRE_FALSE(state.empty());
    auto b = make_model(c.name);
    b->load(state);
    INFO("layers " << a->params().at("layers"));
    CHECK(b->predict_proba(d.x_val) == a->predict_proba(d.x_val));
    CHECK(b->predict_proba(d.x_train) == a->predict_proba(d.x_train));
    CHECK(b->params() == a->params());
    CHECK(b->save() == state);
  }
}

TEST_CASE("a sequence model refuses a truncated, corrupted or foreign state naming the problem", "[seq][save]") {
  EACH_NETWORK();
  auto d = test::planted_sequence(200, 50, 3, 6);
  auto a = make_model(c.name);
  test::fit_all(*a, d, c.tiny, 2);
  const std::string state = a->save();
  REQUIRE(state.size() > 100);
  auto b = make_model(c.name);
  const std::string refusal = c.name + ": cannot load state";
  CHECK_THROWS_WITH(b->load(state.substr(0, state.size() / 2)),
                    Catch::Contains(refusal) && Catch::Contains("truncated"));
  // Every cut, including inside the last number and the checksum, is refused.
  for (std::size_t cut = 0; cut < state.size(); cut += 1 + state.size() / 97)
    CHECK_THROWS_AS(b->load(state.substr(0, cut)), std::invalid_argument);
  for (std::size_t k = 1; k < 30; ++k)
    CHECK_THROWS_AS(b->load(state.substr(0, state.size() - k)), std::invalid_argument);

  std::string flipped = state;
  const std::size_t digit = flipped.find_first_of("123456789", flipped.size() / 2);
  REQUIRE(digit != std::string::npos);
  flipped[digit] = flipped[digit] == '9' ? '8' : '9';
  CHECK_THROWS_WITH(b->load(flipped), Catch::Contains("checksum mismatch"));

  // A consistent checksum over a state that cannot hold is refused, naming why.
  std::string body = state.substr(0, state.rfind("checksum "));
  const std::size_t at = body.find(c.bad_state.find);
  REQUIRE(at != std::string::npos);
  body.replace(at, c.bad_state.find.size(), c.bad_state.replace);
  CHECK_THROWS_WITH(b->load(nn::seal_state(body)),
                    Catch::Contains(refusal) && Catch::Contains(c.bad_state.named));

  CHECK_THROWS_WITH(b->load(""), Catch::Contains("empty"));
  CHECK_THROWS_WITH(b->load("garbage"), Catch::Contains("not a mlt-" + c.name + " state"));
  std::string v2 = state;
  v2.replace(0, ("mlt-" + c.name + " 1").size(), "mlt-" + c.name + " 2");
  CHECK_THROWS_WITH(b->load(v2), Catch::Contains("version 2"));
  CHECK_THROWS_WITH(make_model(c.other)->load(state), Catch::Contains("not a mlt-" + c.other + " state"));
  // Failed loads leave the model as it was: still unfitted.
  CHECK_THROWS_AS(b->predict_proba(d.x_val), std::logic_error);
}
