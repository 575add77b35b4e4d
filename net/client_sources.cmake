# HTTP(S) client and the Polygon.io client (issue 4). Polygon returns ml bars,
# so net depends on ml (messages <- ml <- net).
target_sources(mltrainer_net PRIVATE
  http_client.cpp
  polygon_client.cpp
  polygon_parse.cpp
)
target_link_libraries(mltrainer_net PUBLIC mltrainer_ml)
# simdjson picks its kernel at compile time for the on-demand API; the default
# x86-64 baseline gets the portable "fallback" kernel. Turn this on when the
# machine that runs the daemon has AVX2 (the binary then requires it).
option(MLT_SIMDJSON_AVX2 "Compile the Polygon parser for simdjson's AVX2 (haswell) kernel" OFF)
if(MLT_SIMDJSON_AVX2)
  set_source_files_properties(polygon_parse.cpp PROPERTIES COMPILE_OPTIONS "-march=haswell")
endif()
