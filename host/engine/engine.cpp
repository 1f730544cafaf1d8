#include "host/engine/engine.hpp"

#include <algorithm>
#include <cmath>

#include "host/common/build_info.hpp"
#include "host/common/error.hpp"
#include "host/engine/risk_plan.hpp"
#include "host/engine/summarize.hpp"
#include "models/correlation.hpp"
#include "models/fhs.hpp"
#include "models/garch.hpp"

namespace levrisk {
namespace {

// Health-factor minimum histograms: bins of 0.0005 in log-factor units (0.05%
// of price) out to a move of e^-4.1 (a 98% fall) or e^4.1.
constexpr int histogram_bins = 8192;
constexpr double histogram_width = 0.0005;

}  // namespace

gbm_model snapshot_model(const run_config& config, const snapshot& snap) {
  const gbm_params& all = config.gbm;
  const std::size_t n_all = all.asset_ids.size();
  gbm_params params;
  params.repair_correlation = all.repair_correlation;
  std::vector<std::size_t> source_index;
  for (const asset& a : snap.assets) {
    const auto it = std::find(all.asset_ids.begin(), all.asset_ids.end(), a.id);
    LEVRISK_REQUIRE(it != all.asset_ids.end(), input_error,
                    config.source << ": asset '" << a.id << "' of snapshot '" << snap.source
                                  << "' has no parameters in [model.assets]");
    const auto i = static_cast<std::size_t>(it - all.asset_ids.begin());
    source_index.push_back(i);
    params.asset_ids.push_back(a.id);
    params.assets.push_back(all.assets[i]);
    if (config.model == "merton" && i < config.merton_diffusion_vol.size() &&
        !std::isnan(config.merton_diffusion_vol[i])) {
      params.assets.back().vol_annual = config.merton_diffusion_vol[i];
    }
  }
  for (const std::size_t i : source_index) {
    for (const std::size_t j : source_index)
      params.correlation.push_back(all.correlation[i * n_all + j]);
  }
  return gbm_model(std::move(params), config.source + ": model");
}

merton_params snapshot_jumps(const run_config& config, const snapshot& snap) {
  merton_params jumps;
  jumps.systemic = config.merton.systemic;
  for (const asset& a : snap.assets) {
    const auto it = std::find(config.gbm.asset_ids.begin(), config.gbm.asset_ids.end(), a.id);
    const auto i = static_cast<std::size_t>(it - config.gbm.asset_ids.begin());
    jumps.assets.push_back(i < config.merton.assets.size() ? config.merton.assets[i]
                                                           : merton_asset_params{});
  }
  return jumps;
}

run_result run_simulation(const run_config& config, const snapshot& snap, backend& executor,
                          const progress_callback& progress) {
  validate_run_config(config);
  const gbm_model model = snapshot_model(config, snap);
  gbm_step_coefficients step = model.step_coefficients(config.dt_years());
  const bool with_jumps = config.model == "merton";
  const merton_params jumps = snapshot_jumps(config, snap);
  jump_step_coefficients jump_step;
  if (with_jumps) {
    jump_step = merton_step_coefficients(jumps, model.params().asset_ids, config.dt_years(),
                                         config.source + ": model");
    for (std::size_t k = 0; k < step.drift_dt.size(); ++k) {
      const gbm_asset_params& p = model.params().assets[k];
      step.drift_dt[k] = static_cast<float>((p.drift_annual - 0.5 * p.vol_annual * p.vol_annual) *
                                                config.dt_years() -
                                            jump_step.drift_compensation_dt[k]);
    }
  }

  std::vector<float> history_residual;
  int history_dates = 0;
  std::vector<bool> constant_asset;
  for (std::size_t k = 0; k < model.params().assets.size(); ++k) {
    const gbm_asset_params& p = model.params().assets[k];
    const bool jumps_move_it =
        with_jumps &&
        (jumps.assets[k].jump_intensity_annual > 0.0 ||
         (jumps.assets[k].systemic_loading != 0.0 && jumps.systemic.intensity_annual > 0.0));
    constant_asset.push_back(p.vol_annual == 0.0 && p.drift_annual == 0.0 && !jumps_move_it);
  }
  const risk_plan_settings settings{config.seed,
                                    config.paths,
                                    config.steps,
                                    config.hf_sample_paths,
                                    config.hf_sample_max_unit_steps,
                                    histogram_bins,
                                    histogram_width};
  if (config.model == "fhs") {
    // Today's EWMA volatility of the history rescales its residuals; the drift
    // keeps E[S_T] = S_0 e^{mu T} to first order, as for GBM.
    const fhs_tables history = build_fhs_tables(config.fhs, model.params().asset_ids,
                                                constant_asset, "", config.source + ": model");
    const double dt = config.dt_years();
    for (std::size_t k = 0; k < step.drift_dt.size(); ++k) {
      const double vol = history.vol_now_annual[k];
      step.drift_dt[k] =
          static_cast<float>((model.params().assets[k].drift_annual - 0.5 * vol * vol) * dt);
      step.vol_sqrt_dt[k] = static_cast<float>(vol * std::sqrt(dt));
    }
    history_residual = history.residual;
    history_dates = history.n_dates;
  }
  garch_step_coefficients garch;
  if (config.model == "garch") {
    std::vector<garch_asset_params> params;
    for (const asset& a : snap.assets) {
      const auto it = std::find(config.gbm.asset_ids.begin(), config.gbm.asset_ids.end(), a.id);
      const auto i = static_cast<std::size_t>(it - config.gbm.asset_ids.begin());
      params.push_back(i < config.garch.size() ? config.garch[i] : garch_asset_params{});
    }
    const std::string context = config.source + ": model";
    garch = garch_coefficients(params, model.params().asset_ids, constant_asset,
                               config.horizon_days / config.steps, context);
    // Independent t mixing attenuates correlation: correlate the normals more.
    const std::vector<double> normal_correlation = validated_correlation(
        garch_normal_correlation(model.params().correlation, params, constant_asset),
        model.params().asset_ids, model.params().repair_correlation,
        context + ": correlation of the GARCH innovations' normals");
    const std::vector<double> factor =
        cholesky_lower(normal_correlation, static_cast<int>(params.size()));
    for (std::size_t i = 0; i < factor.size(); ++i)
      step.cholesky[i] = static_cast<float>(factor[i]);
    for (std::size_t k = 0; k < step.drift_dt.size(); ++k) {
      step.drift_dt[k] =
          static_cast<float>(model.params().assets[k].drift_annual * config.dt_years());
    }
  }
  risk_plan plan = build_risk_plan(snap, constant_asset, step.drift_dt, step.vol_sqrt_dt,
                                   step.cholesky, settings);
  if (!garch.omega.empty()) {
    plan.simulation.garch_omega = garch.omega;
    plan.simulation.garch_alpha = garch.alpha;
    plan.simulation.garch_beta = garch.beta;
    plan.simulation.garch_variance_now = garch.variance_now;
    plan.simulation.garch_nu_minus_2 = garch.nu_minus_2;
    plan.simulation.garch_gamma_d = garch.gamma_d;
    plan.simulation.garch_gamma_c = garch.gamma_c;
  }
  if (!history_residual.empty()) {
    plan.simulation.history_residual = std::move(history_residual);
    plan.simulation.history_dates = history_dates;
    plan.simulation.history_block_length = config.fhs.block_length;
  }
  if (with_jumps) {
    plan.simulation.jump_count_cdf = jump_step.count_cdf;
    plan.simulation.jump_mean = jump_step.mean;
    plan.simulation.jump_stdev = jump_step.stdev;
    plan.simulation.systemic_loading = jump_step.systemic_loading;
    plan.simulation.systemic_jump_mean = jump_step.systemic_mean;
    plan.simulation.systemic_jump_stdev = jump_step.systemic_stdev;
  }

  const std::int64_t batch = std::min(
      config.paths, config.batch_paths > 0 ? config.batch_paths : executor.default_batch_paths());
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
  result.metadata.wall_time_s = 0.0;

  for (std::size_t k = 0; k < snap.assets.size(); ++k) {
    result.assets.push_back(asset_result{snap.assets[k].id, snap.assets[k].spot_usd,
                                         model.params().assets[k].drift_annual,
                                         model.params().assets[k].vol_annual});
  }
  result.correlation = model.params().correlation;
  result.hf_min_levels = config.hf_min_levels;
  result.units =
      summarize_units(plan, tallies, config.horizon_days / config.steps, config.hf_min_levels);
  return result;
}

}  // namespace levrisk
