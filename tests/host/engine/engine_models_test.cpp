// The engine under its other market models (Merton jumps, GARCH-t, filtered
// historical simulation) against the plain twins of tests/reference/scalar_models.hpp.
// The twins draw from their own generator, so the comparison is between two
// independent binomial estimates of each unit's liquidation probability: they
// must agree within 4 combined standard errors,
//   |p_engine - p_reference| <= 4 sqrt(p_e (1 - p_e) / n_e + p_r (1 - p_r) / n_r),
// with fixed seeds. The book holds one unit per route (ladder on a USD factor,
// ladder on a price ratio, rising ladder, exact multi-asset lending and cross
// margin), each placed to be liquidated on between a few and about 60% of paths.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/engine/engine.hpp"
#include "models/fhs.hpp"
#include "tests/reference/scalar_models.hpp"

namespace levrisk {
namespace {

constexpr double btc_spot = 95000.0, eth_spot = 3500.0, sol_spot = 240.0;

struct book_levels {
  double eth_lending_hf;  // ETH collateral, USDC debt: a ladder on ETH
  double ratio_hf;        // BTC collateral, ETH debt: a ladder on BTC / ETH
  double multi_hf;        // BTC and SOL collateral, USDC debt: exact
  double short_barrier;   // isolated short SOL perp liquidated at this fraction of spot
  double cross_hf;        // long ETH, short BTC perps on one cross-margin account: exact
};

snapshot book(const book_levels& h) {
  snapshot snap;
  snap.source = "model-test";
  snap.assets = {{"BTC", btc_spot}, {"ETH", eth_spot}, {"SOL", sol_spot}, {"USDC", 1.0}};
  snap.lending_markets = {
      {0, 0.73, 0.78, 0.05}, {1, 0.8, 0.83, 0.05}, {2, 0.65, 0.72, 0.08}, {3, 0.77, 0.8, 0.045}};
  const double mmf = 0.01;
  snap.perp_markets = {
      {"BTC-PERP", 0, mmf, 0.02}, {"ETH-PERP", 1, mmf, 0.02}, {"SOL-PERP", 2, mmf, 0.02}};
  // HF = sum c LT P / sum d P at spot (lending); equity / maintenance (perps).
  snap.lending_accounts = {
      {"L-eth", {{1, 10.0, 0.0}, {3, 0.0, 10.0 * eth_spot * 0.83 / h.eth_lending_hf}}},
      {"L-ratio", {{0, 1.0, 0.0}, {1, 0.0, btc_spot * 0.78 / h.ratio_hf / eth_spot}}},
      {"L-multi",
       {{0, 1.0, 0.0},
        {2, 100.0, 0.0},
        {3, 0.0, (btc_spot * 0.78 + 100.0 * sol_spot * 0.72) / h.multi_hf}}}};
  // Short s at entry E = spot with margin m: HF = (m + s (E - P)) / (mmf s P) = 1 at
  // P = (m + s E) / (s (1 + mmf)).
  const double size = 100.0;
  const double margin = size * (h.short_barrier * sol_spot * (1.0 + mmf) - sol_spot);
  snap.perp_positions = {
      {"P-short", 2, position_side::short_side, size, sol_spot, margin_mode::isolated, margin},
      {"C-cross", 1, position_side::long_side, 10.0, eth_spot, margin_mode::cross, 0.0},
      {"C-cross", 0, position_side::short_side, 0.5, btc_spot, margin_mode::cross, 0.0}};
  const double maintenance = mmf * (10.0 * eth_spot + 0.5 * btc_spot);
  snap.perp_accounts = {{"C-cross", h.cross_hf * maintenance}};
  return snap;
}

// BTC, ETH, SOL strongly correlated; USDC pegged.
const std::vector<double> correlation = {1.0, 0.8,  0.7, 0.0, 0.8, 1.0, 0.75, 0.0,
                                         0.7, 0.75, 1.0, 0.0, 0.0, 0.0, 0.0,  1.0};
const std::vector<double> drift_annual = {0.0, 0.2, -0.1, 0.0};

run_config base_config(const std::vector<double>& vol_annual, std::int64_t paths, int steps,
                       double horizon_days) {
  run_config config;
  config.source = "model-test-config";
  config.snapshot = "model-test";
  config.backend = "cpu";
  config.gbm.asset_ids = {"BTC", "ETH", "SOL", "USDC"};
  for (std::size_t k = 0; k < vol_annual.size(); ++k) {
    config.gbm.assets.push_back({drift_annual[k], vol_annual[k]});
  }
  config.gbm.correlation = correlation;
  config.paths = paths;
  config.steps = steps;
  config.horizon_days = horizon_days;
  config.seed = 1234;
  config.hf_sample_paths = 0;  // probabilities only
  return config;
}

void expect_same_probabilities(const run_result& engine, std::int64_t engine_paths,
                               const std::vector<reference::unit_outcome>& reference,
                               std::int64_t reference_paths) {
  ASSERT_EQ(engine.units.size(), reference.size());
  for (std::size_t u = 0; u < reference.size(); ++u) {
    const double p_e = engine.units[u].liquidation_probability;
    const double p_r = static_cast<double>(reference[u].liquidated_paths) / reference_paths;
    const double se = std::sqrt(p_e * (1.0 - p_e) / static_cast<double>(engine_paths) +
                                p_r * (1.0 - p_r) / static_cast<double>(reference_paths));
    EXPECT_NEAR(p_e, p_r, 4.0 * se) << engine.units[u].id;
    // The book must be informative: neither safe nor certain.
    EXPECT_GT(p_r, 0.03) << engine.units[u].id;
    EXPECT_LT(p_r, 0.7) << engine.units[u].id;
  }
}

TEST(EngineModels, MertonWithSystemicJumpsMatchesTheScalarReference) {
  const snapshot snap = book({1.12, 1.07, 1.10, 1.15, 3.0});
  const std::vector<double> vol = {0.45, 0.55, 0.8, 0.0};
  run_config config = base_config(vol, 30000, 48, 10.0);
  config.model = "merton";
  config.merton.assets = {
      {12.0, -0.04, 0.05, 1.0}, {15.0, -0.05, 0.06, 1.3}, {20.0, -0.06, 0.08, 1.6}, {}};
  config.merton.systemic = {10.0, -0.08, 0.04};
  const run_result result = run_simulation(config, snap, *make_cpu_backend(0));

  std::vector<reference::merton_asset> assets;
  for (std::size_t k = 0; k < vol.size(); ++k) {
    const merton_asset_params& j = config.merton.assets[k];
    assets.push_back({drift_annual[k], vol[k], j.jump_intensity_annual, j.jump_mean, j.jump_stdev,
                      j.systemic_loading});
  }
  reference::merton_paths model(assets, correlation, 10.0, -0.08, 0.04, config.dt_years());
  const std::int64_t reference_paths = 30000;
  const auto expected = reference::simulate_model(snap, model, 99, reference_paths, config.steps);
  expect_same_probabilities(result, config.paths, expected, reference_paths);
}

// Hourly GARCH(1,1)-t over two days. nu differs across assets (4, 4, 30), so
// the normals' correlation is adjusted for the mixing (models/garch.hpp):
// E[s_4 s_30] is about 0.93, which lifts the SOL pairs' normal correlation by
// about 0.05. The twin computes that moment by its own quadrature.
TEST(EngineModels, GarchWithGroupedTMatchesTheScalarReference) {
  const snapshot snap = book({1.12, 1.06, 1.10, 1.15, 3.0});
  const std::vector<double> vol = {0.5, 0.6, 0.8, 0.0};  // only USDC's zero matters: pegged
  run_config config = base_config(vol, 30000, 48, 2.0);
  config.model = "garch";
  const double period_days = 1.0 / 24.0;
  const std::vector<double> variance_now = {1.5e-4, 2.5e-4, 4e-4};
  const std::vector<double> nu = {4.0, 4.0, 30.0};
  config.garch.assign(4, garch_asset_params{});
  for (int k = 0; k < 3; ++k) {
    config.garch[k] = garch_asset_params{true,  0.02 * variance_now[k], 0.08,       0.9,
                                         nu[k], variance_now[k],        period_days};
  }
  const run_result result = run_simulation(config, snap, *make_cpu_backend(0));

  std::vector<reference::garch_asset> assets;
  for (int k = 0; k < 3; ++k) {
    const garch_asset_params& g = config.garch[k];
    assets.push_back({false, drift_annual[k], g.omega, g.alpha, g.beta, g.nu, g.variance_now});
  }
  assets.push_back({true, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0});
  reference::garch_paths model(assets, correlation, config.dt_years());
  const std::int64_t reference_paths = 20000;
  const auto expected = reference::simulate_model(snap, model, 98, reference_paths, config.steps);
  expect_same_probabilities(result, config.paths, expected, reference_paths);
}

// Four-hour GARCH(1,1)-t monitored hourly (m = 4 sub-steps per period) over
// two days, against the twin stepping the same sub-step scheme.
TEST(EngineModels, GarchAtSubstepsMatchesTheScalarReference) {
  const snapshot snap = book({1.12, 1.06, 1.10, 1.15, 3.0});
  const std::vector<double> vol = {0.5, 0.6, 0.8, 0.0};
  run_config config = base_config(vol, 30000, 48, 2.0);
  config.model = "garch";
  const double period_days = 4.0 / 24.0;
  const std::vector<double> variance_now = {6e-4, 1e-3, 1.6e-3};  // per four hours
  const std::vector<double> nu = {4.0, 6.0, 30.0};
  config.garch.assign(4, garch_asset_params{});
  for (int k = 0; k < 3; ++k) {
    config.garch[k] = garch_asset_params{true,  0.02 * variance_now[k], 0.08,       0.9,
                                         nu[k], variance_now[k],        period_days};
  }
  const run_result result = run_simulation(config, snap, *make_cpu_backend(0));

  std::vector<reference::garch_asset> assets;
  for (int k = 0; k < 3; ++k) {
    const garch_asset_params& g = config.garch[k];
    assets.push_back({false, drift_annual[k], g.omega, g.alpha, g.beta, g.nu, g.variance_now});
  }
  assets.push_back({true, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0});
  reference::garch_paths model(assets, correlation, config.dt_years(), 4);
  const std::int64_t reference_paths = 20000;
  const auto expected = reference::simulate_model(snap, model, 97, reference_paths, config.steps);
  expect_same_probabilities(result, config.paths, expected, reference_paths);
}

// Daily GARCH over a week, checked daily (m = 1) and hourly (m = 24). The
// period-end prices have the same law either way (the sub-steps sum to the
// period's GARCH-t return), and the hourly checks include the daily ones, so
// each unit's liquidation probability can only rise: p_hourly >= p_daily,
// here within 4 combined standard errors (the two runs draw different normals).
TEST(EngineModels, DailyGarchCheckedHourlyLiquidatesAtLeastAsOften) {
  const snapshot snap = book({1.12, 1.08, 1.10, 1.15, 3.0});
  const std::vector<double> vol = {0.5, 0.6, 0.8, 0.0};
  const std::vector<double> variance_now = {1.2e-3, 2e-3, 3.2e-3};  // per day
  const auto run = [&](int steps) {
    run_config config = base_config(vol, 20000, steps, 7.0);
    config.model = "garch";
    config.garch.assign(4, garch_asset_params{});
    for (int k = 0; k < 3; ++k) {
      config.garch[k] =
          garch_asset_params{true, 0.05 * variance_now[k], 0.1, 0.85, 5.0, variance_now[k], 1.0};
    }
    return run_simulation(config, snap, *make_cpu_backend(0));
  };
  const run_result daily = run(7), hourly = run(168);
  ASSERT_EQ(daily.units.size(), hourly.units.size());
  double sum_daily = 0, sum_hourly = 0, sum_se = 0;
  for (std::size_t u = 0; u < daily.units.size(); ++u) {
    const double p_d = daily.units[u].liquidation_probability;
    const double p_h = hourly.units[u].liquidation_probability;
    const double se = std::sqrt((p_d * (1 - p_d) + p_h * (1 - p_h)) / 20000.0);
    EXPECT_GE(p_h, p_d - 4 * se) << daily.units[u].id;
    EXPECT_GT(p_d, 0.03) << daily.units[u].id;  // informative
    EXPECT_LT(p_h, 0.97) << daily.units[u].id;
    sum_daily += p_d;
    sum_hourly += p_h;
    sum_se += se;  // bounds the standard error of the sums' difference
  }
  // Hourly checks catch the crossings between days that daily checks miss
  // (here about a quarter more liquidations).
  EXPECT_GT(sum_hourly, sum_daily + 4 * sum_se);
}

// The reference's own check: its mixing scale has unit variance, E[s^2] = 1
// (to the quadrature's 1e-6), and the cross moment of unequal nu is below 1.
TEST(EngineModels, ReferenceGroupedTScaleHasUnitVariance) {
  for (const double nu : {4.0, 5.0, 8.0, 30.0}) {
    EXPECT_NEAR(reference::grouped_t_cross_moment(nu, nu), 1.0, 1e-6) << nu;
  }
  EXPECT_LT(reference::grouped_t_cross_moment(5.0, 8.0), 1.0);
}

// Filtered historical simulation on the bundled hourly history, today's EWMA
// volatility, blocks of 6 hours, two days.
TEST(EngineModels, HistoricalSimulationMatchesTheScalarReference) {
  const snapshot snap = book({1.05, 1.03, 1.05, 1.08, 2.5});
  const std::vector<double> vol = {0.5, 0.6, 0.8, 0.0};  // not used by fhs but for USDC's peg
  run_config config = base_config(vol, 30000, 48, 2.0);
  config.model = "fhs";
  config.fhs.history = {LEVRISK_SOURCE_DIR "/data/history/synthetic_hourly.csv"};
  config.fhs.frequency = "1h";
  config.fhs.block_length = 6;
  const run_result result = run_simulation(config, snap, *make_cpu_backend(0));

  // The residual table and today's volatility are the model's set-up, shared;
  // the resampling and the paths are the reference's own.
  const fhs_tables tables = build_fhs_tables(config.fhs, config.gbm.asset_ids,
                                             {false, false, false, true}, "", "model-test");
  reference::fhs_paths model(tables.residual, tables.n_dates, tables.vol_now_annual, drift_annual,
                             config.fhs.block_length, config.dt_years());
  const std::int64_t reference_paths = 30000;
  const auto expected = reference::simulate_model(snap, model, 97, reference_paths, config.steps);
  expect_same_probabilities(result, config.paths, expected, reference_paths);
}

}  // namespace
}  // namespace levrisk
