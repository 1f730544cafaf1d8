// The execution stage through the whole engine: money conserved on every path
// of a run (auto-deleveraging included), per-unit figures that add up to the book's, and P(bad
// debt) of a perp position with a keeper delay of one step against a numerical integration of the
// discretely monitored GBM.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/snapshot/synth.hpp"
#include "tests/host/engine/engine_fixtures.hpp"

namespace levrisk {
namespace {

double column_sum(const system_result& s, int column) {
  double sum = 0.0;
  const std::size_t n = s.total_names.size();
  for (std::size_t p = column; p < s.path_totals.size(); p += n) sum += s.path_totals[p];
  return sum;
}

// A synthetic book under jumps with a small insurance fund and reserve and a
// slow keeper, so that the fund runs out on some paths and the reserve is drawn
// on others; with `feedback`, under an oracle and cascades (permanent impact 2/3).
run_result stressed_run(bool feedback = false) {
  snapshot snap = synthesize_snapshot(synth_options{300, 150, 5});
  snap.perp_venues[0].insurance_fund_usd = 2000.0;
  snap.lending_venues[0].reserve_usd = 500.0;
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly_jumps.toml");
  config.paths = 2000;
  config.steps = 48;
  config.horizon_days = 7.0;
  config.hf_sample_paths = 64;
  config.liquidation.keeper_delay_steps = 3;
  if (feedback) {
    config.oracle.enabled = true;
    config.cascade.permanent_impact_share = 2.0 / 3.0;
  }
  return run_simulation(config, snap, *make_cpu_backend(0));
}

class MoneyConservation : public ::testing::TestWithParam<bool> {};

TEST_P(MoneyConservation, OnEveryPath) {
  const run_result r = stressed_run(GetParam());
  const system_result& s = r.system;
  ASSERT_TRUE(s.executed);
  const std::size_t n = s.total_names.size();
  ASSERT_EQ(n, static_cast<std::size_t>(n_path_totals));
  ASSERT_EQ(s.path_totals.size(), n * static_cast<std::size_t>(r.metadata.paths));
  int paths_with_deficit = 0;
  int paths_with_adl = 0;
  int paths_with_reserve_draw = 0;
  for (std::size_t p = 0; p < s.path_totals.size(); p += n) {
    const double* t = &s.path_totals[p];
    const double scale = 1e-9 * (1.0 + t[total_liquidated]);
    // The book's loss: lending bad debt and perp losses, before any buffer.
    EXPECT_NEAR(t[total_book_loss], t[total_lending_bad_debt] + t[total_perp_loss], scale);
    // Perp losses: the fund's draw, what auto-deleveraging took from the other
    // side, and what the book's other side could not take.
    EXPECT_NEAR(t[total_perp_loss], t[total_fund_draw] + t[total_perp_deficit], scale);
    EXPECT_NEAR(t[total_perp_deficit], t[total_adl] + t[total_adl_unfilled], scale);
    // Lending bad debt: the reserve's draw plus the shortfall.
    EXPECT_NEAR(t[total_lending_bad_debt],
                t[total_lending_reserve_draw] + t[total_lending_shortfall], scale);
    // Owners lose the bonus, their slippage and the fees, nothing else.
    EXPECT_NEAR(t[total_owner_loss],
                t[total_lending_bonus] + t[total_perp_owner_slippage] + t[total_fund_fees], scale);
    // The fund never pays more than it had plus what it took in.
    EXPECT_LE(t[total_fund_draw], 2000.0 + t[total_fund_fees] + scale);
    EXPECT_LE(t[total_lending_reserve_draw], 500.0);
    for (std::size_t c = 0; c < n; ++c) EXPECT_GE(t[c], 0.0) << s.total_names[c];
    paths_with_deficit += t[total_perp_deficit] > 0.0;
    paths_with_adl += t[total_adl] > 0.0;
    paths_with_reserve_draw += t[total_lending_reserve_draw] > 0.0;
  }
  EXPECT_GT(paths_with_deficit, 0) << "the test should empty the fund on some paths";
  EXPECT_GT(paths_with_adl, 0) << "and deleverage winners on some";
  EXPECT_GT(paths_with_reserve_draw, 0) << "and draw the reserve on some";

  // Every USD liquidated is a trade of some asset: seized collateral and closed
  // positions, sold or bought.
  double traded = 0.0;
  for (std::size_t k = 0; k < s.asset_sold.size(); ++k) {
    traded += s.asset_sold[k].mean + s.asset_bought[k].mean;
  }
  EXPECT_NEAR(traded, s.totals[total_liquidated].mean, 1e-9 * traded);

  // The units' expected figures add up to the book's (fixed-point per unit, double
  // per path: equal to rounding).
  double liquidated = 0.0, owner_loss = 0.0, bad_debt = 0.0, adl = 0.0;
  for (const unit_result& u : r.units) {
    liquidated += u.execution.liquidated_usd.mean;
    owner_loss += u.execution.owner_loss_usd.mean;
    bad_debt += u.execution.bad_debt_usd.mean;
    adl += u.execution.adl_loss_usd.mean;
  }
  const auto paths = static_cast<double>(r.metadata.paths);
  EXPECT_NEAR(liquidated, column_sum(s, total_liquidated) / paths, 1e-6 * liquidated);
  EXPECT_NEAR(owner_loss, column_sum(s, total_owner_loss) / paths, 1e-6 * owner_loss);
  EXPECT_NEAR(bad_debt,
              (column_sum(s, total_lending_bad_debt) + column_sum(s, total_perp_loss)) / paths,
              1e-6 * (1.0 + bad_debt));
  EXPECT_NEAR(adl, column_sum(s, total_adl) / paths, 1e-6 * (1.0 + adl));
}

INSTANTIATE_TEST_SUITE_P(ExecutionEngine, MoneyConservation, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "WithCascades" : "Plain"; });

// stressed_run's book split by synth between two lending protocols and two perp
// exchanges, with small buffers of their own.
run_result four_venue_run() {
  synth_options options{300, 150, 5};
  options.lending_venues = options.perp_venues = 2;
  snapshot snap = synthesize_snapshot(options);
  snap.lending_venues[0].id = "aave-v3";
  snap.lending_venues[1].id = "spark";
  snap.perp_venues[0].id = "hyperliquid";
  snap.perp_venues[1].id = "dydx";
  snap.lending_venues[0].reserve_usd = 300.0;
  snap.lending_venues[1].reserve_usd = 200.0;
  snap.perp_venues[0].insurance_fund_usd = 1500.0;
  snap.perp_venues[1].insurance_fund_usd = 500.0;
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly_jumps.toml");
  config.paths = 1000;
  config.steps = 48;
  config.horizon_days = 7.0;
  config.hf_sample_paths = 64;
  config.liquidation.keeper_delay_steps = 3;
  return run_simulation(config, snap, *make_cpu_backend(0));
}

TEST(ExecutionEngine, EachVenueKeepsTheSystemsFiguresOfItsOwnUnitsAndBuffer) {
  const run_result r = four_venue_run();
  const system_result& s = r.system;
  ASSERT_EQ(s.venues.size(), 4u);
  const std::vector<std::string> ids = {"aave-v3", "spark", "hyperliquid", "dydx"};
  const std::vector<std::string> kinds = {"lending", "lending", "perp", "perp"};
  const std::vector<double> funds = {300.0, 200.0, 1500.0, 500.0};
  const std::vector<std::string> names(s.total_names.begin(),
                                       s.total_names.begin() + n_venue_totals);
  for (std::size_t v = 0; v < s.venues.size(); ++v) {
    EXPECT_EQ(s.venues[v].id, ids[v]);
    EXPECT_EQ(s.venues[v].kind, kinds[v]);
    EXPECT_EQ(s.venues[v].fund_usd, funds[v]);
    EXPECT_EQ(s.venues[v].total_names, names);
    ASSERT_EQ(s.venues[v].totals.size(), names.size());
  }
  EXPECT_EQ(s.lending_reserve_usd, 500.0);
  EXPECT_EQ(s.insurance_fund_usd, 2000.0);
  // Every figure, the reserve draw included (each protocol draws its own reserve),
  // is the sum of the venues' on every path, so in the mean.
  for (std::size_t t = 0; t < names.size(); ++t) {
    double sum = 0.0;
    for (const venue_result& v : s.venues) sum += v.totals[t].mean;
    EXPECT_NEAR(sum, s.totals[t].mean, 1e-9 * (1.0 + s.totals[t].mean)) << names[t];
  }
  // A lending protocol has no perp figures, a perp exchange no lending ones.
  EXPECT_EQ(s.venues[1].totals[total_perp_loss].mean, 0.0);
  EXPECT_EQ(s.venues[2].totals[total_lending_bad_debt].mean, 0.0);
  EXPECT_GT(s.venues[0].totals[total_liquidated].mean, 0.0);
  EXPECT_GT(s.venues[3].totals[total_liquidated].mean, 0.0);
  // Units name their venue, of their kind; synth puts units on every venue.
  std::map<std::string, int> units_on;
  for (const unit_result& u : r.units) {
    ++units_on[u.venue];
    EXPECT_TRUE(u.kind == risk_unit_kind::lending_account
                    ? u.venue == "aave-v3" || u.venue == "spark"
                    : u.venue == "hyperliquid" || u.venue == "dydx")
        << u.id << ": " << u.venue;
  }
  for (const std::string& id : ids) EXPECT_GT(units_on[id], 10) << id;
}

TEST(ExecutionEngine, NoExecutionWhenSwitchedOff) {
  const snapshot snap = synthesize_snapshot(synth_options{20, 10, 5});
  run_config config = load_run_config(LEVRISK_SOURCE_DIR "/configs/nightly.toml");
  config.paths = 200;
  config.steps = 24;
  config.hf_sample_paths = 16;
  config.liquidation.execute = false;
  const run_result r = run_simulation(config, snap, *make_cpu_backend(0));
  EXPECT_FALSE(r.system.executed);
  EXPECT_TRUE(std::isnan(r.units[0].execution.liquidated_usd.mean));
}

// --- a closed form: P(bad debt) of a perp long with a keeper delay of one step --

// An isolated long of 1 unit at spot 100 (entry 100), margin M, maintenance
// fraction m, no fee, no impact (no depth). Liquidatable when
//   M + (P - 100) < m P,  i.e.  x = log(P / 100) < b_liq = log((100 - M) / (100 (1 - m))),
// and bankrupt when P < 100 - M: x < b_bk = log(1 - M / 100). With a delay of one
// step, a trigger at step t executes at t + 1 if x_{t+1} < b_liq (else the position
// is alive again), with a loss when x_{t+1} < b_bk. The log-price is a random walk
// with N(nu dt, s^2 dt) steps, so P(bad debt) follows from propagating densities on
// a grid: alive A_t (x >= b_liq, not triggered) and triggered T_t (x < b_liq).
double bad_debt_probability_by_integration(double margin, double mmf, double vol_annual, int steps,
                                           double dt_years) {
  const double b_liq = std::log((100.0 - margin) / (100.0 * (1.0 - mmf)));
  const double b_bk = std::log(1.0 - margin / 100.0);
  const double mean = -0.5 * vol_annual * vol_annual * dt_years;
  const double sd = vol_annual * std::sqrt(dt_years);
  const double h = sd / 40.0;  // cells of 1/40 of a step's deviation, one centred on 0
  const int half = static_cast<int>(12.0 * std::sqrt(static_cast<double>(steps)) * 40.0);
  const double lo = -h * half;
  const int n = 2 * half + 1;
  auto x_at = [&](int i) { return lo + h * i; };
  std::vector<double> kernel;  // probability of a step of j cells, j in [-w, w]
  const int w = static_cast<int>(8.0 * sd / h) + 1;
  for (int j = -w; j <= w; ++j) {
    const double a = (h * (j - 0.5) - mean) / sd;
    const double b = (h * (j + 0.5) - mean) / sd;
    kernel.push_back(0.5 * (std::erfc(-b / std::sqrt(2.0)) - std::erfc(-a / std::sqrt(2.0))));
  }
  std::vector<double> alive(static_cast<std::size_t>(n), 0.0), triggered(alive);
  alive[static_cast<std::size_t>(half)] = 1.0;  // x_0 = 0
  double bad = 0.0;
  for (int t = 0; t < steps; ++t) {
    std::vector<double> next_alive(alive.size(), 0.0), next_triggered(alive.size(), 0.0);
    for (int i = 0; i < n; ++i) {
      const double a = alive[static_cast<std::size_t>(i)];
      const double tr = triggered[static_cast<std::size_t>(i)];
      if (a == 0.0 && tr == 0.0) continue;
      for (int j = -w; j <= w; ++j) {
        const int k = i + j;
        if (k < 0 || k >= n) continue;
        const double p = kernel[static_cast<std::size_t>(j + w)];
        const double y = x_at(k);
        // Alive at t: triggered at t + 1 when below b_liq.
        (y < b_liq ? next_triggered : next_alive)[static_cast<std::size_t>(k)] += a * p;
        // Triggered at t: executed at t + 1 when still below b_liq; bad below b_bk.
        if (y < b_bk) {
          bad += tr * p;
        } else if (y >= b_liq) {
          next_alive[static_cast<std::size_t>(k)] += tr * p;
        }
      }
    }
    alive.swap(next_alive);
    triggered.swap(next_triggered);
  }
  return bad;
}

TEST(ExecutionEngine, BadDebtWithAKeeperDelayMatchesNumericalIntegration) {
  snapshot snap;
  snap.source = "closed-form";
  snap.assets = {{"ETH", 100.0}};
  snap.perp_markets = {{"ETH-PERP", 0, 0.005, 0.01}};
  constexpr double margin = 2.0;  // 50x
  snap.perp_accounts = {{"P1", 0.0}};
  snap.perp_positions = {
      {"P1", 0, position_side::long_side, 1.0, 100.0, margin_mode::isolated, margin}};
  run_config config;
  config.source = "test-config";
  config.snapshot = "closed-form";
  config.gbm.asset_ids = {"ETH"};
  config.gbm.assets = {{0.0, 0.8}};
  config.gbm.correlation = {1.0};
  config.backend = "cpu";
  config.paths = 40000;
  config.steps = 48;
  config.horizon_days = 1.0;
  config.liquidation.keeper_delay_steps = 1;
  const run_result r = run_simulation(config, snap, *make_cpu_backend(0));
  const unit_execution_result& e = r.units.at(0).execution;
  const double expected =
      bad_debt_probability_by_integration(margin, 0.005, 0.8, config.steps, config.dt_years());
  const double se = std::sqrt(expected * (1.0 - expected) / static_cast<double>(config.paths));
  ASSERT_GT(expected, 0.05) << "parameters should give a clear probability";
  EXPECT_NEAR(e.bad_debt_probability, expected, 4.0 * se);
  // The fund (empty) covers nothing: every loss goes to auto-deleveraging.
  EXPECT_NEAR(r.system.totals[total_perp_deficit].probability_positive, e.bad_debt_probability,
              1e-12);
}

}  // namespace
}  // namespace levrisk
