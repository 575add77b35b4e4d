// The HTTP routes beside the WebSocket: the router against a real store
// actor, and the real daemon's port.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>

#include <caf/all.hpp>
#include <simdjson.h>

#include "actors/fwd.hpp"
#include "actors/http_api.hpp"
#include "messages/type_ids.hpp"
#include "tests/support/daemon_process.hpp"

using mlt::actors::handle_http;
using mlt::actors::http_api_context;
using namespace std::chrono_literals;

namespace {

struct system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  system_fixture() {
    mlt::msg::register_message_types(cfg);
    cfg.set("logger.console", caf::atom("none"));
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

mlt::net::server_request get(const std::string& target, bool authenticated = true) {
  mlt::net::server_request r;
  r.method = "GET";
  r.target = target;
  r.authenticated = authenticated;
  return r;
}

// A store holding one completed-looking trial with two transcript lines and
// one queued trial.
std::int64_t seed_store(caf::actor_system& sys, const mlt::actors::store_actor& store) {
  caf::scoped_actor self{sys};
  mlt::msg::trial_id id;
  mlt::msg::trial_plan plan;
  plan.symbol = "TSLA";
  plan.model = "logistic";
  self->request(store, 10s, mlt::msg::create_trial{{}, plan, "chat"})
      .receive([&](mlt::msg::trial_id i) { id = i; }, [&](caf::error& e) { FAIL(sys.render(e)); });
  for (int seq = 1; seq <= 2; ++seq) {
    mlt::msg::record_event ev;
    ev.event.trial_id = id;
    ev.event.seq = seq;
    ev.event.speaker = mlt::msg::event_speaker::engine;
    ev.event.kind = mlt::msg::event_kind::status;
    ev.event.text = "line " + std::to_string(seq);
    self->send(store, ev);
  }
  self->send(store, mlt::msg::set_trial_status{id, mlt::msg::trial_status::failed, "no data"});
  self->request(store, 10s, mlt::msg::create_trial{{}, plan, "schedule:nightly"})
      .receive([](mlt::msg::trial_id) {}, [&](caf::error& e) { FAIL(sys.render(e)); });
  return id.value;
}

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
  simdjson::dom::element doc;
  REQUIRE_FALSE(p.parse(body).get(doc));
  return doc;
}

}  // namespace

