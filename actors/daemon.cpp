#include "actors/daemon.hpp"

#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio/ip/address.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <unistd.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster.hpp"
#include "actors/cluster/transport.hpp"
#include "actors/fwd.hpp"
#include "actors/scheduler.hpp"
#include "actors/http_api.hpp"
#include "actors/metrics.hpp"
#include "config/knowledge_cutoff.hpp"
#include "config/plan_convert.hpp"
#include "messages/errors.hpp"
#include "messages/json_writer.hpp"
#include "messages/type_ids.hpp"
#include "messages/wire.hpp"
#include "ml/models/nn/kernel_table.hpp"
#include "net/polygon_client.hpp"
#include "net/server.hpp"
#include "web/static_files.hpp"

namespace mlt::actors {

namespace {
constexpr const char* version = "0.1.0";

bool is_loopback(const std::string& bind) {
  if (bind == "localhost") return true;
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(bind, ec);
  return !ec && a.is_loopback();
}

caf::actor_system_config& registered(caf::actor_system_config& cfg, int threads) {
  msg::register_message_types(cfg);
  cfg.set("scheduler.max-threads", threads);
  cfg.set("logger.console", caf::atom("none"));
  return cfg;
}
// One LLM's settings from the options (the environment layer already put
// ANTHROPIC_BASE_URL / OPENAI_BASE_URL and the keys in).
net::llm_settings llm_settings_of(const char* kind, const config::llm_options& o) {
  net::llm_settings s;
  s.kind = kind;
  s.model = o.model;
  s.base_url = o.base_url;
  s.api_key = o.api_key;
  s.knowledge_cutoff = config::effective_knowledge_cutoff(o);
  return s;
}

brain_config brain_settings(const config::daemon_options& o) {
  brain_config b;
  b.kind = o.brain;
  b.deadline = std::chrono::milliseconds(o.decision_deadline_ms);
  b.max_decisions = o.max_decisions;
  b.token_budget = o.token_budget;
  b.memory_turns = o.memory_turns;
  b.anthropic = llm_settings_of("anthropic", o.anthropic);
  b.openai = llm_settings_of("openai", o.openai);
  b.anthropic_max_tokens = o.anthropic.max_tokens;
  b.openai_max_tokens = o.openai.max_tokens;
  return b;
}
}  // namespace

struct daemon::impl {
  config::daemon_options opts;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  store_actor store;
  paper_trader_actor paper;
  data_loader_actor loader;
  engine_actor engine;
  fit_workers fits;  // shared by the engine's trainers
  scheduler_actor scheduler;
  caf::actor cluster_door;       // none without a cluster port
  std::uint16_t cluster_port = 0;
  // The engine's remote trainers: the network layer keeps them registered,
  // so they must be stopped before the actor system goes.
  struct spawned {
    std::mutex mutex;
    std::vector<trainer_actor> all;
  };
  std::shared_ptr<spawned> remote_trainers = std::make_shared<spawned>();
  std::unique_ptr<net::server> server;
  // Read by the HTTP router on Asio threads; fixed before the server starts.
  http_api_context http;
  std::shared_ptr<spdlog::logger> log;
  // Written on Asio threads, read on Asio threads: connection id -> session.
  std::mutex sessions_mutex;
  std::unordered_map<std::uint64_t, session_actor> sessions;
  bool stopped = false;
};

daemon::daemon(config::daemon_options options) : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(options);
}

daemon::~daemon() { stop(); }

std::uint16_t daemon::port() const { return impl_->server ? impl_->server->port() : 0; }

namespace {

// Logs: console plus a rotating file (logging.file, default in the state directory).
std::shared_ptr<spdlog::logger> open_log(const config::daemon_options& o) {
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      config::effective_log_file(o), static_cast<std::size_t>(o.log_max_file_mb) * 1024 * 1024,
      static_cast<std::size_t>(o.log_max_files));
  auto log = std::make_shared<spdlog::logger>("mltrainerd", spdlog::sinks_init_list{console, file});
  log->set_level(spdlog::level::from_str(o.log_level));
  log->flush_on(spdlog::level::info);
  return log;
}

// The store, with trials an earlier daemon left running marked interrupted.
store_actor open_store(caf::actor_system& sys, const std::string& db_path, spdlog::logger& log) {
  auto store = spawn_store(sys, db_path);
  caf::scoped_actor self{sys};
  std::string failure;
  self->request(store, std::chrono::seconds(30), msg::interrupt_running{"the daemon stopped while this trial ran"})
      .receive(
          [&](std::int32_t n) {
            if (n > 0) log.warn("marked {} trial(s) left running by an earlier daemon as interrupted", n);
          },
          [&](caf::error& e) { failure = msg::error_sentence(e); });
  if (!failure.empty()) throw std::runtime_error("cannot open the store " + db_path + ": " + failure);
  return store;
}

