#pragma once
// The configured model in the snapshot's asset order. The configuration keeps
// its per-asset tables in config.gbm.asset_ids order; the engine, the market
// set-up and the kernels index assets as the snapshot lists them.

#include <cstddef>
#include <vector>

#include "host/config/run_config.hpp"
#include "host/snapshot/snapshot.hpp"
#include "models/gbm.hpp"
#include "models/merton.hpp"

namespace levrisk {

// For each snapshot asset, its index in config.gbm.asset_ids (the order of every
// per-asset table of the configuration); config.gbm.asset_ids.size() if absent.
std::vector<std::size_t> config_asset_order(const run_config& config, const snapshot& snap);

// The configured model restricted to, and ordered as, the snapshot's assets.
// Every snapshot asset needs parameters; extra model assets are ignored.
// Under "merton", an asset's diffusion_vol_annual (when given) replaces its vol_annual.
gbm_model snapshot_model(const run_config& config, const snapshot& snap);

// The configured jumps in the snapshot's asset order.
merton_params snapshot_jumps(const run_config& config, const snapshot& snap);

}  // namespace levrisk
