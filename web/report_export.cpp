#include "web/report_export.hpp"

#include <stdexcept>

#include "web/assets.hpp"

namespace mlt::web {

namespace {

std::string_view asset(std::string_view path) {
  const auto* a = find_web_asset(path);
  if (!a) throw std::logic_error("embedded web asset " + std::string(path) + " is missing");
  return a->body;
}

// Inline script text must not close its <script> element early.
std::string inline_script(std::string_view js) {
  std::string out;
  out.reserve(js.size());
  for (std::size_t i = 0; i < js.size(); ++i) {
    if (js[i] == '<' && js.substr(i + 1, 7) == "/script") {
      out += "<\\";
      continue;
    }
    out += js[i];
  }
  return out;
}

// JSON inside <script type="application/json">: '<' as \u003c can never
// open a tag, and is the same character to JSON.parse.
std::string inline_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string report_html(std::string_view report_json, std::string_view title, std::string_view plain_text) {
  const auto t = html_escape(title);
  std::string h;
  h.reserve(report_json.size() + 400000);
  h += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // The file may ask for nothing: every byte it needs is in it.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
       "style-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<meta name=\"generator\" content=\"mlTrainer\">\n";
  h += "<title>" + t + "</title>\n<style>\n";
  h += asset("/app.css");
  h += "\n.export { max-width: 72rem; margin: 0 auto; padding: 1rem; }\n</style>\n</head>\n<body>\n";
  h += "<main class=\"export\"><section class=\"panel\">\n<h1 id=\"export-title\">" + t + "</h1>\n";
  h += "<noscript><pre>" + html_escape(plain_text) + "</pre></noscript>\n";
  h += "<div id=\"report\" class=\"report\"></div>\n</section></main>\n";
  h += "<script type=\"application/json\" id=\"report-data\">";
  h += inline_json(report_json);
  h += "</script>\n<script>\n";
  h += inline_script(asset("/chart.js"));
  h += "\n</script>\n<script>\n";
  h += inline_script(asset("/app.js"));
  h += "\n</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace mlt::web
