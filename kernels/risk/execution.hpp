#pragma once
// The execution stage: what each liquidation of one path leaves behind
// (docs/methodology.md, "Liquidation execution"). Over the path's stored prices
// it finds every unit's liquidations again (the ladders walked as in
// factor_ladders.hpp, the flagged multi-asset units scanned as in
// exact_check.hpp, the constant units at step 0), executes each a keeper delay
// later (kernels/risk/lending_liquidation.hpp, perp_liquidation.hpp), follows a
// partly liquidated lending account until it closes or the horizon ends, and
// books the path's totals: bad debt, the lending reserves, perp losses and the
// insurance funds, USD liquidated per asset, in all and per venue.
//
// Units are taken in a fixed order (step-0 units, ladders by factor, multi-asset
// units by index) and a path's totals are summed in it, so a path's figures are
// the same on every backend; per-unit sums over paths are fixed-point
// (money_tally.hpp). The cost is the path's steps x assets plus its liquidations
// (and a partly liquidated account's remaining steps), never its units.
//
// In this release liquidations do not move prices: the stage reads the path and
// writes only tallies and totals, so its units are independent but for their
// venue's fund. Its ledger, per step, is run in step order once all units are
// done, and where it runs out, auto-deleveraging reduces positions on the
// other side and redoes their lives (kernels/risk/auto_deleveraging.hpp).

#include "kernels/common.hpp"
#include "kernels/paths/market_step.hpp"
#include "kernels/risk/auto_deleveraging.hpp"
#include "kernels/risk/exact_check.hpp"
#include "kernels/risk/execution_context.hpp"
#include "kernels/risk/execution_view.hpp"
#include "kernels/risk/lending_liquidation.hpp"
#include "kernels/risk/money_tally.hpp"
#include "kernels/risk/perp_execution.hpp"
#include "kernels/risk/screen.hpp"
#include "kernels/risk/simulation_view.hpp"

