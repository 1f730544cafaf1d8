#pragma once
// The oracle part of a run (docs/methodology.md, "Oracles"): the configured
// push rules of each snapshot asset in steps of the run, and the oracle's state
// at the snapshot, written into an oracle plan for kernels/risk/oracle.hpp.

#include "host/config/run_config.hpp"
#include "host/plan/feedback_plan.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Rounds the configured times to steps of horizon_days * 86400 / steps seconds:
// the heartbeat up to the first step at or after it (at least 1, with a
// relative tolerance of 1e-9), the latency and each feed's delay to the nearest
// step, the snapshot's oracle age down. Throws input_error for an
// [oracle.assets.ID] the snapshot does not have, and for a time whose steps do
// not fit an int beside the run's steps.
void set_oracle(const run_config& config, const snapshot& snap, oracle_plan& plan);

}  // namespace levrisk
