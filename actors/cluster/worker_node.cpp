#include "actors/cluster/worker_node.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster.hpp"
#include "actors/cluster/crypto.hpp"
#include "actors/cluster/transport.hpp"
#include "messages/type_ids.hpp"

namespace mlt::actors::cluster {

namespace {

using namespace std::chrono_literals;

// Reconnecting: from a fifth of a second, doubling, to at most 5 s.
constexpr auto first_backoff = 200ms;
constexpr auto max_backoff = 5s;
constexpr auto handshake_timeout = 10s;

std::string host_name() {
  char buf[256] = {0};
  return ::gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("unknown");
}

enum class joined { yes, refused, failed };

// What a failed connection most likely means. A TLS coordinator closes a
// plain worker's connection in CAF's handshake; a plain one never answers a
// TLS worker's hello, which CAF reports as it does an empty port.
std::string reach_hint(const caf::error& e, bool tls) {
  if (e == caf::sec::disconnect_during_handshake)
    return tls ? "; the coordinator closed the connection in the handshake: does its certificate chain to "
                 "--tls-cafile, and does it trust ours?"
               : "; the coordinator closed the connection in the handshake: it probably uses TLS, so give this "
                 "worker --tls-certificate, --tls-key and --tls-cafile (cluster.tls_*)";
  if (e == caf::sec::cannot_connect_to_node && tls) return "; nothing listens there, or the coordinator does not use TLS";
  return "";
}

}  // namespace

struct worker_node::impl {
  config::daemon_options opts;
  std::string host;
  std::uint16_t port = 0;
  int trainers = 1;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor trainer_host;
  fit_workers fits;
  std::shared_ptr<spdlog::logger> log;
  std::thread loop;
  std::mutex mutex;
  std::condition_variable wake;
  std::atomic<bool> stopping{false};
  std::atomic<int> exit_code{0};

  // Sleeps `d` unless stopped first; false when stopping.
  bool pause(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mutex);
    return !wake.wait_for(lock, d, [&] { return stopping.load(); });
  }

  void refuse(const std::string& why) {
    log->error("the coordinator at {}:{} refused this worker: {}", host, port, why);
    exit_code = 1;
    stopping = true;
    ::kill(::getpid(), SIGTERM);  // main waits for a signal; this is ours
  }

  joined handshake(const caf::actor& door, std::string& node_id) {
    caf::scoped_actor self{*sys};
    const auto nonce = fresh_nonce();
    msg::cluster_hello hello{msg::cluster_protocol, host_name(), static_cast<std::int32_t>(::getpid()),
                             static_cast<std::int32_t>(std::thread::hardware_concurrency()), trainers, nonce};
    msg::cluster_challenge challenge;
    msg::cluster_welcome welcome;
    std::string failure;
    self->request(door, handshake_timeout, hello)
        .receive([&](msg::cluster_challenge& c) { challenge = std::move(c); },
                 [&](caf::error& e) { failure = sys->render(e); });
    if (failure.empty() && !challenge.refusal.empty()) return refuse(challenge.refusal), joined::refused;
    if (failure.empty())
      self->request(door, handshake_timeout,
                    msg::cluster_join{challenge.nonce, worker_proof(opts.cluster_secret, challenge.nonce, nonce),
                                      trainer_host})
          .receive([&](msg::cluster_welcome& w) { welcome = std::move(w); },
                   [&](caf::error& e) { failure = sys->render(e); });
    if (!failure.empty()) {
      log->warn("joining the coordinator at {}:{} failed: {}", host, port, failure);
      return joined::failed;
    }
    if (!welcome.refusal.empty()) return refuse(welcome.refusal), joined::refused;
    // It admitted us; a coordinator that admits without knowing the secret is not ours.
    if (!same_proof(challenge.proof, coordinator_proof(opts.cluster_secret, nonce)))
      return refuse("it does not know the cluster secret (its proof does not match ours)"), joined::refused;
    node_id = welcome.node_id;
    return joined::yes;
  }

