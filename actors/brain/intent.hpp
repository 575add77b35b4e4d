#pragma once
/// What a person's chat line asks for, as the rules brain understands it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlt::brain {

/// Changes to a plan named in plain words; unset fields stay as they are.
struct plan_edit {
  std::optional<std::string> symbol;
  std::optional<std::string> model;
  std::optional<std::string> data_source;
  std::optional<std::string> start;
  std::optional<std::string> end;
  std::optional<double> train_ratio;
  std::optional<int> horizon;
  std::optional<std::uint64_t> seed;
  std::optional<double> long_threshold;
  std::optional<double> short_threshold;
  std::optional<bool> allow_short;
  std::optional<double> commission_bps;
  std::optional<double> cash;
  std::optional<double> slippage_bps;
  /// "last 3 years": the range starts this many calendar days before its end
  /// (resolved by apply_edit against the plan's end or the data's last date).
  std::optional<int> lookback_days;
  /// "optimize it": search hyperparameters at the first results checkpoint.
  std::optional<bool> optimize;
  /// "walk-forward 8 folds", "rolling window": the walk-forward evidence.
  std::optional<int> wf_folds;
  std::optional<std::string> wf_window;
  /// "on AAPL, MSFT and NVDA", "the Dow 30": a universe trial's symbols, in
  /// the order named (set when two or more symbols or a built-in list were
  /// named; `symbol` is then the first). Not a plan field: the agent fans
  /// the plan out once per symbol.
  std::optional<std::vector<std::string>> symbols;
  /// The built-in list named ("dow30"; ml/market/index_members.hpp).
  std::optional<std::string> universe;
  /// "drop MSFT", "without MSFT" / "add TSLA": a universe proposal loses or
  /// gains these symbols.
  std::vector<std::string> drop_symbols;
  std::vector<std::string> add_symbols;
  bool empty() const;
};

struct intent {
  enum kind_t {
    run_trial,   ///< "Run trial on TSLA", "analyze AAPL with lstm"
    edit,        ///< "use xgboost", "train ratio 0.7"
    approve,     ///< "yes", "ok", "go"
    reject,      ///< "no", "never mind"
    cancel,      ///< "cancel trial 3", "cancel"
    list,        ///< "list trials", "what ran overnight?"
    show,        ///< "show trial 4"
    status,      ///< "status"
    help,        ///< "help"
    paper,       ///< "update my AAPL paper portfolio", "paper trade trial 4"
    use_brain,   ///< "use claude", "use the local llm", "use rules" (brain_name)
    compare_brains,  ///< "compare brains", "did the agent help?"
    compare_models,  ///< "compare xgboost and lstm on TSLA" (changes.symbol, models)
    resume,      ///< "resume trial 12", "re-run trial 12" (trial_id)
    data_info,   ///< "what data do you have?", "which symbols can I use?"
    unknown,
  };
  kind_t kind = unknown;
  plan_edit changes;
  std::int64_t trial_id = 0;
  /// For paper: milliseconds between replayed bars ("replay", "pace 200 ms").
  std::int32_t pace_ms = 0;
  /// Problems found while reading the line ("XYZ12 is not a ticker").
  std::vector<std::string> problems;
  /// A word that looked like a symbol but is not one we know.
  std::string unknown_symbol;
  /// Every such word, in order (a universe request names the ones it skips).
  std::vector<std::string> unknown_symbols;
  /// For use_brain: "rules" | "anthropic" | "openai".
  std::string brain_name;
  /// For compare_models: the models named, in the order written (may be empty:
  /// the agent picks).
  std::vector<std::string> models;
  /// The line was longer than max_chat_line_chars and was not read.
  bool too_long = false;
};

/// Longest chat line the rules parser reads. std::regex recurses once per
/// character it matches: a 30,000-character line overflowed an 8 MB stack
/// and killed the daemon (found by tests/fuzz/fuzz_intent). Longer lines
/// come back as `unknown` with too_long set.
constexpr std::size_t max_chat_line_chars = 4000;

/// Printable name of an intent kind ("run_trial", "use_brain", ...).
const char* kind_name(intent::kind_t k);

/// Reads one chat line. `has_proposal` tells whether a proposal is open, so
/// that "use lstm" edits it rather than starting anew. `symbol_exists`
/// decides whether a ticker-shaped word is a symbol we can load.
intent parse_intent(const std::string& text, bool has_proposal,
                    const std::function<bool(const std::string&)>& symbol_exists);

}  // namespace mlt::brain
