#include "net/llm_client.hpp"

#include <cstdlib>

namespace mlt::net {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

std::unique_ptr<llm_client> make_llm_client(llm_settings settings) {
  if (settings.kind == "anthropic") return make_anthropic_client(std::move(settings));
  if (settings.kind == "openai") return make_openai_client(std::move(settings));
  throw std::invalid_argument("unknown LLM kind '" + settings.kind + "' (expected 'anthropic' or 'openai')");
}

void fill_llm_settings_from_env(llm_settings& s) {
  // With no kind given, a configured Anthropic key wins, then any OpenAI
  // setting; Anthropic is the default.
  if (s.kind.empty()) {
    if (!env("ANTHROPIC_API_KEY").empty()) s.kind = "anthropic";
    else if (!env("OPENAI_API_KEY").empty() || !env("OPENAI_BASE_URL").empty()) s.kind = "openai";
    else s.kind = "anthropic";
  }
  const bool anthropic = s.kind == "anthropic";
  if (!anthropic && s.kind != "openai") return;
  if (s.api_key.empty()) s.api_key = env(anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
  if (s.base_url.empty()) s.base_url = env(anthropic ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL");
  if (s.base_url.empty()) s.base_url = anthropic ? "https://api.anthropic.com" : "https://api.openai.com";
  if (s.model.empty()) s.model = anthropic ? "claude-sonnet-4-5" : "gpt-4o-mini";
}

}  // namespace mlt::net
