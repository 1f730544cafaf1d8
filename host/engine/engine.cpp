#include "host/engine/engine.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "host/common/build_info.hpp"
#include "host/engine/batch_planner.hpp"
#include "host/engine/market_setup.hpp"
#include "host/engine/risk_plan.hpp"
#include "host/engine/snapshot_model.hpp"
#include "host/engine/summarize.hpp"

namespace levrisk {
namespace {

// Health-factor minimum histograms: bins of 0.0005 in log-factor units (0.05%
// of price) out to a move of e^-4.1 (a 98% fall) or e^4.1.
constexpr int histogram_bins = 8192;
constexpr double histogram_width = 0.0005;

}  // namespace

risk_plan_settings plan_settings(const run_config& config) {
  return risk_plan_settings{config.seed,
                            config.paths,
                            config.steps,
                            config.hf_sample_paths,
                            config.hf_sample_max_unit_steps,
                            histogram_bins,
                            histogram_width};
}

batch_plan choose_batch(const run_config& config, const simulation_plan& plan,
                        const backend& executor) {
  batch_request request;
  request.budget_given = config.memory_budget_bytes > 0;
  request.budget_bytes =
      request.budget_given ? config.memory_budget_bytes : executor.available_memory_bytes();
  request.budget_source =
      request.budget_given ? config.memory_budget_source : executor.available_memory_source();
  request.paths = config.paths;
  request.preferred_batch = executor.default_batch_paths();
  request.explicit_batch = config.batch_paths;
  return plan_batch(plan_footprint(plan, executor.scratch_threads()), request);
}

run_result run_simulation(const run_config& config, const snapshot& snap, backend& executor,
                          const progress_callback& progress, const batch_callback& on_batch) {
  validate_run_config(config);
  const gbm_model model = snapshot_model(config, snap);
  const std::vector<bool> constant_asset = constant_assets(config, snap, model);
  risk_plan plan = build_risk_plan(snap, constant_asset, plan_settings(config));
  const market_summary market = set_market(config, snap, model, constant_asset, plan.simulation);

  const batch_plan batching = choose_batch(config, plan.simulation, executor);
  if (on_batch) on_batch(batching);
  const std::int64_t batch = batching.batch_paths;
  executor.begin(plan.simulation, batch);
  for (std::int64_t first = 0; first < config.paths; first += batch) {
    const std::int64_t n = std::min(batch, config.paths - first);
    executor.run_batch(static_cast<std::uint64_t>(first), n);
    if (progress) progress(first + n, config.paths);
  }
  const simulation_tallies tallies = executor.finish();

  run_result result;
  result.metadata.engine_version = build_info::version;
  result.metadata.git_revision = build_info::git_revision;
  result.metadata.run_name = config.name;
  result.metadata.seed = config.seed;
  result.metadata.paths = config.paths;
  result.metadata.steps = config.steps;
  result.metadata.horizon_days = config.horizon_days;
  result.metadata.backend = executor.name();
  result.metadata.device = executor.device();
  result.metadata.model = config.model;
  result.metadata.snapshot = snap.source;
  run_config resolved = config;
  resolved.backend = executor.name();
  result.metadata.resolved_config = to_toml(resolved);
  result.metadata.model_fit = market.fit_toml;
  result.metadata.wall_time_s = 0.0;
  result.metadata.batch_paths = batch;
  result.metadata.memory_budget_bytes = batching.budget_bytes;

  for (std::size_t k = 0; k < snap.assets.size(); ++k) {
    result.assets.push_back(asset_result{snap.assets[k].id, snap.assets[k].spot_usd,
                                         model.params().assets[k].drift_annual,
                                         market.vol_now_annual[k]});
  }
  result.correlation = model.params().correlation;
  result.hf_min_levels = config.hf_min_levels;
  result.units =
      summarize_units(plan, tallies, config.horizon_days / config.steps, config.hf_min_levels);
  return result;
}

}  // namespace levrisk
