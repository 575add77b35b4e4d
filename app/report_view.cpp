#include "app/report_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "app/json_fields.hpp"

namespace mlt::app {

namespace {

std::string str(simdjson::dom::element e, const char* key) { return json_str(e, key); }

// NaN when absent: a missing number prints as "—", never as 0.
double num(simdjson::dom::element e, const char* key) { return json_num(e, key, std::nan("")); }

std::string fmt(const char* f, double v) {
  if (!std::isfinite(v)) return "—";
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}
std::string pct(double v) { return std::isfinite(v) ? fmt("%.1f%%", 100 * v) : "—"; }
std::string signed_pct(double v) { return std::isfinite(v) ? fmt("%+.1f%%", 100 * v) : "—"; }
std::string count(double v) { return fmt("%.0f", v); }

bool flag(simdjson::dom::element e, const char* key) {
  bool b = false;
  return !e[key].get_bool().get(b) && b;
}

bool object(simdjson::dom::element e, const char* key, simdjson::dom::element& out) {
  simdjson::dom::object o;
  return !e[key].get(out) && !out.get_object().get(o);
}

text_table classification(simdjson::dom::element r) {
  text_table t{"Classification (test part untouched until the end)", {"", "train", "validation", "test"}, {}};
  simdjson::dom::element m;
  if (!object(r, "metrics", m)) return t;
  simdjson::dom::element parts[3];
  const bool have[3] = {object(m, "train", parts[0]), object(m, "validation", parts[1]), object(m, "test", parts[2])};
  auto row = [&](const char* label, const char* key, std::string (*f)(double)) {
    std::vector<std::string> cells{label};
    for (int i = 0; i < 3; ++i) cells.push_back(have[i] ? f(num(parts[i], key)) : "—");
    t.rows.push_back(std::move(cells));
  };
  row("accuracy", "accuracy", pct);
  row("balanced accuracy", "balanced_accuracy", pct);
  row("AUC", "roc_auc", [](double v) { return fmt("%.3f", v); });
  row("log loss", "log_loss", [](double v) { return fmt("%.4f", v); });
  row("up rate (base)", "base_rate", pct);
  row("rows (n)", "n", count);
  return t;
}

text_table paper(simdjson::dom::element r) {
  text_table t{"Paper trading on the test part (costs included)", {"", "model", "buy & hold"}, {}};
  simdjson::dom::element s[2];
  const bool have[2] = {object(r, "paper", s[0]), object(r, "buy_hold", s[1])};
  if (!have[0] && !have[1]) return t;
  auto row = [&](const char* label, const char* key, std::string (*f)(double)) {
    t.rows.push_back({label, have[0] ? f(num(s[0], key)) : "—", have[1] ? f(num(s[1], key)) : "—"});
  };
  row("total return", "total_return", signed_pct);
  row("CAGR", "cagr", signed_pct);
  row("Sharpe", "sharpe", [](double v) { return fmt("%.2f", v); });
  row("max drawdown", "max_drawdown", pct);
  row("trades", "trades", count);
  row("win rate", "win_rate", pct);
  row("exposure", "exposure", pct);
  return t;
}

// Walk-forward evidence, when the report carries it (README "Evidence").
text_table walk_forward(simdjson::dom::element r) {
  text_table t{"Walk-forward folds (refit per fold; the last fold is the test part)",
               {"fold", "predicted", "n", "accuracy", "AUC", "majority rate"}, {}};
  simdjson::dom::element wf;
  simdjson::dom::array folds;
  if (!object(r, "walk_forward", wf) || wf["folds"].get_array().get(folds)) return t;
  for (auto f : folds)
    t.rows.push_back({count(num(f, "fold")), str(f, "first") + " → " + str(f, "last"), count(num(f, "n")),
                      pct(num(f, "accuracy")), fmt("%.3f", num(f, "auc")), pct(num(f, "majority_rate"))});
  simdjson::dom::element p;
  if (!t.rows.empty() && object(wf, "pooled", p))
    t.rows.push_back({"pooled", "", count(num(p, "n")),
                      pct(num(p, "accuracy")) + " ± " + pct(num(p, "accuracy_se")),
                      fmt("%.3f", num(p, "auc")), pct(num(p, "majority_rate"))});
  return t;
}

// Model equity and buy-and-hold on the model's dates (as the web page joins them).
void equity_series(simdjson::dom::element r, std::vector<double>& model, std::vector<double>& bench,
                   std::string& first, std::string& last) {
  std::map<std::string, double> bh;
  simdjson::dom::array arr;
  if (!r["buy_hold_equity"].get_array().get(arr))
    for (auto p : arr) bh[str(p, "date")] = num(p, "equity");
  if (r["equity"].get_array().get(arr)) return;
  for (auto p : arr) {
    const double v = num(p, "equity");
    if (!std::isfinite(v)) continue;
    const auto d = str(p, "date");
    if (first.empty()) first = d;
    last = d;
    model.push_back(v);
    auto it = bh.find(d);
    bench.push_back(it == bh.end() ? std::nan("") : it->second);
  }
}

std::string growth(const std::vector<double>& v) {
  double a = std::nan(""), b = std::nan("");
  for (double x : v)
    if (std::isfinite(x)) {
      if (!std::isfinite(a)) a = x;
      b = x;
    }
  return std::isfinite(a) && a > 0 ? signed_pct(b / a - 1) : "—";
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string markdown_table(const text_table& t) {
  std::string out = "| ";
  for (const auto& h : t.head) out += md_cell(h) + " | ";
  out.pop_back();
  out += "\n|";
  for (std::size_t i = 0; i < t.head.size(); ++i) out += i == 0 ? "---|" : "---:|";
  out += "\n";
  for (const auto& r : t.rows) {
    out += "| ";
    for (const auto& c : r) out += md_cell(c) + " | ";
    out.pop_back();
    out += "\n";
  }
  return out;
}

// Columns padded to their widest cell; the first left-aligned, numbers right.
std::string aligned_table(const text_table& t, const terminal& term) {
  std::vector<int> w(t.head.size(), 0);
  auto widen = [&](const std::vector<std::string>& r) {
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], display_width(r[i]));
  };
  widen(t.head);
  for (const auto& r : t.rows) widen(r);
  auto line = [&](const std::vector<std::string>& r, bool head) {
    std::string out = "  ";
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) {
      const std::string pad(static_cast<std::size_t>(w[i] - display_width(r[i])), ' ');
      const std::string cell = i == 0 ? r[i] + pad : pad + r[i];
      out += (head ? term.paint("1", cell) : cell) + (i + 1 < r.size() ? "  " : "");
    }
    return out + "\n";
  };
  std::string out = "  " + term.paint("1", t.title) + "\n" + line(t.head, true);
  for (const auto& r : t.rows) out += line(r, false);
  return out;
}

}  // namespace