data_loader_actor start_loader(caf::actor_system& sys, const config::daemon_options& o) {
  ml::data_environment env;
  env.data_dir = o.data_dir;
  env.cache_dir = config::effective_cache_dir(o);
  env.polygon_api_key = o.polygon_api_key;
  env.polygon_base_url = o.polygon_base_url;
  // ml cannot depend on net, so the Polygon client is handed in here.
  net::polygon_config polygon;
  polygon.on_retry = [] { metrics::count_data_source_retry("polygon"); };
  net::attach_polygon(env, polygon);
  return spawn_data_loader(sys, env);
}

std::string host_name() {
  char buf[256] = {0};
  return ::gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("localhost");
}

// The coordinator's side of a cluster: its own trainers, the door workers
// join, published on cluster.bind:cluster.port; the engine's trainers then
// live wherever the door places them.
void start_cluster(daemon::impl& d, engine_config& ec_cfg, int cores) {
  const auto& o = d.opts;
  if (o.cluster_secret.empty())
    throw std::runtime_error("refusing to start a cluster without its secret: set " + o.cluster_secret_env);
  auto& sys = *d.sys;
  const int local = o.local_trainers >= 0 ? o.local_trainers : cores;
  cluster::door_config dc;
  dc.secret = o.cluster_secret;
  dc.host_name = host_name();
  dc.local_slots = local;
  if (local > 0) dc.local_host = cluster::spawn_trainer_host(sys, local, ec_cfg.make_trainer);
  dc.info = [log = d.log](const std::string& line) { log->info("{}", line); };
  dc.warn = [log = d.log](const std::string& line) { log->warn("{}", line); };
  d.cluster_door = cluster::spawn_door(sys, dc);
  auto port = cluster::publish_door(d.cluster_door, o);
  if (!port)
    throw std::runtime_error("cannot open the cluster port " + o.cluster_bind + ":" + std::to_string(o.cluster_port) +
                             ": " + sys.render(port.error()));
  d.cluster_port = *port;
  ec_cfg.make_trainer = [door = d.cluster_door, spawned = d.remote_trainers,
                         every = std::chrono::milliseconds(o.cluster_call_deadline_ms)](caf::actor_system& s) {
    auto t = cluster::spawn_remote_trainer(s, door, every);
    std::lock_guard<std::mutex> lock(spawned->mutex);
    spawned->all.push_back(t);
    return t;
  };
  d.log->info("cluster listening on {}:{} over {} ({} local trainer slot(s); workers join with --worker --join HOST:{})",
              o.cluster_bind, d.cluster_port, cluster::transport_name(o), local, d.cluster_port);
}

// limits.parallel_fits, 0 = one per core.
int fit_count(const config::daemon_options& o, int cores) { return o.parallel_fits > 0 ? o.parallel_fits : cores; }

engine_config engine_settings(daemon::impl& d, int cores, const std::string& models_dir) {
  engine_config ec_cfg;
  ec_cfg.max_concurrent = d.opts.max_concurrent_trials > 0 ? d.opts.max_concurrent_trials : cores;
  ec_cfg.max_queue = d.opts.max_queue;
  ec_cfg.decision_deadline = std::chrono::milliseconds(d.opts.decision_deadline_ms);
  ec_cfg.store = d.store;
  ec_cfg.loader = d.loader;
  ec_cfg.paper = d.paper;
  ec_cfg.models_dir = models_dir;
  // One bounded set of fit workers for every trainer: folds of all trials
  // together never fit on more than parallel_fits threads at once.
  d.fits = spawn_fit_workers(*d.sys, fit_count(d.opts, cores));
  ec_cfg.make_trainer = [workers = d.fits](caf::actor_system& s) {
    return spawn_trainer(s, thread_mode::detached, workers);
  };
  if (d.opts.cluster_port >= 0) start_cluster(d, ec_cfg, cores);
  return ec_cfg;
}

session_config session_settings(const daemon::impl& d) {
  session_config scfg;
  scfg.store = d.store;
  scfg.engine = d.engine;
  scfg.version = version;
  scfg.agent.engine = d.engine;
  scfg.agent.store = d.store;
  scfg.agent.paper = d.paper;
  scfg.agent.data_dir = d.opts.data_dir;
  scfg.agent.brain = d.opts.brain;
  scfg.agent.defaults = config::to_trial_plan(d.opts.trial_defaults);
  scfg.messages_per_minute = d.opts.messages_per_minute;
  scfg.max_message_bytes = static_cast<std::size_t>(d.opts.max_message_bytes);
  scfg.agent.brains = brain_settings(d.opts);
  scfg.agent.polygon_key = !d.opts.polygon_api_key.empty();
  return scfg;
}

