# Market data benchmarks (issue 4): Polygon aggregates parsing and CSV ingest.
mlt_add_bench(bench_polygon_parse bench_polygon_parse.cpp LIBS mltrainer_net mltrainer_ml simdjson::simdjson)
mlt_add_bench(bench_csv bench_csv.cpp LIBS mltrainer_ml)
if(MLT_SIMDJSON_AVX2)
  # Same kernel as the parser under test, so the ratio compares like with like.
  set_source_files_properties(bench_polygon_parse.cpp PROPERTIES COMPILE_OPTIONS "-march=haswell")
endif()
