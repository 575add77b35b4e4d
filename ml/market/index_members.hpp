#pragma once
/// Named lists of symbols a person can ask for at once ("the Dow 30"): each
/// with its members and the date the list is true of. The lists live here
/// once; the chat parser, the agent and the config reader ask this file.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mlt::ml {

struct index_members {
  std::string id;      ///< "dow30": the name a config file uses
  std::string name;    ///< "the Dow 30 (Dow Jones Industrial Average)"
  std::string as_of;   ///< the date the member list is true of (YYYY-MM-DD)
  std::string source;  ///< where the list comes from
  std::vector<std::string> tickers;  ///< in alphabetical order
};

/// Every built-in list.
const std::vector<index_members>& built_in_indexes();

/// The list called `name` (its id or a phrase people use: "dow30", "Dow 30",
/// "the dow 30", "DJIA"; any case); nullptr when there is none.
const index_members* index_named(const std::string& name);

/// Where a list is named in lower-case chat text: the list and the span of
/// the words that name it (whole words only).
struct index_mention {
  const index_members* index = nullptr;
  std::size_t begin = 0;
  std::size_t length = 0;
};
std::optional<index_mention> find_index_mention(const std::string& low_text);

}  // namespace mlt::ml
