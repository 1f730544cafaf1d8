#include "host/engine/market_setup.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include "common/toml_text.hpp"
#include "host/engine/snapshot_model.hpp"
#include "models/calibration/ewma.hpp"
#include "models/correlation.hpp"
#include "models/fhs.hpp"
#include "models/garch.hpp"
#include "models/merton.hpp"
#include "models/t_mixing.hpp"

namespace levrisk {
namespace {

std::string model_context(const run_config& config) {
  return (config.model_source.empty() ? config.source : config.model_source) + ": model";
}

void set_merton(const run_config& config, const snapshot& snap, const gbm_model& model,
                simulation_plan& sim) {
  const jump_step_coefficients j =
      merton_step_coefficients(snapshot_jumps(config, snap), model.params().asset_ids,
                               config.dt_years(), model_context(config));
  // Compensated: E[S_T] = S_0 e^{mu T} (models/merton.hpp).
  for (std::size_t k = 0; k < sim.market.diffusion.drift_dt.size(); ++k) {
    const gbm_asset_params& p = model.params().assets[k];
    sim.market.diffusion.drift_dt[k] = static_cast<float>(
        (p.drift_annual - 0.5 * p.vol_annual * p.vol_annual) * config.dt_years() -
        j.drift_compensation_dt[k]);
  }
  set_jump_tables(j, sim);
}

// The history's window and each asset's filter, for the result file.
std::string history_fit_toml(const run_config& config, const fhs_tables& history,
                             const std::vector<std::string>& asset_ids) {
  std::ostringstream out;
  out << "[fhs]\nfilter = " << toml_quoted(config.fhs.filter) << "\n"
      << "dates = " << history.n_dates << "\n"
      << "window_start = " << toml_quoted(history.window_start) << "\n"
      << "window_end = " << toml_quoted(history.window_end) << "\n"
      << "period_days = " << toml_number(history.period_days) << "\n";
  for (std::size_t k = 0; k < asset_ids.size(); ++k) {
    const fhs_filter& f = history.filter[k];
    if (history.vol_now_annual[k] == 0.0) continue;  // pegged: not filtered
    out << "\n[fhs.assets." << toml_key(asset_ids[k]) << "]\n"
        << "omega = " << toml_number(f.omega) << "\n"
        << "alpha = " << toml_number(f.alpha) << "\n"
        << "beta = " << toml_number(f.beta) << "\n"
        << "variance_now = " << toml_number(f.variance_now) << "\n"
        << "vol_now_annual = " << toml_number(history.vol_now_annual[k]) << "\n";
  }
  return out.str();
}

// Each returns what set_market does for its model.
market_summary set_history(const run_config& config, const gbm_model& model,
                           const std::vector<bool>& constant_asset, simulation_plan& sim) {
  fhs_tables history = build_fhs_tables(config.fhs, model.params().asset_ids, constant_asset, "",
                                        model_context(config));
  sim.market.history.residual = std::move(history.residual);
  sim.market.history.dates = history.n_dates;
  sim.market.history.block_length = config.fhs.block_length;
  const double dt = config.dt_years();
  for (std::size_t k = 0; k < sim.market.diffusion.drift_dt.size(); ++k) {
    const double drift = model.params().assets[k].drift_annual;
    const double vol = history.vol_now_annual[k];
    if (config.fhs.update_volatility) {  // the kernel's -h/2 replaces the Ito term
      sim.market.diffusion.drift_dt[k] = static_cast<float>(drift * dt);
    } else {  // today's conditional volatility rescales the residuals
      sim.market.diffusion.drift_dt[k] = static_cast<float>((drift - 0.5 * vol * vol) * dt);
      sim.market.diffusion.vol_sqrt_dt[k] = static_cast<float>(vol * std::sqrt(dt));
    }
  }
  if (config.fhs.update_volatility) {
    set_garch_tables(
        fhs_variance_recursion(history, config.horizon_days / config.steps, model_context(config)),
        sim);
  }
  return {history.vol_now_annual, history_fit_toml(config, history, model.params().asset_ids)};
}

market_summary set_garch(const run_config& config, const snapshot& snap, const gbm_model& model,
                         const std::vector<bool>& constant_asset, simulation_plan& sim) {
  std::vector<garch_asset_params> params;
  for (const std::size_t i : config_asset_order(config, snap)) {
    params.push_back(i < config.garch.size() ? config.garch[i] : garch_asset_params{});
  }
  const garch_step_coefficients g =
      garch_coefficients(params, model.params().asset_ids, constant_asset, config.horizon_days,
                         config.steps, model_context(config));
  // Mixing with different nu attenuates correlation: correlate the normals more.
  const std::vector<double> normal_correlation = validated_correlation(
      garch_normal_correlation(model.params().correlation, g, constant_asset),
      model.params().asset_ids, model.params().repair_correlation,
      model_context(config) + ": correlation of the GARCH innovations' normals");
  const std::vector<double> factor =
      cholesky_lower(normal_correlation, static_cast<int>(params.size()));
  for (std::size_t i = 0; i < factor.size(); ++i)
    sim.market.diffusion.cholesky[i] = static_cast<float>(factor[i]);
  std::vector<double> vol_now_annual;
  for (std::size_t k = 0; k < sim.market.diffusion.drift_dt.size(); ++k) {
    sim.market.diffusion.drift_dt[k] =
        static_cast<float>(model.params().assets[k].drift_annual * config.dt_years());
    vol_now_annual.push_back(
        constant_asset[k]
            ? 0.0
            : calibration::annualized_vol(params[k].variance_now, params[k].period_days));
  }
  set_garch_tables(g, sim);
  return {vol_now_annual, ""};
}

}  // namespace

void set_jump_tables(const jump_step_coefficients& jumps, simulation_plan& sim) {
  sim.market.jumps.rate = jumps.rate;
  sim.market.jumps.count_cdf = jumps.count_cdf;
  sim.market.jumps.mean = jumps.mean;
  sim.market.jumps.stdev = jumps.stdev;
  sim.market.jumps.systemic_loading = jumps.systemic_loading;
  sim.market.jumps.systemic_mean = jumps.systemic_mean;
  sim.market.jumps.systemic_stdev = jumps.systemic_stdev;
}

void set_garch_tables(const garch_step_coefficients& garch, simulation_plan& sim) {
  sim.market.garch.omega = garch.omega;
  sim.market.garch.alpha = garch.alpha;
  sim.market.garch.beta = garch.beta;
  sim.market.garch.variance_now = garch.variance_now;
  sim.market.garch.mixing = garch.interleaved_mixing();
  sim.market.garch.mixing_z_min = t_mixing_z_min;
  sim.market.garch.mixing_intervals_per_unit = static_cast<float>(t_mixing_intervals_per_unit);
  sim.market.garch.mixing_intervals = t_mixing_intervals;
  sim.market.garch.substeps = garch.substeps;
}

std::vector<bool> constant_assets(const run_config& config, const snapshot& snap,
                                  const gbm_model& model) {
  const merton_params jumps = snapshot_jumps(config, snap);
  const bool with_jumps = config.model == "merton";
  std::vector<bool> constant;
  for (std::size_t k = 0; k < model.params().assets.size(); ++k) {
    const gbm_asset_params& p = model.params().assets[k];
    const merton_asset_params& j = jumps.assets[k];
    const bool jumps_move_it =
        with_jumps && (j.jump_intensity_annual > 0.0 ||
                       (j.systemic_loading != 0.0 && jumps.systemic.intensity_annual > 0.0));
    constant.push_back(p.vol_annual == 0.0 && p.drift_annual == 0.0 && !jumps_move_it);
  }
  return constant;
}

market_summary set_market(const run_config& config, const snapshot& snap, const gbm_model& model,
                          const std::vector<bool>& constant_asset, simulation_plan& sim) {
  const gbm_step_coefficients step = model.step_coefficients(config.dt_years());
  sim.market.diffusion.drift_dt = step.drift_dt;
  sim.market.diffusion.vol_sqrt_dt = step.vol_sqrt_dt;
  sim.market.diffusion.cholesky = step.cholesky;
  sim.market.kind = market_kind::gbm;
  if (config.model == "merton") {
    sim.market.kind = market_kind::merton;
    set_merton(config, snap, model, sim);
  }
  if (config.model == "fhs") {
    sim.market.kind =
        config.fhs.update_volatility ? market_kind::historical_carried : market_kind::historical;
  }
  if (config.model == "garch") sim.market.kind = market_kind::garch_t;
  if (config.model == "fhs") return set_history(config, model, constant_asset, sim);
  if (config.model == "garch") return set_garch(config, snap, model, constant_asset, sim);
  market_summary summary;  // gbm; merton: the diffusion's vol (snapshot_model)
  for (const gbm_asset_params& p : model.params().assets) {
    summary.vol_now_annual.push_back(p.vol_annual);
  }
  return summary;
}

}  // namespace levrisk
