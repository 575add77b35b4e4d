#include "net/ws_client.hpp"
