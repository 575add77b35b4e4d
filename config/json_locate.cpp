#include "config/json_locate.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace mlt::config {

namespace {

constexpr int max_depth = 64;

class scanner {
public:
  scanner(std::string_view text, std::map<std::string, json_position>& where) : s_(text), where_(where) {}

  bool run(json_syntax_error& error) {
    skip_space();
    if (failed_) return report(error);
    if (i_ >= s_.size()) return fail("the file is empty; expected a JSON object"), report(error);
    value("$", 0);
    if (!failed_) {
      skip_space();
      if (!failed_ && i_ < s_.size()) fail("unexpected text after the end of the JSON value");
    }
    return report(error);
  }

private:
  bool report(json_syntax_error& error) {
    if (!failed_) return true;
    error = error_;
    return false;
  }

  json_position pos(std::size_t at) const {
    json_position p{1, 1};
    for (std::size_t k = 0; k < at && k < s_.size(); ++k) {
      if (s_[k] == '\n') {
        ++p.line;
        p.column = 1;
      } else {
        ++p.column;
      }
    }
    return p;
  }

  void fail(const std::string& message) {
    if (failed_) return;
    failed_ = true;
    error_.message = message;
    error_.at = pos(i_);
  }

  void skip_space() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i_;
      } else if (c == '/' && i_ + 1 < s_.size() && (s_[i_ + 1] == '/' || s_[i_ + 1] == '*')) {
        fail("comments are not allowed in JSON");
        return;
      } else {
        return;
      }
    }
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  void value(const std::string& path, int depth) {
    if (depth > max_depth) return fail("nested deeper than 64 levels");
    skip_space();
    if (failed_) return;
    if (i_ >= s_.size()) return fail("unexpected end of file; expected a value");
    char c = s_[i_];
    if (c == '{') return object(path, depth);
    if (c == '[') return array(path, depth);
    if (c == '"') {
      std::string ignored;
      string(ignored);
      return;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return number();
    if (literal("true") || literal("false") || literal("null")) return;
    if (c == '\'') return fail("strings must use double quotes");
    if (c == '}' || c == ']') return fail(std::string("expected a value before '") + c + "' (trailing comma?)");
    fail("expected a value (object, array, string, number, true, false or null)");
  }

  void string(std::string& out) {
    ++i_;  // opening quote
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '"') {
        ++i_;
        return;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("unescaped control character (or line break) in a string");
      if (c == '\\') {
        if (i_ + 1 >= s_.size()) break;
        char e = s_[i_ + 1];
        if (e == 'u') {
          for (std::size_t k = 2; k < 6; ++k)
            if (i_ + k >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_ + k])))
              return fail("bad \\u escape in a string; expected four hex digits");
          i_ += 6;
          out += '?';
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos)
          return fail(std::string("bad escape \\") + e + " in a string");
        out += e;
        i_ += 2;
        continue;
      }
      out += c;
      ++i_;
    }
    fail("unterminated string");
  }

  void number() {
    std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digits = [&] {
      std::size_t from = i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      return i_ - from;
    };
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
      if (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        i_ = start;
        return fail("numbers may not have leading zeros");
      }
    } else if (digits() == 0) {
      i_ = start;
      return fail("bad number");
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (digits() == 0) {
        i_ = start;
        return fail("bad number: digits must follow '.'");
      }
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (digits() == 0) {
        i_ = start;
        return fail("bad number: digits must follow the exponent");
      }
    }
    // Like simdjson, refuse a number too large for a double (65E536).
    const std::string text(s_.substr(start, i_ - start));
    if (!std::isfinite(std::strtod(text.c_str(), nullptr))) {
      i_ = start;
      return fail("number out of range for a double");
    }
  }

  void object(const std::string& path, int depth) {
    ++i_;  // {
    skip_space();
    if (failed_) return;
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return;
    }
    while (true) {
      skip_space();
      if (failed_) return;
      if (i_ >= s_.size()) return fail("unexpected end of file inside an object; expected '}'");
      if (s_[i_] == '}') return fail("trailing comma before '}'");
      if (s_[i_] != '"') return fail("expected a key in double quotes");
      const std::size_t key_at = i_;
      std::string key;
      string(key);
      if (failed_) return;
      const std::string child = member_path(path, key);
      where_.emplace(child, pos(key_at));
      skip_space();
      if (failed_) return;
      if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':' after the key \"" + key + "\"");
      ++i_;
      value(child, depth + 1);
      if (failed_) return;
      skip_space();
      if (failed_) return;
      if (i_ >= s_.size()) return fail("unexpected end of file inside an object; expected '}'");
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == '}') {
        ++i_;
        return;
      }
      return fail("expected ',' or '}' after an object member");
    }
  }

  void array(const std::string& path, int depth) {
    ++i_;  // [
    skip_space();
    if (failed_) return;
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return;
    }
    for (std::size_t index = 0;; ++index) {
      skip_space();
      if (failed_) return;
      if (i_ < s_.size() && s_[i_] == ']') return fail("trailing comma before ']'");
      const std::string child = element_path(path, index);
      where_.emplace(child, pos(i_));
      value(child, depth + 1);
      if (failed_) return;
      skip_space();
      if (failed_) return;
      if (i_ >= s_.size()) return fail("unexpected end of file inside an array; expected ']'");
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == ']') {
        ++i_;
        return;
      }
      return fail("expected ',' or ']' after an array element");
    }
  }

  std::string_view s_;
  std::map<std::string, json_position>& where_;
  std::size_t i_ = 0;
  bool failed_ = false;
  json_syntax_error error_;
};

bool identifier(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

bool locate_json(std::string_view text, std::map<std::string, json_position>& where, json_syntax_error& error) {
  scanner s(text, where);
  return s.run(error);
}

json_position nearest_position(const std::map<std::string, json_position>& where, const std::string& path) {
  std::string probe = path;
  while (!probe.empty()) {
    auto it = where.find(probe);
    if (it != where.end()) return it->second;
    auto cut = probe.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) break;
    probe.resize(cut);
  }
  return {};
}

std::string member_path(const std::string& parent, std::string_view key) {
  if (identifier(key)) return parent + "." + std::string(key);
  std::string quoted = parent + "[\"";
  for (char c : key) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"]";
}

std::string element_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

}  // namespace mlt::config
