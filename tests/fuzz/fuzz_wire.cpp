// Client frames (messages/wire): any text a WebSocket client sends.

#include "messages/wire.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto r = mlt::msg::decode_client_frame(mlt::fuzz::as_text(data, size));
  if (r.ok) {
    MLT_FUZZ_CHECK(!r.frame.type.empty());
  } else {
    MLT_FUZZ_CHECK(!r.error_code.empty() && !r.error_message.empty());
    // The error goes back to the client as a frame; it must encode.
    MLT_FUZZ_CHECK(!mlt::msg::encode_error(r.error_code, r.error_message).empty());
  }
  return 0;
}
