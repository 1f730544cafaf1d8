// The step-synchronous execution stage (kernels/risk/feedback_execution.hpp) on
// scripted paths, each outcome computed by hand in the test: a ladder of
// lending accounts where each liquidation's permanent impact triggers the next,
// the same with no permanent impact, the order of the accounts, an oracle that
// lags the market (heartbeat, deviation, latency), and the stage with no
// feedback against the unit-by-unit stage.

#include "kernels/risk/feedback_execution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "tests/kernels/risk/scripted_path.hpp"

namespace levrisk {
namespace {

constexpr double depth_eth_usd = 10000.0;
constexpr double eth_collateral_usd = 1500.0;  // below $2,000: the whole debt may be repaid
constexpr double bonus = 0.05;
constexpr double threshold_lt = 0.8;

// Accounts with 1,500 of ETH (LT 0.8, bonus 5%) against USDC debt, liquidatable
// when ETH's growth falls below their `thresholds`: debt = 1,200 x threshold.
// unit_of[i]: the unit index account i gets (a permutation).
scripted_path ladder_book(const std::vector<float>& eth, const std::vector<double>& thresholds,
                          const std::vector<int>& unit_of) {
  std::vector<std::vector<float>> rows;
  for (const float g : eth) rows.push_back({g, 1.0f});
  const int n = static_cast<int>(thresholds.size());
  std::vector<execution_unit> units(static_cast<std::size_t>(n));
  for (int u = 0; u < n; ++u)
    units[static_cast<std::size_t>(u)] = {execution_kind::lending, 2 * u, 2, 0.0};
  scripted_path p(rows, units);
  p.lending_legs.resize(2 * static_cast<std::size_t>(n));
  std::vector<std::pair<float, int>> ladder;
  for (int i = 0; i < n; ++i) {
    const int u = unit_of[static_cast<std::size_t>(i)];
    const double debt = eth_collateral_usd * threshold_lt * thresholds[static_cast<std::size_t>(i)];
    p.lending_legs[2 * static_cast<std::size_t>(u)] = {0, eth_collateral_usd, 0.0, threshold_lt,
                                                       bonus};
    p.lending_legs[2 * static_cast<std::size_t>(u) + 1] = {1, 0.0, debt, 0.9, 0.04};
    ladder.emplace_back(std::log(static_cast<float>(thresholds[static_cast<std::size_t>(i)])), u);
  }
  p.add_falling_ladder(0, ladder);
  p.asset_moves[1] = 0;
  p.depth_usd[0] = depth_eth_usd;
  p.feedback = true;
  return p;
}

const std::vector<double> ladder_thresholds{0.970, 0.966, 0.962, 0.958, 0.954};
const std::vector<float> eth_drop{1.0f, 0.969f, 0.969f, 0.969f};

double seized_usd(double threshold) {
  return eth_collateral_usd * threshold_lt * threshold * (1.0 + bonus);
}
double impact(double traded_usd) {
  return 0.02 * std::sqrt(traded_usd / depth_eth_usd);
}

TEST(Cascade, LadderOfAccountsEachTriggeringTheNext) {
  scripted_path p = ladder_book(eth_drop, ladder_thresholds, {0, 1, 2, 3, 4});
  p.permanent_impact_share = 1.0;
  const std::vector<double>& totals = p.run_path();

  // By hand: ETH at 0.969 crosses account 0 only. Each round's sales (each
  // repays its whole debt: collateral below $2,000) move the price by
  // 1 - 0.02 sqrt(sold / depth); the rounds are {0}, {1}, {2, 3}, {4}.
  const std::vector<std::vector<int>> rounds{{0}, {1}, {2, 3}, {4}};
  double multiplier = 1.0;
  double liquidated = 0.0;
  double slippage = 0.0;
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    const double price_now = 0.969 * multiplier;
    double sold = 0.0;
    for (const int i : rounds[r]) {
      ASSERT_LT(price_now, ladder_thresholds[static_cast<std::size_t>(i)]) << "round " << r;
      const double q = seized_usd(ladder_thresholds[static_cast<std::size_t>(i)]);
      sold += q;
      slippage += q * impact(q);
    }
    if (r + 1 < rounds.size()) {
      ASSERT_GT(price_now, ladder_thresholds[static_cast<std::size_t>(rounds[r + 1].back())]);
    }
    liquidated += sold;
    multiplier *= 1.0 - impact(sold);
  }
  ASSERT_GT(0.969 * multiplier, 0.0);

