#pragma once
/// A bar series loaded once and read by everyone who works on the trial (the
/// engine's run, the trainer, the paper trader): inside the daemon a message
/// carries the pointer, never a copy, and nobody can change the bars under
/// another. Across a process boundary its inspect writes the bars
/// themselves, and reading them makes a new shared series.

#include <memory>
#include <utility>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

#include "messages/ml_inspect.hpp"
#include "ml/market/bar.hpp"

namespace mlt::msg {

class shared_bars {
public:
  shared_bars() = default;
  /// Takes the series over (move it in to copy nothing).
  explicit shared_bars(ml::bar_series s) : bars_(std::make_shared<const ml::bar_series>(std::move(s))) {}

  /// The series; an empty one when none was given.
  const ml::bar_series& get() const { return bars_ ? *bars_ : none(); }
  const ml::bar_series& operator*() const { return get(); }
  const ml::bar_series* operator->() const { return &get(); }
  /// Reads like the series wherever one is asked for by const reference.
  operator const ml::bar_series&() const { return get(); }

private:
  static const ml::bar_series& none() {
    static const ml::bar_series empty;
    return empty;
  }
  std::shared_ptr<const ml::bar_series> bars_;
};

template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type inspect(Inspector& f,
                                                                                                shared_bars& x) {
  // Saving only reads the bars, so they are written in place, not copied.
  return f(caf::meta::type_name("shared_bars"), const_cast<ml::bar_series&>(x.get()));
}

template <class Inspector>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type inspect(Inspector& f,
                                                                                                 shared_bars& x) {
  ml::bar_series read;
  auto done = caf::meta::load_callback([&]() -> caf::error {
    x = shared_bars{std::move(read)};
    return caf::none;
  });
  return f(caf::meta::type_name("shared_bars"), read, done);
}

}  // namespace mlt::msg
