// The risk plan against hand-derived formulas: liquidation prices of lending
// accounts and perp positions, initial health factors, routes, and the health
// forms of a multi-asset account evaluated at a hand-chosen price vector.

#include "host/engine/risk_plan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace levrisk {
namespace {

// Asset order: ETH, BTC, USDC, DAI, SOL. The stablecoins are constant in the model.
constexpr int eth = 0, btc = 1, usdc = 2, dai = 3;
constexpr double eth_spot = 3000.0, btc_spot = 90000.0, dai_spot = 0.9995;
constexpr double lt_eth = 0.83;
constexpr double mmf_eth = 0.03, mmf_btc = 0.005;

snapshot base_snapshot() {
  snapshot snap;
  snap.source = "test-snapshot";
  snap.assets = {
      {"ETH", eth_spot}, {"BTC", btc_spot}, {"USDC", 1.0}, {"DAI", dai_spot}, {"SOL", 150.0}};
  snap.lending_markets = {{eth, 0.80, lt_eth, 0.05},
                          {btc, 0.73, 0.78, 0.05},
                          {usdc, 0.77, 0.80, 0.045},
                          {dai, 0.75, 0.78, 0.05}};
  snap.perp_markets = {{"ETH-PERP", eth, mmf_eth, 0.05}, {"BTC-PERP", btc, mmf_btc, 0.01}};
  return snap;
}

std::vector<bool> constant_assets(const snapshot& snap) {
  std::vector<bool> constant;
  for (const asset& a : snap.assets) constant.push_back(a.id == "USDC" || a.id == "DAI");
  return constant;
}

risk_plan plan_for(const snapshot& snap) {
  const risk_plan_settings settings{1, 1000, 10, 0, 0.0, 16, 0.01};
  return build_risk_plan(snap, constant_assets(snap), settings);
}

planned_unit only_unit(const snapshot& snap) {
  const risk_plan plan = plan_for(snap);
  EXPECT_EQ(plan.units.size(), 1u);
  return plan.units.at(0);
}

// HF at prices P from the forms' coefficients, which are in USD at spot.
double health_at(const health_form& form, const snapshot& snap, const std::vector<double>& prices) {
  double numerator = form.numerator_const_usd;
  double denominator = form.denominator_const_usd;
  for (std::size_t k = 0; k < snap.assets.size(); ++k) {
    const double growth = prices[k] / snap.assets[k].spot_usd;
    numerator += form.numerator_usd[k] * growth;
    denominator += form.denominator_usd[k] * growth;
  }
  return numerator / denominator;
}

// The ladder's stored threshold for a unit: log of the factor's move to liquidation.
double stored_threshold(const risk_plan& plan, const planned_unit& unit) {
  const factor_spec& f = plan.simulation.ladders.factors.at(static_cast<std::size_t>(unit.factor));
  const auto i = static_cast<std::size_t>(unit.ladder_position);
  return unit.rising ? -f.rising_threshold_negated.at(i) : f.falling_threshold.at(i);
}

// Aave: HF = c P LT / d = 1 at P = d / (c LT).
TEST(RiskPlan, LendingEthAgainstStablecoinDebt) {
  snapshot snap = base_snapshot();
  const double c = 10.0, d = 15000.0;
  snap.lending_accounts = {{"L1", {{eth, c, 0.0}, {usdc, 0.0, d}}}};
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.units.size(), 1u);
  const planned_unit& u = plan.units[0];
  EXPECT_EQ(u.id, "L1");
  EXPECT_EQ(u.kind, risk_unit_kind::lending_account);
  EXPECT_EQ(u.route, unit_route::ladder);
  EXPECT_FALSE(u.rising);
  EXPECT_NEAR(u.liquidation_price, d / (c * lt_eth), 1e-9 * eth_spot);
  EXPECT_NEAR(u.health_factor_initial, c * eth_spot * lt_eth / d, 1e-12);
  const factor_spec& f = plan.simulation.ladders.factors.at(static_cast<std::size_t>(u.factor));
  EXPECT_EQ(f.numerator_asset, eth);
  EXPECT_EQ(f.denominator_asset, -1);
  EXPECT_NEAR(stored_threshold(plan, u), std::log(d / (c * lt_eth) / eth_spot), 1e-6);
}

