# HTTP(S) client and the Polygon.io client (issue 4). Polygon returns ml bars,
# so net depends on ml (messages <- ml <- net).
target_sources(mltrainer_net PRIVATE
  http_client.cpp
  polygon_client.cpp
  polygon_parse.cpp
  # LLM clients: Anthropic Messages and OpenAI-compatible chat completions.
  llm_client.cpp
  llm_json.cpp
  llm_retry.cpp
  anthropic_client.cpp
  openai_client.cpp
)
target_link_libraries(mltrainer_net PUBLIC mltrainer_ml)