namespace levrisk {

// --- lending accounts -------------------------------------------------------

// An account's liquidation test as one linear form in the moving prices:
// liquidatable when sum_i (collateral_i LT_i - debt_i) g_i < 0, the legs of
// assets whose price never moves folded into the constant. The calls and the
// scan for the next trigger use the same form, hence the same answer.
struct lending_trigger_form {
  double constant_usd;
  int n_terms;
  int asset[max_lending_legs];
  double coefficient_usd[max_lending_legs];
};

LEVRISK_HD inline lending_trigger_form lending_trigger_form_of(const execution_view& e,
                                                               const lending_leg* legs,
                                                               const lending_balances& b) {
  lending_trigger_form f{0.0, 0, {}, {}};
  for (int i = 0; i < b.n_legs; ++i) {
    const double coefficient = b.collateral[i] * legs[i].liquidation_threshold - b.debt[i];
    if (e.asset_moves[legs[i].asset] == 0) {
      f.constant_usd += coefficient;
    } else if (coefficient != 0.0) {
      f.asset[f.n_terms] = legs[i].asset;
      f.coefficient_usd[f.n_terms++] = coefficient;
    }
  }
  return f;
}

LEVRISK_HD LEVRISK_FORCEINLINE bool lending_liquidatable_at(const lending_trigger_form& f,
                                                            const float* growth) {
  double margin = f.constant_usd;
  for (int t = 0; t < f.n_terms; ++t) margin += f.coefficient_usd[t] * growth[f.asset[t]];
  return margin < 0.0;
}

// The growth factors' extremes from each step to the horizon, once per path.
template <int MaxAssets>
LEVRISK_HD inline void fill_suffix_extremes(const execution_context& c,
                                            path_account<MaxAssets>& acc) {
  if (acc.suffix_ready) return;
  const int n = c.rows.n_assets;
  for (int step = c.v.n_steps; step >= 0; --step) {
    const float* g = c.rows.growth_at(step);
    float* low = c.suffix_low + static_cast<std::ptrdiff_t>(step) * n;
    float* high = c.suffix_high + static_cast<std::ptrdiff_t>(step) * n;
    for (int k = 0; k < n; ++k) {
      const bool last = step == c.v.n_steps;
      const float later_low = last ? g[k] : low[n + k];
      const float later_high = last ? g[k] : high[n + k];
      low[k] = g[k] < later_low ? g[k] : later_low;
      high[k] = g[k] > later_high ? g[k] : later_high;
    }
  }
  acc.suffix_ready = true;
}

// Whether the form can turn liquidatable at any step from `from` on: its worst
// case over the remaining prices' box (a relative margin for rounding, as the
// screen's). Most accounts a partial liquidation left healthy never can, and
// the scan below is skipped for them.
LEVRISK_HD inline bool may_trigger_from(const execution_context& c, const lending_trigger_form& f,
                                        int from) {
  const float* low = c.suffix_low + static_cast<std::ptrdiff_t>(from) * c.rows.n_assets;
  const float* high = c.suffix_high + static_cast<std::ptrdiff_t>(from) * c.rows.n_assets;
  double worst = f.constant_usd;
  double scale = f.constant_usd < 0.0 ? -f.constant_usd : f.constant_usd;
  for (int t = 0; t < f.n_terms; ++t) {
    const double coefficient = f.coefficient_usd[t];
    worst += coefficient * (coefficient > 0.0 ? low : high)[f.asset[t]];
    scale += (coefficient > 0.0 ? coefficient : -coefficient) * high[f.asset[t]];
  }
  return worst < scale * screen_relative_margin;
}

// The first step in [from, n_steps] at which the account is liquidatable, or n_steps + 1.
template <int MaxAssets>
LEVRISK_HD inline int next_lending_trigger(const execution_context& c, const lending_leg* legs,
                                           const lending_balances& b, int from,
                                           path_account<MaxAssets>& acc) {
  if (from > c.v.n_steps) return c.v.n_steps + 1;
  const lending_trigger_form f = lending_trigger_form_of(c.v.execution, legs, b);
  fill_suffix_extremes(c, acc);
  if (!may_trigger_from(c, f, from)) return c.v.n_steps + 1;
  for (int step = from; step <= c.v.n_steps; ++step) {
    if (lending_liquidatable_at(f, c.rows.growth_at(step))) return step;
  }
  return c.v.n_steps + 1;
}

// Liquidation calls at one step until the account is healthy or closed, at most
// max_calls_per_step, each tested at `trigger_growth` (the prices the protocol
// sees: the market's, or its oracle's) and executed at the market's. `forced`:
// the trigger is this step's (no keeper delay), so the first call needs no
// second test of the health factor.
template <int MaxAssets>
LEVRISK_HD inline void lending_calls_at(const execution_context& c, const execution_unit& u,
                                        int step, bool forced, const float* trigger_growth,
                                        lending_balances& b, unit_outcome& o,
                                        path_account<MaxAssets>& acc) {
  const execution_view& e = c.v.execution;
  const lending_leg* legs = e.lending_legs + u.first_leg;
  const lending_rules& rules = e.venues[u.venue].lending;
  const float* growth = c.rows.growth_at(step);
  for (int call = 0; call < e.max_calls_per_step; ++call) {
    if (lending_closed(b)) return;
    if (!(forced && call == 0) &&
        !lending_liquidatable_at(lending_trigger_form_of(e, legs, b), trigger_growth)) {
      return;
    }
    const lending_call done = liquidate_once(legs, rules, e.impact, growth, b);
    ++o.calls;
    o.executed = true;
    o.liquidated_usd += done.seized_usd;
    o.owner_loss_usd += done.bonus_usd;
    o.bad_debt_usd += done.bad_debt_usd;
    if (done.collateral_asset >= 0) acc.sold_usd[done.collateral_asset] += done.seized_usd;
    add_total(acc, u.venue, total_lending_bad_debt, done.bad_debt_usd);
    add_total(acc, u.venue, total_liquidated, done.seized_usd);
    add_total(acc, u.venue, total_owner_loss, done.bonus_usd);
    add_total(acc, u.venue, total_lending_bonus, done.bonus_usd);
    add_total(acc, u.venue, total_liquidator_slippage, done.slippage_usd);
  }
  if (!lending_closed(b) &&
      lending_liquidatable_at(lending_trigger_form_of(e, legs, b), trigger_growth)) {
    o.calls_exhausted = true;
  }
}

// A lending account first liquidatable at `trigger`, executed a keeper delay
// later at each trigger, until it closes or the horizon ends.
template <int MaxAssets>
LEVRISK_HD inline unit_outcome execute_lending(const execution_context& c, const execution_unit& u,
                                               int trigger, path_account<MaxAssets>& acc) {
  const execution_view& e = c.v.execution;
  const lending_leg* legs = e.lending_legs + u.first_leg;
  lending_balances b = lending_balances_of(legs, u.n_legs);
  unit_outcome o{};
  bool forced = e.keeper_delay_steps == 0;
  for (int t = trigger; t <= c.v.n_steps;) {
    const int step = t + e.keeper_delay_steps;
    if (step > c.v.n_steps) {
      o.pending = true;
      break;
    }
    lending_calls_at(c, u, step, forced, c.rows.growth_at(step), b, o, acc);
    forced = false;
    if (lending_closed(b)) break;
    t = next_lending_trigger(c, legs, b, step + 1, acc);
  }
  return o;
}

template <int MaxAssets>
LEVRISK_HD inline void execute_unit(const execution_context& c, int unit, int trigger,
                                    path_account<MaxAssets>& acc) {
  const execution_unit& u = c.v.execution.units[unit];
  const unit_outcome o =
      is_perp(u) ? execute_perp(c, unit, trigger, acc) : execute_lending(c, u, trigger, acc);
  record_unit(c.v.execution, unit, o);
}

// --- finding the triggers again ---------------------------------------------

// Units at ladder positions [from, to) are first liquidatable at `step`.
template <int MaxAssets>
LEVRISK_HD inline void execute_crossed(const execution_context& c, const ladder_view& ladder,
                                       int from, int to, int step, path_account<MaxAssets>& acc) {
  for (int position = from; position < to; ++position) {
    execute_unit(c, ladder.unit[position], step, acc);
  }
}

// One factor's ladders walked as ladders_step walks them (same float
// arithmetic, so the same first steps), executing the units they cross.
template <int MaxAssets>
LEVRISK_HD inline void execute_factor(const execution_context& c, const factor_view& factor,
                                      path_account<MaxAssets>& acc) {
  int falling = ladder_crossed_count(factor.falling, 0, 0.0f);
  int rising = ladder_crossed_count(factor.rising, 0, 0.0f);
  execute_crossed(c, factor.falling, 0, falling, 0, acc);
  execute_crossed(c, factor.rising, 0, rising, 0, acc);
  float y_min = 0.0f;
  float y_max = 0.0f;
  for (int step = 1; step <= c.v.n_steps; ++step) {
    const float* x = c.rows.x_at(step);
    const float y = x[factor.numerator_asset] -
                    (factor.denominator_asset >= 0 ? x[factor.denominator_asset] : 0.0f);
    if (y < y_min) {
      y_min = y;
      const int now = ladder_crossed_count(factor.falling, falling, y);
      execute_crossed(c, factor.falling, falling, now, step, acc);
      falling = now;
    } else if (y > y_max) {
      y_max = y;
      const int now = ladder_crossed_count(factor.rising, rising, -y);
      execute_crossed(c, factor.rising, rising, now, step, acc);
      rising = now;
    }
  }
}

// The path's price box from its stored rows, as box_update and box_close
// build it: the growth factors of each asset's extreme log-returns.
template <int MaxAssets>
LEVRISK_HD inline void stored_box(const execution_context& c, float (&low)[MaxAssets],
                                  float (&high)[MaxAssets]) {
  const int n = c.rows.n_assets;
  for (int k = 0; k < n; ++k) low[k] = high[k] = 0.0f;
  for (int step = 1; step <= c.v.n_steps; ++step) {
    const float* x = c.rows.x_at(step);
    for (int k = 0; k < n; ++k) {
      low[k] = x[k] < low[k] ? x[k] : low[k];
      high[k] = x[k] > high[k] ? x[k] : high[k];
    }
  }
  for (int k = 0; k < n; ++k) {
    low[k] = exp_float(low[k]);
    high[k] = exp_float(high[k]);
  }
}

// The flagged multi-asset units of the path, each from its first liquidating
// step: as the exact check recorded it (`first_step`, the CPU), or found again
// with its test, health_at, on the same growth factors (the GPU). Sample paths
// flag every unit (for the HF minimum); the scan screens them by the box again.
template <int MaxAssets>
LEVRISK_HD inline void execute_flagged(const execution_context& c, std::uint64_t path,
                                       const int* first_step, path_account<MaxAssets>& acc) {
  const std::uint32_t* flags = path_flag_words(c.v.exact.flags, path);
  const int n_units = c.v.exact.forms.n_units;
  if (first_step != nullptr) {
    for (int e = next_flagged_unit(flags, n_units, 0); e < n_units;
         e = next_flagged_unit(flags, n_units, e + 1)) {
      if (first_step[e] >= 0) execute_unit(c, c.v.execution.exact_units[e], first_step[e], acc);
    }
    return;
  }
  const bool sample_path = path < static_cast<std::uint64_t>(c.v.exact.tallies.sample_paths);
  float low[MaxAssets];
  float high[MaxAssets];
  if (sample_path) stored_box(c, low, high);
  for (int e = next_flagged_unit(flags, n_units, 0); e < n_units;
       e = next_flagged_unit(flags, n_units, e + 1)) {
    if (sample_path && !box_may_liquidate(health_worst_case(c.v.exact.forms, e, low, high))) {
      continue;
    }
    const unit_form form = unit_form_of(c.v.exact.forms, e);
    for (int step = 0; step <= c.v.n_steps; ++step) {
      if (is_liquidatable(health_at(form, c.rows.growth_at(step)))) {
        execute_unit(c, c.v.execution.exact_units[e], step, acc);
        break;
      }
    }
  }
}

// --- the path's buffers ------------------------------------------------------

// The perp exchanges' insurance funds, per exchange (execution_unit::venue), along a path.
struct venue_funds {
  double fund_usd[max_venues];
};

LEVRISK_HD inline venue_funds funds_at_snapshot(const execution_view& e) {
  venue_funds f{};
  for (int p = 0; p < n_perp_venues(e); ++p)
    f.fund_usd[p] = e.venues[e.first_perp_venue + p].fund_usd;
  return f;
}

// Each insurance fund at one step: the step's fees are paid in before its
// losses are drawn; what a fund cannot cover goes to auto-deleveraging on its
// exchange. The step's ledger entries are cleared behind it for the next path.
template <int MaxAssets>
LEVRISK_HD inline void settle_ledger_step(const execution_context& c, int step, venue_funds& funds,
                                          path_account<MaxAssets>& acc) {
  const execution_view& e = c.v.execution;
  for (int p = 0; p < n_perp_venues(e); ++p) {
    const int venue = e.first_perp_venue + p;
    double* entry = c.ledger_at(step, p);
    const double fee = entry[0];
    const double loss = entry[1];
    double& fund_usd = funds.fund_usd[p];
    fund_usd += fee;
    const double draw = loss < fund_usd ? loss : fund_usd;
    fund_usd -= draw;
    add_total(acc, venue, total_fund_fees, fee);
    add_total(acc, venue, total_fund_draw, draw);
    add_total(acc, venue, total_perp_deficit, loss - draw);
    if (loss - draw > 0.0) auto_deleverage(c, step, p, loss, loss - draw, acc);
    for (int i = 0; i < ledger_venue_doubles(c.rows.n_assets); ++i) entry[i] = 0.0;
  }
}

// Each lending protocol's reserve against its bad debt on the path, and the
// book's loss, per venue and in all.
template <int MaxAssets>
LEVRISK_HD inline void settle_lending(const execution_view& e, path_account<MaxAssets>& acc) {
  acc.total[total_lending_reserve_draw] = 0.0;
  acc.total[total_lending_shortfall] = 0.0;
  for (int venue = 0; venue < e.n_venues; ++venue) {
    double* own = acc.venue_total + static_cast<std::ptrdiff_t>(venue) * n_venue_totals;
    const double bad_debt = own[total_lending_bad_debt];
    const double reserve = venue < e.first_perp_venue ? e.venues[venue].fund_usd : 0.0;
    const double reserve_draw = bad_debt < reserve ? bad_debt : reserve;
    own[total_lending_reserve_draw] = reserve_draw;
    own[total_lending_shortfall] = bad_debt - reserve_draw;
    own[total_book_loss] = bad_debt + own[total_perp_loss];
    acc.total[total_lending_reserve_draw] += reserve_draw;
    acc.total[total_lending_shortfall] += bad_debt - reserve_draw;
  }
  acc.total[total_book_loss] = acc.total[total_lending_bad_debt] + acc.total[total_perp_loss];
}

// The insurance funds along the path, in step order once every unit is done:
// auto-deleveraging at a step may move later closes (the walk reads the
// ledger's last step afresh).
template <int MaxAssets>
LEVRISK_HD inline void run_buffers(const execution_context& c, path_account<MaxAssets>& acc) {
  venue_funds funds = funds_at_snapshot(c.v.execution);
  for (int step = acc.first_ledger_step; step <= acc.last_ledger_step; ++step) {
    settle_ledger_step(c, step, funds, acc);
  }
  settle_lending(c.v.execution, acc);
}

template <int MaxAssets>
LEVRISK_HD inline void write_totals(const simulation_view& v, std::uint64_t path,
                                    const path_account<MaxAssets>& acc) {
  const path_totals_view& out = v.execution.totals;
  const int n = v.model.diffusion.n_assets;
  double* row = out.values + static_cast<std::ptrdiff_t>(path - out.first_path) * out.stride;
  for (int t = 0; t < n_path_totals; ++t) row[t] = acc.total[t];
  for (int k = 0; k < n; ++k) {
    row[n_path_totals + k] = acc.sold_usd[k];
    row[n_path_totals + n + k] = acc.bought_usd[k];
    row[n_path_totals + 2 * n + k] = acc.drawdown[k];
  }
}

// Every liquidation of `path`, whose prices are stored in `rows` (store_path),
// in `scratch` (execution_scratch); `exact_first_step`, when given, the exact
// check's first steps of this path. Unit by unit: for runs in which
// liquidations move no price the protocol acts on.
template <int MaxAssets>
LEVRISK_HD inline void execute_path_by_unit(const simulation_view& v, std::uint64_t path,
                                            const stored_rows& rows,
                                            const execution_scratch& scratch,
                                            const int* exact_first_step = nullptr) {
  path_account<MaxAssets> acc = fresh_account<MaxAssets>(v, path);
  const execution_context c = execution_context_of(v, path, rows, scratch);
  for (int i = 0; i < v.execution.n_step0_units; ++i) {
    execute_unit(c, v.execution.step0_units[i], 0, acc);
  }
  for (int f = 0; f < v.ladders.n_factors; ++f) execute_factor(c, v.ladders.factors[f], acc);
  if (v.exact.forms.n_units > 0) execute_flagged(c, path, exact_first_step, acc);
  run_buffers(c, acc);
  write_totals(v, path, acc);
}

}  // namespace levrisk
