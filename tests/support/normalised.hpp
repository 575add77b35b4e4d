#pragma once
/// A frame with what differs between two runs of the same plan by design
/// (wall-clock times and ids) replaced by fixed values.

#include <regex>
#include <string>

namespace mlt::test {

inline std::string normalised(std::string s) {
  static const std::regex times(R"re("(time_ms|created_at|updated_at)":("[^"]*"|-?[0-9]+))re");
  static const std::regex ids(R"re("(trial_id|proposal_id)":[0-9]+)re");
  static const std::regex trial_words(R"re(([Tt]rial[ _])[0-9]+)re");
  s = std::regex_replace(s, times, "\"$1\":0");
  s = std::regex_replace(s, ids, "\"$1\":0");
  return std::regex_replace(s, trial_words, "$1N");
}

}  // namespace mlt::test