  // Until stopped: connect, join, serve until the coordinator goes away.
  void run() {
    auto backoff = std::chrono::milliseconds(first_backoff);
    std::string reported;  // said once until it changes
    while (!stopping) {
      auto door = reach_door(*sys, host, port, opts);
      if (!door) {
        const auto why = sys->render(door.error()) + reach_hint(door.error(), opts.cluster_tls());
        if (why != reported) log->warn("cannot reach the coordinator at {}:{} ({}); retrying with backoff", host, port, why);
        reported = why;
        if (!pause(backoff)) return;
        backoff = std::min(std::chrono::milliseconds(max_backoff), backoff * 2);
        continue;
      }
      std::string node_id;
      const auto outcome = handshake(*door, node_id);
      if (outcome == joined::refused) return;
      if (outcome == joined::failed) {
        if (!pause(backoff)) return;
        continue;
      }
      log->info("joined the coordinator at {}:{} as {} with {} trainer(s)", host, port, node_id, trainers);
      backoff = first_backoff;
      reported.clear();
      caf::scoped_actor self{*sys};
      self->monitor(*door);
      bool lost = false;
      while (!lost && !stopping)
        self->receive([&](caf::down_msg&) { lost = true; }, caf::after(std::chrono::milliseconds(300)) >> [] {});
      if (lost) log->warn("lost the coordinator at {}:{}; reconnecting", host, port);
    }
  }
};

worker_node::worker_node(config::daemon_options options) : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(options);
}

worker_node::~worker_node() { stop(); }

int worker_node::exit_code() const { return impl_->exit_code; }

void worker_node::start() {
  auto& w = *impl_;
  auto [host, port] = config::split_host_port(w.opts.join);
  if (port == 0) throw std::runtime_error("--join must be HOST:PORT, got '" + w.opts.join + "'");
  w.host = host;
  w.port = port;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  w.trainers = w.opts.worker_trainers > 0 ? w.opts.worker_trainers : cores;
  w.log = std::make_shared<spdlog::logger>("mltrainerd-worker", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  w.log->set_level(spdlog::level::from_str(w.opts.log_level));
  w.log->flush_on(spdlog::level::info);
  msg::register_message_types(w.cfg);
  load_transport(w.cfg, w.opts);
  w.cfg.set("scheduler.max-threads", std::max(2, cores));
  w.cfg.set("logger.console", caf::atom("none"));
  w.sys = std::make_unique<caf::actor_system>(w.cfg);
  // The worker's trainers share one set of fit workers, as the daemon's do.
  w.fits = spawn_fit_workers(*w.sys, cores);
  w.trainer_host = spawn_trainer_host(*w.sys, w.trainers, [fits = w.fits](caf::actor_system& sys) {
    return spawn_trainer(sys, thread_mode::detached, fits);
  });
  w.log->info("mltrainerd worker: {} trainer(s), joining {}:{} over {}", w.trainers, w.host, w.port,
              transport_name(w.opts));
  w.loop = std::thread([&w] { w.run(); });
}

void worker_node::stop() {
  auto& w = *impl_;
  if (!w.sys) return;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    w.stopping = true;
  }
  w.wake.notify_all();
  if (w.loop.joinable()) w.loop.join();
  w.fits.abandon();
  {
    // The coordinator knows the host, so the network layer keeps it
    // registered: it must end before the actor system does.
    caf::scoped_actor self{*w.sys};
    self->send_exit(w.trainer_host, caf::exit_reason::user_shutdown);
    self->wait_for(w.trainer_host);
  }
  w.fits = fit_workers{};  // the fit workers end with their last handle
  w.sys->await_actors_before_shutdown(false);  // a trainer mid-fit is not waited for
  w.sys.reset();
  w.log->info("mltrainerd worker stopped");
}

}  // namespace mlt::actors::cluster
