#pragma once
// The plain twin of the fast kernels: one path at a time, every unit evaluated
// at every monitoring step in double precision straight from the snapshot's
// definitions, no ladders, no screening. Slow and obviously correct; the tests
// compare the engine's liquidation counts and times against it.
//
// It shares only the normal stream with the engine (whose bits are checked
// against cuRAND and the standard normal separately). The other market models'
// twins, with their own generator, are in tests/reference/scalar_models.hpp.

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "host/snapshot/snapshot.hpp"
#include "kernels/rng/normal.hpp"
#include "models/gbm.hpp"

namespace levrisk::reference {

struct unit_outcome {
  std::int64_t liquidated_paths = 0;
  double step_sum = 0.0;
};

// Health factors of every unit in the engine's output order (lending accounts,
// isolated perp positions, cross-margin accounts with positions) at `price`.
inline std::vector<double> health_factors(const snapshot& snap, const std::vector<double>& price) {
  std::vector<double> hf;
  for (const lending_account& account : snap.lending_accounts) {
    double collateral = 0.0, debt = 0.0;
    for (const lending_balance& b : account.balances) {
      const int market = snap.find_lending_market(account.venue_index, b.asset_index);
      const double lt = market >= 0 ? snap.lending_markets[market].liquidation_threshold : 0.0;
      collateral += b.collateral_amount * lt * price[b.asset_index];
      debt += b.debt_amount * price[b.asset_index];
    }
    hf.push_back(debt > 0.0 ? collateral / debt : HUGE_VAL);
  }
  auto equity_and_maintenance = [&](const perp_position& p, double& equity, double& maintenance) {
    const perp_market& market = snap.perp_markets[p.market_index];
    const double mark = price[market.asset_index];
    const double pnl = p.side == position_side::long_side ? p.size * (mark - p.entry_price_usd)
                                                          : p.size * (p.entry_price_usd - mark);
    equity += pnl;
    maintenance += market.maintenance_margin_fraction * p.size * mark;
  };
  for (const perp_position& p : snap.perp_positions) {
    if (p.mode != margin_mode::isolated) continue;
    double equity = p.isolated_margin_usd, maintenance = 0.0;
    equity_and_maintenance(p, equity, maintenance);
    hf.push_back(equity / maintenance);
  }
  for (const perp_account& account : snap.perp_accounts) {
    double equity = account.cross_collateral_usd, maintenance = 0.0;
    bool any = false;
    for (const perp_position& p : snap.perp_positions) {
      if (p.mode != margin_mode::cross || p.account_id != account.id) continue;
      equity_and_maintenance(p, equity, maintenance);
      any = true;
    }
    if (any) hf.push_back(equity / maintenance);
  }
  return hf;
}

// The prices of every asset at steps 0..n_steps of one path, GBM as in
// models/gbm.hpp: prices[step][asset].
inline std::vector<std::vector<double>> price_path(const snapshot& snap, const gbm_model& model,
                                                   std::uint64_t seed, std::int64_t path, int steps,
                                                   double dt_years) {
  const int n = model.n_assets();
  const auto& params = model.params().assets;
  const std::vector<double>& chol = model.cholesky();
  // Draw k of step s (from s to s + 1): normal d = (s mod 4) n + k of the 4 n
  // normals of Philox blocks (s div 4) n ... (s div 4) n + n - 1 of subsequence `path`.
  auto draw = [&](int s, int k) {
    const int d = (s % 4) * n + k;
    const normal4 block = normals_from_block(philox_block(
        seed, static_cast<std::uint64_t>(path), static_cast<std::uint64_t>(s / 4) * n + d / 4));
    const float words[4] = {block.z0, block.z1, block.z2, block.z3};
    return static_cast<double>(words[d % 4]);
  };
  std::vector<double> spot(n);
  for (int k = 0; k < n; ++k) spot[k] = snap.assets[k].spot_usd;
  std::vector<std::vector<double>> prices{spot};
  std::vector<double> log_return(n, 0.0), z(n);
  for (int step = 1; step <= steps; ++step) {
    for (int k = 0; k < n; ++k) z[k] = draw(step - 1, k);
    std::vector<double> price(n);
    for (int k = 0; k < n; ++k) {
      double correlated = 0.0;
      for (int j = 0; j <= k; ++j) correlated += chol[k * n + j] * z[j];
      const double sigma = params[k].vol_annual, mu = params[k].drift_annual;
      log_return[k] +=
          (mu - 0.5 * sigma * sigma) * dt_years + sigma * std::sqrt(dt_years) * correlated;
      price[k] = spot[k] * std::exp(log_return[k]);
    }
    prices.push_back(std::move(price));
  }
  return prices;
}

// First step with HF < 1 on each path, steps 0..n_steps.
inline std::vector<unit_outcome> simulate(const snapshot& snap, const gbm_model& model,
                                          std::uint64_t seed, std::int64_t paths, int steps,
                                          double dt_years) {
  std::vector<double> spot;
  for (const asset& a : snap.assets) spot.push_back(a.spot_usd);
  std::vector<unit_outcome> outcome(health_factors(snap, spot).size());
  for (std::int64_t path = 0; path < paths; ++path) {
    const std::vector<std::vector<double>> prices =
        price_path(snap, model, seed, path, steps, dt_years);
    std::vector<bool> done(outcome.size(), false);
    for (int step = 0; step <= steps; ++step) {
      const std::vector<double> hf = health_factors(snap, prices[step]);
      for (std::size_t u = 0; u < hf.size(); ++u) {
        if (!done[u] && hf[u] < 1.0) {
          done[u] = true;
          outcome[u].liquidated_paths += 1;
          outcome[u].step_sum += step;
        }
      }
    }
  }
  return outcome;
}

}  // namespace levrisk::reference
