// The engine end to end on the CPU backend: first-passage probabilities against
// the closed form, liquidation counts against the scalar reference, and
// bit-identical results across thread counts and batch sizes.

#include "host/engine/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <toml.hpp>
#include <vector>

#include "host/engine/snapshot_model.hpp"
#include "host/snapshot/synth.hpp"
#include "models/fhs.hpp"
#include "tests/host/engine/engine_fixtures.hpp"
#include "tests/reference/scalar_engine.hpp"

namespace levrisk {
namespace {

using testing_support::barrier_account;
using testing_support::eth_usdc_config;
using testing_support::eth_usdc_snapshot;

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Reflection principle with drift: P(min_{t<=T} S_t <= L), nu = mu - s^2/2.
double down_first_passage(double barrier_fraction, double mu, double sigma, double t) {
  const double nu = mu - 0.5 * sigma * sigma;
  const double b = std::log(barrier_fraction);
  const double s = sigma * std::sqrt(t);
  return normal_cdf((b - nu * t) / s) +
         std::pow(barrier_fraction, 2.0 * nu / (sigma * sigma)) * normal_cdf((b + nu * t) / s);
}

// The same for P(max_{t<=T} S_t >= U), by symmetry (x -> -x, nu -> -nu).
double up_first_passage(double barrier_fraction, double mu, double sigma, double t) {
  const double nu = mu - 0.5 * sigma * sigma;
  const double b = std::log(barrier_fraction);
  const double s = sigma * std::sqrt(t);
  return normal_cdf((-b + nu * t) / s) +
         std::pow(barrier_fraction, 2.0 * nu / (sigma * sigma)) * normal_cdf((-b - nu * t) / s);
}

struct passage_case {
  double vol_annual;
  double drift_annual;
  double barrier_fraction;  // of spot; < 1: lending account, > 1: short perp
};

class FirstPassage : public ::testing::TestWithParam<passage_case> {};

// Discrete monitoring: Broadie, Glasserman & Kou (1997) shift the barrier away
// from the start by exp(0.5826 s sqrt(dt)). Tolerance: 4 binomial standard errors.
TEST_P(FirstPassage, MatchesReflectionPrincipleWithBgkCorrection) {
  const passage_case c = GetParam();
  snapshot snap = eth_usdc_snapshot(3000.0);
  run_config config = eth_usdc_config(c.drift_annual, c.vol_annual);
  config.paths = 40000;
  config.steps = 288;
  config.horizon_days = 30.0;
  config.seed = 99;
  config.hf_sample_paths = 0;
  const double t = config.horizon_days / 365.0;
  const double dt = t / config.steps;
  const double shift = std::exp(0.5826 * c.vol_annual * std::sqrt(dt));
  double expected = 0.0;
  if (c.barrier_fraction < 1.0) {
    snap.lending_accounts.push_back(barrier_account(snap, "L1", c.barrier_fraction));
    expected = down_first_passage(c.barrier_fraction / shift, c.drift_annual, c.vol_annual, t);
  } else {
    // Short of 1 ETH at spot with margin m: HF = (m + s (E - P)) / (mmf s P) = 1 at
    // P = (m + s E) / (s (1 + mmf)); choose m to put that at barrier_fraction spot.
    const double spot = snap.assets[0].spot_usd,
                 mmf = snap.perp_markets[0].maintenance_margin_fraction;
    const double margin = c.barrier_fraction * spot * (1.0 + mmf) - spot;
    snap.perp_positions.push_back(
        {"P1", 0, position_side::short_side, 1.0, spot, margin_mode::isolated, margin});
    expected = up_first_passage(c.barrier_fraction * shift, c.drift_annual, c.vol_annual, t);
  }
  const auto backend = make_cpu_backend(0);
  const run_result result = run_simulation(config, snap, *backend);
  ASSERT_EQ(result.units.size(), 1u);
  const double se = std::sqrt(expected * (1.0 - expected) / static_cast<double>(config.paths));
  EXPECT_NEAR(result.units[0].liquidation_probability, expected, 4.0 * se)
      << "vol " << c.vol_annual << " drift " << c.drift_annual << " barrier " << c.barrier_fraction;
}

INSTANTIATE_TEST_SUITE_P(
    VolDriftBarrier, FirstPassage,
    ::testing::Values(passage_case{0.5, 0.0, 0.90}, passage_case{0.8, 0.3, 0.85},
                      passage_case{1.2, -0.4, 0.70}, passage_case{0.3, 0.1, 0.95},
                      passage_case{0.8, 0.0, 1.10}, passage_case{1.2, 0.5, 1.25}));

// A realistic small portfolio: every route (ladder on a USD factor, ladder on a
// price ratio, exact multi-asset check, constant) against the scalar twin.
// Float against double arithmetic can flip a path that grazes a threshold, so
// counts may differ by a path or two; they must not differ systematically.
TEST(Engine, LiquidationCountsMatchTheScalarReference) {
  const snapshot snap = synthesize_snapshot(synth_options{120, 60, 7});
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.paths = 600;
  config.steps = 48;
  config.horizon_days = 10.0;
  config.backend = "cpu";
  config.hf_sample_paths = 64;
  const auto backend = make_cpu_backend(0);
  const run_result result = run_simulation(config, snap, *backend);
  const gbm_model model = snapshot_model(config, snap);
  const std::vector<reference::unit_outcome> expected =
      reference::simulate(snap, model, config.seed, config.paths, config.steps, config.dt_years());
  ASSERT_EQ(result.units.size(), expected.size());
  std::int64_t total_engine = 0, total_reference = 0, liquidated_units = 0;
  for (std::size_t u = 0; u < expected.size(); ++u) {
    const unit_result& r = result.units[u];
    EXPECT_LE(std::llabs(r.liquidated_paths - expected[u].liquidated_paths), 2) << r.id;
    if (expected[u].liquidated_paths > 0 && r.liquidated_paths == expected[u].liquidated_paths) {
      const double step_days = config.horizon_days / config.steps;
      EXPECT_NEAR(r.time_to_liquidation_days,
                  expected[u].step_sum / expected[u].liquidated_paths * step_days, 0.05 * step_days)
          << r.id;
    }
    total_engine += r.liquidated_paths;
    total_reference += expected[u].liquidated_paths;
    liquidated_units += expected[u].liquidated_paths > 0;
  }
  EXPECT_GT(liquidated_units, 20) << "the portfolio should exercise liquidations";
  EXPECT_LE(std::llabs(total_engine - total_reference), 2 + total_reference / 1000);
}

void expect_identical(const run_result& a, const run_result& b) {
  ASSERT_EQ(a.units.size(), b.units.size());
  for (std::size_t u = 0; u < a.units.size(); ++u) {
    const unit_result& x = a.units[u];
    const unit_result& y = b.units[u];
    EXPECT_EQ(x.liquidated_paths, y.liquidated_paths) << x.id;
    EXPECT_EQ(std::memcmp(&x.time_to_liquidation_days, &y.time_to_liquidation_days, sizeof(double)),
              0)
        << x.id;
    EXPECT_EQ(x.hf_min_quantile, y.hf_min_quantile) << x.id;
    EXPECT_EQ(x.hf_min_quantile_lo, y.hf_min_quantile_lo) << x.id;
    EXPECT_EQ(x.hf_min_quantile_hi, y.hf_min_quantile_hi) << x.id;
    EXPECT_EQ(x.hf_min_quantile_bound, y.hf_min_quantile_bound) << x.id;
    EXPECT_EQ(x.hf_min_quantile_lo_bound, y.hf_min_quantile_lo_bound) << x.id;
    EXPECT_EQ(x.hf_min_quantile_hi_bound, y.hf_min_quantile_hi_bound) << x.id;
    const unit_execution_result& ex = x.execution;
    const unit_execution_result& ey = y.execution;
    for (const auto member :
         {&unit_execution_result::liquidated_usd, &unit_execution_result::owner_loss_usd,
          &unit_execution_result::bad_debt_usd, &unit_execution_result::adl_loss_usd,
          &unit_execution_result::adl_notional_usd}) {
      EXPECT_EQ(std::memcmp(&(ex.*member), &(ey.*member), sizeof(usd_estimate)), 0) << x.id;
    }
    EXPECT_EQ(ex.bad_debt_paths, ey.bad_debt_paths) << x.id;
    EXPECT_EQ(ex.executed_paths, ey.executed_paths) << x.id;
    EXPECT_EQ(ex.adl_paths, ey.adl_paths) << x.id;
    EXPECT_EQ(std::memcmp(&ex.calls_per_executed_path, &ey.calls_per_executed_path, sizeof(double)),
              0)
        << x.id;
  }
  ASSERT_EQ(a.system.executed, b.system.executed);
  EXPECT_EQ(a.system.path_totals, b.system.path_totals);
  ASSERT_EQ(a.system.asset_sold.size(), b.system.asset_sold.size());
  for (std::size_t k = 0; k < a.system.asset_sold.size(); ++k) {
    EXPECT_EQ(
        std::memcmp(&a.system.asset_sold[k].mean, &b.system.asset_sold[k].mean, sizeof(double)), 0);
  }
}

// Runs `config` with 1 thread and batches of 1024, with 2 threads and batches
// of 333 (not a multiple of the SIMD block), and with the GPU's way through the
// exact check (regenerate rather than store the path); expects the same bits
// from all three and returns the first.
run_result expect_bit_identical_runs(run_config config, const snapshot& snap) {
  config.batch_paths = 1024;
  const run_result one_thread = run_simulation(config, snap, *make_cpu_backend(1));
  const run_result two_threads = run_simulation(config, snap, *make_cpu_backend(2));
  config.batch_paths = 333;
  const run_result small_batches = run_simulation(config, snap, *make_cpu_backend(2));
  const run_result regenerated = run_simulation(config, snap, *make_cpu_backend(2, true));
  expect_identical(one_thread, two_threads);
  expect_identical(one_thread, small_batches);
  expect_identical(one_thread, regenerated);
  return one_thread;
}

class BitIdentical : public ::testing::TestWithParam<const char*> {};

// For each model: 1 vs 2 threads, two batch sizes, and the GPU's way through
// the exact check, all bit for bit, with liquidations and auto-deleveraging.
TEST_P(BitIdentical, AcrossThreadCountsBatchSizesAndExactCheckPaths) {
  snapshot snap = synthesize_snapshot(synth_options{300, 150, 11});
  snap.perp_venues[0].insurance_fund_usd = 1000.0;  // small: auto-deleveraging on some paths
  run_config config = load_run_config(std::string(LEVRISK_SOURCE_DIR "/configs/") + GetParam());
  config.paths = 3000;
  config.steps = 96;
  config.horizon_days = 5.0;
  config.hf_sample_paths = 500;
  const run_result result = expect_bit_identical_runs(config, snap);
  ASSERT_TRUE(result.system.executed);
  EXPECT_GT(result.system.totals[total_liquidated].mean, 0.0) << "liquidations should execute";
  EXPECT_GT(result.system.totals[total_adl].probability_positive, 0.0) << "and deleverage";
  EXPECT_FALSE(result.system.path_totals.empty());
}

INSTANTIATE_TEST_SUITE_P(Models, BitIdentical,
                         ::testing::Values("nightly.toml", "nightly_jumps.toml"));

// With a progress callback a batch runs in slices, reported as they finish:
// the counts rise within the one batch to the total, and the results keep
// their bits.
TEST(Engine, ProgressTicksWithinABatchWithoutChangingResults) {
  snapshot snap = synthesize_snapshot(synth_options{300, 150, 11});
  snap.perp_venues[0].insurance_fund_usd = 1000.0;
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.paths = 3000;
  config.steps = 96;
  config.horizon_days = 5.0;
  config.hf_sample_paths = 500;
  config.batch_paths = 3000;  // one batch
  const run_result whole = run_simulation(config, snap, *make_cpu_backend(2));
  std::vector<std::int64_t> reported;
  const run_result sliced = run_simulation(config, snap, *make_cpu_backend(2),
                                           [&reported](std::int64_t done, std::int64_t total) {
                                             EXPECT_EQ(total, 3000);
                                             reported.push_back(done);
                                           });
  ASSERT_GE(reported.size(), 3u) << "the first slice is a sixteenth of the batch";
  EXPECT_EQ(reported[0], 0);    // the set-up is done
  EXPECT_EQ(reported[1], 256);  // 3000 / 16 = 187, rounded up to 256
  EXPECT_TRUE(std::is_sorted(reported.begin(), reported.end()));
  EXPECT_EQ(reported.back(), 3000);
  expect_identical(whole, sliced);
  EXPECT_EQ(sliced.metadata.batch_paths, 3000);
}

// Filtered historical simulation on the bundled synthetic history (BTC, ETH,
// SOL): a portfolio over those assets, bit for bit across threads, batches and
// exact-check paths, with liquidations happening.
// BTC, ETH, SOL and USDC (the bundled synthetic history's assets, and a
// stablecoin): ladder, ratio-ladder and exact units near liquidation, and a perp.
snapshot three_asset_snapshot() {
  snapshot snap;
  snap.source = "fhs-test";
  snap.assets = {{"BTC", 95000.0}, {"ETH", 3500.0}, {"SOL", 240.0}, {"USDC", 1.0}};
  snap.lending_markets = {
      {0, 0.73, 0.78, 0.05}, {1, 0.8, 0.83, 0.05}, {2, 0.65, 0.72, 0.08}, {3, 0.77, 0.8, 0.045}};
  snap.perp_markets = {{"SOL-PERP", 2, 0.01, 0.02}};
  for (int i = 0; i < 60; ++i) {
    const double hf = 1.01 + 0.01 * i;
    const std::string id = "L" + std::to_string(i);
    if (i % 3 == 0) {  // ETH against USDC: a ladder unit
      snap.lending_accounts.push_back({id, {{1, 10.0, 0.0}, {3, 0.0, 10.0 * 3500.0 * 0.83 / hf}}});
    } else if (i % 3 == 1) {  // BTC against ETH: a ratio ladder
      snap.lending_accounts.push_back(
          {id, {{0, 1.0, 0.0}, {1, 0.0, 95000.0 * 0.78 / hf / 3500.0}}});
    } else {  // BTC and SOL against USDC: exact
      const double collateral = 95000.0 * 0.78 + 100.0 * 240.0 * 0.72;
      snap.lending_accounts.push_back(
          {id, {{0, 1.0, 0.0}, {2, 100.0, 0.0}, {3, 0.0, collateral / hf}}});
    }
  }
  snap.perp_positions.push_back(
      {"P1", 0, position_side::long_side, 100.0, 240.0, margin_mode::isolated, 1500.0});
  return snap;
}

TEST(Engine, HistoricalSimulationIsBitIdenticalAndLiquidates) {
  const snapshot snap = three_asset_snapshot();
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.model = "fhs";
  config.fhs.history = {LEVRISK_SOURCE_DIR "/data/history/synthetic_hourly.csv"};
  config.fhs.frequency = "1h";
  config.fhs.block_length = 6;
  config.paths = 3000;
  config.steps = 168;
  config.horizon_days = 7.0;
  config.hf_sample_paths = 300;
  const run_result one_thread = expect_bit_identical_runs(config, snap);
  EXPECT_EQ(one_thread.metadata.model, "fhs");
  EXPECT_GT(one_thread.units[0].liquidated_paths, 0);  // HF 1.01 over a week
}

// The GARCH filter with its variance carried along the paths (hourly steps, the
// history's period), bit for bit likewise.
TEST(Engine, GarchFilteredHistoryWithCarriedVolatilityIsBitIdentical) {
  const snapshot snap = three_asset_snapshot();
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.model = "fhs";
  config.fhs.history = {LEVRISK_SOURCE_DIR "/data/history/synthetic_hourly.csv"};
  config.fhs.frequency = "1h";
  config.fhs.filter = "garch";
  config.fhs.update_volatility = true;
  config.paths = 3000;
  config.steps = 168;
  config.horizon_days = 7.0;
  config.hf_sample_paths = 300;
  const run_result one_thread = expect_bit_identical_runs(config, snap);
  EXPECT_GT(one_thread.units[0].liquidated_paths, 0);
  // The result records the fitted filters and today's volatility they give.
  const fhs_tables tables = build_fhs_tables(config.fhs, {"BTC", "ETH", "SOL", "USDC"},
                                             {false, false, false, true}, "", "test");
  std::istringstream fit(one_thread.metadata.model_fit);
  const toml::value parsed = toml::parse(fit, "model_fit");
  EXPECT_EQ(toml::find<std::string>(parsed, "fhs", "filter"), "garch");
  EXPECT_EQ(toml::find<int>(parsed, "fhs", "dates"), tables.n_dates);
  EXPECT_EQ(toml::find<double>(parsed, "fhs", "assets", "ETH", "beta"), tables.filter[1].beta);
  EXPECT_FALSE(toml::find(parsed, "fhs", "assets").contains("USDC"));
  EXPECT_EQ(one_thread.assets[1].vol_annual, tables.vol_now_annual[1]);
}

// GARCH(1,1)-t at the hourly period of its parameters, bit for bit across
// threads, batches and exact-check paths.
TEST(Engine, GarchIsBitIdenticalAndLiquidates) {
  const snapshot snap = three_asset_snapshot();
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.model = "garch";
  for (std::size_t k = 0; k < config.gbm.asset_ids.size(); ++k) {
    config.garch[k] = garch_asset_params{true, 2e-6, 0.06, 0.92, 5.0, 1e-4, 1.0 / 24.0};
  }
  config.paths = 3000;
  config.steps = 168;
  config.horizon_days = 7.0;
  config.hf_sample_paths = 300;
  const run_result one_thread = expect_bit_identical_runs(config, snap);
  EXPECT_EQ(one_thread.metadata.model, "garch");
  EXPECT_GT(one_thread.units[0].liquidated_paths, 0);
  // The result's volatility is the simulated one: sqrt(variance_now x periods a year).
  EXPECT_NEAR(one_thread.assets[0].vol_annual, std::sqrt(1e-4 * 24 * 365), 1e-12);
  EXPECT_EQ(one_thread.assets[3].vol_annual, 0.0);  // USDC, pegged
}

// Daily GARCH(1,1)-t monitored hourly (24 sub-steps a period): the period's
// mixing and shock sum carried across steps stay bit for bit across threads,
// batches and exact-check paths.
TEST(Engine, GarchAtSubstepsIsBitIdenticalAndLiquidates) {
  const snapshot snap = three_asset_snapshot();
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.model = "garch";
  for (std::size_t k = 0; k < config.gbm.asset_ids.size(); ++k) {
    config.garch[k] = garch_asset_params{true, 5e-5, 0.06, 0.92, 5.0, 2.4e-3, 1.0};
  }
  config.paths = 3000;
  config.steps = 168;
  config.horizon_days = 7.0;
  config.hf_sample_paths = 300;
  const run_result one_thread = expect_bit_identical_runs(config, snap);
  EXPECT_GT(one_thread.units[0].liquidated_paths, 0);
  EXPECT_NEAR(one_thread.assets[0].vol_annual, std::sqrt(2.4e-3 * 365), 1e-12);
}

// The jump model through every route (ladder, exact, constant): valid estimates.
TEST(Engine, MertonRunsThroughEveryRoute) {
  const snapshot snap = synthesize_snapshot(synth_options{200, 100, 3});
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly_jumps.toml");
  config.paths = 2000;
  config.steps = 48;
  config.horizon_days = 10.0;
  const run_result result = run_simulation(config, snap, *make_cpu_backend(0));
  EXPECT_EQ(result.metadata.model, "merton");
  std::int64_t liquidated = 0;
  for (const unit_result& u : result.units) {
    EXPECT_GE(u.liquidation_probability, 0.0);
    EXPECT_LE(u.liquidation_probability_lo, u.liquidation_probability);
    EXPECT_GE(u.liquidation_probability_hi, u.liquidation_probability);
    liquidated += u.liquidated_paths;
  }
  EXPECT_GT(liquidated, 0);
}

}  // namespace
}  // namespace levrisk
