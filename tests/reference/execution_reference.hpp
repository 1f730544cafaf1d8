#pragma once
// The plain twin of the execution stage (kernels/risk/execution.hpp): one path
// at a time, every unit at every step in double precision, balances in the
// snapshot's own units (token amounts, position sizes), rules written from
// their definitions (docs/methodology.md): Aave v3.3 calls for lending
// accounts, a close at market less impact with a fee for perps, the lending
// reserve and the insurance fund per step. No ladders, no screening, no
// stored rows, no fixed point. Paths from tests/reference/scalar_engine.hpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/snapshot/snapshot.hpp"
#include "tests/reference/scalar_engine.hpp"

namespace levrisk::reference {

struct execution_rules {
  int keeper_delay_steps = 0;
  double impact_exponent = 0.5;
  int max_calls_per_step = 16;
};

struct unit_sums {
  double liquidated = 0.0, liquidated_sq = 0.0;
  double owner_loss = 0.0, owner_loss_sq = 0.0;
  double bad_debt = 0.0, bad_debt_sq = 0.0;
  std::int64_t bad_debt_paths = 0;
};

struct path_figures {
  double lending_bad_debt = 0.0, reserve_draw = 0.0, perp_loss = 0.0, fund_draw = 0.0,
         perp_deficit = 0.0, fees = 0.0, liquidated = 0.0;
};

struct execution_outcome {
  std::vector<unit_sums> units;
  std::vector<path_figures> paths;
  std::vector<std::vector<double>> unit_loss;  // [path][unit]: bad debt or the venue's loss
};

class execution_twin {
 public:
  execution_twin(const snapshot& snap, const execution_rules& rules) : snap_(snap), rules_(rules) {
    for (std::size_t a = 0; a < snap.lending_accounts.size(); ++a) {
      units_.push_back(unit{true, static_cast<int>(a), 0.0, {}});
    }
    for (std::size_t p = 0; p < snap.perp_positions.size(); ++p) {
      const perp_position& pos = snap.perp_positions[p];
      if (pos.mode == margin_mode::isolated) {
        units_.push_back(unit{false, -1, pos.isolated_margin_usd, {static_cast<int>(p)}});
      }
    }
    for (const perp_account& account : snap.perp_accounts) {
      unit u{false, -1, account.cross_collateral_usd, {}};
      for (std::size_t p = 0; p < snap.perp_positions.size(); ++p) {
        const perp_position& pos = snap.perp_positions[p];
        if (pos.mode == margin_mode::cross && pos.account_id == account.id) {
          u.positions.push_back(static_cast<int>(p));
        }
      }
      if (!u.positions.empty()) units_.push_back(u);
    }
  }

  std::size_t n_units() const { return units_.size(); }

  // Runs every unit along `prices` (prices[step][asset]) into `out`.
  void run_path(const std::vector<std::vector<double>>& prices, execution_outcome& out) const {
    const int steps = static_cast<int>(prices.size()) - 1;
    std::vector<state> states;
    for (const unit& u : units_) states.push_back(initial_state(u));
    path_figures figures;
    double fund = snap_.insurance_fund_usd;
    for (int step = 0; step <= steps; ++step) {
      double fees = 0.0, losses = 0.0;
      for (std::size_t i = 0; i < units_.size(); ++i) {
        visit(units_[i], states[i], step, prices[step], fees, losses, figures);
      }
      fund += fees;
      const double draw = std::min(fund, losses);
      fund -= draw;
      figures.fees += fees;
      figures.perp_loss += losses;
      figures.fund_draw += draw;
      figures.perp_deficit += losses - draw;
    }
    figures.reserve_draw = std::min(figures.lending_bad_debt, snap_.lending_reserve_usd);
    out.unit_loss.emplace_back();
    for (std::size_t i = 0; i < units_.size(); ++i) {
      out.unit_loss.back().push_back(states[i].bad_debt);
      unit_sums& s = out.units[i];
      const state& st = states[i];
      s.liquidated += st.liquidated;
      s.liquidated_sq += st.liquidated * st.liquidated;
      s.owner_loss += st.owner_loss;
      s.owner_loss_sq += st.owner_loss * st.owner_loss;
      s.bad_debt += st.bad_debt;
      s.bad_debt_sq += st.bad_debt * st.bad_debt;
      s.bad_debt_paths += st.bad_debt > 0.0;
    }
    out.paths.push_back(figures);
  }

