#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "config/flag_help.hpp"
#include "ml/features/indicator_spec.hpp"
#include "ml/market/csv_reader.hpp"

namespace mlt::app {

namespace {

void features_usage(std::ostream& out) {
  out << "usage: mltrainer features --csv FILE --indicator SPEC [--indicator SPEC ...]\n"
         "Prints CSV to stdout: date, then one column per indicator output; cells are empty\n"
         "while an indicator warms up; values carry full double precision.\n"
      << config::format_flags({
             {"--csv FILE", "price bars, date,open,high,low,close,volume", "required"},
             {"--indicator SPEC", "NAME or NAME:ARGS (below), e.g. sma:30 macd:12,26,9; repeat for more",
              "required, one or more"},
             {"--help", "this text", "-"},
         })
      << "SPEC is one of:\n"
      << ml::indicator_help();
}

int usage_error(const std::string& what) {
  std::cerr << "mltrainer features: " << what << "\n";
  features_usage(std::cerr);
  return 2;
}

}  // namespace

int run_features(int argc, char** argv) {
  std::string csv;
  std::vector<std::string> specs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      features_usage(std::cout);
      return 0;
    }
    if (arg == "--csv" || arg == "--indicator") {
      if (i + 1 >= argc) return usage_error(arg + " needs a value");
      (arg == "--csv" ? csv : specs.emplace_back()) = argv[++i];
      continue;
    }
    return usage_error("unknown option '" + arg + "'");
  }
  if (csv.empty()) return usage_error("--csv FILE is required");
  if (specs.empty()) return usage_error("at least one --indicator is required");

  ml::bar_series series;
  try {
    series = ml::parse_csv(ml::read_text_file(csv), csv);
  } catch (const std::exception& e) {
    std::cerr << "mltrainer features: " << e.what() << "\n";
    return 1;
  }
  std::vector<ml::indicator_column> columns;
  for (const auto& spec : specs) {
    try {
      for (auto& c : ml::compute_indicator(series, spec)) columns.push_back(std::move(c));
    } catch (const std::invalid_argument& e) {
      return usage_error(e.what());
    }
  }

  bool intraday = false;
  for (const auto& b : series.bars) intraday = intraday || b.time % 86400 != 0;
  std::string line = "date";
  for (const auto& c : columns) line += "," + c.name;
  std::fputs((line + "\n").c_str(), stdout);
  char num[40];
  for (std::size_t i = 0; i < series.bars.size(); ++i) {
    const auto t = series.bars[i].time;
    line = intraday ? ml::format_datetime(t) : ml::format_date(t);
    for (const auto& c : columns) {
      line += ',';
      const double v = c.values[static_cast<Eigen::Index>(i)];
      if (std::isfinite(v)) {
        std::snprintf(num, sizeof num, "%.17g", v);
        line += num;
      }
    }
    line += '\n';
    std::fputs(line.c_str(), stdout);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace mlt::app
