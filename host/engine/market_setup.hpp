#pragma once
// The model-specific part of a run: which assets never move, and the step
// coefficients and tables of the configured model (gbm, merton, fhs, garch) in
// the snapshot's asset order, written into a simulation plan.

#include <vector>

#include "host/config/run_config.hpp"
#include "host/engine/simulation_plan.hpp"
#include "host/snapshot/snapshot.hpp"
#include "models/gbm.hpp"

namespace levrisk {

// Assets whose price the configured model holds fixed (pegged stablecoins):
// zero drift and volatility, and no jumps under "merton".
std::vector<bool> constant_assets(const run_config& config, const snapshot& snap,
                                  const gbm_model& model);

// Sets sim's drift_dt, vol_sqrt_dt and cholesky for the configured model, and
// its jump, GARCH or history tables. `model` is snapshot_model(config, snap).
void set_market(const run_config& config, const snapshot& snap, const gbm_model& model,
                const std::vector<bool>& constant_asset, simulation_plan& sim);

}  // namespace levrisk
