#include <catch2/catch.hpp>

#include <algorithm>

#include "config/config_file.hpp"
#include "config/plan_convert.hpp"

using namespace mlt::config;

TEST_CASE("a schedule's request becomes a trial plan with its explicit keys pinned") {
  daemon_options o;
  config_report r;
  apply_config_json(R"({"trial_defaults":{"model":"logistic","horizon":3,"paper":{"cash":5000,"allow_short":true}},
    "schedules":[{"name":"n","cron":"0 22 * * 1-5","request":{"symbol":"QQQ","train_ratio":0.6,"seed":9,
      "params":{"max_depth":5},"paper":{"stop_loss":0.02}}}]})",
                    o, r);
  INFO(r.error_text());
  REQUIRE(r.ok());
  const auto defaults = to_trial_plan(o.trial_defaults);
  CHECK(defaults.model == "logistic");
  CHECK(defaults.horizon == 3);
  CHECK(defaults.paper.cash == 5000);
  CHECK(defaults.paper.allow_short);
  CHECK(defaults.pinned.empty());

  REQUIRE(o.schedules.size() == 1);
  const auto plan = to_trial_plan(o.schedules[0].request);
  CHECK(plan.symbol == "QQQ");
  CHECK(plan.model == "logistic");  // from trial_defaults
  CHECK(plan.horizon == 3);
  CHECK(plan.train_ratio == 0.6);
  CHECK(plan.val_ratio == 0.15);
  CHECK(plan.seed == 9);
  CHECK(plan.params.at("max_depth") == 5);
  CHECK(plan.paper.cash == 5000);
  CHECK(plan.paper.stop_loss == 0.02);
  for (const char* key : {"train_ratio", "seed", "params", "paper.stop_loss"}) {
    INFO(key);
    CHECK(mlt::msg::is_pinned(plan, key));
  }
  CHECK_FALSE(mlt::msg::is_pinned(plan, "model"));
}