 private:
  struct unit {
    bool lending;
    int account;    // lending
    double margin;  // perps
    std::vector<int> positions;
  };
  struct state {
    bool open = true;
    int execute_at = -1;                   // a trigger waiting for its keeper
    std::vector<double> collateral, debt;  // lending, token units, per balance
    double liquidated = 0.0, owner_loss = 0.0, bad_debt = 0.0;
  };

  state initial_state(const unit& u) const {
    state s;
    if (u.lending) {
      for (const lending_balance& b : snap_.lending_accounts[u.account].balances) {
        s.collateral.push_back(b.collateral_amount);
        s.debt.push_back(b.debt_amount);
      }
    }
    return s;
  }

  const lending_market& market_of(const lending_balance& b) const {
    return snap_.lending_markets[snap_.find_lending_market(b.asset_index)];
  }

  bool lending_liquidatable(const unit& u, const state& s, const std::vector<double>& p) const {
    const auto& balances = snap_.lending_accounts[u.account].balances;
    double weighted = 0.0, debt = 0.0;
    for (std::size_t i = 0; i < balances.size(); ++i) {
      weighted += s.collateral[i] * p[balances[i].asset_index] *
                  market_of(balances[i]).liquidation_threshold;
      debt += s.debt[i] * p[balances[i].asset_index];
    }
    return weighted < debt;
  }

  double equity(const unit& u, const std::vector<double>& p) const {
    double e = u.margin;
    for (const int i : u.positions) {
      const perp_position& pos = snap_.perp_positions[i];
      const double mark = p[snap_.perp_markets[pos.market_index].asset_index];
      e += (pos.side == position_side::long_side ? 1.0 : -1.0) * pos.size *
           (mark - pos.entry_price_usd);
    }
    return e;
  }

  bool perp_liquidatable(const unit& u, const std::vector<double>& p) const {
    double maintenance = 0.0;
    for (const int i : u.positions) {
      const perp_position& pos = snap_.perp_positions[i];
      const perp_market& m = snap_.perp_markets[pos.market_index];
      maintenance += m.maintenance_margin_fraction * pos.size * p[m.asset_index];
    }
    return equity(u, p) < maintenance;
  }

  double impact_cost(int asset, double traded) const {
    const double depth = snap_.assets[asset].depth_usd;
    if (!(traded > 0.0) || std::isinf(depth)) return 0.0;
    return traded * std::min(0.02 * std::pow(traded / depth, rules_.impact_exponent), 0.999);
  }

  void visit(const unit& u, state& s, int step, const std::vector<double>& p, double& fees,
             double& losses, path_figures& figures) const {
    if (!s.open) return;
    const bool liquidatable = u.lending ? lending_liquidatable(u, s, p) : perp_liquidatable(u, p);
    if (s.execute_at < 0) {
      if (!liquidatable) return;
      s.execute_at = step + rules_.keeper_delay_steps;
    }
    if (s.execute_at != step) return;
    s.execute_at = -1;
    if (!liquidatable) return;  // healthy again when the keeper comes
    if (u.lending) {
      liquidate_lending(u, s, p, figures);
    } else {
      close_perp(u, s, p, fees, losses, figures);
    }
  }