scheduler_actor start_scheduler(daemon::impl& d, const agent_config& agent) {
  scheduler_config sched;
  for (const auto& s : d.opts.schedules) {
    schedule_spec spec;
    spec.name = s.name;
    spec.cron = s.cron;
    spec.timezone = s.timezone;
    spec.kind = s.kind;
    spec.plan = config::to_trial_plan(s.request);
    spec.symbols = s.request.symbols;
    spec.universe = s.request.universe;
    spec.approved = s.approved;
    spec.missed = s.missed;
    spec.enabled = s.enabled;
    sched.schedules.push_back(std::move(spec));
  }
  sched.store = d.store;
  sched.engine = d.engine;
  sched.paper = d.paper;
  sched.agent = agent;
  sched.log = [log = d.log](const std::string& line) { log->info("{}", line); };
  return spawn_scheduler(*d.sys, std::move(sched));
}

// What the network server does with WebSockets, HTTP requests and refusals.
net::server_handlers server_handlers(daemon::impl* self, const session_config& scfg) {
  net::server_handlers h;
  h.on_open = [self, scfg](std::shared_ptr<net::ws_connection> conn) {
    auto id = conn->id();
    {
      // limits.max_sessions: one client opening sockets in a loop must not exhaust the daemon.
      std::lock_guard<std::mutex> lock(self->sessions_mutex);
      if (self->sessions.size() >= static_cast<std::size_t>(std::max(1, self->opts.max_sessions))) {
        self->log->warn("session {} from {} refused: {} sessions open (limits.max_sessions)", id, conn->remote(),
                        self->sessions.size());
        conn->send(msg::encode_error("too_many_sessions", "too many sessions are open; try again later"));
        conn->close();
        return;
      }
    }
    self->log->info("session {} opened from {}", id, conn->remote());
    auto session = spawn_session(*self->sys, std::move(conn), scfg);
    std::lock_guard<std::mutex> lock(self->sessions_mutex);
    self->sessions[id] = session;
  };
  h.on_message = [self](std::uint64_t id, std::string text) {
    session_actor session;
    {
      std::lock_guard<std::mutex> lock(self->sessions_mutex);
      auto it = self->sessions.find(id);
      if (it == self->sessions.end()) return;
      session = it->second;
    }
    caf::anon_send(session, msg::ws_frame_in{std::move(text)});
  };
  h.on_close = [self](std::uint64_t id) {
    session_actor session;
    {
      std::lock_guard<std::mutex> lock(self->sessions_mutex);
      auto it = self->sessions.find(id);
      if (it == self->sessions.end()) return;
      session = it->second;
      self->sessions.erase(it);
    }
    self->log->info("session {} closed", id);
    caf::anon_send(session, msg::ws_closed{"connection closed"});
  };
  h.on_http = [self](const net::server_request& req) { return handle_http(self->http, req); };
  h.on_log = [self](const std::string& line) { self->log->warn("net: {}", line); };
  h.on_refused = [self](int status, const std::string& remote) {
    const char* code = status == 401 ? "unauthorized" : status == 403 ? "forbidden_origin" : "not_found";
    metrics::count_error(code);
    self->log->warn("refused a WebSocket from {}: {} ({}){}", remote, status, code,
                    status == 403 ? "; to allow a page's address, add its origin (e.g. http://HOST:PORT) to "
                                    "server.allowed_origins"
                                  : "");
  };
  return h;
}

net::server_options server_settings(const config::daemon_options& o) {
  net::server_options so;
  so.bind = o.bind;
  so.port = o.port;
  so.threads = o.io_threads;
  so.tokens = o.tokens;
  so.allowed_origins = o.allowed_origins;
  so.max_frame_bytes = static_cast<std::size_t>(o.max_frame_bytes);
  so.max_http_body_bytes = static_cast<std::size_t>(o.max_message_bytes);
  return so;
}

}  // namespace

