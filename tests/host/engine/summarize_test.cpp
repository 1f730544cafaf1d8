#include "host/engine/summarize.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "engine_fixtures.hpp"
#include "host/backend/backend.hpp"
#include "host/engine/engine.hpp"
#include "host/engine/margin_ratio.hpp"

namespace levrisk {
namespace {

constexpr int bins = 16;
constexpr double width = 0.25;  // the last bin holds every distance from 15 x 0.25 = 3.75 on
constexpr double hf0 = 1.5;

// One lending-like ladder unit, HF = hf0 e^y (increasing in the factor), over
// 100 paths whose factor minimum was binned by hand: 70 paths at a distance in
// bin 0, 30 in the clamped last bin.
struct hand_made_run {
  risk_plan plan;
  simulation_tallies tallies;

  hand_made_run() {
    simulation_plan& sim = plan.simulation;
    sim.n_paths = 100;
    sim.ladders.histogram_bins = bins;
    sim.ladders.histogram_width = width;
    sim.ladders.factors = {factor_spec{0, -1, {-0.5f}, {}, {0}, {}}};
    planned_unit unit{};
    unit.id = "a";
    unit.kind = risk_unit_kind::lending_account;
    unit.health_factor_initial = hf0;
    unit.route = unit_route::ladder;
    unit.factor = 0;
    unit.ladder_position = 0;
    unit.a = 0.0;
    unit.b = hf0;
    unit.c = 1.0;
    unit.d = 0.0;
    plan.units = {unit};
    const std::size_t diff_size = 3;  // one falling threshold, two ladders: 1 + 2
    tallies.crossed_diff.assign(diff_size, 0);
    tallies.step_sum_diff.assign(diff_size, 0);
    tallies.step_sq_sum_diff.assign(diff_size, 0);
    tallies.min_histogram.assign(bins, 0);
    tallies.max_histogram.assign(bins, 0);
    tallies.min_histogram[0] = 70;
    tallies.min_histogram[bins - 1] = 30;
  }
};

TEST(Summarize, QuantileInTheClampedLastBinIsMarkedAsABound) {
  const hand_made_run run;
  // Level 0.1: HF rank 10 is distance rank 91, in the last bin (ranks 71..100),
  // as are its interval ends (HF ranks 4 and 17).
  const std::vector<unit_result> units = summarize_units(run.plan, run.tallies, 1.0, {0.1});
  ASSERT_EQ(units.size(), 1u);
  const unit_result& u = units[0];
  ASSERT_EQ(u.hf_min_quantile_bound.size(), 1u);
  EXPECT_EQ(u.hf_min_quantile_bound[0], 1);
  EXPECT_EQ(u.hf_min_quantile_lo_bound[0], 1);
  EXPECT_EQ(u.hf_min_quantile_hi_bound[0], 1);
  // Read at the bin's lower edge: every distance in the bin is at least that far.
  EXPECT_DOUBLE_EQ(u.hf_min_quantile[0], hf0 * std::exp(-(bins - 1) * width));
}

TEST(Summarize, BoundIsATrueUpperBoundForEveryDistanceTheLastBinHolds) {
  const hand_made_run run;
  const unit_result u = summarize_units(run.plan, run.tallies, 1.0, {0.1})[0];
  // Any distance the last bin can hold gives an HF at most the value reported.
  for (const double distance : {3.75, 3.8, 4.0, 4.25, 8.0, 50.0}) {
    EXPECT_LE(hf0 * std::exp(-distance), u.hf_min_quantile[0]) << distance;
  }
}

TEST(Summarize, QuantileInsideTheRangeIsNotABound) {
  const hand_made_run run;
  // Level 0.5: HF ranks 40, 50 and 61 are distance ranks 61, 51 and 40, all in bin 0.
  const unit_result u = summarize_units(run.plan, run.tallies, 1.0, {0.5})[0];
  EXPECT_EQ(u.hf_min_quantile_bound[0], 0);
  EXPECT_EQ(u.hf_min_quantile_lo_bound[0], 0);
  EXPECT_EQ(u.hf_min_quantile_hi_bound[0], 0);
  // Read at the far edge of bin 0: errs low by at most one bin.
  EXPECT_DOUBLE_EQ(u.hf_min_quantile[0], hf0 * std::exp(-width));
}

TEST(Summarize, EachIntervalEndIsMarkedOnItsOwn) {
  const hand_made_run run;
  // Level 0.25: the point (HF rank 25, distance rank 76) and the lower end (HF
  // rank 16) are in the last bin; the upper end (HF rank 35, distance rank 66) is not.
  const unit_result u = summarize_units(run.plan, run.tallies, 1.0, {0.25})[0];
  EXPECT_EQ(u.hf_min_quantile_bound[0], 1);
  EXPECT_EQ(u.hf_min_quantile_lo_bound[0], 1);
  EXPECT_EQ(u.hf_min_quantile_hi_bound[0], 0);
}

// End to end: at 6000% annual volatility over one day the log price's median at
// the horizon is -sigma^2 T / 2 = -4.93, beyond the engine's histogram (which
// clamps from 8191 x 0.0005 = 4.0955 on), so the median HF minimum is a bound,
// and a true one: it is at least HF at the terminal median, which the path
// minimum's median cannot exceed. The sample median of 2000 paths is within
// 0.1 (one standard error 1.25 sigma / sqrt(n) = 0.09) of -4.93 for this seed,
// far from the histogram's edge.
TEST(Summarize, HugeVolatilityRunGivesTrueBounds) {
  using namespace testing_support;
  snapshot snap = eth_usdc_snapshot(2000.0);
  snap.lending_accounts = {barrier_account(snap, "far", 0.5)};  // HF0 = 2
  run_config config = eth_usdc_config(0.0, 60.0);
  config.paths = 2000;
  config.steps = 24;
  config.hf_min_levels = {0.5};
  const run_result result = run_simulation(config, snap, *make_cpu_backend(0));
  ASSERT_EQ(result.units.size(), 1u);
  const unit_result& u = result.units[0];
  ASSERT_EQ(u.hf_min_quantile_bound.size(), 1u);
  EXPECT_EQ(u.hf_min_quantile_bound[0], 1);
  EXPECT_NEAR(u.hf_min_quantile[0], 2.0 * std::exp(-8191 * 0.0005), 1e-9);
  const double sigma_t = 60.0 / std::sqrt(365.0);
  EXPECT_GE(u.hf_min_quantile[0], 2.0 * std::exp(-0.5 * sigma_t * sigma_t));
}

// A small run with a lending account, an isolated long and a cross-margin short on
// ETH: each perp's margin ratio quantiles are g of its HF quantiles, bit for bit, the
// interval turned over; the lending account has none.
TEST(Summarize, PerpMarginRatioIsTheMappedHealthFactorMinimum) {
  using namespace testing_support;
  snapshot snap = eth_usdc_snapshot(2000.0);
  snap.lending_accounts = {barrier_account(snap, "lender", 0.8)};
  // HF = (m + s (P - E)) / (0.01 |s| P): 30 (long, margin 600) and 20 (short, 400) at spot.
  snap.perp_positions = {
      {"long", 0, position_side::long_side, 1.0, 2000.0, margin_mode::isolated, 600.0},
      {"cross", 0, position_side::short_side, 1.0, 2000.0, margin_mode::cross, 0.0}};
  snap.perp_accounts = {{"cross", 400.0}};
  run_config config = eth_usdc_config(0.0, 0.8);
  config.paths = 4000;
  config.steps = 48;
  config.horizon_days = 10.0;
  config.hf_min_levels = {0.001, 0.01, 0.5};
  const run_result result = run_simulation(config, snap, *make_cpu_backend(0));
  ASSERT_EQ(result.units.size(), 3u);
  int perps = 0, inside = 0;
  for (const unit_result& u : result.units) {
    SCOPED_TRACE(u.id);
    ASSERT_EQ(u.margin_ratio_max_quantile.size(), 3u);
    ASSERT_EQ(u.margin_ratio_max_quantile_lo.size(), 3u);
    ASSERT_EQ(u.margin_ratio_max_quantile_hi.size(), 3u);
    ASSERT_EQ(u.margin_ratio_max_quantile_bound.size(), 3u);
    for (std::size_t l = 0; l < 3; ++l) {
      if (u.kind == risk_unit_kind::lending_account) {
        EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile[l])) << l;
        EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile_lo[l])) << l;
        EXPECT_TRUE(std::isnan(u.margin_ratio_max_quantile_hi[l])) << l;
        EXPECT_EQ(u.margin_ratio_max_quantile_bound[l], 0) << l;
        continue;
      }
      const double hf = u.hf_min_quantile[l];
      EXPECT_EQ(u.margin_ratio_max_quantile[l], hf > 1.0 ? 1.0 / hf : 1.0) << l;
      EXPECT_EQ(u.margin_ratio_max_quantile_lo[l], margin_ratio(u.hf_min_quantile_hi[l])) << l;
      EXPECT_EQ(u.margin_ratio_max_quantile_hi[l], margin_ratio(u.hf_min_quantile_lo[l])) << l;
      EXPECT_LE(u.margin_ratio_max_quantile_lo[l], u.margin_ratio_max_quantile[l]) << l;
      EXPECT_LE(u.margin_ratio_max_quantile[l], u.margin_ratio_max_quantile_hi[l]) << l;
      EXPECT_GE(u.margin_ratio_max_quantile_lo[l], 0.0) << l;
      EXPECT_LE(u.margin_ratio_max_quantile_hi[l], 1.0) << l;
      EXPECT_EQ(u.margin_ratio_max_quantile_bound[l], 0) << l;  // well inside the histogram
      inside += u.margin_ratio_max_quantile[l] > 0.0 && u.margin_ratio_max_quantile[l] < 1.0;
    }
    perps += u.kind != risk_unit_kind::lending_account;
  }
  EXPECT_EQ(perps, 2);
  EXPECT_GT(inside, 0) << "the run should give margin ratios strictly inside (0, 1)";
}

}  // namespace
}  // namespace levrisk
