# Market data benchmarks (issue 4): Polygon aggregates parsing and CSV ingest.
mlt_add_bench(bench_polygon_parse bench_polygon_parse.cpp LIBS mltrainer_net mltrainer_ml simdjson::simdjson)
mlt_add_bench(bench_csv bench_csv.cpp LIBS mltrainer_ml)
