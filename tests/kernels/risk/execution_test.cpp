// The execution stage on scripted price paths (a path given step by step, in
// place of a market model), each with the amounts computed by hand in the test:
// repeated partial liquidations of a lending account on a falling path, the
// cost of a keeper delay, a recovery during the delay, a perp close with fee
// and impact, and the insurance fund's order within a step.

#include "kernels/risk/execution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/kernels/risk/scripted_path.hpp"

namespace levrisk {
namespace {

// ETH collateral 12,000 at spot (LT 0.8, bonus 5%) against 9,000 of USDC: HF 1.0667.
scripted_path falling_eth(std::vector<float> eth) {
  std::vector<std::vector<float>> rows;
  for (const float g : eth) rows.push_back({g, 1.0f});
  scripted_path p(rows, {execution_unit{execution_kind::lending, 0, 2, 0.0}});
  p.lending_legs = {{0, 12000.0, 0.0, 0.8, 0.05}, {1, 0.0, 9000.0, 0.9, 0.04}};
  return p;
}

TEST(ExecutionScripted, RepeatedPartialLiquidationsOnAFallingPath) {
  // HF = 0.8 x 12,000 g / debt. Step 1 (g 0.98): 1.045. Step 2 (0.93): 0.992, the
  // trigger. Step 3 (0.80) and step 4 (0.50) follow.
  scripted_path p = falling_eth({1.0f, 0.98f, 0.93f, 0.80f, 0.50f});
  const unit_outcome o = p.run_unit(0, 2);

  // Step 2: HF 0.992 > 0.95, reserves above $2,000: repay 50% of 9,000 = 4,500 for
  // 4,725 of ETH at market; ETH left 12,000 - 4,725 / 0.93 at spot; HF 1.144, healthy.
  const double g2 = price(0.93f);
  const double eth_after_2 = 12000.0 - 4725.0 / g2;
  // Step 3: HF = 0.8 x eth_after_2 x 0.80 / 4,500 = 0.984 > 0.95: repay 2,250 of 4,500
  // for 2,362.5; HF 1.128.
  const double g3 = price(0.80f);
  ASSERT_LT(0.8 * eth_after_2 * g3 / 4500.0, 1.0);
  ASSERT_GT(0.8 * eth_after_2 * g3 / 4500.0, 0.95);
  const double eth_after_3 = eth_after_2 - 2362.5 / g3;
  // Step 4: HF = 0.8 x eth_after_3 x 0.5 / 2,250 = 0.705 <= 0.95: the whole 2,250 may be
  // repaid, but the collateral (eth_after_3 x 0.5 at market) is short of 2,362.5: all of
  // it is seized, it repays collateral / 1.05, and the rest of the debt is bad.
  const double g4 = price(0.50f);
  const double collateral_4 = eth_after_3 * g4;
  ASSERT_LT(collateral_4, 2362.5);
  const double repaid_4 = collateral_4 / 1.05;

  EXPECT_EQ(o.calls, 3);
  EXPECT_TRUE(o.executed);
  EXPECT_NEAR(o.liquidated_usd, 4725.0 + 2362.5 + collateral_4, 1e-6);
  EXPECT_NEAR(o.owner_loss_usd, 225.0 + 112.5 + (collateral_4 - repaid_4), 1e-6);
  EXPECT_NEAR(o.bad_debt_usd, 2250.0 - repaid_4, 1e-6);
  EXPECT_NEAR(p.account().sold_usd[0], o.liquidated_usd, 1e-9);
  EXPECT_NEAR(p.account().total[total_lending_bad_debt], o.bad_debt_usd, 1e-9);
}

TEST(ExecutionScripted, AKeeperDelayExecutesAtTheLaterPrice) {
  // Triggered at step 2 (HF 0.992), executed two steps later at g 0.50: HF 0.533, the
  // whole 9,000 may be repaid, 9,450 of ETH would be needed and 6,000 is there.
  scripted_path p = falling_eth({1.0f, 0.98f, 0.93f, 0.80f, 0.50f});
  p.keeper_delay_steps = 2;
  const unit_outcome o = p.run_unit(0, 2);
  const double collateral = 12000.0 * price(0.50f);
  EXPECT_EQ(o.calls, 1);
  EXPECT_NEAR(o.liquidated_usd, collateral, 1e-6);
  EXPECT_NEAR(o.bad_debt_usd, 9000.0 - collateral / 1.05, 1e-6);
}

TEST(ExecutionScripted, RecoveryDuringTheDelayThenTheNextTrigger) {
  // Trigger at step 1 (g 0.93), healthy again at its execution step 2 (g 1.0): no
  // call. Next trigger step 3 (0.93), executed at step 4 (0.93): one call of 4,500.
  scripted_path p = falling_eth({1.0f, 0.93f, 1.0f, 0.93f, 0.93f});
  p.keeper_delay_steps = 1;
  const unit_outcome o = p.run_unit(0, 1);
  EXPECT_EQ(o.calls, 1);
  EXPECT_NEAR(o.liquidated_usd, 4725.0, 1e-9);
  EXPECT_DOUBLE_EQ(o.bad_debt_usd, 0.0);
  EXPECT_FALSE(o.pending);
}

TEST(ExecutionScripted, AnExecutionBeyondTheHorizonIsPending) {
  scripted_path p = falling_eth({1.0f, 0.98f, 0.93f});
  p.keeper_delay_steps = 1;
  const unit_outcome o = p.run_unit(0, 2);
  EXPECT_TRUE(o.pending);
  EXPECT_FALSE(o.executed);
  EXPECT_EQ(o.calls, 0);
}

TEST(ExecutionScripted, PerpClosedAtTheExecutionStepWithImpactAndFee) {
  // A 10-unit long of asset 0 at spot 100 (entry 100), margin 30, MMF 1%, fee 1%.
  // Step 1 (g 0.975): equity 30 - 25 = 5 < maintenance 9.75: triggered; with a delay
  // of 1 it closes at step 2 (g 0.97): equity 0, notional 970, impact at depth
  // 97,000: 0.002 (cost 1.94), all of it the venue's, no fee paid.
  scripted_path p({{1.0f, 1.0f}, {0.975f, 1.0f}, {0.97f, 1.0f}},
                  {execution_unit{execution_kind::perp_isolated, 0, 1, 30.0}});
  p.perp_legs = {{0, 1000.0, 1000.0, 0.01, 0.01}};
  p.depth_usd[0] = 97000.0;
  p.keeper_delay_steps = 1;
  const unit_outcome o = p.run_unit(0, 1);
  const double g = price(0.97f);
  const double equity = 30.0 + 1000.0 * g - 1000.0;
  const double notional = 1000.0 * g;
  const double slippage = notional * 0.02 * std::sqrt(notional / 97000.0);
  EXPECT_NEAR(o.liquidated_usd, notional, 1e-9);
  const double owner_slippage = std::min(slippage, std::max(equity, 0.0));
  EXPECT_NEAR(o.bad_debt_usd, slippage - owner_slippage + std::max(-equity, 0.0), 1e-9);
  EXPECT_NEAR(p.ledger()[2 * ledger_step_doubles(max_assets_here, 1) + 1], o.bad_debt_usd, 1e-12);
}

TEST(ExecutionScripted, TheFundTakesAStepsFeesBeforeItsLosses) {
  // Two isolated longs liquidated at the snapshot (step 0, no delay), fund empty:
  //   unit 0: margin 50 on 1,000 of notional, fee 1%: equity 50, pays 10, gets 40 back;
  //   unit 1: margin -30 (bankrupt already): the venue loses 30.
  // The step's fee of 10 is in the fund before the loss: draw 10, deficit 20.
  scripted_path p({{1.0f, 1.0f}, {1.0f, 1.0f}},
                  {execution_unit{execution_kind::perp_isolated, 0, 1, 50.0},
                   execution_unit{execution_kind::perp_isolated, 1, 1, -30.0}});
  p.perp_legs = {{0, 1000.0, 1000.0, 0.01, 0.01}, {0, 1000.0, 1000.0, 0.01, 0.01}};
  p.step0_units = {0, 1};
  const std::vector<double>& totals = p.run_path();
  EXPECT_DOUBLE_EQ(totals[total_fund_fees], 10.0);
  EXPECT_DOUBLE_EQ(totals[total_perp_loss], 30.0);
  EXPECT_DOUBLE_EQ(totals[total_fund_draw], 10.0);
  EXPECT_DOUBLE_EQ(totals[total_perp_deficit], 20.0);
  EXPECT_DOUBLE_EQ(totals[total_liquidated], 2000.0);
  EXPECT_DOUBLE_EQ(totals[n_path_totals + 0], 2000.0);          // asset 0 sold
  for (const double entry : p.ledger()) EXPECT_EQ(entry, 0.0);  // cleared for the next path
}

TEST(ExecutionScripted, TheReserveCoversBadDebtFirst) {
  // The keeper-delay case's bad debt (9,000 - 6,000 / 1.05 = 3,285.71) against a
  // reserve of 1,000: the reserve pays 1,000, the rest is shortfall.
  scripted_path p = falling_eth({1.0f, 0.5f});
  p.step0_units = {};
  p.lending_reserve_usd = 1000.0;
  const unit_outcome o = p.run_unit(0, 1);
  ASSERT_NEAR(o.bad_debt_usd, 9000.0 - 6000.0 / 1.05, 1e-6);
  path_account<max_assets_here> acc = p.account();
  acc.first_ledger_step = 2;
  acc.last_ledger_step = -1;
  const simulation_view v = p.view();
  run_buffers(p.context(v), acc);
  EXPECT_DOUBLE_EQ(acc.total[total_lending_reserve_draw], 1000.0);
  EXPECT_NEAR(acc.total[total_lending_shortfall], o.bad_debt_usd - 1000.0, 1e-9);
}

TEST(MoneyTally, ExactSumsOfSignedAmountsInAnyOrder) {
  // 2^-32-USD fixed point: amounts that are multiples of it add exactly, large
  // ones carry into the high word, and negative ones cancel.
  money_tally sum[2] = {{0ull, 0ull}, {0ull, 0ull}};
  const double amounts[] = {1.5, 1e15, -1e15, 0.25, 3e18, -3e18, 2.75};
  for (const double a : amounts) money_add(sum, a);
  const money_tally expected = fixed_point_of(4.5, money_scale_bits);
  EXPECT_EQ(sum[0].low, expected.low);
  EXPECT_EQ(sum[0].high, expected.high);
}

}  // namespace
}  // namespace levrisk