  // Aave v3.3 (LiquidationLogic.sol): the largest debt against the largest collateral.
  void liquidate_lending(const unit& u, state& s, const std::vector<double>& p,
                         path_figures& figures) const {
    const auto& balances = snap_.lending_accounts[u.account].balances;
    for (int call = 0; call < rules_.max_calls_per_step && lending_liquidatable(u, s, p); ++call) {
      std::size_t c = 0, d = 0;
      double best_c = 0.0, best_d = 0.0, total_debt = 0.0, weighted = 0.0;
      for (std::size_t i = 0; i < balances.size(); ++i) {
        const double price = p[balances[i].asset_index];
        const double cv = s.collateral[i] * price, dv = s.debt[i] * price;
        total_debt += dv;
        weighted += cv * market_of(balances[i]).liquidation_threshold;
        if (cv > best_c) best_c = cv, c = i;
        if (dv > best_d) best_d = dv, d = i;
      }
      if (best_d == 0.0) return;
      if (best_c == 0.0) {  // no collateral: the debt is burned
        burn(u, s, p, figures, total_debt);
        return;
      }
      const double hf = weighted / total_debt;
      double repay = best_d;
      if (best_c >= snap_.small_position_usd && best_d >= snap_.small_position_usd &&
          hf > snap_.close_factor_hf_threshold && best_d > snap_.close_factor * total_debt) {
        repay = snap_.close_factor * total_debt;
      }
      const double bonus = market_of(balances[c]).liquidation_bonus;
      double seize = repay * (1.0 + bonus);
      if (seize >= best_c) {
        seize = best_c;
        repay = best_c / (1.0 + bonus);
        s.collateral[c] = 0.0;
      } else {
        s.collateral[c] -= seize / p[balances[c].asset_index];
      }
      s.debt[d] = repay >= best_d ? 0.0 : s.debt[d] - repay / p[balances[d].asset_index];
      s.liquidated += seize;
      s.owner_loss += seize - repay;
      figures.liquidated += seize;
      if (std::all_of(s.collateral.begin(), s.collateral.end(),
                      [](double x) { return x <= 0.0; })) {
        double left = 0.0;
        for (std::size_t i = 0; i < balances.size(); ++i)
          left += s.debt[i] * p[balances[i].asset_index];
        burn(u, s, p, figures, left);
        return;
      }
      if (std::all_of(s.debt.begin(), s.debt.end(), [](double x) { return x <= 0.0; })) {
        s.open = false;
        return;
      }
    }
  }

  static void burn(const unit&, state& s, const std::vector<double>&, path_figures& figures,
                   double debt_usd) {
    s.bad_debt += debt_usd;
    figures.lending_bad_debt += debt_usd;
    std::fill(s.debt.begin(), s.debt.end(), 0.0);
    s.open = false;
  }

  void close_perp(const unit& u, state& s, const std::vector<double>& p, double& fees,
                  double& losses, path_figures& figures) const {
    double slippage = 0.0, fee_due = 0.0, notional = 0.0;
    for (const int i : u.positions) {
      const perp_position& pos = snap_.perp_positions[i];
      const perp_market& m = snap_.perp_markets[pos.market_index];
      const double n = pos.size * p[m.asset_index];
      notional += n;
      slippage += impact_cost(m.asset_index, n);
      fee_due += m.liquidation_fee * n;
    }
    const double e = equity(u, p);
    const double stake = std::max(e, 0.0);
    const double owner_slippage = std::min(slippage, stake);
    const double fee = std::min(fee_due, stake - owner_slippage);
    const double loss = slippage - owner_slippage + std::max(-e, 0.0);
    s.liquidated += notional;
    s.owner_loss += owner_slippage + fee;
    s.bad_debt += loss;
    s.open = false;
    fees += fee;
    losses += loss;
    figures.liquidated += notional;
  }

  const snapshot& snap_;
  execution_rules rules_;
  std::vector<unit> units_;
};

inline execution_outcome simulate_execution(const snapshot& snap, const gbm_model& model,
                                            std::uint64_t seed, std::int64_t paths, int steps,
                                            double dt_years, const execution_rules& rules) {
  const execution_twin twin(snap, rules);
  execution_outcome out;
  out.units.resize(twin.n_units());
  for (std::int64_t path = 0; path < paths; ++path) {
    twin.run_path(price_path(snap, model, seed, path, steps, dt_years), out);
  }
  return out;
}

}  // namespace levrisk::reference