// Debts in two constant assets add up in USD: d = d_usdc + d_dai P_dai.
TEST(RiskPlan, LendingWithTwoStablecoinDebtsSumsThem) {
  snapshot snap = base_snapshot();
  const double c = 10.0, d_usdc = 9000.0, d_dai = 6000.0;
  snap.lending_accounts = {{"L1", {{eth, c, 0.0}, {usdc, 0.0, d_usdc}, {dai, 0.0, d_dai}}}};
  const planned_unit u = only_unit(snap);
  const double d_usd = d_usdc + d_dai * dai_spot;
  EXPECT_EQ(u.route, unit_route::ladder);
  EXPECT_NEAR(u.liquidation_price, d_usd / (c * lt_eth), 1e-9 * eth_spot);
  EXPECT_NEAR(u.health_factor_initial, c * eth_spot * lt_eth / d_usd, 1e-12);
}

// Both legs volatile: HF = c P_eth LT / (d P_btc) depends on P_eth / P_btc only,
// and reaches 1 at P_eth / P_btc = d / (c LT), in BTC per ETH.
TEST(RiskPlan, LendingEthAgainstBtcDebtUsesThePriceRatio) {
  snapshot snap = base_snapshot();
  const double c = 10.0, d = 0.2;
  snap.lending_accounts = {{"L1", {{eth, c, 0.0}, {btc, 0.0, d}}}};
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.units.size(), 1u);
  const planned_unit& u = plan.units[0];
  EXPECT_EQ(u.route, unit_route::ladder);
  EXPECT_FALSE(u.rising);
  const factor_spec& f = plan.simulation.ladders.factors.at(static_cast<std::size_t>(u.factor));
  EXPECT_EQ(f.numerator_asset, eth);
  EXPECT_EQ(f.denominator_asset, btc);
  EXPECT_NEAR(u.liquidation_price, d / (c * lt_eth), 1e-12);
  EXPECT_NEAR(u.health_factor_initial, c * eth_spot * lt_eth / (d * btc_spot), 1e-12);
  EXPECT_NEAR(stored_threshold(plan, u), std::log(d / (c * lt_eth) / (eth_spot / btc_spot)), 1e-6);
}

// With BTC listed first the factor is P_btc / P_eth: liquidated when it rises
// above c LT / d, in ETH per BTC.
TEST(RiskPlan, LendingRatioFactorFollowsTheSnapshotsAssetOrder) {
  snapshot snap;
  snap.source = "test-snapshot";
  snap.assets = {{"BTC", btc_spot}, {"ETH", eth_spot}};
  snap.lending_markets = {{0, 0.73, 0.78, 0.05}, {1, 0.80, lt_eth, 0.05}};
  const double c = 10.0, d = 0.2;
  snap.lending_accounts = {{"L1", {{1, c, 0.0}, {0, 0.0, d}}}};  // ETH collateral, BTC debt
  const planned_unit u = only_unit(snap);
  EXPECT_EQ(u.route, unit_route::ladder);
  EXPECT_TRUE(u.rising);
  EXPECT_NEAR(u.liquidation_price, c * lt_eth / d, 1e-9);
  EXPECT_NEAR(u.health_factor_initial, c * eth_spot * lt_eth / (d * btc_spot), 1e-12);
}

