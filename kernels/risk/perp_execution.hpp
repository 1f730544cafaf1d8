#pragma once
// Perp units in the execution stage (docs/methodology.md, "Perp liquidation"):
// an isolated position or a cross-margin account, first below maintenance at a
// trigger, is closed a keeper delay later if still below then, else at its next
// trigger (kernels/risk/perp_liquidation.hpp). What a close leaves is booked on
// the path: the venue's loss and the fee in its exchange's ledger at the
// close's step, and the loss per asset and side in that step's pools of the
// exchange, from which auto-deleveraging (kernels/risk/auto_deleveraging.hpp)
// takes what the exchange's fund cannot cover.
//
// Each executed unit's close step is kept in its perp_unit_state, so that
// auto-deleveraging knows which positions are still open at a step, and can
// take back and redo the life of a position it reduces.

#include "kernels/common.hpp"
#include "kernels/risk/execution_context.hpp"
#include "kernels/risk/perp_liquidation.hpp"

namespace levrisk {

// A perp unit as the path has left it: the snapshot's legs, and after
// auto-deleveraging the share of each leg still held and the margin left.
struct perp_unit_view {
  const perp_leg* legs;
  int n_legs;
  double margin_usd;
  const double* scale;  // nullptr: the snapshot's sizes
  int venue;            // its perp exchange (execution_unit::venue)
};

LEVRISK_HD LEVRISK_FORCEINLINE perp_unit_state& perp_state_of(const execution_context& c,
                                                              int unit) {
  return c.perp_states[unit - c.v.execution.first_perp_unit];
}

// The unit's state on this path, or none (nullptr) when nothing happened to it yet.
LEVRISK_HD LEVRISK_FORCEINLINE const perp_unit_state* current_state(const execution_context& c,
                                                                    int unit) {
  const perp_unit_state& s = perp_state_of(c, unit);
  return s.path == c.path ? &s : nullptr;
}

LEVRISK_HD inline perp_unit_view perp_view_of(const execution_context& c, int unit) {
  const execution_view& e = c.v.execution;
  const execution_unit& u = e.units[unit];
  perp_unit_view p{e.perp_legs + u.first_leg, u.n_legs, u.margin_usd, nullptr, u.venue};
  const perp_unit_state* s = current_state(c, unit);
  if (s != nullptr && (s->flags & perp_reduced) != 0) {
    p.margin_usd = s->margin_usd;
    p.scale = c.leg_scale + u.first_leg;
  }
  return p;
}

LEVRISK_HD LEVRISK_FORCEINLINE perp_health health_of(const perp_unit_view& p, const float* growth) {
  return perp_health_at(p.legs, p.n_legs, p.margin_usd, growth, p.scale);
}

// The first step in [from, n_steps] at which the unit is below maintenance, or n_steps + 1.
LEVRISK_HD inline int next_perp_trigger(const execution_context& c, const perp_unit_view& p,
                                        int from) {
  for (int step = from; step <= c.v.n_steps; ++step) {
    if (perp_liquidatable(health_of(p, c.rows.growth_at(step)))) return step;
  }
  return c.v.n_steps + 1;
}

// Where a unit's life ends on the path: closed at close_step (-1: never), or
// triggered with its execution beyond the horizon (pending).
struct perp_life {
  int close_step;
  bool pending;
  perp_close close;
};

// The unit's life from a trigger at `trigger` (n_steps + 1: none): the keeper
// comes a delay later and closes it if it is still below maintenance then, else
// waits for its next trigger. With no delay the trigger is the execution.
LEVRISK_HD inline perp_life perp_life_from(const execution_context& c, const perp_unit_view& p,
                                           int trigger) {
  const execution_view& e = c.v.execution;
  perp_life life{-1, false, perp_close{}};
  bool forced = e.keeper_delay_steps == 0;
  for (int t = trigger; t <= c.v.n_steps;) {
    const int step = t + e.keeper_delay_steps;
    if (step > c.v.n_steps) {
      life.pending = true;
      break;
    }
    const float* growth = c.rows.growth_at(step);
    if (forced || perp_liquidatable(health_of(p, growth))) {
      life.close_step = step;
      life.close = close_perp(p.legs, p.n_legs, p.margin_usd, e.impact, growth, p.scale);
      break;
    }
    forced = false;
    t = next_perp_trigger(c, p, step + 1);
  }
  return life;
}

// A close's figures on the path (sign +1), or taken back (sign -1). The
// venue's loss goes to the pools of the closed legs' assets and sides, split
// by notional: auto-deleveraging closes positions on the other side of each.
template <int MaxAssets>
LEVRISK_HD inline void book_perp_close(const execution_context& c, const perp_unit_view& p,
                                       int step, const perp_close& done, double sign,
                                       path_account<MaxAssets>& acc) {
  const float* growth = c.rows.growth_at(step);
  for (int i = 0; i < p.n_legs; ++i) {
    const double value = leg_size_usd(p.legs, p.scale, i) * growth[p.legs[i].asset];
    if (value > 0.0) {
      acc.sold_usd[p.legs[i].asset] += sign * value;
    } else {
      acc.bought_usd[p.legs[i].asset] -= sign * value;
    }
    if (done.venue_loss_usd > 0.0 && done.notional_usd > 0.0) {
      const double notional = value < 0.0 ? -value : value;
      double* pool = c.pool_at(step, p.venue, p.legs[i].asset, value < 0.0 ? 1 : 0);
      pool[0] += sign * notional;
      pool[1] += sign * done.venue_loss_usd * (notional / done.notional_usd);
    }
  }
  const int venue = c.v.execution.first_perp_venue + p.venue;
  add_total(acc, venue, total_perp_loss, sign * done.venue_loss_usd);
  add_total(acc, venue, total_liquidated, sign * done.notional_usd);
  add_total(acc, venue, total_owner_loss, sign * (done.owner_slippage_usd + done.fee_usd));
  add_total(acc, venue, total_perp_owner_slippage, sign * done.owner_slippage_usd);
  book_ledger(c, acc, step, p.venue, sign * done.fee_usd, sign * done.venue_loss_usd);
}

LEVRISK_HD inline unit_outcome perp_outcome_of(const perp_life& life, double adl_loss_usd,
                                               double adl_notional_usd) {
  unit_outcome o{};
  o.pending = life.pending;
  o.adl_loss_usd = adl_loss_usd;
  o.adl_notional_usd = adl_notional_usd;
  if (life.close_step >= 0) {
    o.calls = 1;
    o.executed = true;
    o.liquidated_usd = life.close.notional_usd;
    o.owner_loss_usd = life.close.owner_slippage_usd + life.close.fee_usd;
    o.bad_debt_usd = life.close.venue_loss_usd;
  }
  return o;
}

// A perp unit first below maintenance at `trigger`, on a path that has not
// touched it yet.
template <int MaxAssets>
LEVRISK_HD inline unit_outcome execute_perp(const execution_context& c, int unit, int trigger,
                                            path_account<MaxAssets>& acc) {
  const perp_unit_view p = perp_view_of(c, unit);
  const perp_life life = perp_life_from(c, p, trigger);
  if (life.close_step >= 0) book_perp_close(c, p, life.close_step, life.close, 1.0, acc);
  perp_state_of(c, unit) = perp_unit_state{
      c.path, life.close_step, life.pending ? perp_pending : 0, p.margin_usd, 0.0, 0.0};
  return perp_outcome_of(life, 0.0, 0.0);
}

}  // namespace levrisk
