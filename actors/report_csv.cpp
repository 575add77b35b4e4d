#include "actors/report_csv.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include <simdjson.h>

namespace mlt::actors {

namespace {

// A number in full precision; "" for null, missing or not finite.
std::string number(simdjson::dom::element obj, const char* key) {
  double d = 0;
  std::int64_t i = 0;
  if (!obj[key].get_int64().get(i)) return std::to_string(i);
  if (obj[key].get_double().get(d) || !std::isfinite(d)) return {};
  char b[40];
  std::snprintf(b, sizeof b, "%.10g", d);
  return b;
}

// A text field, quoted when it holds a comma, quote or line break.
std::string text(simdjson::dom::element obj, const char* key) {
  std::string_view v;
  if (obj[key].get_string().get(v)) return {};
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::optional<simdjson::dom::element> parse(simdjson::dom::parser& p, std::string_view json) {
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (p.parse(json.data(), json.size()).get(doc) || doc.get_object().get(obj)) return std::nullopt;
  return doc;
}

}  // namespace

std::optional<std::string> equity_csv(std::string_view report_json) {
  simdjson::dom::parser p;
  auto doc = parse(p, report_json);
  if (!doc) return std::nullopt;
  // Buy-and-hold by date: the two curves are joined on the model's dates.
  std::map<std::string, simdjson::dom::element> bh;
  simdjson::dom::array arr;
  if (!(*doc)["buy_hold_equity"].get_array().get(arr))
    for (auto e : arr) {
      std::string_view d;
      if (!e["date"].get_string().get(d)) bh.emplace(std::string(d), e);
    }
  std::string out = "date,equity,drawdown,buy_hold_equity,buy_hold_drawdown\n";
  if (!(*doc)["equity"].get_array().get(arr))
    for (auto e : arr) {
      std::string_view d;
      if (e["date"].get_string().get(d)) d = {};
      out += text(e, "date") + "," + number(e, "equity") + "," + number(e, "drawdown") + ",";
      if (auto it = bh.find(std::string(d)); it != bh.end())
        out += number(it->second, "equity") + "," + number(it->second, "drawdown");
      else
        out += ",";
      out += "\n";
    }
  return out;
}

std::optional<std::string> trades_csv(std::string_view report_json) {
  simdjson::dom::parser p;
  auto doc = parse(p, report_json);
  if (!doc) return std::nullopt;
  std::string out = "side,size,entry_date,entry_price,exit_date,exit_price,pnl,return,open\n";
  simdjson::dom::array arr;
  if (!(*doc)["trades"].get_array().get(arr))
    for (auto t : arr) {
      bool open = false;
      if (t["open"].get_bool().get(open)) open = false;
      out += text(t, "side") + "," + number(t, "size") + "," + text(t, "entry_date") + "," + number(t, "entry_price") +
             "," + text(t, "exit_date") + "," + number(t, "exit_price") + "," + number(t, "pnl") + "," +
             number(t, "return") + "," + (open ? "true" : "false") + "\n";
    }
  return out;
}

}  // namespace mlt::actors
