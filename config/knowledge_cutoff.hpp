#pragma once
/// An LLM's knowledge cutoff: the last month or day its training data
/// covers. A model may remember what markets did before it, so a trial it
/// decides on older data is flagged (actors/brain/cutoff_caveat.hpp). The
/// format and the published cutoffs of the default models live here.

#include <string>

namespace mlt::config {

struct llm_options;

/// "YYYY-MM" (a real month) or "YYYY-MM-DD" (a real day).
bool knowledge_cutoff_ok(const std::string& s);

/// The published cutoff of a model this file knows ("claude-sonnet-4-5",
/// "gpt-4o-mini", their dated snapshots), else "".
std::string published_knowledge_cutoff(const std::string& model);

/// The configured cutoff, else the published one of its model, else "" (unknown).
std::string effective_knowledge_cutoff(const llm_options& o);

/// The last day a valid cutoff covers: "2025-07" -> "2025-07-31",
/// "2024-02" -> "2024-02-29", a day stays itself; "" for anything else.
std::string cutoff_last_day(const std::string& cutoff);

}  // namespace mlt::config
