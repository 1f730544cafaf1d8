#pragma once
// The feedback part of the execution plan (kernels/risk/feedback_execution.hpp):
// the oracle the protocols act on (kernels/risk/oracle.hpp) and the cascade
// rules: how much of each sale's impact stays in the market price, and how
// many liquidation rounds a step may take. Built by set_oracle
// (host/engine/oracle_setup.hpp) and set_execution.

#include <cstdint>
#include <vector>

#include "kernels/risk/oracle.hpp"

namespace levrisk {

struct oracle_plan {
  bool enabled = false;  // false: the protocols act on the market price
  // Group 0 the default oracle, then one per venue that reads its own
  // (venue_rules::oracle_group), at most max_oracle_groups.
  int n_groups = 1;
  // Per group, per asset in the snapshot's order (oracle_view::rules).
  std::vector<oracle_rule> rules;
  std::vector<oracle_feed> feeds;  // oracle_rule::first_feed indexes here
};

struct cascade_plan {
  double permanent_impact_share = 0.0;  // of each sale's impact, in [0, 1]
  int max_rounds = 32;                  // liquidation rounds per step, >= 1
  bool amplification = true;            // also run without permanent impact / with a perfect oracle
  std::int64_t amplification_paths = 0;  // ... on paths [0, this): at most the run's paths
};

}  // namespace levrisk