void daemon::start() {
  auto& d = *impl_;
  namespace fs = std::filesystem;
  // The config check refuses this too; a daemon built from options in code
  // must not open an unauthenticated port to the network either.
  if (d.opts.tokens.empty() && !is_loopback(d.opts.bind))
    throw std::runtime_error("refusing to listen on " + d.opts.bind +
                             " without a bearer token: set server.tokens (or " + d.opts.tokens_env +
                             "), or bind to 127.0.0.1");
  std::error_code ec;
  fs::create_directories(d.opts.state_dir, ec);
  if (ec) throw std::runtime_error("cannot create state directory " + d.opts.state_dir + ": " + ec.message());
  if (!d.opts.data_dir.empty() && !fs::is_directory(d.opts.data_dir, ec))
    throw std::runtime_error("data directory " + d.opts.data_dir + " does not exist");
  d.log = open_log(d.opts);

  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // CAF's network layer only for a cluster: a single daemon stays as it was.
  if (d.opts.cluster_port >= 0) cluster::load_transport(d.cfg, d.opts);
  d.sys = std::make_unique<caf::actor_system>(registered(d.cfg, std::max(2, cores)));
  auto& sys = *d.sys;
  d.store = open_store(sys, (fs::path(d.opts.state_dir) / "mltrainer.db").string(), *d.log);
  d.loader = start_loader(sys, d.opts);
  const auto models_dir = (fs::path(d.opts.state_dir) / "models").string();
  d.paper = spawn_paper_trader(sys, paper_trader_config{d.store, d.loader, models_dir});
  const auto ec_cfg = engine_settings(d, cores, models_dir);
  d.engine = spawn_engine(sys, ec_cfg);
  const auto scfg = session_settings(d);
  d.scheduler = start_scheduler(d, scfg.agent);

  d.http.sys = d.sys.get();
  d.http.store = d.store;
  d.http.cluster = d.cluster_door;
  d.http.version = version;
  d.http.static_files = web::serve_web_file;
  d.server = std::make_unique<net::server>(server_settings(d.opts), server_handlers(impl_.get(), scfg));
  d.server->start();
  d.log->info("mltrainerd {} listening on ws://{}:{}/ws (state {}, data {}, brain {}, {} trainer(s), {} parallel fit(s), nn kernels {})",
              version, d.opts.bind, d.server->port(), d.opts.state_dir,
              d.opts.data_dir.empty() ? "-" : d.opts.data_dir, d.opts.brain, ec_cfg.max_concurrent,
              fit_count(d.opts, cores), ml::nn::kernel_name());
  // Counts only: tokens are secrets.
  d.log->info("config {}: {} token(s){}, {} allowed origin(s), {} schedule(s)",
              d.opts.config_file.empty() ? "(none)" : d.opts.config_file, d.opts.tokens.size(),
              d.opts.tokens_from_env ? " from " + d.opts.tokens_env : std::string(), d.opts.allowed_origins.size(),
              d.opts.schedules.size());
}

std::uint16_t daemon::cluster_port() const { return impl_->cluster_door ? impl_->cluster_port : 0; }

namespace {
// Actors other nodes know of stay registered; they must end before the system.
void stop_cluster(daemon::impl& d, caf::scoped_actor& self) {
  std::lock_guard<std::mutex> lock(d.remote_trainers->mutex);
  for (auto& t : d.remote_trainers->all) {
    self->send_exit(t, caf::exit_reason::user_shutdown);
    self->wait_for(t);
  }
  d.remote_trainers->all.clear();
  if (d.cluster_door) {
    self->send_exit(d.cluster_door, caf::exit_reason::user_shutdown);
    self->wait_for(d.cluster_door);
  }
}
}  // namespace

void daemon::stop() {
  auto& d = *impl_;
  if (d.stopped || !d.sys) return;
  d.stopped = true;
  {
    caf::scoped_actor self{*d.sys};
    // No new scheduled run while shutting down.
    if (d.scheduler) {
      self->send_exit(d.scheduler, caf::exit_reason::user_shutdown);
      self->wait_for(d.scheduler);
    }
    // Stop the engine first so no trial completes after being recorded as
    // interrupted; then record what was still running. Fits on the workers
    // are given up rather than awaited.
    d.fits.abandon();
    if (d.engine) {
      self->send_exit(d.engine, caf::exit_reason::user_shutdown);
      self->wait_for(d.engine);
    }
    stop_cluster(d, self);
    self->request(d.store, std::chrono::seconds(10), msg::interrupt_running{"the daemon shut down while this trial ran"})
        .receive(
            [&](std::int32_t n) {
              if (n > 0) d.log->warn("shutdown: {} running trial(s) recorded as interrupted", n);
            },
            [&](caf::error& e) { d.log->error("shutdown: could not record interrupted trials: {}", msg::error_sentence(e)); });
  }
  if (d.server) d.server->stop();
  for (auto& a : {caf::actor_cast<caf::actor>(d.engine), caf::actor_cast<caf::actor>(d.loader),
                  caf::actor_cast<caf::actor>(d.paper), caf::actor_cast<caf::actor>(d.store)})
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  // Agents of closed sessions may still wait on trials that will never end.
  d.sys->await_actors_before_shutdown(false);
  d.log->info("mltrainerd stopped");
  d.log->flush();
}

}  // namespace mlt::actors
