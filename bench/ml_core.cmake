# Feature matrix throughput and XGBoost training time (issue 3).
mlt_add_bench(bench_features bench_features.cpp LIBS mltrainer_ml)
mlt_add_bench(bench_xgboost bench_xgboost.cpp LIBS mltrainer_ml)