std::vector<text_table> report_tables(simdjson::dom::element report) {
  std::vector<text_table> out;
  for (auto t : {classification(report), paper(report), walk_forward(report)})
    if (!t.rows.empty()) out.push_back(std::move(t));
  return out;
}

std::string sparkline(const std::vector<double>& values, double lo, double hi, int width) {
  static const char* levels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::string out;
  const auto n = values.size();
  if (n == 0 || width <= 0) return out;
  const int cols = static_cast<int>(std::min<std::size_t>(n, static_cast<std::size_t>(width)));
  for (int c = 0; c < cols; ++c) {
    // The last point of this column's share: the line ends on the final value.
    const auto i = std::min(n - 1, (static_cast<std::size_t>(c) + 1) * n / static_cast<std::size_t>(cols) - 1);
    const double v = values[i];
    if (!std::isfinite(v)) {
      out += " ";
      continue;
    }
    const double f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    out += levels[std::clamp(static_cast<int>(std::lround(f * 7)), 0, 7)];
  }
  return out;
}

std::string terminal_report(simdjson::dom::element r, const terminal& term) {
  simdjson::dom::element data;
  const bool have_data = object(r, "data", data);
  const bool synthetic = have_data && flag(data, "synthetic");
  std::string out = "\n" + term.paint("1", "=== REPORT: trial " + count(num(r, "trial_id")) + " — " + str(r, "symbol") +
                                              ", " + str(r, "model") + ", data " + str(r, "data_source") + " ===");
  if (synthetic) out += " " + term.paint("1;33", "SYNTHETIC DATA");
  out += "\n" + str(r, "text") + "\n";

  std::vector<double> model, bench;
  std::string first, last;
  equity_series(r, model, bench, first, last);
  if (!model.empty()) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto* s : {&model, &bench})
      for (double v : *s)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    const int width = std::clamp(term.width - 30, 16, 60);
    out += "\n  " + term.paint("1", "Equity on the test part, " + first + " → " + last + " (one scale for both)") + "\n";
    out += "  model       " + term.paint("32", sparkline(model, lo, hi, width)) + "  " + growth(model) + "\n";
    out += "  buy & hold  " + term.paint("34", sparkline(bench, lo, hi, width)) + "  " + growth(bench) + "\n";
  }
  for (const auto& t : report_tables(r)) out += "\n" + aligned_table(t, term);
  return out;
}

