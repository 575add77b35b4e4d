#pragma once
/// One policy for stray messages: log and drop. CAF 0.17's defaults answer an
/// unexpected message with an error, and an unhandled error message makes
/// the receiver quit, so one stray reply could take down a long-lived actor.

#include <caf/all.hpp>

namespace mlt::actors {

template <class Self>
void harden(Self* self) {
  self->set_default_handler([](caf::scheduled_actor* who, caf::message_view& x) -> caf::result<caf::message> {
    caf::aout(who) << "mltrainerd: " << who->name() << " dropped an unexpected message: "
                   << to_string(x.content()) << std::endl;
    return caf::message{};
  });
  self->set_error_handler([](caf::scheduled_actor* who, caf::error& err) {
    caf::aout(who) << "mltrainerd: " << who->name() << " ignored an error message: "
                   << who->home_system().render(err) << std::endl;
  });
}

}  // namespace mlt::actors
