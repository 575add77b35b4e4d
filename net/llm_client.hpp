#pragma once
/// One interface for the LLMs the agent can think with: Anthropic's Messages
/// API and any OpenAI-compatible chat-completions server. Requests carry
/// tools with JSON schemas; replies carry text, tool calls and token usage.
///
/// Clients are synchronous (they block for the whole exchange) and must be
/// called from a thread that may block (a detached actor). Errors are
/// llm_error exceptions whose what() is safe to show a person and to log: it
/// never contains the API key.

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlt::net {

/// A tool the model may call; `input_schema` is a JSON Schema object (text).
struct llm_tool {
  std::string name;
  std::string description;
  std::string input_schema;
};

/// A tool call the model made; `arguments` is a JSON object (text).
struct llm_tool_call {
  std::string id;
  std::string name;
  std::string arguments;
};

/// One turn of the conversation.
struct llm_message {
  enum role_t { user, assistant, tool_result };
  role_t role = user;
  std::string text;                        ///< user or assistant text; tool_result content
  std::vector<llm_tool_call> tool_calls;   ///< assistant turns that called tools
  std::string tool_call_id;                ///< tool_result: which call this answers
  bool is_error = false;                   ///< tool_result: the call was rejected
};

struct llm_request {
  std::string system;                      ///< the system prompt
  std::vector<llm_message> messages;
  std::vector<llm_tool> tools;
  /// "" = the model chooses; "any" = must call some tool; otherwise the name
  /// of the one tool it must call.
  std::string tool_choice;
  int max_tokens = 1024;
  /// Whole budget for the exchange including retries and backoff.
  std::chrono::milliseconds timeout{30000};
};

struct llm_usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t total() const { return input_tokens + output_tokens; }
};

struct llm_reply {
  std::string text;                        ///< concatenated text blocks
  std::vector<llm_tool_call> tool_calls;
  std::string stop_reason;                 ///< as the API said ("tool_use", "end_turn", "stop", ...)
  std::string model;                       ///< the model that answered
  llm_usage usage;
  int retries = 0;                         ///< 429/529/5xx retries taken
};

/// Why an exchange failed.
enum class llm_failure {
  auth,          ///< 401/403: bad or missing key
  bad_request,   ///< other 4xx: the API refused the request
  rate_limited,  ///< 429 after the allowed retries
  overloaded,    ///< 529/503 after the allowed retries
  server,        ///< other 5xx after the allowed retries
  timeout,       ///< the request's budget ran out
  transport,     ///< connect/TLS/IO failure
  malformed,     ///< a 2xx whose body is not the API's format
};

/// A failed exchange; what() names the service, the status and the API's own
/// error message, never the key.
struct llm_error : std::runtime_error {
  llm_error(llm_failure kind, int status, const std::string& text)
      : std::runtime_error(text), kind(kind), status(status) {}
  llm_failure kind;
  int status;  ///< HTTP status, 0 when no response
};

/// Where and how to reach one LLM.
struct llm_settings {
  std::string kind;                        ///< "anthropic" | "openai"
  std::string base_url;                    ///< e.g. https://api.anthropic.com, http://127.0.0.1:8080
  std::string api_key;                     ///< never logged; may be empty for local servers
  std::string model;
  std::string anthropic_version = "2023-06-01";
  int max_retries = 3;                     ///< for 429/529/503/5xx
  std::chrono::milliseconds max_backoff{8000};  ///< cap on one wait (also on Retry-After)
  std::string ca_file;                     ///< extra PEM CA bundle for https
  /// Last month or day the model's training data covers ("YYYY-MM[-DD]"),
  /// "" = unknown; the brain flags trials on data before it (not sent to the API).
  std::string knowledge_cutoff;
};

class llm_client {
public:
  virtual ~llm_client() = default;
  /// "anthropic" or "openai".
  virtual std::string kind() const = 0;
  /// The configured model name.
  virtual std::string model() const = 0;
  /// One exchange; throws llm_error.
  virtual llm_reply complete(const llm_request& request) = 0;
};

/// Claude over POST {base_url}/v1/messages.
std::unique_ptr<llm_client> make_anthropic_client(llm_settings settings);

/// POST {base_url}/v1/chat/completions with function calling.
std::unique_ptr<llm_client> make_openai_client(llm_settings settings);

/// By settings.kind; throws std::invalid_argument for another kind.
std::unique_ptr<llm_client> make_llm_client(llm_settings settings);

/// Fills what `s` leaves empty from the environment, as the vendors' own
/// SDKs read it: ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL, or OPENAI_API_KEY /
/// OPENAI_BASE_URL; then the public default base URL and a default model.
void fill_llm_settings_from_env(llm_settings& s);

}  // namespace mlt::net