std::string markdown_report(simdjson::dom::element r) {
  std::string out = "# mlTrainer report: trial " + count(num(r, "trial_id")) + ", " + str(r, "symbol") + ", " +
                    str(r, "model") + "\n\n";
  simdjson::dom::element d;
  if (object(r, "data", d)) {
    const bool synthetic = flag(d, "synthetic");
    out += "Data: " + str(d, "source") + (str(d, "origin").empty() ? "" : " (" + str(d, "origin") + ")") + ", " +
           str(d, "first_date") + " → " + str(d, "last_date") + ", " + count(num(d, "bars")) + " bars; test part " +
           str(d, "test_first_date") + " → " + str(d, "test_last_date") + "." +
           (synthetic ? " **Synthetic data**: not a real market." : "") + "\n\n";
  }
  simdjson::dom::element s;
  bool any = false;
  if (object(r, "sections", s)) {
    const std::pair<const char*, const char*> titles[] = {{"answer", "Answer"},
                                                          {"analysis", "ML analysis"},
                                                          {"trading_insights", "Trading insights"},
                                                          {"recommendations", "Recommendations"},
                                                          {"caveats", "Caveats"}};
    for (const auto& [key, title] : titles) {
      const auto body = str(s, key);
      if (body.empty()) continue;
      any = true;
      out += std::string("## ") + title + "\n\n" + body + "\n\n";
    }
  }
  if (!any && !str(r, "text").empty()) out += str(r, "text") + "\n\n";
  for (const auto& t : report_tables(r)) out += "## " + t.title + "\n\n" + markdown_table(t) + "\n";

  text_table trades{"Trades", {"#", "side", "size", "entry", "price", "exit", "price", "P&L", "return"}, {}};
  simdjson::dom::array arr;
  std::size_t n = 0;
  if (!r["trades"].get_array().get(arr))
    for (auto t : arr) {
      ++n;
      const bool open = flag(t, "open");
      trades.rows.push_back({std::to_string(n), str(t, "side"), fmt("%.2f", num(t, "size")), str(t, "entry_date"),
                             fmt("%.2f", num(t, "entry_price")), open ? "open" : str(t, "exit_date"),
                             open ? "—" : fmt("%.2f", num(t, "exit_price")), fmt("%.2f", num(t, "pnl")),
                             signed_pct(num(t, "return"))});
    }
  out += "## Trades (" + std::to_string(n) + ")\n\n";
  out += n ? markdown_table(trades) : "No trades: the model never crossed the thresholds.\n";
  return out;
}

}  // namespace mlt::app
