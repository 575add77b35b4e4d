#include "config/knowledge_cutoff.hpp"

#include <cctype>
#include <cstdio>

#include "config/daemon_options.hpp"
#include "config/value_checks.hpp"

namespace mlt::config {

namespace {

// Training-data cutoffs as the vendors publish them. Where a vendor gives two
// dates, the later one (what the training data may contain) is used, not the
// earlier "reliable knowledge" date: a model can remember a price move it
// cannot reliably explain.
//  - claude-sonnet-4-5: Anthropic's models overview lists training data up to
//    July 2025 (reliable knowledge cutoff January 2025, per its model report).
//  - gpt-4o-mini: OpenAI's model page gives a knowledge cutoff of October 2023.
struct published {
  const char* model;
  const char* cutoff;
};
constexpr published table[] = {
    {"claude-sonnet-4-5", "2025-07"},
    {"gpt-4o-mini", "2023-10"},
};

bool month_ok(const std::string& s) {
  if (s.size() != 7 || s[4] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6})
    if (!std::isdigit(static_cast<unsigned char>(s[static_cast<std::size_t>(i)]))) return false;
  const int m = (s[5] - '0') * 10 + (s[6] - '0');
  return m >= 1 && m <= 12;
}

}  // namespace

bool knowledge_cutoff_ok(const std::string& s) { return month_ok(s) || iso_date_ok(s); }

std::string published_knowledge_cutoff(const std::string& model) {
  for (const auto& p : table) {
    const std::string name = p.model;
    // The alias or a dated snapshot of it ("claude-sonnet-4-5-20250929",
    // "gpt-4o-mini-2024-07-18"), not a longer different name.
    if (model == name) return p.cutoff;
    if (model.size() > name.size() + 1 && model.compare(0, name.size(), name) == 0 && model[name.size()] == '-' &&
        std::isdigit(static_cast<unsigned char>(model[name.size() + 1])))
      return p.cutoff;
  }
  return "";
}

std::string effective_knowledge_cutoff(const llm_options& o) {
  return o.knowledge_cutoff.empty() ? published_knowledge_cutoff(o.model) : o.knowledge_cutoff;
}

std::string cutoff_last_day(const std::string& cutoff) {
  if (iso_date_ok(cutoff)) return cutoff;
  if (!month_ok(cutoff)) return "";
  // The latest of 31, 30, 29, 28 that is a real day of the month.
  for (int d = 31; d >= 28; --d) {
    char day[3];
    std::snprintf(day, sizeof day, "%02d", d);
    const std::string s = cutoff + "-" + day;
    if (iso_date_ok(s)) return s;
  }
  return "";
}

}  // namespace mlt::config
