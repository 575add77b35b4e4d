#include "app/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace mlt::app {

terminal terminal::of_stdout() {
  terminal t;
  const char* term = std::getenv("TERM");
  t.tty = isatty(STDOUT_FILENO) && !(term && std::strcmp(term, "dumb") == 0);
  const char* no_colour = std::getenv("NO_COLOR");
  t.colour = t.tty && !(no_colour && *no_colour);
  winsize ws{};
  if (t.tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) t.width = ws.ws_col;
  else if (const char* c = std::getenv("COLUMNS"); c && std::atoi(c) >= 20) t.width = std::atoi(c);
  return t;
}

std::string terminal::paint(std::string_view code, std::string_view text) const {
  if (!colour) return std::string(text);
  return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

namespace {

// Length of the escape sequence at s[i] ("\033[...m"), 0 if none.
std::size_t escape_at(std::string_view s, std::size_t i) {
  if (s[i] != '\033' || i + 1 >= s.size() || s[i + 1] != '[') return 0;
  std::size_t j = i + 2;
  while (j < s.size() && !(s[j] >= '@' && s[j] <= '~')) ++j;
  return j < s.size() ? j - i + 1 : s.size() - i;
}

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

int display_width(std::string_view s) {
  int cols = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (auto e = escape_at(s, i)) {
      i += e;
      continue;
    }
    if (!continuation(s[i])) ++cols;
    ++i;
  }
  return cols;
}

std::string fit_width(std::string_view s, int cols) {
  std::string out;
  int used = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (auto e = escape_at(s, i)) {
      out.append(s.substr(i, e));
      i += e;
      continue;
    }
    if (!continuation(s[i])) {
      if (used == cols) break;
      ++used;
    }
    out += s[i++];
  }
  if (out.find('\033') != std::string::npos) out += "\033[0m";
  return out;
}

}  // namespace mlt::app
