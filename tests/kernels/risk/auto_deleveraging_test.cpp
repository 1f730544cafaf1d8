// Auto-deleveraging on a hand-built book over a scripted path, every amount
// computed by hand: the ranking (PnL% x effective leverage), a partial fill of
// the last position taken, a reduced position's later close taken back and
// redone, a cross account's collateral after its leg is taken, and what the
// book's other side cannot take.

#include "kernels/risk/auto_deleveraging.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tests/kernels/risk/scripted_path.hpp"

namespace levrisk {
namespace {

// Asset 0 at spot 100 falls to 90 at step 1 and rises to 135 at step 2; asset 1
// stays. No impact, no fees, maintenance 1%. The book:
//   unit 0  isolated long 10 @ 100, margin `long_margin` (size 1,000 x long_scale)
//   unit 1  isolated short 3 @ 100, margin 30
//   unit 2  isolated short 6 @ 110, margin 120
//   unit 3  isolated short 2 @ 95, margin 100
//   unit 4  cross: short 4 @ 100 of asset 0 and long 5 @ 100 of asset 1, collateral 200
// At step 1 (price 90) the shorts rank (PnL% x |value| / equity):
//   unit 1  30 / 300 x 270 / 60   = 0.45
//   unit 2  120 / 660 x 540 / 240 = 0.409
//   unit 4  40 / 400 x 360 / 240  = 0.15
//   unit 3  10 / 190 x 180 / 110  = 0.086
scripted_path falling_then_rising(double long_scale, double long_margin) {
  scripted_path p({{1.0f, 1.0f}, {0.9f, 1.0f}, {1.35f, 1.0f}},
                  {execution_unit{execution_kind::perp_isolated, 0, 1, long_margin},
                   execution_unit{execution_kind::perp_isolated, 1, 1, 30.0},
                   execution_unit{execution_kind::perp_isolated, 2, 1, 120.0},
                   execution_unit{execution_kind::perp_isolated, 3, 1, 100.0},
                   execution_unit{execution_kind::perp_cross, 4, 2, 200.0}});
  p.perp_legs = {{0, 1000.0 * long_scale, 1000.0 * long_scale, 0.01, 0.0},
                 {0, -300.0, -300.0, 0.01, 0.0},
                 {0, -600.0, -660.0, 0.01, 0.0},
                 {0, -200.0, -190.0, 0.01, 0.0},
                 {0, -400.0, -400.0, 0.01, 0.0},
                 {1, 500.0, 500.0, 0.01, 0.0}};
  return p;
}

TEST(AutoDeleveraging, RankedFillThenTheReducedPositionsLaterClose) {
  // Step 1: the long's equity is 50 - 1,000 (1 - g1) = -50: a loss of 50 against a
  // fund of 20. Uncovered share u = 30 / 50; the pool is the long's notional
  // N = 900 at a gap of 50 / 900: u N = 540 of shorts close, giving up 30.
  // Unit 1 closes all of its 270 (15), unit 2 half of its 540 (15).
  // Step 2 (price 135), without ADL: unit 1 would lose 75 and unit 2 30. Unit 1
  // is gone; unit 2's half (size 300 @ 110, margin 60) has equity -15: a loss of
  // 15 with the fund empty, and no long is left to take it: unfilled.
  scripted_path p = falling_then_rising(1.0, 50.0);
  p.insurance_fund_usd = 20.0;
  const auto& acc = p.run_units({{0, 1}, {1, 2}, {2, 2}});
  const double g1 = price(0.9f), g2 = price(1.35f);
  const double loss_1 = 1000.0 * (1.0 - g1) - 50.0;
  const double gap = loss_1 / (1000.0 * g1);
  const double need = (loss_1 - 20.0) / loss_1 * 1000.0 * g1;
  const double unit1_closed = 300.0 * g1;
  const double unit2_closed = need - unit1_closed;
  const double unit2_kept = 1.0 - unit2_closed / (600.0 * g1);
  const double loss_2 = -(120.0 * unit2_kept + unit2_kept * (660.0 - 600.0 * g2));
  ASSERT_NEAR(unit2_kept, 0.5, 1e-6);

  EXPECT_NEAR(acc.total[total_perp_loss], loss_1 + loss_2, 1e-9);
  EXPECT_NEAR(acc.total[total_fund_draw], 20.0, 1e-12);
  EXPECT_NEAR(acc.total[total_adl], loss_1 - 20.0, 1e-9);
  EXPECT_NEAR(acc.total[total_adl_unfilled], loss_2, 1e-9);
  EXPECT_NEAR(acc.total[total_perp_deficit], acc.total[total_adl] + acc.total[total_adl_unfilled],
              1e-9);
  EXPECT_NEAR(acc.total[total_liquidated], 1000.0 * g1 + 600.0 * unit2_kept * g2, 1e-9);
  EXPECT_NEAR(acc.sold_usd[0], 1000.0 * g1, 1e-9);
  EXPECT_NEAR(acc.bought_usd[0], 600.0 * unit2_kept * g2, 1e-9);  // unit 1's close taken back

  EXPECT_NEAR(p.money(1, money_adl_notional), unit1_closed, 1e-6);
  EXPECT_NEAR(p.money(1, money_adl_loss), unit1_closed * gap, 1e-6);
  EXPECT_NEAR(p.money(2, money_adl_notional), unit2_closed, 1e-6);
  EXPECT_NEAR(p.money(2, money_adl_loss), unit2_closed * gap, 1e-6);
  EXPECT_EQ(p.money(1, money_liquidated), 0.0);  // exactly taken back
  EXPECT_EQ(p.money(1, money_bad_debt), 0.0);
  EXPECT_EQ(p.count(1, count_executed), 0u);
  EXPECT_EQ(p.count(1, count_bad_debt), 0u);
  EXPECT_NEAR(p.money(2, money_bad_debt), loss_2, 1e-6);
  EXPECT_EQ(p.count(2, count_executed), 1u);
  for (int unit = 0; unit < 5; ++unit) {
    EXPECT_EQ(p.count(unit, count_adl), unit == 1 || unit == 2 ? 1u : 0u) << unit;
  }
  EXPECT_EQ(p.money(3, money_adl_notional), 0.0);
  EXPECT_EQ(p.money(4, money_adl_notional), 0.0);
  EXPECT_NEAR(p.perp_state(2).margin_usd, 120.0 * unit2_kept, 1e-9);
  EXPECT_EQ(p.perp_state(2).close_step, 2);
  for (const double entry : p.ledger()) EXPECT_EQ(entry, 0.0);  // cleared for the next path
}

TEST(AutoDeleveraging, TheWholeSideAndACrossAccountsCollateral) {
  // A long twice as large, margin 100: equity at step 1 is 100 - 2,000 (1 - g1) =
  // -100, no fund: u = 1, N = 1,800 at a gap of 100 / 1,800. Every short closes in
  // full (270 + 540 + 360 + 180 = 1,350), giving up 75; 450 is left, 25 unfilled.
  // The cross account's collateral keeps its leg's PnL, 40, less its share, 20: 220.
  scripted_path p = falling_then_rising(2.0, 100.0);
  const auto& acc = p.run_units({{0, 1}, {1, 2}, {2, 2}});
  const double g1 = price(0.9f);
  const double loss_1 = 2000.0 * (1.0 - g1) - 100.0;
  const double gap = loss_1 / (2000.0 * g1);
  const double shorts = (300.0 + 600.0 + 400.0 + 200.0) * g1;
  EXPECT_NEAR(acc.total[total_adl], shorts * gap, 1e-9);
  EXPECT_NEAR(acc.total[total_adl_unfilled], (2000.0 * g1 - shorts) * gap, 1e-9);
  EXPECT_NEAR(acc.total[total_perp_loss], loss_1, 1e-9);  // no short is left to close at step 2
  EXPECT_EQ(p.leg_scale(4), 0.0);
  EXPECT_EQ(p.leg_scale(5), 1.0);
  EXPECT_NEAR(p.perp_state(4).margin_usd, 200.0 + 400.0 * (1.0 - g1) - 400.0 * g1 * gap, 1e-9);
  EXPECT_EQ(p.perp_state(4).close_step, -1);  // its long of asset 1 stays open
  EXPECT_NEAR(p.money(4, money_adl_loss), 400.0 * g1 * gap, 1e-6);
  EXPECT_NEAR(p.money(3, money_adl_loss), 200.0 * g1 * gap, 1e-6);
}

TEST(AutoDeleveraging, RankingTiersAndTies) {
  // Profitable before unprofitable before no equity; within a tier the higher
  // score; ties by unit, as the candidates are ordered.
  EXPECT_TRUE(ranks_above(adl_rank{2, 0.01}, adl_rank{1, 5.0}));
  EXPECT_TRUE(ranks_above(adl_rank{1, -0.5}, adl_rank{0, 0.0}));
  EXPECT_TRUE(ranks_above(adl_rank{2, 0.45}, adl_rank{2, 0.409}));
  EXPECT_FALSE(ranks_above(adl_rank{2, 0.45}, adl_rank{2, 0.45}));
}

}  // namespace
}  // namespace levrisk
