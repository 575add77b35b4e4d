target_sources(mltrainer_net PRIVATE
  server.cpp
  server/auth.cpp
  server/connection_handle.cpp
  server/http_session.cpp
  server/listener.cpp
  server/shared_state.cpp
  server/websocket_session.cpp
  ws_client.cpp
)
