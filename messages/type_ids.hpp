#pragma once
/// Every message type with its CAF type id, registered once at start-up by
/// register_message_types(), so any of them can cross a process boundary.

#include <caf/actor_system_config.hpp>
#include <caf/type_id.hpp>

#include "messages/chat.hpp"
#include "messages/fit_msgs.hpp"
#include "messages/cluster_msgs.hpp"
#include "messages/negotiation.hpp"
#include "messages/paper_msgs.hpp"
#include "messages/plan.hpp"
#include "messages/schedule_msgs.hpp"
#include "messages/session_msgs.hpp"
#include "messages/store_msgs.hpp"
#include "messages/trial.hpp"
#include "messages/universe_msgs.hpp"
#include "messages/walk_forward_msgs.hpp"
#include "messages/work.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(mltrainer, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_plan))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::user_chat))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::user_approve))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::agent_turn))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::volatility_report))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::progress_report))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::initial_results))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::decision))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::start_trial))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::cancel_trial))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_event))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_summary))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::final_report))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_report))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_failed))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::load_bars_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::prepare_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::prepared))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_started))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_step_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_progress))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::evaluate_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::evaluation))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::paper_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::paper_outcome))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::save_proposal))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::create_trial))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::record_event))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::set_trial_status))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::save_report))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::list_trials_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_row))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_list))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::get_trial_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_record))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::interrupt_running))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::ml::bar_series))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::ws_frame_in))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::ws_closed))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::optimize_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::optimize_outcome))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::optimize_step))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::data_progress_msg))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::portfolio_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::paper_note))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::portfolio_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::portfolio_record))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::save_portfolio))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::latest_trial_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_counts_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_counts))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::relay_after_commit))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::save_pending_proposal))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::pending_proposals_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::pending_proposal))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::pending_proposal_list))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::dismiss_proposal))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::reopen_trial))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::reopened_trial))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::record_fire))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::record_schedule_outcome))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::schedule_state))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::schedule_states_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::schedule_state_list))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::schedule_status))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::schedules_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::schedule_list))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::resume_trial))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_stop_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_kept))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::walk_forward_fold))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::walk_forward_result))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::walk_forward_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::walk_forward_started))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::walk_forward_step_request))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::walk_forward_progress))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::walk_forward_collect))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::walk_forward_outcome))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::recorded_decision))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::recorded_optimization))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_checkpoint))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::save_checkpoint))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::row_use))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::multiple_testing))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fitted_configuration))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::record_configuration))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::multiple_testing_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::matrix))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_job))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_done))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::fit_step_record))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::universe_row))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::universe_pooled))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::universe_report))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::save_universe_report))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::run_universe))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::universe_reports_query))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::stored_universe_report))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::universe_report_list))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::trial_id))
  CAF_ADD_TYPE_ID(mltrainer, (mlt::msg::proposal_id))
CAF_END_TYPE_ID_BLOCK(mltrainer)

// The cluster's messages (messages/cluster_msgs.hpp), after the block above.
CAF_BEGIN_TYPE_ID_BLOCK(mltrainer_cluster, caf::id_block::mltrainer::end)
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::cluster_hello))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::cluster_challenge))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::cluster_join))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::cluster_welcome))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::remote_call))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::place_request))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::placement))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::release_slot))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::node_fit_done))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::node_status))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::cluster_status_query))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::cluster_status))
  CAF_ADD_TYPE_ID(mltrainer_cluster, (mlt::msg::trainer_moved))
CAF_END_TYPE_ID_BLOCK(mltrainer_cluster)

namespace mlt::msg {

/// Adds every type of the block to `cfg`; call once before the actor system starts.
void register_message_types(caf::actor_system_config& cfg);

}  // namespace mlt::msg