  EXPECT_NEAR(p.market_growth(1, 0), 0.969 * multiplier, 2e-7);
  EXPECT_NEAR(p.market_growth(3, 0), 0.969 * multiplier, 2e-7);
  EXPECT_NEAR(totals[total_liquidated], liquidated, 1e-9);
  EXPECT_NEAR(totals[total_liquidator_slippage], slippage, 1e-9);
  EXPECT_NEAR(totals[total_owner_loss], liquidated * bonus / (1.0 + bonus), 1e-9);
  EXPECT_EQ(totals[total_lending_bad_debt], 0.0);
  EXPECT_EQ(totals[total_cascade_steps], 1.0);
  EXPECT_EQ(totals[total_max_rounds], 4.0);
  EXPECT_EQ(totals[total_unconverged_steps], 0.0);
  EXPECT_NEAR(totals[n_path_totals + 2 * max_assets_here + 0], 1.0 - multiplier, 1e-12);
  EXPECT_EQ(p.rounds_histogram()[4], 1u);
  for (int u = 0; u < 5; ++u) EXPECT_EQ(p.count(u, count_executed), 1u) << u;
}

TEST(Cascade, NoPermanentImpactNoCascade) {
  scripted_path p = ladder_book(eth_drop, ladder_thresholds, {0, 1, 2, 3, 4});
  const std::vector<double>& totals = p.run_path();
  EXPECT_EQ(p.market_growth(1, 0), 0.969f);
  EXPECT_NEAR(totals[total_liquidated], seized_usd(0.970), 1e-9);
  EXPECT_EQ(totals[total_cascade_steps], 0.0);
  EXPECT_EQ(totals[total_max_rounds], 1.0);
  EXPECT_EQ(p.rounds_histogram()[1], 1u);
  EXPECT_EQ(p.count(0, count_executed), 1u);
  for (int u = 1; u < 5; ++u) EXPECT_EQ(p.count(u, count_executed), 0u) << u;
}

TEST(Cascade, TheAccountsOrderChangesNothing) {
  scripted_path in_order = ladder_book(eth_drop, ladder_thresholds, {0, 1, 2, 3, 4});
  scripted_path shuffled = ladder_book(eth_drop, ladder_thresholds, {3, 0, 4, 2, 1});
  in_order.permanent_impact_share = shuffled.permanent_impact_share = 1.0;
  const std::vector<double> a = in_order.run_path();
  const std::vector<double> b = shuffled.run_path();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t t = 0; t < a.size(); ++t) EXPECT_EQ(a[t], b[t]) << "total " << t;
  EXPECT_EQ(in_order.market_growth(3, 0), shuffled.market_growth(3, 0));
}

// One account liquidatable below ETH 0.97; the market falls through it at step 3.
const std::vector<float> eth_slide{1.0f, 0.99f, 0.98f, 0.965f, 0.960f, 0.955f, 0.955f};

scripted_path oracle_book(double deviation, int heartbeat_steps, int latency_steps) {
  scripted_path p = ladder_book(eth_slide, {0.970}, {0});
  p.permanent_impact_share = 1.0;
  p.oracle_rules = {oracle_rule{deviation, heartbeat_steps, latency_steps, 0, 0, 1.0f, 0},
                    oracle_rule{deviation, heartbeat_steps, latency_steps, 0, 0, 1.0f, 0}};
  return p;
}

// The first step whose market row carries the liquidation's permanent impact.
int impact_step(const scripted_path& p) {
  for (int step = 0; step < static_cast<int>(eth_slide.size()); ++step) {
    if (p.market_growth(step, 0) != eth_slide[static_cast<std::size_t>(step)]) return step;
  }
  return -1;
}

TEST(Cascade, TheProtocolActsOnTheOracle) {
  scripted_path market_trigger = ladder_book(eth_slide, {0.970}, {0});
  market_trigger.permanent_impact_share = 1.0;
  market_trigger.run_path();
  EXPECT_EQ(impact_step(market_trigger), 3);

  // Deviation 5%, heartbeat 5 steps: no publication until step 5 (the market is
  // 4.5% down at step 5, so the heartbeat publishes it).
  scripted_path heartbeat = oracle_book(0.05, 5, 0);
  const std::vector<double>& totals = heartbeat.run_path();
  EXPECT_EQ(impact_step(heartbeat), 5);
  // Executed at the market: the whole debt repaid, the price only decides the
  // collateral left; the impact is the same as at step 3.
  EXPECT_NEAR(heartbeat.market_growth(5, 0), 0.955 * (1.0 - impact(seized_usd(0.970))), 2e-7);
  // Two assets, each published at the heartbeat (steps 5): two updates.
  EXPECT_EQ(totals[total_oracle_updates], 2.0);

  // Deviation 2%: the 3.5% move at step 3 publishes at once.
  scripted_path deviation = oracle_book(0.02, 100, 0);
  deviation.run_path();
  EXPECT_EQ(impact_step(deviation), 3);

  // Latency 2 steps: at step 3 the update carries step 1's 0.99 (-1%, not past
  // 2%); at step 4 step 2's 0.98 (-2%, not past); at step 5 step 3's 0.965: published, below 0.97.
  scripted_path late = oracle_book(0.02, 100, 2);
  late.run_path();
  EXPECT_EQ(impact_step(late), 5);
}

TEST(Cascade, WithoutFeedbackTheStepStageIsTheUnitStage) {
  // A partly liquidated account on a falling path, followed to its close: the
  // same per-unit figures whichever stage runs it.
  const std::vector<float> eth{1.0f, 0.98f, 0.93f, 0.80f, 0.50f};
  for (const int delay : {0, 1}) {
    scripted_path by_unit = ladder_book(eth, {0.9375}, {0});
    scripted_path by_step = ladder_book(eth, {0.9375}, {0});
    by_unit.feedback = false;
    by_unit.keeper_delay_steps = by_step.keeper_delay_steps = delay;
    for (scripted_path* p : {&by_unit, &by_step}) {
      p->lending_legs[0].collateral_usd = 12000.0;
      p->lending_legs[1].debt_usd = 9000.0;
    }
    const std::vector<double> a = by_unit.run_path();
    const std::vector<double> b = by_step.run_path();
    for (int m = 0; m < n_unit_money; ++m) EXPECT_EQ(by_unit.money(0, m), by_step.money(0, m)) << m;
    for (int k = 0; k < n_unit_counts; ++k)
      EXPECT_EQ(by_unit.count(0, k), by_step.count(0, k)) << k;
    for (int t = 0; t < total_cascade_steps; ++t)
      EXPECT_EQ(a[t], b[t]) << "delay " << delay << " total " << t;
  }
}

}  // namespace
}  // namespace levrisk
