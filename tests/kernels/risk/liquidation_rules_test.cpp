// The liquidation rules one call at a time, against amounts computed by hand in
// the comments: Aave v3.3's close factor, its full liquidation below HF 0.95 and
// for small reserves, the bonus, insufficient collateral and bad debt; the perp
// close with impact and fee, and its accounting identity; the impact law.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernels/risk/lending_liquidation.hpp"
#include "kernels/risk/perp_liquidation.hpp"
#include "kernels/risk/price_impact.hpp"

namespace levrisk {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
const double no_depth[2] = {inf, inf};
const impact_view no_impact{no_depth, 0.5f};
const lending_rules aave{0.5, 0.95, 2000.0};

// Leg 0: ETH collateral (LT 0.8, bonus 5%); leg 1: USDC debt. Growth 1 = spot.
struct eth_usdc_account {
  lending_leg legs[2];
  lending_balances balances;
  eth_usdc_account(double collateral_usd, double debt_usd)
      : legs{{0, collateral_usd, 0.0, 0.8, 0.05}, {1, 0.0, debt_usd, 0.9, 0.04}},
        balances(lending_balances_of(legs, 2)) {}
};

TEST(LendingLiquidation, HalfTheDebtAboveTheThreshold) {
  // Collateral 12,000, debt 10,000: HF = 0.8 x 12,000 / 10,000 = 0.96 > 0.95, both
  // reserves above $2,000: at most 50% of the debt, 5,000, for 5,250 of ETH.
  eth_usdc_account a(12000.0, 10000.0);
  const float growth[2] = {1.0f, 1.0f};
  const lending_call call = liquidate_once(a.legs, aave, no_impact, growth, a.balances);
  EXPECT_DOUBLE_EQ(call.repaid_usd, 5000.0);
  EXPECT_DOUBLE_EQ(call.seized_usd, 5250.0);
  EXPECT_DOUBLE_EQ(call.bonus_usd, 250.0);
  EXPECT_DOUBLE_EQ(call.bad_debt_usd, 0.0);
  EXPECT_DOUBLE_EQ(a.balances.collateral[0], 6750.0);
  EXPECT_DOUBLE_EQ(a.balances.debt[1], 5000.0);
  // After: HF = 0.8 x 6,750 / 5,000 = 1.08: healthy again.
  EXPECT_FALSE(lending_liquidatable(lending_totals_at(a.legs, a.balances, growth)));
}

TEST(LendingLiquidation, WholeDebtAtOrBelowTheThreshold) {
  // Collateral 11,875, debt 10,000: HF = 0.95, not above 0.95: all 10,000, for 10,500.
  eth_usdc_account a(11875.0, 10000.0);
  const float growth[2] = {1.0f, 1.0f};
  const lending_call call = liquidate_once(a.legs, aave, no_impact, growth, a.balances);
  EXPECT_DOUBLE_EQ(call.repaid_usd, 10000.0);
  EXPECT_DOUBLE_EQ(call.seized_usd, 10500.0);
  EXPECT_DOUBLE_EQ(a.balances.debt[1], 0.0);
  EXPECT_DOUBLE_EQ(a.balances.collateral[0], 1375.0);
  EXPECT_TRUE(lending_closed(a.balances));
}

TEST(LendingLiquidation, WholeDebtOfASmallReserve) {
  // Debt 1,900 < $2,000, HF = 0.8 x 2,300 / 1,900 = 0.968: the whole debt, for 1,995.
  eth_usdc_account a(2300.0, 1900.0);
  const float growth[2] = {1.0f, 1.0f};
  const lending_call call = liquidate_once(a.legs, aave, no_impact, growth, a.balances);
  EXPECT_DOUBLE_EQ(call.repaid_usd, 1900.0);
  EXPECT_DOUBLE_EQ(call.seized_usd, 1995.0);
}

TEST(LendingLiquidation, InsufficientCollateralLeavesBadDebt) {
  // ETH halves: collateral 6,000 at market, debt 10,000, HF 0.48. The liquidator may
  // repay everything, but 10,500 of ETH is not there: it takes all 6,000 and repays
  // 6,000 / 1.05 = 5,714.29; no collateral is left, so 4,285.71 is burned as bad debt.
  eth_usdc_account a(12000.0, 10000.0);
  const float growth[2] = {0.5f, 1.0f};
  const lending_call call = liquidate_once(a.legs, aave, no_impact, growth, a.balances);
  EXPECT_DOUBLE_EQ(call.seized_usd, 6000.0);
  EXPECT_NEAR(call.repaid_usd, 6000.0 / 1.05, 1e-9);
  EXPECT_NEAR(call.bad_debt_usd, 10000.0 - 6000.0 / 1.05, 1e-9);
  EXPECT_NEAR(call.bonus_usd, 6000.0 - 6000.0 / 1.05, 1e-9);
  EXPECT_TRUE(lending_closed(a.balances));
  EXPECT_DOUBLE_EQ(a.balances.collateral[0], 0.0);
  // Money is conserved: seized = repaid + bonus, and repaid + bad debt = the debt.
  EXPECT_NEAR(call.repaid_usd + call.bonus_usd, call.seized_usd, 1e-9);
  EXPECT_NEAR(call.repaid_usd + call.bad_debt_usd, 10000.0, 1e-9);
}

TEST(LendingLiquidation, LargestCollateralFirstThenTheNext) {
  // Two collaterals (ETH 3,000, BTC 9,000 at LT 0.8) against 11,000 of USDC: HF 0.873.
  // All 11,000 may be repaid: BTC first, all 9,000 for 9,000 / 1.05 = 8,571.43; BTC is
  // gone but ETH is left, so no bad debt yet.
  lending_leg legs[3] = {
      {0, 3000.0, 0.0, 0.8, 0.05}, {1, 9000.0, 0.0, 0.8, 0.05}, {2, 0.0, 11000.0, 0.9, 0.04}};
  lending_balances b = lending_balances_of(legs, 3);
  const float growth[3] = {1.0f, 1.0f, 1.0f};
  const lending_call first = liquidate_once(legs, aave, no_impact, growth, b);
  EXPECT_EQ(first.collateral_asset, 1);
  EXPECT_DOUBLE_EQ(first.seized_usd, 9000.0);
  EXPECT_DOUBLE_EQ(first.bad_debt_usd, 0.0);
  EXPECT_NEAR(b.debt[2], 11000.0 - 9000.0 / 1.05, 1e-9);
  // Debt left 2,428.57, ETH 3,000: HF = 0.988; both reserves above $2,000 and HF above
  // 0.95, and 2,428.57 is all of the debt (above 50%): at most 1,214.29, for 1,275.
  const lending_call second = liquidate_once(legs, aave, no_impact, growth, b);
  EXPECT_EQ(second.collateral_asset, 0);
  EXPECT_NEAR(second.repaid_usd, 0.5 * (11000.0 - 9000.0 / 1.05), 1e-9);
  EXPECT_NEAR(second.seized_usd, 1.05 * 0.5 * (11000.0 - 9000.0 / 1.05), 1e-9);
}

TEST(LendingLiquidation, DebtWithoutCollateralIsBurned) {
  eth_usdc_account a(0.0, 500.0);
  const float growth[2] = {1.0f, 1.0f};
  const lending_call call = liquidate_once(a.legs, aave, no_impact, growth, a.balances);
  EXPECT_DOUBLE_EQ(call.bad_debt_usd, 500.0);
  EXPECT_DOUBLE_EQ(call.repaid_usd, 0.0);
  EXPECT_TRUE(lending_closed(a.balances));
}

TEST(LendingLiquidation, TheLiquidatorsSaleHasImpact) {
  // 5,250 of ETH sold into $1M of depth: impact 0.02 sqrt(5,250 / 1e6) = 0.0014491.
  const double depth[2] = {1e6, inf};
  const impact_view impact{depth, 0.5f};
  eth_usdc_account a(12000.0, 10000.0);
  const float growth[2] = {1.0f, 1.0f};
  const lending_call call = liquidate_once(a.legs, aave, impact, growth, a.balances);
  EXPECT_NEAR(call.slippage_usd, 5250.0 * 0.02 * std::sqrt(5250.0 / 1e6), 1e-9);
  EXPECT_DOUBLE_EQ(call.bonus_usd, 250.0);  // the owner's loss is the bonus alone
}

TEST(PriceImpact, SquareRootLawOtherExponentsAndTheCap) {
  EXPECT_DOUBLE_EQ(impact_fraction(1e6, 1e6, 0.5f), 0.02);  // Q = D: 2%
  EXPECT_DOUBLE_EQ(impact_fraction(4e6, 1e6, 0.5f), 0.04);  // 4 D: 2% x 2
  EXPECT_DOUBLE_EQ(impact_fraction(3e6, 1e6, 1.0f), 0.06);  // linear
  EXPECT_NEAR(impact_fraction(8e6, 1e6, 0.75f), 0.02 * std::pow(8.0, 0.75), 1e-7);
  EXPECT_DOUBLE_EQ(impact_fraction(1e12, 1e6, 0.5f), max_impact_fraction);  // 2000%: capped
  EXPECT_DOUBLE_EQ(impact_fraction(1e6, inf, 0.5f), 0.0);
  EXPECT_DOUBLE_EQ(impact_fraction(0.0, 1e6, 0.5f), 0.0);
}

TEST(PerpLiquidation, CloseWithImpactAndFeeThenTheIdentity) {
  // A 10 BTC long entered at 100, margin 50, BTC now at 96: equity 50 + 10 x (96 - 100)
  // = 10, maintenance 0.005 x 960 = 4.8... liquidated when equity < maintenance.
  // Depth 9,600: impact 0.02 sqrt(960 / 9,600) = 0.0063246, cost 6.0716; fee 0.5% of
  // 960 = 4.8, of which 10 - 6.0716 = 3.9284 can be paid; nothing returned, no loss.
  const double depth[1] = {9600.0};
  const impact_view impact{depth, 0.5f};
  const perp_leg leg{0, 10.0 * 100.0, 10.0 * 100.0, 0.005, 0.005};
  const float growth[1] = {0.96f};
  const perp_close c = close_perp(&leg, 1, 50.0, impact, growth);
  const double price = 100.0 * static_cast<double>(0.96f);
  const double equity = 50.0 + 10.0 * (price - 100.0);
  const double slippage = 10.0 * price * 0.02 * std::sqrt(10.0 * price / 9600.0);
  EXPECT_NEAR(c.equity_usd, equity, 1e-9);
  EXPECT_NEAR(c.slippage_usd, slippage, 1e-9);
  EXPECT_NEAR(c.owner_slippage_usd, slippage, 1e-9);
  EXPECT_NEAR(c.fee_usd, equity - slippage, 1e-9);
  EXPECT_NEAR(c.returned_usd, 0.0, 1e-9);
  EXPECT_NEAR(c.venue_loss_usd, 0.0, 1e-9);
  EXPECT_NEAR(c.equity_usd - c.slippage_usd, c.returned_usd + c.fee_usd - c.venue_loss_usd, 1e-9);
}

TEST(PerpLiquidation, BeyondBankruptcyTheVenueLoses) {
  // A 2 ETH short entered at 1,000 with margin 100; ETH at 1,080: equity 100 - 160 = -60.
  // No impact: the owner loses the stake (0), pays no fee, and the venue loses 60.
  const perp_leg leg{0, -2.0 * 1000.0, -2.0 * 1000.0, 0.01, 0.01};
  const float growth[1] = {1.08f};
  const perp_close c = close_perp(&leg, 1, 100.0, no_impact, growth);
  const double equity = 100.0 - 2.0 * (1000.0 * static_cast<double>(1.08f) - 1000.0);
  EXPECT_NEAR(c.equity_usd, equity, 1e-9);
  EXPECT_DOUBLE_EQ(c.fee_usd, 0.0);
  EXPECT_DOUBLE_EQ(c.returned_usd, 0.0);
  EXPECT_NEAR(c.venue_loss_usd, -equity, 1e-9);
  EXPECT_NEAR(c.equity_usd - c.slippage_usd, c.returned_usd + c.fee_usd - c.venue_loss_usd, 1e-9);
}

TEST(PerpLiquidation, HealthyCloseReturnsTheRest) {
  // Cross account: margin 1,000; long 1 BTC at 100 (now 90), short 10 ETH at 10 (now 9).
  // Equity 1,000 - 10 + 10 = 1,000; fees 1% of 90 + 2% of 90 = 2.7; returned 997.3.
  const perp_leg legs[2] = {{0, 100.0, 100.0, 0.01, 0.01}, {1, -100.0, -100.0, 0.01, 0.02}};
  const float growth[2] = {0.9f, 0.9f};
  const perp_close c = close_perp(legs, 2, 1000.0, no_impact, growth);
  const double g = static_cast<double>(0.9f);
  EXPECT_NEAR(c.notional_usd, 200.0 * g, 1e-9);
  EXPECT_NEAR(c.fee_usd, 0.01 * 100.0 * g + 0.02 * 100.0 * g, 1e-9);
  EXPECT_NEAR(c.returned_usd, 1000.0 - c.fee_usd, 1e-9);
}

}  // namespace
}  // namespace levrisk
