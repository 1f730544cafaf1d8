// Venues reading different oracles in the step-synchronous stage
// (kernels/risk/feedback_execution.hpp), computed by hand: two perp exchanges
// each hold the same isolated ETH long, liquidatable once the price its
// exchange acts on falls below 0.93 of the snapshot's. Exchange 0 reads the
// default oracle (0.5% deviation: it follows the market step by step);
// exchange 1 reads one of its own (oracle group 1). Each long triggers on its
// own oracle and closes at the one market both share.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/kernels/risk/scripted_path.hpp"

namespace levrisk {
namespace {

constexpr double size_usd = 10000.0;
constexpr double mmf = 0.05;
// margin + size (g - 1) < mmf size g below g = (size - margin) / ((1 - mmf) size) = 0.93.
constexpr double margin_usd = size_usd * (1.0 - (1.0 - mmf) * 0.93);
// ETH's market growth by step: one path for both exchanges.
const std::vector<float> eth = {1.0f, 0.97f, 0.94f, 0.92f, 0.91f, 0.88f, 0.86f};

oracle_rule rule_of(double deviation, int latency_steps = 0, float initial_growth = 1.0f) {
  return oracle_rule{deviation, 1000, latency_steps, 0, 0, initial_growth, 0};
}

// The two longs, exchange 1 on oracle group 1 with ETH's rule `own`.
scripted_path two_exchanges(const oracle_rule& own) {
  std::vector<std::vector<float>> rows;
  for (const float g : eth) rows.push_back({g, 1.0f});
  scripted_path p(rows, {{execution_kind::perp_isolated, 0, 1, margin_usd, 0},
                         {execution_kind::perp_isolated, 1, 1, margin_usd, 1}});
  p.perp_legs = {{0, size_usd, size_usd, mmf, 0.0}, {0, size_usd, size_usd, mmf, 0.0}};
  const float threshold = std::log(0.93f);
  p.add_falling_ladder(0, {{threshold, 0}}, 0);
  p.add_falling_ladder(0, {{threshold, 1}}, 1);
  p.asset_moves[1] = 0;
  p.feedback = true;
  p.venues = {venue_rules{0, lending_rules{0.5, 0.95, 2000.0}, 0.0},
              venue_rules{1, lending_rules{0.0, 0.0, 0.0}, 0.0, 0},
              venue_rules{1, lending_rules{0.0, 0.0, 0.0}, 0.0, 1}};
  p.first_perp_venue = 1;
  // Per group, ETH's rule then USDC's (which never moves).
  p.oracle_rules = {rule_of(0.005), rule_of(0.005), own, rule_of(0.005)};
  return p;
}

// Closed at market growth g: the notional, and what the margin does not cover.
double closed_notional(float g) { return size_usd * static_cast<double>(g); }
double venue_loss(float g) { return size_usd * (1.0 - static_cast<double>(g)) - margin_usd; }

void expect_closed_at(const scripted_path& p, int unit, float g) {
  const unit_outcome o = p.outcome(unit);
  ASSERT_TRUE(o.executed) << "unit " << unit;
  EXPECT_NEAR(o.liquidated_usd, closed_notional(g), 1e-9 * size_usd) << "unit " << unit;
  EXPECT_NEAR(o.bad_debt_usd, std::max(venue_loss(g), 0.0), 1e-9 * size_usd) << "unit " << unit;
}

// Exchange 0's oracle publishes 0.92 at step 3; exchange 1's (10% deviation)
// publishes nothing until 0.88 at step 5 moves it 12%.
TEST(VenueOracle, EachExchangeTriggersOnItsOwnOracle) {
  scripted_path p = two_exchanges(rule_of(0.10));
  const std::vector<double>& totals = p.run_path();
  expect_closed_at(p, 0, eth[3]);
  expect_closed_at(p, 1, eth[5]);
  // Each exchange's figures on its own ledger (venues 1 and 2).
  const int venues = venue_totals_offset(max_assets_here);
  EXPECT_NEAR(totals[venues + 1 * n_venue_totals + total_liquidated], closed_notional(eth[3]),
              1e-9 * size_usd);
  EXPECT_NEAR(totals[venues + 2 * n_venue_totals + total_liquidated], closed_notional(eth[5]),
              1e-9 * size_usd);
  // Group 0 publishes ETH at steps 1-6; group 1 at step 5; USDC never moves.
  EXPECT_EQ(totals[total_oracle_updates], 6.0 + 1.0);
}

// With a latency of one step, exchange 1's oracle publishes step s - 1's
// market at step s: 0.92 at step 4, when the market is at 0.91.
TEST(VenueOracle, LatencyDelaysOnlyItsOwnVenue) {
  scripted_path p = two_exchanges(rule_of(0.005, 1));
  p.run_path();
  expect_closed_at(p, 0, eth[3]);
  expect_closed_at(p, 1, eth[4]);
}

// Exchange 1's oracle starts below the trigger (its snapshot price, 0.925):
// its long closes at the snapshot, at the market's 1.
TEST(VenueOracle, EachOracleStartsFromItsOwnSnapshotPrice) {
  scripted_path p = two_exchanges(rule_of(0.10, 0, 0.925f));
  p.run_path();
  expect_closed_at(p, 0, eth[3]);
  expect_closed_at(p, 1, eth[0]);
}

// The same rules in both groups trigger both longs at the same step: a venue's
// own oracle changes nothing but what it is configured to change.
TEST(VenueOracle, SameRulesGiveTheSameSteps) {
  scripted_path p = two_exchanges(rule_of(0.005));
  p.run_path();
  expect_closed_at(p, 0, eth[3]);
  expect_closed_at(p, 1, eth[3]);
}

}  // namespace
}  // namespace levrisk
