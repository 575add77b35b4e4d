#pragma once
/// What a person sees of the daemon's frames in `mltrainer chat|ask|show`:
/// readable lines, a live progress bar per phase (loading, each fit,
/// walk-forward folds, optimiser evaluations) redrawn in place on a
/// terminal, and the report with its sparkline and tables. Piped output
/// is plain lines with no escape codes.

#include <iosfwd>
#include <string>

#include <simdjson.h>

#include "app/terminal.hpp"

namespace mlt::app {

class client_view {
public:
  client_view(std::ostream& out, terminal term) : out_(out), term_(term) {}
  client_view(const client_view&) = delete;
  client_view& operator=(const client_view&) = delete;

  /// Shows one parsed frame.
  void frame(simdjson::dom::element f);
  /// Shows one line of the client's own (below any live bar).
  void line(const std::string& text);
  /// Leaves the live bar where it is and ends its line.
  void finish();

  /// One progress bar line: "label [████▌·····]  45% detail", without colour
  /// codes when `term.colour` is off. Public for tests.
  static std::string bar_line(const std::string& label, double fraction, const std::string& detail,
                              const terminal& term);

private:
  void progress(simdjson::dom::element event);
  void clear_bar();
  void draw_bar();

  std::ostream& out_;
  terminal term_;
  std::string bar_key_;   ///< phase and model of the bar on screen, "" if none
  std::string bar_text_;  ///< the bar's line as last drawn
  double last_step_ = -1;  ///< the bar's last step (a lower one is a new fit)
  double train_loss_ = 0, val_loss_ = 0, val_acc_ = 0;
  bool have_losses_ = false;
};

}  // namespace mlt::app
