#pragma once
/// What the client's output goes to: a terminal (redraw a progress line in
/// place, colours unless NO_COLOR is set) or a pipe/file (plain lines only).

#include <string>
#include <string_view>

namespace mlt::app {

struct terminal {
  bool tty = false;     ///< a terminal: progress bars redraw in place
  bool colour = false;  ///< ANSI colours allowed (a terminal and no NO_COLOR)
  int width = 80;       ///< columns; a redrawn line must never wrap

  /// How standard output looks now: isatty, TERM=dumb, NO_COLOR
  /// (https://no-color.org: set and non-empty means no colour), COLUMNS.
  static terminal of_stdout();

  /// `text` in the SGR colour `code` (e.g. "1;36") when colour is on.
  std::string paint(std::string_view code, std::string_view text) const;
};

/// Columns that `s` takes on a terminal (UTF-8 code points, escapes skipped).
int display_width(std::string_view s);

/// `s` cut to at most `cols` columns (UTF-8 safe; escapes kept whole).
std::string fit_width(std::string_view s, int cols);

}  // namespace mlt::app
