#pragma once
/// A stored report's series as CSV for a spreadsheet: the equity curve
/// beside buy-and-hold, and the paper trades. Comma-separated, one header
/// line, dates as YYYY-MM-DD, numbers in full precision, "" for no value.

#include <optional>
#include <string>
#include <string_view>

namespace mlt::actors {

/// date,equity,drawdown,buy_hold_equity,buy_hold_drawdown — one row per
/// equity point; nullopt when `report_json` is not a report object.
std::optional<std::string> equity_csv(std::string_view report_json);

/// side,size,entry_date,entry_price,exit_date,exit_price,pnl,return,open —
/// one row per trade (an open trade has no exit); nullopt as above.
std::optional<std::string> trades_csv(std::string_view report_json);

}  // namespace mlt::actors
