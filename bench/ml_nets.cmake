# Neural-network step benchmarks (forward + backward at the issue's sizes).
mlt_add_bench(bench_lstm bench_lstm.cpp LIBS mltrainer_ml)
mlt_add_bench(bench_transformer bench_transformer.cpp LIBS mltrainer_ml)
