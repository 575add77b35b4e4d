#pragma once
/// The rules brain's final report, written from the measured numbers only.

#include "messages/trial.hpp"

namespace mlt::brain {

msg::final_report write_rules_report(const msg::trial_summary& s);

}  // namespace mlt::brain
