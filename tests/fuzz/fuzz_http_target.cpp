// HTTP request targets: the server's query/token handling (net/server/auth)
// and the daemon's routes (actors/http_api), with no store behind them.
// Input: the target; after a first newline, the Authorization header.

#include "actors/http_api.hpp"
#include "net/server/auth.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace d = mlt::net::detail;
  const std::string input = mlt::fuzz::as_text(data, size);
  const auto nl = input.find('\n');
  const std::string target = input.substr(0, nl);
  const std::string authorization = nl == std::string::npos ? "" : input.substr(nl + 1);

  const std::string token = d::query_param(target, "token");
  const std::string logged = d::strip_token(target);
  MLT_FUZZ_CHECK(logged.size() <= target.size());
  MLT_FUZZ_CHECK(d::query_param(logged, "token").empty());
  MLT_FUZZ_CHECK(d::target_path(target).size() <= target.size());
  const std::vector<std::string> tokens{"s3cret-token-0123456789abcdef"};
  const bool accepted = d::token_accepted(tokens, authorization, target);
  if (authorization.empty() && token != tokens[0]) MLT_FUZZ_CHECK(!accepted);

  mlt::actors::http_api_context ctx;  // no actor system: store routes answer 503
  for (const char* method : {"GET", "POST"}) {
    mlt::net::server_request req;
    req.method = method;
    req.target = target;
    req.authenticated = accepted;
    const auto res = mlt::actors::handle_http(ctx, req);
    MLT_FUZZ_CHECK(res.status >= 200 && res.status < 600);
  }
  return 0;
}
