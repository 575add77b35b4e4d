#include "app/client_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "app/json_fields.hpp"
#include "app/report_view.hpp"

namespace mlt::app {

namespace {

std::string str(simdjson::dom::element e, const char* key) { return json_str(e, key); }
double num(simdjson::dom::element e, const char* key, double missing = 0) { return json_num(e, key, missing); }

std::string id(double v) { return std::to_string(static_cast<long long>(v)); }

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string transcript(simdjson::dom::element f, const terminal& term) {
  std::string out;
  simdjson::dom::array arr;
  std::size_t progress = 0;
  if (!f["transcript"].get_array().get(arr))
    for (auto e : arr) {
      // Progress is for watching live; the stored transcript keeps the talk.
      if (str(e, "kind") == "progress") {
        ++progress;
        continue;
      }
      out += "\n  " + term.paint("2", "[" + str(e, "speaker") + "]") + " " + str(e, "text");
    }
  if (progress) out += "\n  " + term.paint("2", "(" + std::to_string(progress) + " progress events not shown; --json has them)");
  return out;
}

}  // namespace

std::string client_view::bar_line(const std::string& label, double fraction, const std::string& detail,
                                  const terminal& term) {
  static const char* eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  constexpr int cells = 24;
  fraction = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
  const int eighth_total = static_cast<int>(std::floor(fraction * cells * 8));
  std::string filled;
  for (int i = 0; i < eighth_total / 8; ++i) filled += "█";
  int used = eighth_total / 8;
  if (used < cells && eighth_total % 8) {
    filled += eighths[eighth_total % 8];
    ++used;
  }
  const std::string empty(static_cast<std::size_t>(cells - used), ' ');
  char pct[8];
  std::snprintf(pct, sizeof pct, "%3.0f%%", 100 * fraction);
  std::string padded = label;
  padded.resize(std::max<std::size_t>(label.size(), 10), ' ');
  return term.paint("1", padded) + " [" + term.paint("36", filled) + empty + "] " + pct + (detail.empty() ? "" : "  " + detail);
}

void client_view::clear_bar() {
  if (!bar_key_.empty()) out_ << "\r\033[K";
}

void client_view::draw_bar() {
  if (!bar_key_.empty()) out_ << fit_width(bar_text_, term_.width - 1) << std::flush;
}

void client_view::line(const std::string& text) {
  if (text.empty()) return;
  clear_bar();
  out_ << text << "\n";
  draw_bar();
  out_ << std::flush;
}

void client_view::finish() {
  if (bar_key_.empty()) return;
  out_ << "\n" << std::flush;
  bar_key_.clear();
}

void client_view::progress(simdjson::dom::element e) {
  const std::string text = str(e, "text");
  simdjson::dom::element d;
  const bool has_data = !e["data"].get(d);
  const std::string phase = has_data ? str(d, "phase") : "";
  if (!term_.tty || phase.empty()) {
    // Plain lines: every fit's steps thinned to about four, and its last
    // (a fit that stops early ends before step == total).
    if (phase == "train") {
      const double step = num(d, "step"), total = num(d, "total");
      const double every = std::max(1.0, std::floor(total / 4));
      if (num(d, "fraction") < 1 && step < total && std::fmod(step, every) != 0) return;
    }
    line("  ... " + text);
    return;
  }
  const std::string model = str(d, "model");
  const double fraction = num(d, "fraction");
  if (phase + "/" + model != bar_key_) have_losses_ = false;
  std::string label = phase, detail;
  if (phase == "data") {
    label = "loading";
    detail = text;
  } else if (phase == "train") {
    label = "fit";
    // Losses come with measured steps only; the bar keeps the latest.
    if (double v; !d["train_loss"].get_double().get(v)) {
      train_loss_ = v;
      val_loss_ = num(d, "val_loss");
      val_acc_ = num(d, "val_accuracy");
      have_losses_ = true;
    }
    const std::string unit = str(d, "unit").empty() ? "step" : str(d, "unit");
    detail = model + " " + unit + " " + id(num(d, "step")) + "/" + id(num(d, "total"));
    if (have_losses_)
      detail += " · train loss " + fmt("%.4f", train_loss_) + " · val loss " + fmt("%.4f", val_loss_) + " · val acc " +
                fmt("%.1f%%", 100 * val_acc_);
  } else if (phase == "walk_forward") {
    label = "walk-fwd";
    detail = d["fold"].error() == simdjson::SUCCESS ? "fold " + id(num(d, "fold")) + "/" + id(num(d, "folds")) : text;
  } else if (phase == "optimize") {
    label = "optimise";
    detail = d["step"].error() == simdjson::SUCCESS
                 ? "evaluation " + id(num(d, "step")) + "/" + id(num(d, "total")) + " · best " + fmt("%.4f", num(d, "best_score"))
                 : text;
  } else {
    detail = text;
  }
  // A new phase or a new model's fit gets its own line; the old bar stays.
  const std::string key = phase + "/" + model;
  // A refit of the same model starts again from a lower step: a new bar too.
  const double step = num(d, "step", -1);
  const bool restarted = key == bar_key_ && step >= 0 && step < last_step_;
  last_step_ = step;
  if (key != bar_key_ || restarted) {
    finish();
    bar_key_ = key;
  } else {
    clear_bar();
  }
  bar_text_ = bar_line(label, fraction, detail, term_);
  draw_bar();
}

void client_view::frame(simdjson::dom::element f) {
  const std::string type = str(f, "type");
  const auto agent = [&](const std::string& t) { return term_.paint("1;36", "mlTrainer:") + " " + t; };
  if (type == "hello" || type == "reply") return line(agent(str(f, "text")));
  if (type == "proposal")
    return line(agent("proposal #" + id(num(f, "proposal_id"))) + "\n" + str(f, "text"));
  if (type == "error") return line(term_.paint("1;31", "error [" + str(f, "code") + "]:") + " " + str(f, "message"));
  if (type == "trial_failed") {
    finish();
    return line(term_.paint("1;31", "Trial " + id(num(f, "trial_id")) + " " + str(f, "status") + ":") + " " +
                str(f, "message"));
  }
  if (type == "event") {
    const std::string kind = str(f, "kind");
    const std::string speaker = str(f, "speaker");
    const std::string text = str(f, "text");
    if (kind == "progress") return progress(f);
    if (kind == "report") return;
    if (kind == "question") return line(term_.paint("33", "ML engine asks:") + " " + text);
    if (kind == "decision") return line(agent(text));
    if (kind == "warning") return line(term_.paint("1;33", "ML engine WARNING:") + " " + text);
    if (kind == "error") return line(term_.paint("1;31", "ERROR:") + " " + text);
    return line((speaker == "engine" ? term_.paint("2", "ML engine:") + " "
                 : speaker == "mlTrainer" ? agent("")
                                          : std::string()) +
                text);
  }
  if (type == "report") {
    finish();
    return line(terminal_report(f, term_));
  }
  if (type == "universe_report") {
    finish();
    return line(agent(str(f, "text")));
  }
  if (type == "trials") {
    std::string out = "trials:";
    simdjson::dom::array arr;
    if (!f["trials"].get_array().get(arr))
      for (auto t : arr) {
        out += "\n  #" + id(num(t, "trial_id")) + " " + str(t, "status") + " " + str(t, "symbol") + " " +
               str(t, "model") + " " + str(t, "created_at");
        bool has_report = false;
        if (!t["has_report"].get_bool().get(has_report) && has_report)
          out += "  test acc " + fmt("%.1f%%", 100 * num(t, "test_accuracy")) + ", return " +
                 fmt("%+.1f%%", 100 * num(t, "total_return")) + " vs buy-and-hold " +
                 fmt("%+.1f%%", 100 * num(t, "buy_hold_return"));
      }
    return line(out == "trials:" ? "trials: none yet" : out);
  }
  if (type == "trial") {
    simdjson::dom::element row, report;
    std::string head = "trial " + id(num(f, "trial_id"));
    if (!f["trial"].get(row)) head += ": " + str(row, "status") + " " + str(row, "symbol") + " " + str(row, "model") +
                                      " (" + str(row, "origin") + ", " + str(row, "created_at") + ")";
    line(term_.paint("1", head) + transcript(f, term_));
    simdjson::dom::object o;
    if (!f["report"].get(report) && !report.get_object().get(o)) line(terminal_report(report, term_));
    return;
  }
  if (type == "pong") return line("pong");
  if (type == "paper") return line("  paper " + str(f, "symbol") + ": " + str(f, "text"));
  line(std::string(simdjson::minify(f)));
}

}  // namespace mlt::app
