#include "actors/fit_pool.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include <caf/all.hpp>

#include "actors/harden.hpp"
#include "messages/type_ids.hpp"

namespace mlt::actors {

namespace {

// A malformed job (its matrices) fails like any job with bad input.
ml::fit_outcome run_message(const msg::fit_job& job, const std::function<bool()>& go_on = {}) {
  try {
    return ml::run_fit_job(msg::from_message(job), go_on);
  } catch (const std::exception& e) {
    ml::fit_outcome out;
    out.error = e.what();
    out.bad_input = true;
    return out;
  }
}

// Fits block their thread for seconds or minutes, so each worker is detached.
fit_worker_actor::behavior_type fit_worker(fit_worker_actor::pointer self,
                                           std::shared_ptr<std::atomic<bool>> abandoned) {
  harden(self);
  const std::function<bool()> go_on = [abandoned] { return !abandoned->load(); };
  return {
      [go_on](msg::fit_job& job) -> msg::fit_done { return msg::to_message(job.index, run_message(job, go_on)); },
  };
}

class worker_pool final : public ml::fit_pool {
public:
  worker_pool(caf::actor_system& sys, const fit_workers& w) : self_(sys), free_(w.workers.begin(), w.workers.end()) {
    for (const auto& worker : free_) self_->monitor(worker);
    width_ = static_cast<int>(free_.size());
  }

  int width() const override { return width_; }

  void submit(std::size_t index, ml::fit_job job) override {
    queued_.push_back(msg::to_message(index, job));
    dispatch();
  }

  std::optional<std::pair<std::size_t, ml::fit_outcome>> collect(std::chrono::milliseconds wait) override {
    if (busy_.empty() && !queued_.empty()) return run_here();  // every worker stopped
    if (busy_.empty()) return std::nullopt;
    std::optional<std::pair<std::size_t, ml::fit_outcome>> out;
    self_->receive(
        [&](msg::fit_done& d) {
          release(caf::actor_cast<caf::actor_addr>(self_->current_sender()), true);
          out.emplace(static_cast<std::size_t>(d.index), msg::from_message(d));
        },
        [&](caf::down_msg& down) {
          const auto lost = release(down.source, false);
          if (!lost) return;
          ml::fit_outcome failed;
          failed.error = "the fit worker stopped during the fit";
          out.emplace(*lost, std::move(failed));
        },
        caf::after(wait) >> [] {});
    dispatch();
    return out;
  }

private:
  // Sends queued jobs, lowest index first, to the free workers.
  void dispatch() {
    while (!free_.empty() && !queued_.empty()) {
      auto worker = free_.back();
      free_.pop_back();
      busy_[worker.address()] = {worker, queued_.front().index};
      self_->send(worker, std::move(queued_.front()));
      queued_.pop_front();
    }
  }

  // The worker's job is over; a live worker is free again. Answers the job's index.
  std::optional<std::size_t> release(const caf::actor_addr& worker, bool alive) {
    const auto it = busy_.find(worker);
    if (it == busy_.end()) return std::nullopt;
    const auto index = static_cast<std::size_t>(it->second.second);
    if (alive) free_.push_back(it->second.first);
    busy_.erase(it);
    return index;
  }

  std::pair<std::size_t, ml::fit_outcome> run_here() {
    const auto job = std::move(queued_.front());
    queued_.pop_front();
    return {static_cast<std::size_t>(job.index), run_message(job)};
  }

  caf::scoped_actor self_;
  std::vector<fit_worker_actor> free_;
  std::map<caf::actor_addr, std::pair<fit_worker_actor, std::uint64_t>> busy_;  // job in flight per worker
  std::deque<msg::fit_job> queued_;
  int width_ = 1;
};

}  // namespace

fit_workers spawn_fit_workers(caf::actor_system& sys, int count) {
  fit_workers out;
  if (count <= 1) return out;  // one fit at a time: the trainer's own thread
  for (int i = 0; i < count; ++i) out.workers.push_back(sys.spawn<caf::detached>(fit_worker, out.abandoned));
  return out;
}

std::unique_ptr<ml::fit_pool> make_worker_pool(caf::actor_system& sys, const fit_workers& workers) {
  return std::make_unique<worker_pool>(sys, workers);
}

}  // namespace mlt::actors