// Long: equity m + s (P - E) = MMF s P at P = (s E - m) / (s (1 - MMF)).
TEST(RiskPlan, IsolatedLongLiquidationPrice) {
  snapshot snap = base_snapshot();
  const double s = 2.0, e = 3100.0, m = 600.0;
  snap.perp_positions = {{"P1", 0, position_side::long_side, s, e, margin_mode::isolated, m}};
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.units.size(), 1u);
  const planned_unit& u = plan.units[0];
  EXPECT_EQ(u.id, "P1/ETH-PERP");
  EXPECT_EQ(u.kind, risk_unit_kind::perp_isolated);
  EXPECT_EQ(u.route, unit_route::ladder);
  EXPECT_FALSE(u.rising);
  EXPECT_NEAR(u.liquidation_price, (s * e - m) / (s * (1.0 - mmf_eth)), 1e-9 * eth_spot);
  EXPECT_NEAR(u.health_factor_initial, (m + s * (eth_spot - e)) / (mmf_eth * s * eth_spot), 1e-12);
  EXPECT_NEAR(stored_threshold(plan, u), std::log((s * e - m) / (s * (1.0 - mmf_eth)) / eth_spot),
              1e-6);
}

// Short: m + s (E - P) = MMF s P at P = (m + s E) / (s (1 + MMF)).
TEST(RiskPlan, IsolatedShortLiquidationPrice) {
  snapshot snap = base_snapshot();
  const double s = 1.5, e = 2900.0, m = 400.0;
  snap.perp_positions = {{"P1", 0, position_side::short_side, s, e, margin_mode::isolated, m}};
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.units.size(), 1u);
  const planned_unit& u = plan.units[0];
  EXPECT_EQ(u.route, unit_route::ladder);
  EXPECT_TRUE(u.rising);
  EXPECT_NEAR(u.liquidation_price, (m + s * e) / (s * (1.0 + mmf_eth)), 1e-9 * eth_spot);
  EXPECT_NEAR(u.health_factor_initial, (m + s * (e - eth_spot)) / (mmf_eth * s * eth_spot), 1e-12);
  EXPECT_NEAR(stored_threshold(plan, u), std::log((m + s * e) / (s * (1.0 + mmf_eth)) / eth_spot),
              1e-6);
}

// A 1x long (margin >= notional at entry) has s E - m <= 0: no price liquidates it.
TEST(RiskPlan, FullyCollateralizedLongIsNeverLiquidated) {
  snapshot snap = base_snapshot();
  snap.perp_positions = {
      {"P1", 0, position_side::long_side, 1.0, 3000.0, margin_mode::isolated, 3000.0}};
  const planned_unit u = only_unit(snap);
  EXPECT_EQ(u.route, unit_route::constant);
  EXPECT_FALSE(u.always_liquidated);
  EXPECT_TRUE(std::isnan(u.liquidation_price));
}

// One cross position is an isolated position whose margin is the account's collateral.
TEST(RiskPlan, CrossAccountWithOnePositionIsLikeIsolated) {
  snapshot snap = base_snapshot();
  const double s = 2.0, e = 3100.0, collateral = 600.0;
  snap.perp_accounts = {{"X1", collateral}};
  snap.perp_positions = {{"X1", 0, position_side::long_side, s, e, margin_mode::cross, 0.0}};
  const planned_unit u = only_unit(snap);
  EXPECT_EQ(u.id, "X1");
  EXPECT_EQ(u.kind, risk_unit_kind::perp_cross);
  EXPECT_EQ(u.route, unit_route::ladder);
  EXPECT_FALSE(u.rising);
  EXPECT_NEAR(u.liquidation_price, (s * e - collateral) / (s * (1.0 - mmf_eth)), 1e-9 * eth_spot);
  EXPECT_NEAR(u.health_factor_initial, (collateral + s * (eth_spot - e)) / (mmf_eth * s * eth_spot),
              1e-12);
}

