// The step-synchronous execution stage (kernels/risk/feedback_execution.hpp)
// against its plain twin (tests/reference/feedback_reference.hpp) on random
// scripted books and paths: lending accounts with one volatile collateral and a
// stable debt, isolated perps long and short, falling and recovering paths with
// jumps, keeper delays, permanent impact, oracles with deviation, heartbeat,
// latency and noisy feeds, one or two lending protocols and exchanges with
// their own rules and buffers. Every unit's figures, the path's totals (of the
// book and of each venue), the amplification passes and the market rows must
// agree.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

#include "tests/kernels/risk/scripted_path.hpp"
#include "tests/reference/feedback_reference.hpp"

namespace levrisk {
namespace {

using reference::feedback_inputs;
using reference::feedback_mechanisms;
using reference::feedback_result;
using reference::run_feedback_path;

// A case is drawn again when a discontinuous test of the twin sits this close
// to its boundary: the stage's ladders test float log-prices, whose rounding
// (a few 1e-8 relative) may put such a test on the other side.
constexpr double boundary_guard = 1e-6;
constexpr double usd_relative_tolerance = 1e-9;

struct ladder_entry {
  bool rising;
  float threshold;  // log growth of the unit's liquidation price
  int unit;
};

struct random_book {
  feedback_inputs in;
  std::vector<ladder_entry> ladder;
  bool amplification = true;
};

class drawer {
 public:
  explicit drawer(std::uint64_t seed) : rng_(seed) {}
  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  double log_uniform(double lo, double hi) { return std::exp(uniform(std::log(lo), std::log(hi))); }
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return uniform(0.0, 1.0) < p; }

