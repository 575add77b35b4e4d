// The LSTM net's own tests; what it does as a model is in test_sequence_model.cpp.
#include <catch2/catch.hpp>

#include "ml/models/lstm_model.hpp"
#include "ml/models/nn/lstm_net.hpp"
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
  INFO("layers " << c.layers << " dropout " << c.dropout);
  test::check_net_gradients(net, r, c.dropout, 99);
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