// Long ETH and short BTC on one collateral: two moving prices and a constant,
// so no single factor; the form must still give equity / maintenance anywhere.
TEST(RiskPlan, CrossAccountWithTwoAssetsIsExactAndItsFormIsEquityOverMaintenance) {
  snapshot snap = base_snapshot();
  const double collateral = 5000.0;
  const double s_eth = 2.0, e_eth = 3100.0, s_btc = 0.1, e_btc = 88000.0;
  snap.perp_accounts = {{"X2", collateral}};
  snap.perp_positions = {
      {"X2", 0, position_side::long_side, s_eth, e_eth, margin_mode::cross, 0.0},
      {"X2", 1, position_side::short_side, s_btc, e_btc, margin_mode::cross, 0.0}};
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.units.size(), 1u);
  const planned_unit& u = plan.units[0];
  EXPECT_EQ(u.route, unit_route::exact);
  EXPECT_EQ(u.exact_index, 0);
  EXPECT_TRUE(std::isnan(u.liquidation_price));
  ASSERT_EQ(plan.simulation.multi.n_units(), 1);
  // In the unit's own scale, 2^13 USD: its largest coefficient, the BTC short's
  // 0.1 x 90000 = 9000 USD, lies in [2^13, 2^14).
  EXPECT_EQ(plan.simulation.multi.numerator_const_usd[0],
            std::ldexp(collateral - s_eth * e_eth + s_btc * e_btc, -13));
  EXPECT_EQ(plan.simulation.multi.terms.size(), 2u);

  // At spot: equity 5000 - 200 - 200 = 4600, maintenance 180 + 45 = 225.
  EXPECT_NEAR(u.health_factor_initial, 4600.0 / 225.0, 1e-12);

  const std::vector<health_form> forms = unit_health_forms(snap, nullptr, nullptr);
  ASSERT_EQ(forms.size(), 1u);
  const std::vector<double> prices{2500.0, 95000.0, 1.0, dai_spot, 150.0};
  const double equity = collateral + s_eth * (2500.0 - e_eth) + s_btc * (e_btc - 95000.0);  // 3100
  const double maintenance = mmf_eth * s_eth * 2500.0 + mmf_btc * s_btc * 95000.0;          // 197.5
  EXPECT_NEAR(health_at(forms[0], snap, prices), equity / maintenance, 1e-12);
}

TEST(RiskPlan, AccountWithoutDebtIsNeverLiquidated) {
  snapshot snap = base_snapshot();
  snap.lending_accounts = {{"L1", {{eth, 5.0, 0.0}, {btc, 0.1, 0.0}}}};
  const planned_unit u = only_unit(snap);
  EXPECT_EQ(u.route, unit_route::constant);
  EXPECT_FALSE(u.always_liquidated);
  EXPECT_EQ(u.health_factor_initial, std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(u.liquidation_price));
}

// Stablecoin collateral against stablecoin debt: HF is fixed, so the account is
// liquidated on every path when it starts below 1 and never otherwise.
TEST(RiskPlan, AllConstantAccountIsDecidedAtTheSnapshot) {
  snapshot snap = base_snapshot();
  // USDC LT 0.80: 1000 USDC of collateral supports 800 USD of debt.
  snap.lending_accounts = {{"under", {{usdc, 1000.0, 0.0}, {dai, 0.0, 900.0}}},
                           {"over", {{usdc, 1000.0, 0.0}, {dai, 0.0, 700.0}}}};
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.units.size(), 2u);
  EXPECT_EQ(plan.units[0].route, unit_route::constant);
  EXPECT_TRUE(plan.units[0].always_liquidated);
  EXPECT_NEAR(plan.units[0].health_factor_initial, 800.0 / (900.0 * dai_spot), 1e-12);
  EXPECT_EQ(plan.units[1].route, unit_route::constant);
  EXPECT_FALSE(plan.units[1].always_liquidated);
  EXPECT_NEAR(plan.units[1].health_factor_initial, 800.0 / (700.0 * dai_spot), 1e-12);
}

