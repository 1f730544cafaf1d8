#pragma once
// The model-specific part of a run: which assets never move, and the step
// coefficients and tables of the configured model (gbm, merton, fhs, garch) in
// the snapshot's asset order, written into a simulation plan.

#include <string>
#include <vector>

#include "host/config/run_config.hpp"
#include "host/plan/simulation_plan.hpp"
#include "host/snapshot/snapshot.hpp"
#include "models/garch.hpp"
#include "models/gbm.hpp"
#include "models/merton.hpp"

namespace levrisk {

// Assets whose price the configured model holds fixed (pegged stablecoins):
// zero drift and volatility, and no jumps under "merton".
std::vector<bool> constant_assets(const run_config& config, const snapshot& snap,
                                  const gbm_model& model);

// Copy a model's per-step tables into a plan (also used by bench/).
void set_jump_tables(const jump_step_coefficients& jumps, simulation_plan& sim);
void set_garch_tables(const garch_step_coefficients& garch, simulation_plan& sim);

// Sets sim's drift_dt, vol_sqrt_dt and cholesky for the configured model, and
// its jump, GARCH or history tables. `model` is snapshot_model(config, snap).
struct market_summary {
  // Each asset's annualized volatility at the snapshot as simulated: the
  // configured (merton: diffusion) vol_annual; garch: from variance_now; fhs:
  // the filter's today.
  std::vector<double> vol_now_annual;
  // What the run fitted from data, as TOML (fhs: the history's window and each
  // asset's filter); empty when the configuration holds every parameter.
  std::string fit_toml;
};

market_summary set_market(const run_config& config, const snapshot& snap, const gbm_model& model,
                          const std::vector<bool>& constant_asset, simulation_plan& sim);

}  // namespace levrisk
