#pragma once
/// The words of the negotiation between the engine, the agent and the
/// person, each with its one string table: checkpoint questions, the actions
/// each question allows, the decision parameters and their ranges, data
/// sources, trial statuses, transcript speakers and event kinds.
///
/// Header-only and free of dependencies, so every layer (config included)
/// reads the same table; the checks that use it are in
/// messages/negotiation_checks.hpp.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlt::msg {

/// Looks `name` up in a table of (value, name) pairs.
template <class Enum, std::size_t N>
constexpr std::optional<Enum> parse_word(const std::array<std::pair<Enum, const char*>, N>& table,
                                         std::string_view name) {
  for (const auto& [value, text] : table)
    if (name == text) return value;
  return std::nullopt;
}

/// The name of `value` in `table` ("" if it has none, which a complete table rules out).
template <class Enum, std::size_t N>
constexpr const char* word_of(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [v, text] : table)
    if (v == value) return text;
  return "";
}

// ---- checkpoint questions and actions

/// The three questions the engine asks the agent during a trial.
enum class question : std::uint8_t { volatility, progress, results };

inline constexpr std::array<std::pair<question, const char*>, 3> question_words{{
    {question::volatility, "volatility"},
    {question::progress, "progress"},
    {question::results, "results"},
}};

/// What the agent may answer. `continue_trial` is "continue" on the wire.
enum class action : std::uint8_t {
  continue_trial,
  modify,
  stop,
  set_train_ratio,
  retrain,
  switch_model,
  optimize,
};

inline constexpr std::array<std::pair<action, const char*>, 7> action_words{{
    {action::continue_trial, "continue"},
    {action::modify, "modify"},
    {action::stop, "stop"},
    {action::set_train_ratio, "set_train_ratio"},
    {action::retrain, "retrain"},
    {action::switch_model, "switch_model"},
    {action::optimize, "optimize"},
}};

inline const char* to_string(action a) { return word_of(action_words, a); }
inline std::optional<action> parse_action(std::string_view s) { return parse_word(action_words, s); }
inline const char* to_string(question q) { return word_of(question_words, q); }

/// The actions each question allows, in the order tools and help list them.
inline constexpr std::array<action, 2> volatility_actions{action::continue_trial, action::set_train_ratio};
inline constexpr std::array<action, 3> progress_actions{action::continue_trial, action::modify, action::stop};
inline constexpr std::array<action, 4> results_actions{action::continue_trial, action::retrain,
                                                       action::switch_model, action::optimize};

// ---- decision parameters

/// A parameter a decision (or a plan's `params`) may carry, with its
/// inclusive range (`lo_open`: the low end is excluded, as for eta > 0).
struct param_spec {
  const char* name;
  double lo;
  double hi;
  bool lo_open;
  bool integer;
  /// Models it applies to, space separated ("xgboost"), or "" for the
  /// negotiation's own parameters (train_ratio, budget).
  const char* models;
};

// ---- data sources, trial statuses, transcript words

inline constexpr std::array<const char*, 4> data_sources{"auto", "synthetic", "csv", "polygon"};

/// A trial's life: queued -> running -> completed | failed | cancelled;
/// interrupted when the daemon stopped under it (resumable).
enum class trial_status : std::uint8_t { queued, running, completed, failed, cancelled, interrupted };

inline constexpr std::array<std::pair<trial_status, const char*>, 6> trial_status_words{{
    {trial_status::queued, "queued"},
    {trial_status::running, "running"},
    {trial_status::completed, "completed"},
    {trial_status::failed, "failed"},
    {trial_status::cancelled, "cancelled"},
    {trial_status::interrupted, "interrupted"},
}};

inline const char* to_string(trial_status s) { return word_of(trial_status_words, s); }
inline std::optional<trial_status> parse_trial_status(std::string_view s) { return parse_word(trial_status_words, s); }

/// Who speaks a transcript line: the engine, the agent (called mlTrainer on
/// every screen) or the daemon itself (trial started, failed, resumed).
enum class event_speaker : std::uint8_t { engine, mltrainer, system };

inline constexpr std::array<std::pair<event_speaker, const char*>, 3> event_speaker_words{{
    {event_speaker::engine, "engine"},
    {event_speaker::mltrainer, "mlTrainer"},
    {event_speaker::system, "system"},
}};

inline const char* to_string(event_speaker s) { return word_of(event_speaker_words, s); }
inline std::optional<event_speaker> parse_event_speaker(std::string_view s) {
  return parse_word(event_speaker_words, s);
}

/// What a transcript line is.
enum class event_kind : std::uint8_t { question, decision, progress, status, warning, error, report };

inline constexpr std::array<std::pair<event_kind, const char*>, 7> event_kind_words{{
    {event_kind::question, "question"},
    {event_kind::decision, "decision"},
    {event_kind::progress, "progress"},
    {event_kind::status, "status"},
    {event_kind::warning, "warning"},
    {event_kind::error, "error"},
    {event_kind::report, "report"},
}};

inline const char* to_string(event_kind k) { return word_of(event_kind_words, k); }
inline std::optional<event_kind> parse_event_kind(std::string_view s) { return parse_word(event_kind_words, s); }

// ---- schedules (the config file's words)

/// What a schedule runs, and what it does with fires missed while the daemon was down.
inline constexpr const char* schedule_kinds[] = {"trial", "paper_update"};
inline constexpr const char* schedule_missed_rules[] = {"skip", "run_once"};

template <std::size_t N>
constexpr bool is_one_of(const char* const (&words)[N], std::string_view w) {
  for (const char* x : words)
    if (w == x) return true;
  return false;
}

/// "a, b or c", for the error that names what is allowed.
template <std::size_t N>
std::string alternatives(const char* const (&words)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) out += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(words[i]);
  return out;
}

}  // namespace mlt::msg