// Units sharing a factor share one ladder, sorted so that each unit's position
// holds its own threshold.
TEST(RiskPlan, UnitsOnOneFactorShareASortedLadder) {
  snapshot snap = base_snapshot();
  const double debts[] = {12000.0, 20000.0, 5000.0};
  for (int i = 0; i < 3; ++i) {
    snap.lending_accounts.push_back(
        {"L" + std::to_string(i), {{eth, 10.0, 0.0}, {usdc, 0.0, debts[i]}}});
  }
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.simulation.ladders.factors.size(), 1u);
  const std::vector<float>& ladder = plan.simulation.ladders.factors[0].falling_threshold;
  ASSERT_EQ(ladder.size(), 3u);
  EXPECT_GE(ladder[0], ladder[1]);
  EXPECT_GE(ladder[1], ladder[2]);
  for (int i = 0; i < 3; ++i) {
    const planned_unit& u = plan.units[static_cast<std::size_t>(i)];
    EXPECT_EQ(u.factor, 0);
    EXPECT_NEAR(stored_threshold(plan, u), std::log(debts[i] / (10.0 * lt_eth) / eth_spot), 1e-6);
  }
}

// Output order: lending accounts, isolated positions, then cross accounts that
// hold a position (a cross account without positions is no unit).
TEST(RiskPlan, UnitsComeInOutputOrder) {
  snapshot snap = base_snapshot();
  snap.perp_accounts = {{"X-empty", 100.0}, {"X1", 1000.0}};
  snap.perp_positions = {
      {"X1", 1, position_side::short_side, 0.01, 90000.0, margin_mode::cross, 0.0},
      {"P1", 1, position_side::long_side, 0.01, 90000.0, margin_mode::isolated, 200.0}};
  snap.lending_accounts = {{"L1", {{eth, 1.0, 0.0}, {usdc, 0.0, 1000.0}}}};
  std::vector<std::string> ids;
  std::vector<risk_unit_kind> kinds;
  const std::vector<health_form> forms = unit_health_forms(snap, &ids, &kinds);
  ASSERT_EQ(forms.size(), 3u);
  EXPECT_EQ(ids, (std::vector<std::string>{"L1", "P1/BTC-PERP", "X1"}));
  EXPECT_EQ(kinds, (std::vector<risk_unit_kind>{risk_unit_kind::lending_account,
                                                risk_unit_kind::perp_isolated,
                                                risk_unit_kind::perp_cross}));
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.units.size(), 3u);
  for (std::size_t u = 0; u < 3; ++u) EXPECT_EQ(plan.units[u].id, ids[u]);
}

// Each unit names its venue: a lending account its protocol, an isolated position
// and a cross-margin account their exchange.
TEST(RiskPlan, UnitsNameTheirVenue) {
  snapshot snap = base_snapshot();
  snap.lending_venues = {lending_venue{"aave-v3"}, lending_venue{"spark"}};
  snap.perp_venues = {perp_venue{"hyperliquid"}, perp_venue{"dydx"}};
  snap.perp_accounts = {{"X1", 1000.0, 1}};
  snap.perp_positions = {
      {"X1", 1, position_side::short_side, 0.01, 90000.0, margin_mode::cross, 0.0, 1},
      {"P1", 1, position_side::long_side, 0.01, 90000.0, margin_mode::isolated, 200.0, 0}};
  snap.lending_accounts = {{"L1", {{eth, 1.0, 0.0}, {usdc, 0.0, 1000.0}}, 1},
                           {"L2", {{eth, 1.0, 0.0}, {usdc, 0.0, 1000.0}}, 0}};
  for (lending_market m : std::vector<lending_market>(snap.lending_markets)) {
    m.venue_index = 1;  // the second protocol lists the same markets
    snap.lending_markets.push_back(m);
  }
  const risk_plan plan = plan_for(snap);
  ASSERT_EQ(plan.units.size(), 4u);
  EXPECT_EQ(plan.units[0].venue, "spark");
  EXPECT_EQ(plan.units[1].venue, "aave-v3");
  EXPECT_EQ(plan.units[2].venue, "hyperliquid");  // P1/BTC-PERP
  EXPECT_EQ(plan.units[3].venue, "dydx");         // X1
}

