// The twin's auto-deleveraging (tests/reference/execution_reference.hpp), the
// yardstick the engine's ADL is compared with: hand-built books on scripted
// prices (every figure computed by hand below), then the conservation of the
// perp loss on every GBM path of the 62-unit book.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "host/engine/snapshot_model.hpp"
#include "tests/host/engine/execution_reference_book.hpp"
#include "tests/reference/execution_reference.hpp"

namespace levrisk {
namespace {

constexpr double tolerance = 1e-6;  // USD; hand figures in double

// BTC and ETH without depth (no impact) and without liquidation fees, so that a
// close's venue loss is max(-equity, 0). Units in order: L0 (bankrupt long), S1,
// S2, S3 (isolated BTC shorts), E1 (isolated ETH short), C (cross: BTC short,
// ETH long). At step 0 (BTC 100,000, ETH 3,000) every unit is healthy.
snapshot hand_book(double bankrupt_btc) {
  snapshot snap;
  snap.source = "adl-hand-book";
  snap.assets = {{"BTC", 100000.0}, {"ETH", 3000.0}};
  snap.perp_markets = {{"BTC-PERP", 0, 0.005, 0.02, 0.0}, {"ETH-PERP", 1, 0.01, 0.02, 0.0}};
  snap.perp_venues[0].insurance_fund_usd = 1000.0;
  const auto isolated = [&](const char* id, int market, position_side side, double size,
                            double entry, double margin) {
    snap.perp_positions.push_back({id, market, side, size, entry, margin_mode::isolated, margin});
  };
  isolated("L0", 0, position_side::long_side, bankrupt_btc, 100000.0, 5000.0 * bankrupt_btc);
  isolated("S1", 0, position_side::short_side, 0.5, 100000.0, 10000.0);
  isolated("S2", 0, position_side::short_side, 0.2, 112500.0, 3000.0);
  isolated("S3", 0, position_side::short_side, 0.3, 80000.0, 15000.0);
  isolated("E1", 1, position_side::short_side, 20.0, 3000.0, 6000.0);
  snap.perp_accounts.push_back({"C", 9000.0});
  snap.perp_positions.push_back(
      {"C", 0, position_side::short_side, 0.5, 100000.0, margin_mode::cross, 0.0});
  snap.perp_positions.push_back(
      {"C", 1, position_side::long_side, 10.0, 3000.0, margin_mode::cross, 0.0});
  return snap;
}
enum hand_unit { L0, S1, S2, S3, E1, C };

reference::execution_outcome run_one(const snapshot& snap,
                                     const std::vector<std::vector<double>>& prices,
                                     int keeper_delay_steps = 0) {
  const reference::execution_twin twin(snap, {keeper_delay_steps, 0.5, 16});
  reference::execution_outcome out;
  out.units.resize(twin.n_units());
  twin.run_path(prices, out);
  return out;
}

void expect_adl(const reference::execution_outcome& out, int unit, double loss, double notional) {
  EXPECT_NEAR(out.units[unit].adl_loss, loss, tolerance) << "unit " << unit;
  EXPECT_NEAR(out.units[unit].adl_notional, notional, tolerance) << "unit " << unit;
  EXPECT_EQ(out.units[unit].adl_paths, notional > 0.0 ? 1 : 0) << "unit " << unit;
}

// Step 1, BTC 90,000, ETH 2,800. L0 (1 BTC, margin 5,000): equity
// 5,000 - 10,000 = -5,000, closed with venue loss V = 5,000. The fund pays 1,000:
// deficit 4,000, u = 0.8. Pool (BTC, long): notional 90,000, loss 5,000, so
// need = 72,000 and gap = 1/18. The BTC shorts, value |v|, PnL, equity:
//   S1: 45,000, +5,000, 15,000: PnL% 0.1, leverage 3,    score 0.3
//   S2: 18,000, +4,500,  7,500: PnL% 0.2, leverage 2.4,  score 0.48
//   S3: 27,000, -3,000, 12,000: PnL% -0.125, leverage 2.25, score -0.0556
//   C:  45,000, +5,000, 9,000 + 5,000 - 2,000 (ETH) = 12,000: PnL% 0.1,
//       leverage 3.75, score 0.375
// Order S2, C, S1, S3 (not the order of PnL% alone, S2 S1 C, nor of leverage, C
// S1 S2): S2 closes 18,000 (loss 1,000), C 45,000 (2,500), S1 the last 9,000 of
// its 45,000 (500, phi 0.2); S3 nothing; 72,000 / 18 = 4,000 = the deficit.
TEST(ExecutionReferenceAdl, RanksByPnlFractionAndLeverageAndFillsTheLastInPart) {
  const reference::execution_outcome out =
      run_one(hand_book(1.0), {{100000.0, 3000.0}, {90000.0, 2800.0}});
  expect_adl(out, S2, 1000.0, 18000.0);
  expect_adl(out, C, 2500.0, 45000.0);
  expect_adl(out, S1, 500.0, 9000.0);
  expect_adl(out, S3, 0.0, 0.0);
  expect_adl(out, E1, 0.0, 0.0);
  expect_adl(out, L0, 0.0, 0.0);
  EXPECT_NEAR(out.units[L0].bad_debt, 5000.0, tolerance);
  const reference::path_figures& f = out.paths[0];
  EXPECT_NEAR(f.perp_loss, 5000.0, tolerance);
  EXPECT_NEAR(f.fund_draw, 1000.0, tolerance);
  EXPECT_NEAR(f.perp_deficit, 4000.0, tolerance);
  EXPECT_NEAR(f.adl, 4000.0, tolerance);
  EXPECT_NEAR(f.adl_unfilled, 0.0, tolerance);
}

// As above with L0 at 3 BTC (margin 15,000): equity 15,000 - 30,000 = -15,000,
// V = 15,000, deficit 14,000, u = 14/15. Pool: notional 270,000, gap 1/18, need
// 252,000. The BTC shorts hold 18,000 + 45,000 + 45,000 + 27,000 = 135,000: all
// close in full (S3 too, at a loss) for 135,000 / 18 = 7,500; unfilled
// (252,000 - 135,000) / 18 = 6,500; 7,500 + 6,500 = the deficit.
TEST(ExecutionReferenceAdl, WhatTheOppositeSideCannotTakeIsUnfilled) {
  const reference::execution_outcome out =
      run_one(hand_book(3.0), {{100000.0, 3000.0}, {90000.0, 2800.0}});
  expect_adl(out, S2, 1000.0, 18000.0);
  expect_adl(out, C, 2500.0, 45000.0);
  expect_adl(out, S1, 2500.0, 45000.0);
  expect_adl(out, S3, 1500.0, 27000.0);
  expect_adl(out, E1, 0.0, 0.0);
  const reference::path_figures& f = out.paths[0];
  EXPECT_NEAR(f.perp_loss, 15000.0, tolerance);
  EXPECT_NEAR(f.fund_draw, 1000.0, tolerance);
  EXPECT_NEAR(f.adl, 7500.0, tolerance);
  EXPECT_NEAR(f.adl_unfilled, 6500.0, tolerance);
}

// The first test's book one step further, BTC 119,500, ETH 1,600. After step 1:
// S1 holds 0.4 BTC on margin 8,000 (both x 0.8); S2 nothing; C no BTC and margin
// 9,000 + 5,000 (realised) - 2,500 (ADL) = 11,500.
//   S1: equity 8,000 - 0.4 x 19,500 = 200 < 0.005 x 47,800 = 239: closed, 47,800
//       liquidated (59,750 at its old size). V = 0.
//   S2: equity 0, maintenance 0: not liquidated.
//   C:  equity 11,500 - 10 x 1,400 = -2,500 < 160: closed, 16,000 liquidated,
//       V = 2,500 (at its old margin and size it would be 14,750).
// The fund is empty: u = 1. C's loss goes to (ETH, long) by notional, all of it
// (its BTC leg has none): need 16,000, gap 2,500 / 16,000. E1 (20 ETH, 32,000)
// closes half: ADL 2,500.
TEST(ExecutionReferenceAdl, DeleveragedUnitsAreFollowedWithTheirRemainingSizeAndMargin) {
  const reference::execution_outcome out =
      run_one(hand_book(1.0), {{100000.0, 3000.0}, {90000.0, 2800.0}, {119500.0, 1600.0}});
  EXPECT_NEAR(out.units[S1].liquidated, 47800.0, tolerance);
  EXPECT_NEAR(out.units[S1].bad_debt, 0.0, tolerance);
  EXPECT_NEAR(out.units[S2].liquidated, 0.0, tolerance);
  EXPECT_NEAR(out.units[S3].liquidated, 0.0, tolerance);
  EXPECT_NEAR(out.units[C].liquidated, 16000.0, tolerance);
  EXPECT_NEAR(out.units[C].bad_debt, 2500.0, tolerance);
  expect_adl(out, C, 2500.0, 45000.0);
  expect_adl(out, E1, 2500.0, 16000.0);
  const reference::path_figures& f = out.paths[0];
  EXPECT_NEAR(f.perp_loss, 7500.0, tolerance);
  EXPECT_NEAR(f.fund_draw, 1000.0, tolerance);
  EXPECT_NEAR(f.adl, 6500.0, tolerance);
  EXPECT_NEAR(f.adl_unfilled, 0.0, tolerance);
}

// Keeper delay 1, no fund. L (0.5 BTC long, margin 2,000) and X (cross, margin
// 1,200: 1 BTC short and 10 ETH long, entries 100,000 and 3,000).
//   step 1 (96,000, 3,000): L's equity 0 < 240: triggered for step 2.
//   step 2 (90,000, 1,900): L closed, V = 3,000. X: equity 1,200 + 10,000 - 11,000
//     = 200 < 640: triggered for step 3, but still open, so a candidate. Pool
//     (BTC, long) 45,000 with gap 3,000 / 45,000: X closes half its short (ADL
//     3,000) and keeps margin 1,200 + 5,000 - 3,000 = 3,200; its trigger is cleared.
//   step 3 (90,000, 1,900): X's equity 3,200 + 5,000 - 11,000 = -2,800: a new
//     trigger, for step 4 (with the old one it would close here: 64,000, V 2,800).
//   step 4 (90,000, 1,800): X closed: 45,000 + 18,000 = 63,000, V = 3,800, with
//     no BTC long or ETH short left to take it: unfilled 3,800.
TEST(ExecutionReferenceAdl, DeleveragingClearsAPendingTrigger) {
  snapshot snap;
  snap.source = "adl-pending-trigger";
  snap.assets = {{"BTC", 100000.0}, {"ETH", 3000.0}};
  snap.perp_markets = {{"BTC-PERP", 0, 0.005, 0.02, 0.0}, {"ETH-PERP", 1, 0.01, 0.02, 0.0}};
  snap.perp_positions = {
      {"L", 0, position_side::long_side, 0.5, 100000.0, margin_mode::isolated, 2000.0},
      {"X", 0, position_side::short_side, 1.0, 100000.0, margin_mode::cross, 0.0},
      {"X", 1, position_side::long_side, 10.0, 3000.0, margin_mode::cross, 0.0}};
  snap.perp_accounts = {{"X", 1200.0}};
  const reference::execution_outcome out = run_one(snap,
                                                   {{100000.0, 3000.0},
                                                    {96000.0, 3000.0},
                                                    {90000.0, 1900.0},
                                                    {90000.0, 1900.0},
                                                    {90000.0, 1800.0}},
                                                   1);
  expect_adl(out, 1, 3000.0, 45000.0);
  EXPECT_NEAR(out.units[1].liquidated, 63000.0, tolerance);
  EXPECT_NEAR(out.units[1].bad_debt, 3800.0, tolerance);
  const reference::path_figures& f = out.paths[0];
  EXPECT_NEAR(f.perp_loss, 6800.0, tolerance);
  EXPECT_NEAR(f.fund_draw, 0.0, tolerance);
  EXPECT_NEAR(f.adl, 3000.0, tolerance);
  EXPECT_NEAR(f.adl_unfilled, 3800.0, tolerance);
}

// Every GBM path of the 62-unit book, whose fund of 20,000 runs out on most
// paths but not all (about 70% with this seed): perp loss = fund draw + ADL +
// unfilled, deficit = ADL + unfilled, and the units' ADL losses add up to the
// paths'. With and without keeper delay (pending triggers among the winners).
class ExecutionReferenceAdlGbm : public ::testing::TestWithParam<int> {};

TEST_P(ExecutionReferenceAdlGbm, EveryPathConservesThePerpLoss) {
  const snapshot snap = testing_support::three_asset_book();
  const run_config config = testing_support::book_config();
  const reference::execution_outcome out = reference::simulate_execution(
      snap, snapshot_model(config, snap), config.seed, config.paths, config.steps,
      config.dt_years(), reference::execution_rules{GetParam(), 0.5, 16});
  std::int64_t deleveraged = 0;
  double adl = 0.0;
  for (const reference::path_figures& f : out.paths) {
    const double rounding = 1e-9 * (1.0 + f.perp_loss);
    EXPECT_NEAR(f.perp_loss, f.fund_draw + f.adl + f.adl_unfilled, rounding);
    EXPECT_NEAR(f.perp_deficit, f.adl + f.adl_unfilled, rounding);
    EXPECT_GE(f.adl, 0.0);
    EXPECT_GE(f.adl_unfilled, 0.0);
    deleveraged += f.adl > 0.0;
    adl += f.adl;
  }
  double unit_adl = 0.0;
  for (const reference::unit_sums& s : out.units) unit_adl += s.adl_loss;
  EXPECT_NEAR(unit_adl, adl, 1e-9 * (1.0 + adl));
  EXPECT_GT(deleveraged, config.paths / 10) << deleveraged << " of " << config.paths;
  EXPECT_LT(deleveraged, config.paths) << "some paths should end with the fund sufficing";
}

INSTANTIATE_TEST_SUITE_P(KeeperDelays, ExecutionReferenceAdlGbm, ::testing::Values(0, 2));

}  // namespace
}  // namespace levrisk
