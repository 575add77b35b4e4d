#pragma once
/// The rules brain's final report, written from the measured numbers only.

#include <string>
#include <vector>

#include "messages/trial.hpp"

namespace mlt::brain {

/// The report from the measured numbers only (no usage line).
msg::final_report write_rules_report(const msg::trial_summary& s);

/// "This trial fitted 16 configuration(s); 212 have been fitted for TSLA
/// direction-1d on this daemon (...)": both counts behind the deflated Sharpe.
std::string multiple_testing_text(const msg::trial_summary& s);

/// " Validation rows, each used for one choice only: early stopping ... ." ("" if none).
std::string validation_use_text(const std::vector<msg::row_use>& uses);

/// Ends the caveats with who wrote the report and what its LLM calls cost,
/// from r's token fields ("rules": no LLM, 0 tokens). `model` may be empty.
void append_usage(msg::final_report& r, const std::string& brain, const std::string& model);

}  // namespace mlt::brain
