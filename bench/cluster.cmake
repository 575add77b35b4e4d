# A batch of trials on one daemon against a coordinator and two workers (issue 15).
mlt_add_bench(bench_cluster bench_cluster.cpp ${CMAKE_SOURCE_DIR}/tests/support/cluster_process.cpp
  ${CMAKE_SOURCE_DIR}/tests/support/daemon_process.cpp LIBS mltrainer_net simdjson::simdjson)
target_compile_definitions(bench_cluster PRIVATE MLT_BINARY_DIR="${CMAKE_BINARY_DIR}")
add_dependencies(bench_cluster mltrainerd)
