#pragma once
// The plain twin of the execution stage (kernels/risk/execution.hpp): one path
// at a time, every unit at every step in double precision, balances in the
// snapshot's own units (token amounts, position sizes), rules written from
// their definitions (docs/methodology.md): Aave v3.3 calls for lending
// accounts, a close at market less impact with a fee for perps, the lending
// reserve and the insurance fund per step, then auto-deleveraging (ADL) of
// what the fund could not cover. No ladders, no screening, no stored rows, no
// fixed point. Paths from tests/reference/scalar_engine.hpp.
//
// ADL (the rules the engine's kernels/risk/auto_deleveraging.hpp implements), at each step
// after every unit's visit and the fund: u = deficit / the step's losses is the
// share of every loss the fund did not cover. Each perp close with a venue loss
// V feeds pools (asset, side): notional += n_j, loss += V n_j / N over its legs
// (n_j = remaining |size| x price, N their sum). Pools in order asset, long
// before short: u x the pool's notional is closed from the opposite side at the
// bankruptcy price, so each closed USD loses gap = the pool's loss / notional;
// the winners in order of BitMEX's ranking; what no position can take is
// unfilled. A deleveraged unit keeps its remaining sizes and margin.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>
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
  double adl_loss = 0.0, adl_loss_sq = 0.0;          // closed notional x the pool's gap
  double adl_notional = 0.0, adl_notional_sq = 0.0;  // USD notional closed by ADL
  std::int64_t adl_paths = 0;                        // paths with ADL notional > 0
};

