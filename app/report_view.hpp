#pragma once
/// A report frame (README "Protocol") for people outside the web page: the
/// terminal's sparkline and compact tables, and Markdown for a notebook or a
/// pull request. The tables are built once and drawn either way.

#include <string>
#include <vector>

#include <simdjson.h>

#include "app/terminal.hpp"

namespace mlt::app {

/// One table: a title, a header row and rows of cells, already formatted.
struct text_table {
  std::string title;
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
};

/// Classification metrics (train / validation / test), paper trading (model
/// beside buy-and-hold), and the walk-forward folds when the report has them.
std::vector<text_table> report_tables(simdjson::dom::element report);

/// `values` as one line of `width` block characters (▁..█), each column the
/// last value of its share of the series, scaled to [lo, hi].
std::string sparkline(const std::vector<double>& values, double lo, double hi, int width);

/// The report's headline, text, equity sparkline beside buy-and-hold and the
/// compact tables, for a terminal or a pipe.
std::string terminal_report(simdjson::dom::element report, const terminal& term);

/// The whole report as Markdown: data, the agent's sections, every table and
/// the trades.
std::string markdown_report(simdjson::dom::element report);

}  // namespace mlt::app
