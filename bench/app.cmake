# End-to-end trial through the daemon (issue 3).
mlt_add_bench(bench_trial bench_trial.cpp ${CMAKE_SOURCE_DIR}/tests/support/daemon_process.cpp
  LIBS mltrainer_net simdjson::simdjson)
target_compile_definitions(bench_trial PRIVATE MLT_BINARY_DIR="${CMAKE_BINARY_DIR}")
add_dependencies(bench_trial mltrainerd)
# The optimise decision of an LSTM trial, folds in turn vs on the fit workers (issue 16).
mlt_add_bench(bench_trial_parallel bench_trial_parallel.cpp LIBS mltrainer_actors)
# The rules brain's chat parser (every chat line passes through it).
mlt_add_bench(bench_intent bench_intent.cpp LIBS mltrainer_actors)
