// The whole engine on a book of two lending protocols and two perp exchanges
// sharing BTC and ETH, with an oracle and cascades, against the plain twin of
// the step-synchronous stage (tests/reference/feedback_reference.hpp: every
// unit in every round, an explicit oracle and cascade loop) run on the same
// simulated paths (tests/reference/scalar_engine.hpp's price_path). The twin
// is built from the snapshot here, not from the engine's plan.
//
// The protocols differ in close factor, small-position bound and reserve; one
// exchange holds only longs and the other only shorts, each with a small fund:
// auto-deleveraging works within an exchange, so neither can fill its deficit
// from the other's positions (the twin reports such deficits unfilled, as the
// engine must). The twin sees the prices in double precision before rounding
// to float, so a path may differ where a test grazes a threshold: every
// venue's means agree within 4 standard errors, and the book loss agrees path
// by path on all but a few paths.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/engine/snapshot_model.hpp"
#include "tests/reference/feedback_reference.hpp"
#include "tests/reference/scalar_engine.hpp"

namespace levrisk {
namespace {

constexpr int btc = 0, eth = 1, usdc = 2;

lending_market market_of(int venue, int asset, double lt, double bonus) {
  lending_market m{};
  m.venue_index = venue;
  m.asset_index = asset;
  m.ltv = lt - 0.05;
  m.liquidation_threshold = lt;
  m.liquidation_bonus = bonus;
  return m;
}

// Two protocols lending against BTC and ETH, two exchanges trading both.
snapshot two_venue_book() {
  snapshot snap;
  snap.source = "two-venue-reference";
  snap.assets = {{"BTC", 95000.0, 2e6}, {"ETH", 3500.0, 1e6}, {"USDC", 1.0, 1e8}};
  snap.lending_venues = {lending_venue{"aave", 0.5, 0.95, 2000.0, 600.0},
                         lending_venue{"spark", 1.0, 0.95, 500.0, 0.0}};
  snap.perp_venues = {perp_venue{"longs-dex", 300.0}, perp_venue{"shorts-dex", 300.0}};
  snap.lending_markets = {market_of(0, btc, 0.78, 0.05),   market_of(0, eth, 0.83, 0.06),
                          market_of(0, usdc, 0.80, 0.045), market_of(1, btc, 0.75, 0.08),
                          market_of(1, eth, 0.80, 0.07),   market_of(1, usdc, 0.78, 0.04)};
  for (int i = 0; i < 40; ++i) {
    lending_account a;
    a.venue_index = i % 2;
    a.id = "L" + std::to_string(i / 2);  // the same ids on both protocols
    const double lt = a.venue_index == 0 ? (i % 4 < 2 ? 0.83 : 0.78) : (i % 4 < 2 ? 0.80 : 0.75);
    const double hf = 1.02 + 0.006 * (i / 2);
    const double scale = 1.0 + (i % 5) * 1.5;
    if (i % 4 < 2) {  // ETH against USDC
      a.balances = {{eth, scale, 0.0}, {usdc, 0.0, scale * 3500.0 * lt / hf}};
    } else {  // BTC against USDC
      a.balances = {{btc, 0.1 * scale, 0.0}, {usdc, 0.0, 0.1 * scale * 95000.0 * lt / hf}};
    }
    snap.lending_accounts.push_back(a);
  }
  // Accounts below 1 at the snapshot with collateral barely above their debt:
  // the bonus leaves bad debt, for the reserves to take.
  for (int j = 0; j < 8; ++j) {
    lending_account a;
    a.venue_index = j % 2;
    a.id = "U" + std::to_string(j);
    const double scale = 2.0 + j;
    a.balances = {{eth, scale, 0.0}, {usdc, 0.0, scale * 3500.0 / (1.01 + 0.01 * j)}};
    snap.lending_accounts.push_back(a);
  }
  for (int v = 0; v < 2; ++v) {
    for (const auto& [id, asset, mmf] :
         {std::tuple{"BTC-PERP", btc, 0.005}, std::tuple{"ETH-PERP", eth, 0.01}}) {
      perp_market m{};
      m.venue_index = v;
      m.id = id;
      m.asset_index = asset;
      m.maintenance_margin_fraction = mmf;
      m.initial_margin_fraction = 0.03;
      m.liquidation_fee = 0.005;
      snap.perp_markets.push_back(m);
    }
  }
  for (int i = 0; i < 16; ++i) {
    perp_position p{};
    p.venue_index = i % 2;  // longs on the first exchange, shorts on the second
    p.account_id = "P" + std::to_string(i);
    p.market_index = 2 * p.venue_index + (i % 4 < 2 ? 0 : 1);
    p.side = p.venue_index == 0 ? position_side::long_side : position_side::short_side;
    const double spot = i % 4 < 2 ? 95000.0 : 3500.0;
    p.size = i % 4 < 2 ? 1.0 + 0.5 * i : 20.0 + 5.0 * i;
    p.entry_price_usd = spot;
    p.mode = margin_mode::isolated;
    p.isolated_margin_usd = (0.02 + 0.004 * i) * p.size * spot;
    snap.perp_positions.push_back(p);
    perp_account account{};
    account.venue_index = p.venue_index;
    account.id = p.account_id;
    snap.perp_accounts.push_back(account);
  }
  return snap;
}

run_config two_venue_config() {
  run_config config;
  config.source = "test-config";
  config.snapshot = "two-venue-reference";
  config.gbm.asset_ids = {"BTC", "ETH", "USDC"};
  config.gbm.assets = {{0.0, 0.8}, {0.0, 1.0}, {0.0, 0.0}};
  config.gbm.correlation = {1.0, 0.8, 0.0, 0.8, 1.0, 0.0, 0.0, 0.0, 1.0};
  config.backend = "cpu";
  config.paths = 2000;
  config.steps = 48;
  config.horizon_days = 2.0;  // one-hour steps
  config.hf_sample_paths = 64;
  config.oracle.enabled = true;
  config.oracle.defaults.deviation = 0.005;
  config.oracle.defaults.heartbeat_seconds = 3.0 * 3600.0;
  config.cascade.permanent_impact_share = 0.5;
  return config;
}

// The twin's inputs from the snapshot, in the engine's unit order (lending
// accounts, then isolated positions), balances in USD at spot.
reference::feedback_inputs twin_inputs(const snapshot& snap) {
  reference::feedback_inputs in;
  for (const lending_account& a : snap.lending_accounts) {
    in.units.push_back({execution_kind::lending, static_cast<int>(in.lending_legs.size()),
                        static_cast<int>(a.balances.size()), 0.0, a.venue_index});
    for (const lending_balance& b : a.balances) {
      const lending_market& m = *std::find_if(
          snap.lending_markets.begin(), snap.lending_markets.end(), [&](const lending_market& x) {
            return x.venue_index == a.venue_index && x.asset_index == b.asset_index;
          });
      const double spot = snap.assets[static_cast<std::size_t>(b.asset_index)].spot_usd;
      in.lending_legs.push_back({b.asset_index, b.collateral_amount * spot, b.debt_amount * spot,
                                 m.liquidation_threshold, m.liquidation_bonus});
    }
  }
  for (const perp_position& p : snap.perp_positions) {
    const perp_market& m = snap.perp_markets[static_cast<std::size_t>(p.market_index)];
    const double spot = snap.assets[static_cast<std::size_t>(m.asset_index)].spot_usd;
    const double size = p.side == position_side::long_side ? p.size : -p.size;
    in.units.push_back({execution_kind::perp_isolated, static_cast<int>(in.perp_legs.size()), 1,
                        p.isolated_margin_usd, p.venue_index});
    in.perp_legs.push_back({m.asset_index, size * spot, size * p.entry_price_usd,
                            m.maintenance_margin_fraction, m.liquidation_fee});
  }
  for (const lending_venue& v : snap.lending_venues) {
    in.venues.push_back(venue_rules{
        0, lending_rules{v.close_factor, v.close_factor_hf_threshold, v.small_position_usd},
        v.reserve_usd});
  }
  in.first_perp_venue = static_cast<int>(snap.lending_venues.size());
  for (const perp_venue& v : snap.perp_venues) {
    in.venues.push_back(venue_rules{1, lending_rules{0.0, 0.0, 0.0}, v.insurance_fund_usd});
  }
  for (const asset& a : snap.assets) in.depth_usd.push_back(a.depth_usd);
  in.asset_moves = {1, 1, 0};
  in.impact_exponent = 0.5;
  in.permanent_impact_share = 0.5;
  // 0.5% deviation, a heartbeat of three one-hour steps, no latency, the
  // market's own price; USDC's never moves.
  for (int k = 0; k < 3; ++k) in.oracle_rules.push_back({0.005, 3, 0, 0, 0, 1.0f, 0});
  return in;
}

// Mean and standard error of per-path values.
struct sample {
  double sum = 0.0, sum_sq = 0.0;
  void add(double x) {
    sum += x;
    sum_sq += x * x;
  }
  double mean(double n) const { return sum / n; }
  double se(double n) const {
    const double m = sum / n;
    return std::sqrt(std::max(sum_sq / n - m * m, 0.0) / (n - 1.0));
  }
};

double figure(const reference::venue_figures& f, int total) {
  const double values[n_venue_totals] = {
      f.book_loss,     f.lending_bad_debt,    f.reserve_draw,       f.lending_shortfall,
      f.perp_loss,     f.fund_draw,           f.perp_deficit,       0.0,  // adl: never filled here
      f.adl_unfilled,  f.fund_fees,           f.liquidated,         f.owner_loss,
      f.lending_bonus, f.perp_owner_slippage, f.liquidator_slippage};
  return values[total];
}

// The engine's run of `config` on `snap` against the twin on `in`, path by path.
void expect_venues_agree_with_twin(const snapshot& snap, const run_config& config,
                                   reference::feedback_inputs in) {
  const run_result r = run_simulation(config, snap, *make_cpu_backend(0));
  ASSERT_EQ(r.system.venues.size(), 4u);
  ASSERT_EQ(r.system.path_totals.size(),
            static_cast<std::size_t>(config.paths) * r.system.total_names.size());

  const gbm_model model = snapshot_model(config, snap);
  std::vector<std::vector<sample>> venues(4, std::vector<sample>(n_venue_totals));
  int paths_apart = 0, paths_with_loss = 0, paths_on_both_protocols = 0;
  const std::size_t columns = r.system.total_names.size();
  for (std::int64_t path = 0; path < config.paths; ++path) {
    const std::vector<std::vector<double>> prices =
        reference::price_path(snap, model, config.seed, path, config.steps, config.dt_years());
    in.stored_growth.clear();
    for (const std::vector<double>& row : prices) {
      std::vector<float> growth;
      for (std::size_t k = 0; k < row.size(); ++k) {
        growth.push_back(static_cast<float>(row[k] / snap.assets[k].spot_usd));
      }
      in.stored_growth.push_back(growth);
    }
    in.path = static_cast<std::uint64_t>(path);
    const reference::feedback_result twin = reference::run_feedback_path(in);
    for (int v = 0; v < 4; ++v) {
      for (int t = 0; t < n_venue_totals; ++t) {
        venues[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)].add(
            figure(twin.venues[static_cast<std::size_t>(v)], t));
      }
    }
    const double engine_loss =
        r.system.path_totals[static_cast<std::size_t>(path) * columns + total_book_loss];
    paths_apart += std::fabs(engine_loss - twin.book_loss) > 1e-6 * (1.0 + twin.liquidated);
    paths_with_loss += twin.book_loss > 0.0;
    paths_on_both_protocols += twin.venues[0].liquidated > 0.0 && twin.venues[1].liquidated > 0.0;
  }
  const auto n = static_cast<double>(config.paths);
  std::printf(
      "paths %lld: with a book loss %d, liquidating on both protocols %d, book loss apart %d; "
      "per venue mean book loss %.1f %.1f %.1f %.1f, mean liquidated %.0f %.0f %.0f %.0f\n",
      static_cast<long long>(config.paths), paths_with_loss, paths_on_both_protocols, paths_apart,
      venues[0][total_book_loss].mean(n), venues[1][total_book_loss].mean(n),
      venues[2][total_book_loss].mean(n), venues[3][total_book_loss].mean(n),
      venues[0][total_liquidated].mean(n), venues[1][total_liquidated].mean(n),
      venues[2][total_liquidated].mean(n), venues[3][total_liquidated].mean(n));
  for (int v = 0; v < 4; ++v) {
    const venue_result& engine = r.system.venues[static_cast<std::size_t>(v)];
    for (int t = 0; t < n_venue_totals; ++t) {
      const sample& s = venues[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)];
      EXPECT_NEAR(engine.totals[static_cast<std::size_t>(t)].mean, s.mean(n),
                  4.0 * s.se(n) + 1e-9 * (1.0 + s.mean(n)))
          << engine.id << " " << r.system.total_names[static_cast<std::size_t>(t)];
    }
  }
  EXPECT_EQ(r.system.venues[0].id, "aave");
  EXPECT_EQ(r.system.venues[3].id, "shorts-dex");
  // The book is meant to liquidate on both protocols, leave losses, and the
  // exchanges' funds to run out.
  EXPECT_GT(paths_with_loss, config.paths / 20);
  EXPECT_GT(paths_on_both_protocols, config.paths / 10);
  EXPECT_GT(venues[0][total_lending_shortfall].sum, 0.0);
  EXPECT_GT(venues[1][total_lending_shortfall].sum, 0.0);
  EXPECT_GT(venues[2][total_perp_deficit].sum, 0.0);
  EXPECT_GT(venues[3][total_perp_deficit].sum, 0.0);
  EXPECT_EQ(r.system.totals[total_adl].mean, 0.0) << "no exchange holds both sides";
  EXPECT_LE(paths_apart, config.paths / 50);
}