 private:
  std::mt19937_64 rng_;
};

// A path of ETH's growth: a drift down (or down then up), noise and jumps.
std::vector<std::vector<float>> random_path(drawer& d) {
  const int n_steps = d.integer(10, 60);
  const bool recovers = d.chance(0.4);
  const int turn = d.integer(n_steps / 4, n_steps);
  const double fall = d.uniform(0.002, 0.02);
  const double vol = d.uniform(0.003, 0.02);
  std::vector<std::vector<float>> rows{{1.0f, 1.0f}};
  double x = 0.0;
  for (int step = 1; step <= n_steps; ++step) {
    const double drift = recovers && step > turn ? 1.5 * fall : -fall;
    x += drift + vol * d.uniform(-1.7, 1.7);
    if (d.chance(0.06)) x += d.uniform(-0.12, 0.06);
    rows.push_back({static_cast<float>(std::exp(x)), 1.0f});
  }
  return rows;
}

void path_range(const std::vector<std::vector<float>>& rows, double& low, double& high) {
  low = high = 1.0;
  for (const std::vector<float>& row : rows) {
    low = std::min(low, static_cast<double>(row[0]));
    high = std::max(high, static_cast<double>(row[0]));
  }
}

// A lending account with ETH collateral and USDC debt, liquidatable below ETH growth h.
void add_lending(drawer& d, random_book& b, double h) {
  feedback_inputs& in = b.in;
  const double collateral = d.log_uniform(300.0, 30000.0);
  const double lt = d.uniform(0.65, 0.9);
  const double debt = collateral * lt * h;
  const int unit = static_cast<int>(in.units.size());
  const int first_leg = static_cast<int>(in.lending_legs.size());
  in.units.push_back({execution_kind::lending, first_leg, 2, 0.0});
  in.lending_legs.push_back({0, collateral, 0.0, lt, d.uniform(0.02, 0.12)});
  in.lending_legs.push_back({1, 0.0, debt, 0.9, 0.04});
  b.ladder.push_back({false, static_cast<float>(std::log(debt / (collateral * lt))), unit});
}

// An isolated ETH perp liquidated at growth h: below it for a long, above it
// for a short; the margin is what puts the liquidation price there.
void add_perp(drawer& d, random_book& b, bool long_side, double h) {
  feedback_inputs& in = b.in;
  const double size = d.log_uniform(1000.0, 50000.0);
  const double entry = d.uniform(0.95, 1.05);
  const double mmf = d.uniform(0.005, 0.05);
  double margin = long_side ? size * (entry - h * (1.0 - mmf)) : size * (h * (1.0 + mmf) - entry);
  if (!(margin > 0.0)) margin = size * d.uniform(0.01, 0.05);
  const int unit = static_cast<int>(in.units.size());
  const int leg = static_cast<int>(in.perp_legs.size());
  in.units.push_back({execution_kind::perp_isolated, leg, 1, margin});
  const double sign = long_side ? 1.0 : -1.0;
  in.perp_legs.push_back({0, sign * size, sign * size * entry, mmf, d.uniform(0.0, 0.01)});
  // equity margin + s (g - entry) against maintenance mmf |s| g, solved for g.
  const double liquidation = long_side ? (size * entry - margin) / (size * (1.0 - mmf))
                                       : (margin + size * entry) / (size * (1.0 + mmf));
  if (liquidation > 0.0) {
    b.ladder.push_back({!long_side, static_cast<float>(std::log(liquidation)), unit});
  }
}

// One oracle group's rules: ETH's at random; USDC's (its price never moves)
// publishes on its own rules but reads 1 throughout: the stage folds a constant
// asset into its lending triggers at growth 1 (lending_trigger_form_of),
// whatever its oracle says.
void add_oracle_rules(drawer& d, feedback_inputs& in) {
  for (int k = 0; k < 2; ++k) {
    const bool constant = in.asset_moves[static_cast<std::size_t>(k)] == 0;
    const int n_feeds = d.integer(0, 4);
    const int heartbeat = d.integer(1, 20);
    in.oracle_rules.push_back(oracle_rule{
        d.uniform(0.001, 0.03), heartbeat, d.chance(0.5) ? 0 : d.integer(1, 2),
        static_cast<int>(in.oracle_feeds.size()), n_feeds,
        constant ? 1.0f : static_cast<float>(d.uniform(0.99, 1.01)), d.integer(0, heartbeat - 1)});
    const bool noisy = !constant && d.chance(0.6);
    for (int f = 0; f < n_feeds; ++f) {
      in.oracle_feeds.push_back(oracle_feed{
          noisy ? static_cast<float>(d.uniform(0.001, 0.01)) : 0.0f, d.chance(0.7) ? 0 : 1});
    }
  }
}

void add_oracle(drawer& d, feedback_inputs& in) {
  add_oracle_rules(d, in);
  in.seed = 0x5eedull + static_cast<std::uint64_t>(d.integer(0, 1 << 20));
}

// With an oracle, half the books give some venues oracles of their own (one
// or two more groups), from a stream of their own.
void add_venue_oracles(std::uint64_t seed, feedback_inputs& in) {
  drawer d(seed ^ 0x6f7261636c6573ull);
  if (in.oracle_rules.empty() || !d.chance(0.5)) return;
  const int n_groups = d.integer(2, 3);
  for (int g = 1; g < n_groups; ++g) add_oracle_rules(d, in);
  for (venue_rules& v : in.venues) v.oracle_group = d.integer(0, n_groups - 1);
}

// The oracle group of unit u: its venue's.
int group_of(const feedback_inputs& in, int u) {
  const execution_unit& unit = in.units[static_cast<std::size_t>(u)];
  const int venue = is_perp(unit) ? in.first_perp_venue + unit.venue : unit.venue;
  return in.venues[static_cast<std::size_t>(venue)].oracle_group;
}

// Venues at random, from a stream of their own (the book's draws stay as they
// were): one or two lending protocols, each with its close factor, small-position
// bound and reserve, and one or two exchanges with their funds; each unit on
// one venue of its kind.
void add_venues(std::uint64_t seed, feedback_inputs& in) {
  drawer d(seed ^ 0x76656e756573ull);
  const int n_lending = d.integer(1, 2);
  const int n_perp = d.integer(1, 2);
  in.venues.clear();
  for (int v = 0; v < n_lending; ++v) {
    const lending_rules rules =
        v == 0 ? in.lending : lending_rules{d.uniform(0.3, 1.0), 0.95, d.uniform(0.0, 5000.0)};
    in.venues.push_back(
        venue_rules{0, rules, v == 0 ? in.lending_reserve_usd : d.uniform(0.0, 1000.0)});
  }
  in.first_perp_venue = n_lending;
  for (int v = 0; v < n_perp; ++v) {
    const double fund =
        v == 0 ? in.insurance_fund_usd : (d.chance(0.5) ? 1e15 : d.uniform(0.0, 200.0));
    in.venues.push_back(venue_rules{1, lending_rules{0.0, 0.0, 0.0}, fund});
  }
  for (execution_unit& u : in.units) u.venue = d.integer(0, (is_perp(u) ? n_perp : n_lending) - 1);
}

random_book draw_book(std::uint64_t seed) {
  drawer d(seed);
  random_book b;
  feedback_inputs& in = b.in;
  in.stored_growth = random_path(d);
  in.asset_moves = {1, 0};
  in.depth_usd = {d.log_uniform(3e3, 3e5), inf};
  in.impact_exponent = d.chance(0.7) ? 0.5 : 1.0;
  const int delays[] = {0, 0, 0, 1, 2};  // a cascade needs keepers within the step
  in.keeper_delay_steps = delays[d.integer(0, 4)];
  const int calls[] = {16, 16, 1, 2};
  in.max_calls_per_step = calls[d.integer(0, 3)];
  const double shares[] = {0.0, 0.5, 1.0, 1.0};
  in.permanent_impact_share = shares[d.integer(0, 3)];
  in.max_cascade_rounds = d.chance(0.8) ? 32 : d.integer(2, 3);
  in.lending_reserve_usd = d.uniform(0.0, 1000.0);
  double low = 1.0, high = 1.0;
  path_range(in.stored_growth, low, high);
  // Most accounts in a band 1.5% wide somewhere on the path: cascades.
  const int n_lending = d.integer(5, 40);
  const double band = d.uniform(low, 1.0);
  for (int i = 0; i < n_lending; ++i) {
    add_lending(d, b, d.chance(0.7) ? band * d.uniform(0.985, 1.0) : d.uniform(0.9 * low, 1.02));
  }
  // The fund runs short only when every perp is on one side: no position on
  // the other side for auto-deleveraging to fill from.
  const int n_perps = d.integer(0, 8);
  const int sides = d.integer(0, 2);  // 0 both, 1 longs only, 2 shorts only
  for (int i = 0; i < n_perps; ++i) {
    const bool long_side = sides == 1 || (sides == 0 && d.chance(0.5));
    add_perp(d, b, long_side,
             long_side ? d.uniform(0.9 * low, 1.02) : d.uniform(0.98, std::max(1.0, high) * 1.05));
  }
  in.insurance_fund_usd = sides == 0 || d.chance(0.5) ? 1e15 : d.uniform(0.0, 200.0);
  if (d.chance(0.7)) add_oracle(d, in);
  add_venues(seed, in);
  add_venue_oracles(seed, in);
  return b;
}

scripted_path stage_of(const random_book& b) {
  const feedback_inputs& in = b.in;
  scripted_path p(in.stored_growth, in.units);
  p.lending_legs = in.lending_legs;
  p.perp_legs = in.perp_legs;
  p.depth_usd[0] = in.depth_usd[0];
  p.depth_usd[1] = in.depth_usd[1];
  p.asset_moves[0] = in.asset_moves[0];
  p.asset_moves[1] = in.asset_moves[1];
  p.impact_exponent = static_cast<float>(in.impact_exponent);
  p.lending = in.lending;
  p.keeper_delay_steps = in.keeper_delay_steps;
  p.max_calls_per_step = in.max_calls_per_step;
  p.insurance_fund_usd = in.insurance_fund_usd;
  p.lending_reserve_usd = in.lending_reserve_usd;
  p.venues = in.venues;
  p.first_perp_venue = in.first_perp_venue;
  p.feedback = true;
  p.permanent_impact_share = in.permanent_impact_share;
  p.max_cascade_rounds = in.max_cascade_rounds;
  p.amplification = b.amplification;
  p.oracle_rules = in.oracle_rules;
  p.oracle_feeds = in.oracle_feeds;
  p.seed = in.seed;
  // A ladder per oracle group and direction, as host/engine/risk_plan.cpp splits factors.
  for (int g = 0; g < max_oracle_groups; ++g) {
    std::vector<std::pair<float, int>> falling, rising;
    for (const ladder_entry& l : b.ladder) {
      if (group_of(in, l.unit) != g) continue;
      (l.rising ? rising : falling).emplace_back(l.threshold, l.unit);
    }
    if (!falling.empty()) p.add_falling_ladder(0, falling, g);
    if (!rising.empty()) p.add_rising_ladder(0, rising, g);
  }
  return p;
}

::testing::AssertionResult usd_near(double stage, double twin) {
  const double scale = std::max(std::fabs(stage), std::fabs(twin));
  if (std::fabs(stage - twin) <= usd_relative_tolerance * scale + 1e-12) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "stage " << stage << " twin " << twin << " (difference " << stage - twin << ")";
}

void expect_units_agree(const scripted_path& p, const feedback_result& twin) {
  for (std::size_t u = 0; u < twin.units.size(); ++u) {
    const int unit = static_cast<int>(u);
    const unit_outcome o = p.outcome(unit);
    const reference::feedback_unit_result& r = twin.units[u];
    SCOPED_TRACE(::testing::Message() << "unit " << u);
    EXPECT_EQ(o.executed, r.executed);
    EXPECT_EQ(o.calls, r.calls);
    EXPECT_EQ(o.pending, r.pending);
    EXPECT_EQ(o.calls_exhausted, r.calls_exhausted);
    EXPECT_TRUE(usd_near(o.liquidated_usd, r.liquidated_usd)) << "liquidated";
    EXPECT_TRUE(usd_near(o.owner_loss_usd, r.owner_loss_usd)) << "owner loss";
    EXPECT_TRUE(usd_near(o.bad_debt_usd, r.bad_debt_usd)) << "bad debt";
    EXPECT_EQ(o.adl_notional_usd, 0.0);
    EXPECT_EQ(p.count(unit, count_executed), r.executed ? 1u : 0u);
    EXPECT_EQ(p.count(unit, count_calls), static_cast<tally_t>(r.calls));
    EXPECT_EQ(p.count(unit, count_pending), r.pending ? 1u : 0u);
    EXPECT_EQ(p.count(unit, count_bad_debt), r.bad_debt_usd > 0.0 ? 1u : 0u);
  }
}

// The figures kept for the book and per venue, as the stage's path totals.
std::vector<std::pair<int, double>> money_totals(const reference::venue_figures& r) {
  return {{total_book_loss, r.book_loss},
          {total_lending_bad_debt, r.lending_bad_debt},
          {total_lending_reserve_draw, r.reserve_draw},
          {total_lending_shortfall, r.lending_shortfall},
          {total_perp_loss, r.perp_loss},
          {total_fund_draw, r.fund_draw},
          {total_perp_deficit, r.perp_deficit},
          {total_adl, 0.0},
          {total_adl_unfilled, r.adl_unfilled},
          {total_fund_fees, r.fund_fees},
          {total_liquidated, r.liquidated},
          {total_owner_loss, r.owner_loss},
          {total_lending_bonus, r.lending_bonus},
          {total_perp_owner_slippage, r.perp_owner_slippage},
          {total_liquidator_slippage, r.liquidator_slippage}};
}

void expect_venues_agree(const std::vector<double>& t, const feedback_result& r) {
  for (std::size_t v = 0; v < r.venues.size(); ++v) {
    const int first = venue_totals_offset(max_assets_here) + static_cast<int>(v) * n_venue_totals;
    for (const auto& [total, twin] : money_totals(r.venues[v])) {
      EXPECT_TRUE(usd_near(t[static_cast<std::size_t>(first + total)], twin))
          << "venue " << v << " total " << total;
    }
  }
}

void expect_totals_agree(const std::vector<double>& t, const feedback_result& r,
                         const feedback_result& no_permanent, const feedback_result& perfect) {
  std::vector<std::pair<int, double>> usd = money_totals(r);
  const std::pair<int, double> amplification[] = {
      {total_book_loss_no_permanent, no_permanent.book_loss},
      {total_uncovered_no_permanent, no_permanent.lending_shortfall + no_permanent.perp_deficit},
      {total_book_loss_perfect_oracle, perfect.book_loss},
      {total_uncovered_perfect_oracle, perfect.lending_shortfall + perfect.perp_deficit}};
  usd.insert(usd.end(), std::begin(amplification), std::end(amplification));
  for (const auto& [total, twin] : usd) {
    EXPECT_TRUE(usd_near(t[total], twin)) << "total " << total;
  }
  EXPECT_EQ(t[total_cascade_steps], r.cascade_steps);
  EXPECT_EQ(t[total_unconverged_steps], r.unconverged_steps);
  EXPECT_EQ(t[total_max_rounds], r.max_rounds);
  EXPECT_EQ(t[total_oracle_updates], r.oracle_updates);
  for (int k = 0; k < max_assets_here; ++k) {
    EXPECT_TRUE(usd_near(t[n_path_totals + k], r.sold_usd[k])) << "sold " << k;
    EXPECT_TRUE(usd_near(t[n_path_totals + max_assets_here + k], r.bought_usd[k]))
        << "bought " << k;
    EXPECT_TRUE(usd_near(t[n_path_totals + 2 * max_assets_here + k], r.drawdown[k]))
        << "drawdown " << k;
  }
}

bool near_boundary(const feedback_result& r) {
  return r.closest_to_boundary < boundary_guard || r.adl_would_fill;
}

TEST(FeedbackReference, RandomBooksAgreeWithTheTwin) {
  constexpr int n_cases = 400;
  int cascades = 0, unconverged = 0, with_oracle = 0, delayed = 0, bad_debt = 0, deficits = 0;
  int pending = 0, redrawn = 0, shorts_executed = 0, venues_executed = 0, own_oracles = 0;
  for (int c = 0; c < n_cases; ++c) {
    random_book b;
    feedback_result full, no_permanent, perfect;
    for (std::uint64_t draw = 0;; ++draw) {
      b = draw_book(1000003ull * static_cast<std::uint64_t>(c) + draw);
      full = run_feedback_path(b.in);
      no_permanent = run_feedback_path(b.in, feedback_mechanisms{false, true});
      perfect = run_feedback_path(b.in, feedback_mechanisms{true, false});
      if (!near_boundary(full) && !near_boundary(no_permanent) && !near_boundary(perfect)) break;
      ++redrawn;
    }
    scripted_path p = stage_of(b);
    const std::vector<double> totals = p.run_path();
    SCOPED_TRACE(::testing::Message() << "case " << c);
    expect_units_agree(p, full);
    expect_totals_agree(totals, full, no_permanent, perfect);
    expect_venues_agree(totals, full);

    const int n_steps = static_cast<int>(b.in.stored_growth.size()) - 1;
    for (int step = 0; step <= n_steps; ++step) {
      for (int k = 0; k < max_assets_here; ++k) {
        ASSERT_EQ(p.market_growth(step, k), full.market_growth[step][k])
            << "step " << step << " asset " << k;
      }
    }
    for (std::size_t r = 1; r < full.rounds_histogram.size(); ++r) {
      EXPECT_EQ(p.rounds_histogram()[r], static_cast<tally_t>(full.rounds_histogram[r]))
          << "rounds " << r;
    }
    if (::testing::Test::HasFailure()) return;
    cascades += full.max_rounds > 1;
    unconverged += full.unconverged_steps > 0;
    with_oracle += !b.in.oracle_rules.empty() && full.liquidated > 0.0;
    delayed += b.in.keeper_delay_steps > 0 && full.liquidated > 0.0;
    bad_debt += full.book_loss > 0.0;
    deficits += full.perp_deficit > 0.0;
    venues_executed +=
        std::count_if(full.venues.begin(), full.venues.end(),
                      [](const reference::venue_figures& v) { return v.liquidated > 0.0; }) >= 3;
    for (std::size_t u = 0; u < full.units.size(); ++u) {
      pending += full.units[u].pending;
      own_oracles += full.units[u].executed && !b.in.oracle_rules.empty() &&
                     group_of(b.in, static_cast<int>(u)) > 0;
      shorts_executed += full.units[u].executed && is_perp(b.in.units[u]) &&
                         b.in.perp_legs[b.in.units[u].first_leg].size_usd < 0.0;
    }
  }
  // The books exercise what they are meant to.
  std::printf(
      "cases %d: cascades %d, unconverged %d, oracle %d, keeper delay %d, book loss %d, fund "
      "deficit %d, pending units %d, shorts closed %d, three venues executing %d, units "
      "executed on a venue's own oracle %d, redrawn %d\n",
      n_cases, cascades, unconverged, with_oracle, delayed, bad_debt, deficits, pending,
      shorts_executed, venues_executed, own_oracles, redrawn);
  EXPECT_GE(cascades, 60);
  EXPECT_GE(unconverged, 10);
  EXPECT_GE(with_oracle, 200);
  EXPECT_GE(delayed, 120);
  EXPECT_GE(bad_debt, 250);
  EXPECT_GE(deficits, 40);
  EXPECT_GE(pending, 100);
  EXPECT_GE(shorts_executed, 150);
  EXPECT_GE(venues_executed, 60);
  EXPECT_GE(own_oracles, 300);
  EXPECT_LE(redrawn, n_cases / 4);
}

}  // namespace
}  // namespace levrisk
