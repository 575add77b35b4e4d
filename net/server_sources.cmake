target_sources(mltrainer_net PRIVATE
  server.cpp
  ws_client.cpp
)