TEST(VenueReference, EveryVenueAgreesWithTheTwin) {
  const snapshot snap = two_venue_book();
  expect_venues_agree_with_twin(snap, two_venue_config(), twin_inputs(snap));
}

// spark and shorts-dex read oracles of their own ([oracle.venues.ID]): spark's
// lags an hour behind the market, publishes on a 1% deviation and starts from
// its own snapshot price of ETH (venue_oracles.csv: $3,480, two hours old);
// shorts-dex's is the median of three feeds, each with a 0.3% error. Groups in
// the order of the ids: shorts-dex 1, spark 2.
TEST(VenueReference, EveryVenueOnItsOwnOracleAgreesWithTheTwin) {
  snapshot snap = two_venue_book();
  snap.venue_oracles = {venue_oracle{false, 1, eth, 3480.0, 7200.0, "x/venue_oracles.csv:2"}};
  run_config config = two_venue_config();
  oracle_venue_config spark;
  spark.defaults = config.oracle.defaults;
  spark.defaults.deviation = 0.01;
  spark.defaults.latency_seconds = 3600.0;
  oracle_venue_config shorts;
  shorts.defaults = config.oracle.defaults;
  shorts.defaults.feeds = std::vector<oracle_feed_config>(3, oracle_feed_config{0.003, 0.0});
  config.oracle.venues = {{"spark", spark}, {"shorts-dex", shorts}};

  reference::feedback_inputs in = twin_inputs(snap);
  in.seed = config.seed;
  // Group 1: three noisy feeds for BTC and ETH; USDC's price never moves, so
  // the engine gives its oracle no feeds.
  in.oracle_feeds.assign(6, oracle_feed{0.003f, 0});
  in.oracle_rules.push_back({0.005, 3, 0, 0, 3, 1.0f, 0});
  in.oracle_rules.push_back({0.005, 3, 0, 3, 3, 1.0f, 0});
  in.oracle_rules.push_back({0.005, 3, 0, 6, 0, 1.0f, 0});
  // Group 2: a one-step latency, 1%, ETH at 3480 / 3500 two steps old.
  in.oracle_rules.push_back({0.01, 3, 1, 6, 0, 1.0f, 0});
  in.oracle_rules.push_back({0.01, 3, 1, 6, 0, static_cast<float>(3480.0 / 3500.0), 2});
  in.oracle_rules.push_back({0.01, 3, 1, 6, 0, 1.0f, 0});
  in.venues[1].oracle_group = 2;  // spark
  in.venues[3].oracle_group = 1;  // shorts-dex
  expect_venues_agree_with_twin(snap, config, in);
}

}  // namespace
}  // namespace levrisk