TEST(RiskPlan, VenueIndexOutOfRangeIsNamed) {
  snapshot snap = base_snapshot();
  snap.lending_accounts = {{"L1", {{eth, 1.0, 0.0}, {usdc, 0.0, 1000.0}}, 1}};
  try {
    plan_for(snap);
    ADD_FAILURE() << "build_risk_plan did not throw";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "test-snapshot: lending account 'L1': venue index 1 is out of range; the snapshot "
              "has 1 lending venue");
  }
}

TEST(RiskPlan, CollateralWithoutLendingMarketIsNamed) {
  snapshot snap = base_snapshot();
  snap.lending_accounts = {{"L9", {{4, 10.0, 0.0}, {usdc, 0.0, 100.0}}}};  // SOL: no market
  try {
    unit_health_forms(snap, nullptr, nullptr);
    ADD_FAILURE() << "unit_health_forms did not throw";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "test-snapshot: lending account 'L9' holds collateral in 'SOL', which has no "
              "lending market");
  }
}

// The HF-minimum sample keeps one float per sample path and multi-asset unit: at most
// hf_sample_max_values of them, whatever the compute bound allows.
TEST(RiskPlan, HfSampleIsBoundedInMemory) {
  snapshot snap = base_snapshot();
  const int n_accounts = 140000;  // 2^28 / 140000 = 1917.4 sample paths, below the 2048 asked
  snap.lending_accounts.reserve(n_accounts);
  for (int i = 0; i < n_accounts; ++i) {  // ETH and BTC against USDC: exact units
    snap.lending_accounts.push_back(
        {"L" + std::to_string(i), {{eth, 10.0, 0.0}, {btc, 0.5, 0.0}, {usdc, 0.0, 40000.0}}});
  }
  const risk_plan_settings settings{1, 100000, 10, 2048, 1e300, 16, 0.01};
  const risk_plan plan = build_risk_plan(snap, constant_assets(snap), settings);
  ASSERT_EQ(plan.simulation.multi.n_units(), n_accounts);
  EXPECT_EQ(plan.simulation.multi.hf_sample_paths, 1917);
  EXPECT_LE(plan.simulation.multi.hf_sample_paths * n_accounts, hf_sample_max_values);
}

// A unit's form is divided by a power of two of its own size: its health factor and
// liquidation price are the USD form's, bit for bit, at any scale a double holds.
TEST(RiskPlan, UnitScaleChangesNoRouteOrThreshold) {
  snapshot snap = base_snapshot();
  snap.lending_accounts = {{"L1", {{eth, 10.0, 0.0}, {usdc, 0.0, 20000.0}}},
                           {"L2", {{eth, 10.0, 0.0}, {btc, 0.2, 0.0}, {usdc, 0.0, 30000.0}}}};
  const risk_plan plain = plan_for(snap);
  for (lending_account& account : snap.lending_accounts) {
    for (lending_balance& b : account.balances) {
      b.collateral_amount = std::ldexp(b.collateral_amount, 200);
      b.debt_amount = std::ldexp(b.debt_amount, 200);
    }
  }
  const risk_plan big = plan_for(snap);
  for (std::size_t u = 0; u < 2; ++u) {
    EXPECT_EQ(plain.units[u].route, big.units[u].route);
    EXPECT_EQ(plain.units[u].health_factor_initial, big.units[u].health_factor_initial);
    EXPECT_EQ(plain.units[u].a, big.units[u].a);
    EXPECT_EQ(plain.units[u].d, big.units[u].d);
  }
  EXPECT_EQ(plain.units[0].liquidation_price, big.units[0].liquidation_price);
  ASSERT_EQ(big.simulation.multi.terms.size(), 2u);
  EXPECT_EQ(big.simulation.multi.terms[0].numerator_usd,
            plain.simulation.multi.terms[0].numerator_usd);
  EXPECT_LE(std::fabs(big.simulation.multi.terms[0].numerator_usd), 2.0f);
}

}  // namespace
}  // namespace levrisk
