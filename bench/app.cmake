# End-to-end trial through the daemon (issue 3), and an LSTM trial's optimise
# decision in turn vs on the fit workers (issue 16).
mlt_add_bench(bench_trial bench_trial.cpp bench_trial_speedup.cpp ${CMAKE_SOURCE_DIR}/tests/support/daemon_process.cpp
  LIBS mltrainer_actors mltrainer_net simdjson::simdjson)
target_compile_definitions(bench_trial PRIVATE MLT_BINARY_DIR="${CMAKE_BINARY_DIR}")
add_dependencies(bench_trial mltrainerd)
# The rules brain's chat parser (every chat line passes through it).
mlt_add_bench(bench_intent bench_intent.cpp LIBS mltrainer_actors)