TEST_CASE("the router serves health, metrics, the trial list and one trial from the store", "[http]") {
  system_fixture fx;
  const auto dir = mlt::test::fresh_dir("http-router");
  auto store = mlt::actors::spawn_store(*fx.sys, dir + "/t.db");
  const auto id = seed_store(*fx.sys, store);
  http_api_context ctx;
  ctx.sys = fx.sys.get();
  ctx.store = store;
  ctx.version = "9.9.9";
  simdjson::dom::parser p;

  auto health = handle_http(ctx, get("/health", false));
  CHECK(health.status == 200);
  CHECK(health.content_type == "application/json");
  std::string_view version;
  CHECK_FALSE(parse(p, health.body)["version"].get_string().get(version));
  CHECK(version == "9.9.9");

  auto metrics = handle_http(ctx, get("/metrics"));
  CHECK(metrics.status == 200);
  CHECK(metrics.content_type.find("version=0.0.4") != std::string::npos);
  CHECK(metrics.body.find("mltrainer_trials{state=\"failed\"} 1\n") != std::string::npos);
  CHECK(metrics.body.find("mltrainer_trials{state=\"queued\"} 1\n") != std::string::npos);
  CHECK(metrics.body.find("mltrainer_trials{state=\"running\"} 0\n") != std::string::npos);
  CHECK(metrics.body.find("# TYPE mltrainer_ws_frames_total counter\n") != std::string::npos);

  auto list = handle_http(ctx, get("/api/trials?limit=1"));
  CHECK(list.status == 200);
  CHECK(list.headers.at("Cache-Control") == "no-store");
  CHECK(list.headers.at("X-Content-Type-Options") == "nosniff");
  auto trials = parse(p, list.body)["trials"].get_array();
  REQUIRE(trials.size() == 1);
  std::string_view origin;
  CHECK_FALSE(trials.at(0)["origin"].get_string().get(origin));
  CHECK(origin == "schedule:nightly");
  CHECK(parse(p, handle_http(ctx, get("/api/trials")).body)["trials"].get_array().size() == 2);

  auto one = handle_http(ctx, get("/api/trials/" + std::to_string(id)));
  REQUIRE(one.status == 200);
  auto doc = parse(p, one.body);
  std::string_view status, text;
  CHECK_FALSE(doc["trial"]["status"].get_string().get(status));
  CHECK(status == "failed");
  CHECK(doc["transcript"].get_array().size() == 2);
  CHECK_FALSE(doc["transcript"].at(1)["text"].get_string().get(text));
  CHECK(text == "line 2");
  std::string_view symbol;
  CHECK_FALSE(doc["plan"]["symbol"].get_string().get(symbol));
  CHECK(symbol == "TSLA");

  // A trial without a report has no report files; the error says why.
  for (const char* file : {"/report.html", "/equity.csv", "/trades.csv"}) {
    auto none = handle_http(ctx, get("/api/trials/" + std::to_string(id) + file));
    CHECK(none.status == 404);
    CHECK(none.body.find("has no report (it is failed)") != std::string::npos);
    CHECK(handle_http(ctx, get("/api/trials/" + std::to_string(id) + file, false)).status == 401);
  }
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE("the router answers 400, 401, 404 and 405 with JSON errors", "[http]") {
  system_fixture fx;
  auto store = mlt::actors::spawn_store(*fx.sys, mlt::test::fresh_dir("http-errors") + "/t.db");
  http_api_context ctx;
  ctx.sys = fx.sys.get();
  ctx.store = store;
  simdjson::dom::parser p;
  auto status_of = [&](const mlt::net::server_response& r) {
    std::int64_t s = 0;
    CHECK(r.content_type == "application/json");
    CHECK_FALSE(parse(p, r.body)["error"]["status"].get_int64().get(s));
    CHECK(s == r.status);
    return r.status;
  };
  for (const char* bad : {"/api/trials/abc", "/api/trials/-3", "/api/trials/0", "/api/trials/", "/api/trials/1x",
                          "/api/trials/99999999999999999999"}) {
    INFO(bad);
    CHECK(status_of(handle_http(ctx, get(bad))) == 400);
  }
  for (const char* bad : {"/api/trials?limit=0", "/api/trials?limit=abc", "/api/trials?limit=1001", "/api/trials?limit="}) {
    INFO(bad);
    CHECK(status_of(handle_http(ctx, get(bad))) == 400);
  }
  CHECK(status_of(handle_http(ctx, get("/api/trials/4242"))) == 404);
  CHECK(status_of(handle_http(ctx, get("/no/such/thing"))) == 404);
  CHECK(status_of(handle_http(ctx, get("/metrics", false))) == 401);
  CHECK(status_of(handle_http(ctx, get("/api/trials", false))) == 401);
  CHECK(status_of(handle_http(ctx, get("/api/trials/1", false))) == 401);
  CHECK(handle_http(ctx, get("/metrics", false)).headers.at("WWW-Authenticate") == "Bearer");
  auto post = get("/api/trials");
  post.method = "POST";
  auto res = handle_http(ctx, post);
  CHECK(status_of(res) == 405);
  CHECK(res.headers.at("Allow") == "GET, HEAD");
  post.target = "/health";
  CHECK(status_of(handle_http(ctx, post)) == 405);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE("the router serves kept universe reports: the newest first, one by id, and clear errors", "[http]") {
  system_fixture fx;
  auto store = mlt::actors::spawn_store(*fx.sys, mlt::test::fresh_dir("http-universe") + "/t.db");
  http_api_context ctx;
  ctx.sys = fx.sys.get();
  ctx.store = store;
  simdjson::dom::parser p;
  // Two kept reports: AAPL and NVDA (one row failed), then the Dow's first two.
  {
    caf::scoped_actor self{*fx.sys};
    for (int k = 0; k < 2; ++k) {
      mlt::msg::universe_report r;
      r.universe = k == 0 ? "" : "dow30";
      r.symbols = k == 0 ? std::vector<std::string>{"AAPL", "NVDA"} : std::vector<std::string>{"AAPL", "AMGN"};
      r.models = {"logistic"};
      for (std::size_t i = 0; i < 2; ++i) {
        mlt::msg::universe_row row;
        row.trial_id = mlt::msg::trial_id{10 * (k + 1) + static_cast<std::int64_t>(i)};
        row.symbol = r.symbols[i];
        row.model = "logistic";
        row.finished = !(k == 0 && i == 1);
        row.failure = row.finished ? "" : "failed: no bars in range";
        row.test_n = 110;
        row.test_accuracy = 0.55;
        r.rows.push_back(row);
      }
      r.text = "table " + std::to_string(k + 1);
      self->request(store, 10s, mlt::msg::save_universe_report{r})
          .receive([&](std::int64_t id) { CHECK(id == k + 1); }, [&](caf::error& e) { FAIL(fx.sys->render(e)); });
    }
  }

  auto list = handle_http(ctx, get("/api/universe"));
  REQUIRE(list.status == 200);
  CHECK(list.headers.at("Cache-Control") == "no-store");
  auto reports = parse(p, list.body)["reports"].get_array();
  REQUIRE(reports.size() == 2);
  std::int64_t id = 0, finished = 0, trials = 0;
  std::string_view universe, created;
  CHECK_FALSE(reports.at(0)["report_id"].get_int64().get(id));
  CHECK(id == 2);  // newest first
  CHECK_FALSE(reports.at(0)["universe"].get_string().get(universe));
  CHECK(universe == "dow30");
  CHECK_FALSE(reports.at(1)["finished"].get_int64().get(finished));
  CHECK_FALSE(reports.at(1)["trials"].get_int64().get(trials));
  CHECK(finished == 1);
  CHECK(trials == 2);
  CHECK_FALSE(reports.at(1)["created_at"].get_string().get(created));
  CHECK(created.size() >= 19);
  CHECK(reports.at(1)["trial_ids"].get_array().size() == 2);
  CHECK(parse(p, handle_http(ctx, get("/api/universe?limit=1")).body)["reports"].get_array().size() == 1);

  auto one = handle_http(ctx, get("/api/universe/1"));
  REQUIRE(one.status == 200);
  auto doc = parse(p, one.body);
  std::string_view type, text, failure;
  CHECK_FALSE(doc["type"].get_string().get(type));
  CHECK(type == "universe_report");
  CHECK_FALSE(doc["report_id"].get_int64().get(id));
  CHECK(id == 1);
  CHECK_FALSE(doc["text"].get_string().get(text));
  CHECK(text == "table 1");
  REQUIRE(doc["rows"].get_array().size() == 2);
  CHECK_FALSE(doc["rows"].at(1)["failure"].get_string().get(failure));
  CHECK(failure == "failed: no bars in range");
  CHECK_FALSE(doc["created_at"].get_string().get(created));

  auto status_of = [&](const mlt::net::server_response& r) {
    std::int64_t s = 0;
    CHECK_FALSE(parse(p, r.body)["error"]["status"].get_int64().get(s));
    return s;
  };
  CHECK(status_of(handle_http(ctx, get("/api/universe/3"))) == 404);
  CHECK(handle_http(ctx, get("/api/universe/3")).body.find("there is no universe report 3") != std::string::npos);
  for (const char* bad : {"/api/universe/abc", "/api/universe/0", "/api/universe/", "/api/universe?limit=0",
                          "/api/universe?limit=1001"}) {
    INFO(bad);
    CHECK(status_of(handle_http(ctx, get(bad))) == 400);
  }
  CHECK(status_of(handle_http(ctx, get("/api/universe", false))) == 401);
  CHECK(status_of(handle_http(ctx, get("/api/universe/1", false))) == 401);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE("unknown GET paths go to the static file hook, which may decline", "[http]") {
  http_api_context ctx;
  std::string asked;
  ctx.static_files = [&](const mlt::net::server_request& req) -> std::optional<mlt::net::server_response> {
    asked = req.target;
    if (req.target != "/index.html") return std::nullopt;
    mlt::net::server_response r;
    r.content_type = "text/html";
    r.body = "<html></html>";
    return r;
  };
  auto page = handle_http(ctx, get("/index.html", false));
  CHECK(page.status == 200);
  CHECK(page.body == "<html></html>");
  CHECK(handle_http(ctx, get("/other.js")).status == 404);
  CHECK(asked == "/other.js");
  // Routes win over files; POST never reaches the files.
  asked.clear();
  auto post = get("/index.html");
  post.method = "POST";
  CHECK(handle_http(ctx, post).status == 404);
  CHECK(asked.empty());
}

TEST_CASE("a store that does not answer gives 503 within the deadline instead of a hang", "[http]") {
  system_fixture fx;
  // Takes every question and never answers.
  auto mute = fx.sys->spawn([](caf::event_based_actor* self, int) -> caf::behavior {
    return {
        [=](mlt::msg::trial_counts_query&) { return self->make_response_promise<mlt::msg::trial_counts>(); },
        [=](mlt::msg::list_trials_query&) { return self->make_response_promise<mlt::msg::trial_list>(); },
    };
  }, 0);
  http_api_context ctx;
  ctx.sys = fx.sys.get();
  ctx.store = caf::actor_cast<mlt::actors::store_actor>(mute);
  ctx.store_timeout = 200ms;
  CHECK(handle_http(ctx, get("/metrics")).status == 503);
  auto res = handle_http(ctx, get("/api/trials"));
  CHECK(res.status == 503);
  CHECK(res.body.find("200 ms") != std::string::npos);
  caf::anon_send_exit(mute, caf::exit_reason::user_shutdown);
}
