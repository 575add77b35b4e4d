#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

#include <algorithm>

namespace mlt::msg {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::mltrainer>();
  cfg.add_message_types<caf::id_block::mltrainer_cluster>();
  register_error_category(cfg);
}

bool is_pinned(const trial_plan& plan, const std::string& field) {
  return std::find(plan.pinned.begin(), plan.pinned.end(), field) != plan.pinned.end();
}

}  // namespace mlt::msg
