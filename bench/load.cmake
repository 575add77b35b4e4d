# Load and soak through the daemon (issue 17): many WebSocket sessions, a full
# queue, /api/trials polled, then short trials back to back.
mlt_add_bench(bench_load bench_load.cpp bench_load_pool.cpp bench_load_poll.cpp bench_load_stall.cpp bench_load_measure.cpp
  ${CMAKE_SOURCE_DIR}/tests/support/daemon_process.cpp
  LIBS mltrainer_net simdjson::simdjson SQLite::SQLite3)
target_compile_definitions(bench_load PRIVATE MLT_BINARY_DIR="${CMAKE_BINARY_DIR}")
add_dependencies(bench_load mltrainerd)