struct path_figures {
  double lending_bad_debt = 0.0, reserve_draw = 0.0, perp_loss = 0.0, fund_draw = 0.0,
         perp_deficit = 0.0, fees = 0.0, liquidated = 0.0;
  // perp_deficit = adl + adl_unfilled: what the winners took, what no position could.
  double adl = 0.0, adl_unfilled = 0.0;
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
    double fund = snap_.perp_venues[0].insurance_fund_usd;
    for (int step = 0; step <= steps; ++step) {
      step_tally tally;
      for (std::size_t i = 0; i < units_.size(); ++i) {
        visit(units_[i], states[i], step, prices[step], tally, figures);
      }
      fund += tally.fees;
      const double draw = std::min(fund, tally.losses);
      fund -= draw;
      const double deficit = tally.losses - draw;
      figures.fees += tally.fees;
      figures.perp_loss += tally.losses;
      figures.fund_draw += draw;
      figures.perp_deficit += deficit;
      if (deficit > 0.0) deleverage(states, prices[step], tally, deficit, figures);
    }
    figures.reserve_draw = std::min(figures.lending_bad_debt, snap_.lending_venues[0].reserve_usd);
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
      s.adl_loss += st.adl_loss;
      s.adl_loss_sq += st.adl_loss * st.adl_loss;
      s.adl_notional += st.adl_notional;
      s.adl_notional_sq += st.adl_notional * st.adl_notional;
      s.adl_paths += st.adl_notional > 0.0;
    }
    out.paths.push_back(figures);
  }

 private:
  struct unit {
    bool lending;
    int account;    // lending
    double margin;  // perps, at the snapshot
    std::vector<int> positions;
  };
  struct state {
    bool open = true;
    int execute_at = -1;                   // a trigger waiting for its keeper
    std::vector<double> collateral, debt;  // lending, token units, per balance
    double margin = 0.0;                   // perps: isolated margin or cross collateral, USD
    std::vector<double> size;              // perps: remaining size per position (ADL closes part)
    double liquidated = 0.0, owner_loss = 0.0, bad_debt = 0.0;
    double adl_loss = 0.0, adl_notional = 0.0;
  };
  // The step's perp closes with a venue loss, per (asset, side) of their legs.
  struct adl_pool {
    double notional = 0.0, loss = 0.0;
  };
  struct step_tally {
    double fees = 0.0, losses = 0.0;
    std::map<std::pair<int, position_side>, adl_pool> pools;  // asset, then long before short
    double unpooled_loss = 0.0;  // a close with no size left: no side to deleverage
  };
  struct adl_candidate {
    double score;
    int unit, leg;
  };

  state initial_state(const unit& u) const {
    state s;
    if (u.lending) {
      for (const lending_balance& b : snap_.lending_accounts[u.account].balances) {
        s.collateral.push_back(b.collateral_amount);
        s.debt.push_back(b.debt_amount);
      }
    } else {
      s.margin = u.margin;
      for (const int i : u.positions) s.size.push_back(snap_.perp_positions[i].size);
    }
    return s;
  }

  const lending_market& market_of(const unit& u, const lending_balance& b) const {
    const int venue = snap_.lending_accounts[u.account].venue_index;
    return snap_.lending_markets[snap_.find_lending_market(venue, b.asset_index)];
  }

  bool lending_liquidatable(const unit& u, const state& s, const std::vector<double>& p) const {
    const auto& balances = snap_.lending_accounts[u.account].balances;
    double weighted = 0.0, debt = 0.0;
    for (std::size_t i = 0; i < balances.size(); ++i) {
      weighted += s.collateral[i] * p[balances[i].asset_index] *
                  market_of(u, balances[i]).liquidation_threshold;
      debt += s.debt[i] * p[balances[i].asset_index];
    }
    return weighted < debt;
  }

  int asset_of(const perp_position& pos) const {
    return snap_.perp_markets[pos.market_index].asset_index;
  }

  static double signed_size(const perp_position& pos, double size) {
    return pos.side == position_side::long_side ? size : -size;
  }

  double equity(const unit& u, const state& s, const std::vector<double>& p) const {
    double e = s.margin;
    for (std::size_t k = 0; k < u.positions.size(); ++k) {
      const perp_position& pos = snap_.perp_positions[u.positions[k]];
      e += signed_size(pos, s.size[k]) * (p[asset_of(pos)] - pos.entry_price_usd);
    }
    return e;
  }

  bool perp_liquidatable(const unit& u, const state& s, const std::vector<double>& p) const {
    double maintenance = 0.0;
    for (std::size_t k = 0; k < u.positions.size(); ++k) {
      const perp_position& pos = snap_.perp_positions[u.positions[k]];
      const perp_market& m = snap_.perp_markets[pos.market_index];
      maintenance += m.maintenance_margin_fraction * s.size[k] * p[m.asset_index];
    }
    return equity(u, s, p) < maintenance;
  }

  double impact_cost(int asset, double traded) const {
    const double depth = snap_.assets[asset].depth_usd;
    if (!(traded > 0.0) || std::isinf(depth)) return 0.0;
    return traded * std::min(0.02 * std::pow(traded / depth, rules_.impact_exponent), 0.999);
  }

  void visit(const unit& u, state& s, int step, const std::vector<double>& p, step_tally& tally,
             path_figures& figures) const {
    if (!s.open) return;
    const bool liquidatable =
        u.lending ? lending_liquidatable(u, s, p) : perp_liquidatable(u, s, p);
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
      close_perp(u, s, p, tally, figures);
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
        weighted += cv * market_of(u, balances[i]).liquidation_threshold;
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
      const lending_venue& rules = snap_.lending_venues[0];
      if (best_c >= rules.small_position_usd && best_d >= rules.small_position_usd &&
          hf > rules.close_factor_hf_threshold && best_d > rules.close_factor * total_debt) {
        repay = rules.close_factor * total_debt;
      }
      const double bonus = market_of(u, balances[c]).liquidation_bonus;
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

  void close_perp(const unit& u, state& s, const std::vector<double>& p, step_tally& tally,
                  path_figures& figures) const {
    double slippage = 0.0, fee_due = 0.0, notional = 0.0;
    for (std::size_t k = 0; k < u.positions.size(); ++k) {
      const perp_position& pos = snap_.perp_positions[u.positions[k]];
      const perp_market& m = snap_.perp_markets[pos.market_index];
      const double n = s.size[k] * p[m.asset_index];
      notional += n;
      slippage += impact_cost(m.asset_index, n);
      fee_due += m.liquidation_fee * n;
    }
    const double e = equity(u, s, p);
    const double stake = std::max(e, 0.0);
    const double owner_slippage = std::min(slippage, stake);
    const double fee = std::min(fee_due, stake - owner_slippage);
    const double loss = slippage - owner_slippage + std::max(-e, 0.0);
    s.liquidated += notional;
    s.owner_loss += owner_slippage + fee;
    s.bad_debt += loss;
    s.open = false;
    tally.fees += fee;
    tally.losses += loss;
    figures.liquidated += notional;
    if (!(loss > 0.0)) return;
    if (!(notional > 0.0)) {
      tally.unpooled_loss += loss;
      return;
    }
    // A cross account's loss is split across its legs by notional.
    for (std::size_t k = 0; k < u.positions.size(); ++k) {
      const perp_position& pos = snap_.perp_positions[u.positions[k]];
      const double n = s.size[k] * p[asset_of(pos)];
      adl_pool& pool = tally.pools[{asset_of(pos), pos.side}];
      pool.notional += n;
      pool.loss += loss * n / notional;
    }
  }

  // BitMEX ADL ranking: PnL% x effective leverage for a position in profit, PnL% /
  // leverage for one at a loss; leverage = |value| / the unit's equity, and a unit
  // with no equity left ranks last.
  double adl_score(const unit& u, const state& s, int leg, const std::vector<double>& p) const {
    const perp_position& pos = snap_.perp_positions[u.positions[leg]];
    const double value = signed_size(pos, s.size[leg]) * p[asset_of(pos)];
    const double entry = signed_size(pos, s.size[leg]) * pos.entry_price_usd;
    const double pnl = value - entry;
    const double pnl_fraction = pnl / std::fabs(entry);
    const double e = equity(u, s, p);
    if (e <= 0.0) return -std::numeric_limits<double>::infinity();
    const double leverage = std::fabs(value) / e;
    return pnl > 0.0 ? pnl_fraction * leverage : pnl_fraction / leverage;
  }

  // Every open unit's positions in `asset` on `side`, best ranked first (ties: unit,
  // then position order).
  std::vector<adl_candidate> ranked_candidates(const std::vector<state>& states,
                                               const std::vector<double>& p, int asset,
                                               position_side side) const {
    std::vector<adl_candidate> ranked;
    for (std::size_t i = 0; i < units_.size(); ++i) {
      const unit& u = units_[i];
      if (u.lending || !states[i].open) continue;
      for (std::size_t k = 0; k < u.positions.size(); ++k) {
        const perp_position& pos = snap_.perp_positions[u.positions[k]];
        if (asset_of(pos) != asset || pos.side != side || !(states[i].size[k] > 0.0)) continue;
        ranked.push_back({adl_score(u, states[i], static_cast<int>(k), p), static_cast<int>(i),
                          static_cast<int>(k)});
      }
    }
    std::sort(ranked.begin(), ranked.end(), [](const adl_candidate& a, const adl_candidate& b) {
      return std::make_tuple(-a.score, a.unit, a.leg) < std::make_tuple(-b.score, b.unit, b.leg);
    });
    return ranked;
  }

  // The step's deficit taken from the opposite side of each pool; candidates are
  // ranked when their pool is taken (after the earlier pools' fills).
  void deleverage(std::vector<state>& states, const std::vector<double>& p, const step_tally& tally,
                  double deficit, path_figures& figures) const {
    const double uncovered = deficit / tally.losses;
    figures.adl_unfilled += uncovered * tally.unpooled_loss;
    for (const auto& [key, pool] : tally.pools) {
      if (!(pool.loss > 0.0)) continue;
      const auto [asset, side] = key;
      const double gap = pool.loss / pool.notional;  // loss per USD of bankrupt notional
      double need = uncovered * pool.notional;
      const position_side opposite =
          side == position_side::long_side ? position_side::short_side : position_side::long_side;
      for (const adl_candidate& c : ranked_candidates(states, p, asset, opposite)) {
        if (!(need > 0.0)) break;
        const unit& u = units_[c.unit];
        state& s = states[c.unit];
        const perp_position& pos = snap_.perp_positions[u.positions[c.leg]];
        const double value = signed_size(pos, s.size[c.leg]) * p[asset];
        const double pnl = value - signed_size(pos, s.size[c.leg]) * pos.entry_price_usd;
        const double closed = std::min(need, std::fabs(value));
        const double phi = closed / std::fabs(value);
        s.adl_loss += closed * gap;
        s.adl_notional += closed;
        s.size[c.leg] *= 1.0 - phi;
        if (pos.mode == margin_mode::isolated) {
          s.margin *= 1.0 - phi;  // the released margin and realised PnL go to the wallet
        } else {
          s.margin += phi * pnl - closed * gap;  // realised at the bankruptcy price
        }
        s.execute_at = -1;  // followed afresh from the next step
        figures.adl += closed * gap;
        need -= closed;
      }
      figures.adl_unfilled += need * gap;
    }
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
