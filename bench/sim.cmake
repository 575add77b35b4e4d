# Simulator throughput (issue 5): SMA crossover and a model-signal strategy with brackets and costs.
mlt_add_bench(bench_sim bench_sim.cpp LIBS mltrainer_ml)
