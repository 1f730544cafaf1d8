// Venues sharing an asset in the step-synchronous stage
// (kernels/risk/feedback_execution.hpp), computed by hand: two lending
// protocols and a perp exchange hold ETH; one protocol's liquidation sells ETH,
// its permanent impact lowers the price every venue sees, and the other
// protocol's account and the exchange's long follow, each booked on its own
// venue. Without the first protocol, or without permanent impact, the others
// are never liquidated on this path.

#include <gtest/gtest.h>

#include <cmath>
#include <utility>
#include <vector>

#include "tests/kernels/risk/scripted_path.hpp"

namespace levrisk {
namespace {

constexpr double depth_eth_usd = 10000.0;
constexpr double share = 0.5;              // of each sale's impact, permanent
constexpr double collateral_usd = 1500.0;  // below $2,000: the whole debt may be repaid
constexpr double lt = 0.8;
constexpr double bonus = 0.05;
constexpr float eth_now = 0.969f;  // the market's ETH growth from step 1 on
// Lending accounts liquidatable below these ETH growths; the perp long's
// liquidation price: margin + 2,000 (g - 1) < 1% x 2,000 g below g = 0.964.
constexpr double threshold_a = 0.970;  // protocol A: crossed by the market
constexpr double threshold_b = 0.966;  // protocol B: only once A's sale moved the price
constexpr double perp_size_usd = 2000.0;
constexpr double perp_mmf = 0.01;
constexpr double perp_trigger = 0.964;
const double perp_margin_usd = perp_size_usd * (1.0 - (1.0 - perp_mmf) * perp_trigger);

double permanent_multiplier(double sold_usd) {
  return 1.0 - share * 0.02 * std::sqrt(sold_usd / depth_eth_usd);
}
double seized_usd(double threshold) {
  return collateral_usd * lt * threshold * (1.0 + bonus);
}

struct venue_book {
  bool protocol_a = true;
  bool protocol_b = true;
  bool exchange = true;
};

// Units: A's account (protocol 0), B's account (protocol 1), the long (exchange 0),
// each present or absent (an absent one keeps its place with nothing to lose).
scripted_path contagion_book(const venue_book& book) {
  const std::vector<std::vector<float>> rows{{1.0f, 1.0f}, {eth_now, 1.0f}, {eth_now, 1.0f}};
  std::vector<execution_unit> units{{execution_kind::lending, 0, 2, 0.0, 0},
                                    {execution_kind::lending, 2, 2, 0.0, 1},
                                    {execution_kind::perp_isolated, 0, 1, perp_margin_usd, 0}};
  scripted_path p(rows, units);
  const auto account = [](double threshold, bool present) {
    const double debt = present ? collateral_usd * lt * threshold : 0.0;
    return std::vector<lending_leg>{{0, present ? collateral_usd : 0.0, 0.0, lt, bonus},
                                    {1, 0.0, debt, 0.9, 0.04}};
  };
  for (const auto& [threshold, present] :
       {std::pair{threshold_a, book.protocol_a}, std::pair{threshold_b, book.protocol_b}}) {
    const std::vector<lending_leg> legs = account(threshold, present);
    p.lending_legs.insert(p.lending_legs.end(), legs.begin(), legs.end());
  }
  const double size = book.exchange ? perp_size_usd : 0.0;
  p.perp_legs = {{0, size, size, perp_mmf, 0.0}};
  std::vector<std::pair<float, int>> ladder;
  if (book.protocol_a) ladder.emplace_back(std::log(static_cast<float>(threshold_a)), 0);
  if (book.protocol_b) ladder.emplace_back(std::log(static_cast<float>(threshold_b)), 1);
  if (book.exchange) ladder.emplace_back(std::log(static_cast<float>(perp_trigger)), 2);
  p.add_falling_ladder(0, ladder);
  p.asset_moves[1] = 0;
  p.depth_usd[0] = depth_eth_usd;
  p.feedback = true;
  p.permanent_impact_share = share;
  p.venues = {venue_rules{0, lending_rules{0.5, 0.95, 2000.0}, 0.0},
              venue_rules{0, lending_rules{1.0, 0.95, 2000.0}, 100.0},
              venue_rules{1, lending_rules{0.0, 0.0, 0.0}, 0.0}};
  p.first_perp_venue = 2;
  return p;
}

double venue_total(const std::vector<double>& totals, int venue, int total) {
  return totals[static_cast<std::size_t>(venue_totals_offset(max_assets_here) +
                                         venue * n_venue_totals + total)];
}

TEST(VenueContagion, OneProtocolsSaleLiquidatesTheOtherVenues) {
  scripted_path p = contagion_book(venue_book{});
  const std::vector<double>& totals = p.run_path();

  // By hand, at step 1: the market (0.969) crosses A only. A's sale lowers
  // ETH for every venue by its permanent impact: B's health factor,
  // 0.969 / 0.966 at the stored price, is that times m1, below 1; B's sale
  // then takes the long below maintenance; its close sells ETH once more.
  const double q_a = seized_usd(threshold_a);
  const double m1 = permanent_multiplier(q_a);
  ASSERT_GT(eth_now / threshold_b, 1.0);
  ASSERT_LT(eth_now * m1 / threshold_b, 1.0) << "B's health factor after A's sale";
  const double q_b = seized_usd(threshold_b);
  const double m2 = permanent_multiplier(q_b);
  ASSERT_GT(eth_now * m1, perp_trigger);
  ASSERT_LT(eth_now * m1 * m2, perp_trigger);
  const double g3 = static_cast<double>(p.market_growth(1, 0));  // checked below
  const double close_growth = eth_now * m1 * m2;
  const double notional = perp_size_usd * close_growth;
  const double equity = perp_margin_usd + perp_size_usd * (close_growth - 1.0);
  const double slippage = notional * 0.02 * std::sqrt(notional / depth_eth_usd);
  const double venue_loss = slippage - std::min(slippage, std::max(equity, 0.0));
  ASSERT_GT(venue_loss, 0.0) << "the long's close leaves the exchange a loss";
  const double m3 = permanent_multiplier(notional);
  // The stage's market rows are floats (a relative 3e-7 here, as g3's check
  // shows); the close's figures move by at most twice the notional times that.
  const double row_rounding_usd = 2.0 * perp_size_usd * 3e-7;

  EXPECT_NEAR(g3, eth_now * m1 * m2 * m3, 3e-7);
  EXPECT_EQ(totals[total_max_rounds], 3.0);
  for (int u = 0; u < 3; ++u) EXPECT_EQ(p.count(u, count_executed), 1u) << u;
  // Each venue books its own: A and B their seized collateral, the exchange its
  // close and loss, which its empty fund leaves to auto-deleveraging (nobody
  // on the other side: unfilled).
  EXPECT_NEAR(venue_total(totals, 0, total_liquidated), q_a, 1e-9);
  EXPECT_NEAR(venue_total(totals, 1, total_liquidated), q_b, 1e-9);
  EXPECT_NEAR(venue_total(totals, 2, total_liquidated), notional, row_rounding_usd);
  EXPECT_NEAR(venue_total(totals, 2, total_perp_loss), venue_loss, row_rounding_usd);
  EXPECT_NEAR(venue_total(totals, 2, total_perp_deficit), venue_loss, row_rounding_usd);
  EXPECT_NEAR(venue_total(totals, 2, total_adl_unfilled), venue_loss, row_rounding_usd);
  EXPECT_EQ(venue_total(totals, 0, total_perp_loss), 0.0);
  EXPECT_EQ(venue_total(totals, 2, total_lending_bonus), 0.0);
  EXPECT_NEAR(venue_total(totals, 0, total_lending_bonus), q_a * bonus / (1.0 + bonus), 1e-9);
  EXPECT_NEAR(venue_total(totals, 1, total_lending_bonus), q_b * bonus / (1.0 + bonus), 1e-9);
  for (const int t : {total_liquidated, total_owner_loss, total_perp_loss, total_book_loss}) {
    EXPECT_NEAR(totals[static_cast<std::size_t>(t)],
                venue_total(totals, 0, t) + venue_total(totals, 1, t) + venue_total(totals, 2, t),
                1e-9)
        << "total " << t;
  }
}

TEST(VenueContagion, WithoutTheFirstProtocolOrPermanentImpactTheOthersHold) {
  venue_book without_a;
  without_a.protocol_a = false;
  scripted_path alone = contagion_book(without_a);
  const std::vector<double> totals = alone.run_path();
  EXPECT_EQ(totals[total_liquidated], 0.0);
  EXPECT_EQ(alone.market_growth(1, 0), eth_now);

  scripted_path no_feedback = contagion_book(venue_book{});
  no_feedback.permanent_impact_share = 0.0;
  const std::vector<double> temporary = no_feedback.run_path();
  EXPECT_EQ(no_feedback.count(0, count_executed), 1u);
  EXPECT_EQ(no_feedback.count(1, count_executed), 0u);
  EXPECT_EQ(no_feedback.count(2, count_executed), 0u);
  EXPECT_NEAR(venue_total(temporary, 0, total_liquidated), seized_usd(threshold_a), 1e-9);
  EXPECT_EQ(venue_total(temporary, 1, total_liquidated), 0.0);
}

}  // namespace
}  // namespace levrisk
