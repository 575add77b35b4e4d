// The transformer net's own tests; what it does as a model is in test_sequence_model.cpp.
#include <catch2/catch.hpp>

#include "ml/models/nn/transformer_net.hpp"
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
  INFO("layers " << c.layers << " heads " << c.heads << " mean_pool " << c.mean_pool
                 << " dropout " << c.dropout);
  test::check_net_gradients(net, r, c.dropout, 1234);
}

}  // namespace

TEST_CASE("transformer backward pass matches central finite differences for every tensor",
          "[transformer][gradient]") {
  const transformer_case cases[] = {
      {1, 1, false, 0.0}, {2, 2, false, 0.0}, {2, 2, true, 0.0}, {2, 4, false, 0.25}};
  for (const auto& c : cases) check_transformer_gradients(c);
}
