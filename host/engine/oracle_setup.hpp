#pragma once
// The oracle part of a run (docs/methodology.md, "Oracles"): the configured
// push rules of each oracle and snapshot asset in steps of the run, and each
// oracle's state at the snapshot, written into an oracle plan for
// kernels/risk/oracle.hpp.

#include <string>
#include <vector>

#include "host/config/run_config.hpp"
#include "host/plan/execution_plan.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// The venues that read an oracle of their own ([oracle.venues.ID]), in the
// order of their groups (group i + 1 is the i-th); none without an oracle.
std::vector<std::string> own_oracle_venues(const run_config& config);

// The oracles of the run into plan.oracle: group 0 the default one, then one
// per venue of own_oracle_venues, whose venue_rules::oracle_group it sets.
// Rounds the configured times to steps of horizon_days * 86400 / steps seconds:
// the heartbeat up to the first step at or after it (at least 1, with a
// relative tolerance of 1e-9), the latency and each feed's delay to the nearest
// step, the snapshot's oracle age down. A venue's oracle starts from its
// venue_oracles.csv row for the asset, else from assets.csv's oracle columns.
// Throws input_error for an [oracle.assets.ID] or [oracle.venues.V.assets.ID]
// the snapshot does not have, an [oracle.venues.V] it has no venue V for, a
// venue_oracles.csv row of a venue without its own oracle (with the oracle
// on), and for a time whose steps do not fit an int beside the run's steps.
// Needs plan.venues and venue_ids (set_execution).
void set_oracle(const run_config& config, const snapshot& snap, execution_plan& plan);

}  // namespace levrisk
