#include "actors/http_api.hpp"

#include <optional>
#include <string_view>

#include <caf/all.hpp>

#include "actors/metrics.hpp"
#include "actors/report_csv.hpp"
#include "messages/errors.hpp"
#include "messages/json_writer.hpp"
#include "messages/type_ids.hpp"
#include "messages/wire.hpp"
#include "web/report_export.hpp"

namespace mlt::actors {

namespace {

constexpr std::string_view trials_prefix = "/api/trials/";
constexpr std::string_view universe_prefix = "/api/universe/";

net::server_response json(int status, std::string body) {
  net::server_response res;
  res.status = status;
  res.content_type = "application/json";
  res.body = std::move(body);
  res.headers["Cache-Control"] = "no-store";
  res.headers["X-Content-Type-Options"] = "nosniff";
  return res;
}

net::server_response error(int status, const std::string& message) {
  msg::json_writer w;
  w.begin_object().key("error").begin_object().field("status", static_cast<std::int64_t>(status))
      .field("message", message).end_object().end_object();
  auto res = json(status, w.take());
  if (status == 401) res.headers["WWW-Authenticate"] = "Bearer";
  if (status == 405) res.headers["Allow"] = "GET, HEAD";
  return res;
}

// A positive decimal integer that fits comfortably in int64; nullopt otherwise.
std::optional<std::int64_t> positive_int(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return v;
}

// The raw value of `key` in the query string; nullopt when absent.
std::optional<std::string_view> query_value(std::string_view target, std::string_view key) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto piece = rest.substr(0, amp);
    const auto eq = piece.find('=');
    if (piece.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return std::nullopt;
}

// Asks `who` (the store, the cluster's door) and waits at most
// ctx.store_timeout. On failure `err` is the HTTP answer to give instead.
template <class Answer, class Handle, class Question>
std::optional<Answer> ask(const http_api_context& ctx, const Handle& who, const char* what, Question q,
                          net::server_response& err) {
  if (!ctx.sys || !who) {
    err = error(503, std::string(what) + " is not available");
    return std::nullopt;
  }
  std::optional<Answer> out;
  caf::scoped_actor self{*ctx.sys};
  self->request(who, ctx.store_timeout, std::move(q))
      .receive([&](Answer& a) { out = std::move(a); },
               [&](caf::error& e) {
                 err = e == caf::sec::request_timeout
                           ? error(503, std::string(what) + " did not answer within " +
                                            std::to_string(ctx.store_timeout.count()) + " ms")
                           : error(500, std::string(what) + " failed: " + msg::error_sentence(e));
               });
  return out;
}

template <class Answer, class Question>
std::optional<Answer> ask_store(const http_api_context& ctx, Question q, net::server_response& err) {
  return ask<Answer>(ctx, ctx.store, "the store", std::move(q), err);
}

// The nodes of the cluster; a daemon without one is its only node.
msg::cluster_status cluster_nodes(const http_api_context& ctx, net::server_response& err, bool& ok) {
  ok = true;
  if (!ctx.cluster) return msg::cluster_status{{msg::node_status{"coordinator", "coordinator", "", 0, 0, 0, 0}}};
  auto status = ask<msg::cluster_status>(ctx, ctx.cluster, "the cluster", msg::cluster_status_query{}, err);
  ok = status.has_value();
  return status ? *status : msg::cluster_status{};
}

net::server_response health(const http_api_context& ctx) {
  msg::json_writer w;
  w.begin_object().field("status", "ok").field("version", ctx.version).end_object();
  return json(200, w.take());
}

net::server_response metrics_page(const http_api_context& ctx) {
  net::server_response err;
  auto counts = ask_store<msg::trial_counts>(ctx, msg::trial_counts_query{}, err);
  if (!counts) return err;
  for (const auto& s : metrics::trial_states()) {
    auto it = counts->by_status.find(s);
    metrics::set_trials(s, it == counts->by_status.end() ? 0 : it->second);
  }
  for (const auto& [status, n] : counts->by_status) metrics::set_trials(status, n);
  if (ctx.cluster) {
    bool ok = false;
    const auto status = cluster_nodes(ctx, err, ok);
    if (ok) metrics::set_cluster_nodes(status.nodes);  // an unanswered query keeps the last gauges
  }
  net::server_response res;
  res.content_type = "text/plain; version=0.0.4; charset=utf-8";
  res.body = metrics::global().render();
  res.headers["Cache-Control"] = "no-store";
  res.headers["X-Content-Type-Options"] = "nosniff";
  return res;
}

// A list's `?limit=N` (1..1000, default 50); nullopt with `err` set when it is not one.
std::optional<std::int32_t> list_limit(std::string_view target, net::server_response& err) {
  auto v = query_value(target, "limit");
  if (!v) return 50;
  auto n = positive_int(*v);
  if (!n || *n > 1000) {
    err = error(400, "limit must be an integer from 1 to 1000");
    return std::nullopt;
  }
  return static_cast<std::int32_t>(*n);
}

net::server_response list_trials(const http_api_context& ctx, std::string_view target) {
  net::server_response err;
  auto limit = list_limit(target, err);
  if (!limit) return err;
  auto list = ask_store<msg::trial_list>(ctx, msg::list_trials_query{*limit}, err);
  if (!list) return err;
  return json(200, msg::encode_trials(*list));
}

// GET /api/universe: the kept combined reports of universe trials, newest first.
net::server_response list_universe_reports(const http_api_context& ctx, std::string_view target) {
  net::server_response err;
  auto limit = list_limit(target, err);
  if (!limit) return err;
  auto list = ask_store<msg::universe_report_list>(ctx, msg::universe_reports_query{0, *limit}, err);
  if (!list) return err;
  return json(200, msg::encode_universe_reports(*list));
}

// GET /api/universe/{id}: one kept combined report, as its universe_report frame.
net::server_response one_universe_report(const http_api_context& ctx, std::string_view id_text) {
  auto id = positive_int(id_text);
  if (!id) return error(400, "a universe report id is a positive integer");
  net::server_response err;
  auto list = ask_store<msg::universe_report_list>(ctx, msg::universe_reports_query{*id, 1}, err);
  if (!list) return err;
  if (list->reports.empty()) return error(404, "there is no universe report " + std::to_string(*id));
  return json(200, msg::encode_stored_universe_report(list->reports.front()));
}

// The stored record of trial `id_text`, or the error to answer instead.
std::optional<msg::trial_record> find_trial(const http_api_context& ctx, std::string_view id_text,
                                            net::server_response& err) {
  auto id = positive_int(id_text);
  if (!id) {
    err = error(400, "a trial id is a positive integer");
    return std::nullopt;
  }
  auto rec = ask_store<msg::trial_record>(ctx, msg::get_trial_query{msg::trial_id{*id}}, err);
  if (!rec) return std::nullopt;
  if (!rec->found) {
    err = error(404, "there is no trial " + std::to_string(*id));
    return std::nullopt;
  }
  return rec;
}

net::server_response one_trial(const http_api_context& ctx, std::string_view id_text) {
  net::server_response err;
  auto rec = find_trial(ctx, id_text, err);
  if (!rec) return err;
  return json(200, msg::encode_trial(*rec));
}

// A file to save, not a page of this origin: attachment, and no scripts run
// here even if a browser shows it.
net::server_response download(std::string content_type, std::string body, const std::string& filename) {
  net::server_response res;
  res.status = 200;
  res.content_type = std::move(content_type);
  res.body = std::move(body);
  res.headers["Content-Disposition"] = "attachment; filename=\"" + filename + "\"";
  res.headers["Cache-Control"] = "no-store";
  res.headers["X-Content-Type-Options"] = "nosniff";
  return res;
}

// /api/trials/{id}/report.html, equity.csv, trades.csv: the stored report
// as a file to keep (README "Reports people keep").
net::server_response trial_file(const http_api_context& ctx, std::string_view id_text, std::string_view file) {
  if (file != "report.html" && file != "equity.csv" && file != "trades.csv")
    return error(404, "no such trial file '" + std::string(file) + "'; try report.html, equity.csv or trades.csv");
  net::server_response err;
  auto rec = find_trial(ctx, id_text, err);
  if (!rec) return err;
  const auto id = msg::to_string(rec->row.trial_id);
  if (!rec->row.has_report)
    return error(404, "trial " + id + " has no report (it is " + msg::to_string(rec->row.status) + ")");
  const std::string stem = "mltrainer-trial-" + id;
  const std::string report_json = msg::encode_report(rec->report);
  if (file == "report.html") {
    const std::string title = "mlTrainer report: trial " + id + ", " + rec->row.symbol + ", " + rec->row.model;
    return download("text/html; charset=utf-8", web::report_html(report_json, title, msg::report_text(rec->report.report)),
                    stem + ".html");
  }
  auto csv = file == "equity.csv" ? equity_csv(report_json) : trades_csv(report_json);
  if (!csv) return error(500, "the report of trial " + id + " could not be written as CSV");
  return download("text/csv; charset=utf-8", std::move(*csv), stem + "-" + std::string(file));
}

}  // namespace

net::server_response handle_http(const http_api_context& ctx, const net::server_request& req) {
  const std::string_view target = req.target;
  const std::string_view path = target.substr(0, target.find('?'));
  const bool get = req.method == "GET" || req.method == "HEAD";

  enum class route { none, health, metrics, trials, trial, cluster, universes, universe };
  route r = route::none;
  if (path == "/health") r = route::health;
  else if (path == "/metrics") r = route::metrics;
  else if (path == "/api/trials") r = route::trials;
  else if (path == "/api/cluster") r = route::cluster;
  else if (path == "/api/universe") r = route::universes;
  else if (path.substr(0, trials_prefix.size()) == trials_prefix) r = route::trial;
  else if (path.substr(0, universe_prefix.size()) == universe_prefix) r = route::universe;

  if (r == route::none) {
    if (get && ctx.static_files)
      if (auto res = ctx.static_files(req)) return std::move(*res);
    return error(404, "no such path; try /health, /metrics, /api/cluster, /api/trials, /api/trials/{id}, "
                      "/api/trials/{id}/report.html|equity.csv|trades.csv, /api/universe or /api/universe/{id}");
  }
  // Everything but /health tells what ran here: it needs the token.
  if (r != route::health && !req.authenticated) {
    metrics::count_error("unauthorized");
    return error(401, "a valid bearer token is required");
  }
  if (!get) return error(405, "method " + req.method + " is not allowed here; use GET");
  switch (r) {
    case route::health:
      return health(ctx);
    case route::metrics:
      return metrics_page(ctx);
    case route::trials:
      return list_trials(ctx, target);
    case route::universes:
      return list_universe_reports(ctx, target);
    case route::universe:
      return one_universe_report(ctx, path.substr(universe_prefix.size()));
    case route::cluster: {
      net::server_response err;
      bool ok = false;
      auto nodes = cluster_nodes(ctx, err, ok);
      return ok ? json(200, msg::encode_cluster(nodes)) : err;
    }
    default: {
      const auto rest = path.substr(trials_prefix.size());
      const auto slash = rest.find('/');
      if (slash == std::string_view::npos) return one_trial(ctx, rest);
      return trial_file(ctx, rest.substr(0, slash), rest.substr(slash + 1));
    }
  }
}

}  // namespace mlt::actors
