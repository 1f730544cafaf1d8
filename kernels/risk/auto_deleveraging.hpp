#pragma once
// Auto-deleveraging (docs/methodology.md, "Auto-deleveraging"): the part of a
// step's perp losses on an exchange that its insurance fund cannot cover is
// taken from positions on the other side of the bankrupt ones on the same
// exchange, closed at the bankruptcy price: another exchange's traders owe it
// nothing.
//
// Per step, every close with a loss to the venue adds its legs' notional and
// their share of the loss (by notional) to the pool of their asset and side.
// With u the share of the step's losses the fund left uncovered, a pool of
// notional N and loss L has u N of notional closed against the other side at a
// gap of L / N per USD below the market (the pool's bankruptcy price), so the
// winners give up u L. They are taken in the order of the ranking BitMEX,
// OKX and Binance publish: PnL% x effective leverage for profitable
// positions, then PnL% / effective leverage, then those with no equity left;
// ties by unit and leg. What the book's other side cannot take is left
// unfilled (the rest of the venue's traders would take it).
//
// A reduced position keeps the rest of its size; an isolated one keeps the
// same share of its margin (the closed part's margin and PnL go to the
// owner's wallet), a cross account keeps the closed part's PnL at the
// bankruptcy price in its collateral. Its close later on the path is taken
// back and found again with what is left, from the next step on: a keeper
// already on its way is called off. The cost is paid only on steps where the
// fund runs out: candidates x fills per pool when the side is taken in part,
// candidates when it is taken whole, and a scan of the remaining steps for
// each reduced position that still holds something.

#include "kernels/common.hpp"
#include "kernels/risk/execution_context.hpp"
#include "kernels/risk/perp_execution.hpp"

namespace levrisk {

// Where a position stands in the ranking: tier 2 profitable (score PnL% x
// leverage), 1 not (PnL% / leverage), 0 no equity in its unit.
struct adl_rank {
  int tier;
  double score;
};

LEVRISK_HD LEVRISK_FORCEINLINE bool ranks_above(const adl_rank& a, const adl_rank& b) {
  return a.tier != b.tier ? a.tier > b.tier : a.score > b.score;
}

struct adl_position {
  perp_unit_view unit;
  int leg;           // within the unit
  double value_usd;  // signed size x market price
  double pnl_usd;
};

LEVRISK_HD inline adl_position adl_position_of(const execution_context& c, const adl_candidate& a,
                                               const float* growth) {
  const perp_unit_view p = perp_view_of(c, a.unit);
  const int leg = a.leg - c.v.execution.units[a.unit].first_leg;
  const double value = leg_size_usd(p.legs, p.scale, leg) * growth[p.legs[leg].asset];
  return adl_position{p, leg, value, value - leg_entry_usd(p.legs, p.scale, leg)};
}

LEVRISK_HD LEVRISK_FORCEINLINE double magnitude(double x) {
  return x < 0.0 ? -x : x;
}

LEVRISK_HD inline adl_rank adl_rank_of(const adl_position& q, const float* growth) {
  const double equity = health_of(q.unit, growth).equity_usd;
  if (!(equity > 0.0)) return adl_rank{0, 0.0};
  const double pnl_fraction =
      q.pnl_usd / magnitude(leg_entry_usd(q.unit.legs, q.unit.scale, q.leg));
  const double leverage = magnitude(q.value_usd) / equity;
  return q.pnl_usd > 0.0 ? adl_rank{2, pnl_fraction * leverage}
                         : adl_rank{1, pnl_fraction / leverage};
}

// Whether the position is open after the step's liquidations, with size left.
LEVRISK_HD inline bool adl_open(const execution_context& c, const adl_candidate& a, int step,
                                const float* growth) {
  const perp_unit_state* s = current_state(c, a.unit);
  if (s != nullptr && s->close_step >= 0 && s->close_step <= step) return false;
  return adl_position_of(c, a, growth).value_usd != 0.0;
}

// The unit's state on this path, started from the snapshot when the path has
// not touched the unit yet, and marked reduced (its legs' scale then applies).
LEVRISK_HD inline perp_unit_state& reduced_state(const execution_context& c, int unit) {
  const execution_unit& u = c.v.execution.units[unit];
  perp_unit_state& s = perp_state_of(c, unit);
  if (s.path != c.path) s = perp_unit_state{c.path, -1, 0, u.margin_usd, 0.0, 0.0};
  if ((s.flags & perp_reduced) == 0) {
    for (int i = 0; i < u.n_legs; ++i) c.leg_scale[u.first_leg + i] = 1.0;
    s.margin_usd = u.margin_usd;
    s.flags |= perp_reduced;
  }
  return s;
}

LEVRISK_HD inline bool all_closed(const perp_unit_view& p) {
  for (int i = 0; i < p.n_legs; ++i) {
    if (p.scale[i] != 0.0) return false;
  }
  return true;
}

// A position the step-synchronous stage follows, reduced at a step: done when
// nothing is left of it, else watched from the next step on (a keeper on its
// way is called off); its auto-deleveraging figures go into its outcome.
LEVRISK_HD inline void track_reduced(const execution_context& c, int unit, int step, bool emptied) {
  const perp_unit_state& s = perp_state_of(c, unit);
  unit_track& t = track_of(c, unit);
  t.outcome.adl_loss_usd = s.adl_loss_usd;
  t.outcome.adl_notional_usd = s.adl_notional_usd;
  if (emptied) {
    t.phase = phase_closed;
  } else {
    watch_unit(c, unit, step);
  }
}

// Closes `closed_usd` of notional of position `a` at `gap` per USD below the
// market at `step`, and redoes the rest of its unit's life; returns the
// profit it gave up.
template <int MaxAssets>
LEVRISK_HD inline double deleverage(const execution_context& c, const adl_candidate& a, int step,
                                    double closed_usd, double gap, path_account<MaxAssets>& acc) {
  const execution_view& e = c.v.execution;
  const float* growth = c.rows.growth_at(step);
  perp_unit_state& s = reduced_state(c, a.unit);
  // The life it had: its later close is taken back.
  const perp_unit_view before = perp_view_of(c, a.unit);
  perp_life old_life{s.close_step, (s.flags & perp_pending) != 0, perp_close{}};
  if (old_life.close_step >= 0) {
    old_life.close = close_perp(before.legs, before.n_legs, before.margin_usd, e.impact,
                                c.rows.growth_at(old_life.close_step), before.scale);
    book_perp_close(c, before, old_life.close_step, old_life.close, -1.0, acc);
  }
  const unit_outcome old_outcome = perp_outcome_of(old_life, s.adl_loss_usd, s.adl_notional_usd);

  const adl_position q = adl_position_of(c, a, growth);
  const double notional = magnitude(q.value_usd);
  const double kept = closed_usd >= notional ? 0.0 : 1.0 - closed_usd / notional;
  const double loss_usd = closed_usd * gap;
  c.leg_scale[a.leg] *= kept;
  if (e.units[a.unit].kind == execution_kind::perp_isolated) {
    s.margin_usd *= kept;
  } else {
    s.margin_usd += (1.0 - kept) * q.pnl_usd - loss_usd;
  }
  s.adl_loss_usd += loss_usd;
  s.adl_notional_usd += closed_usd;
  add_total(acc, venue_number(e, e.units[a.unit]), total_adl, loss_usd);
  if (c.tracks != nullptr) {
    track_reduced(c, a.unit, step, all_closed(perp_view_of(c, a.unit)) && s.margin_usd >= 0.0);
    return loss_usd;
  }

  // The life it has now, from the next step: none for a unit left with no
  // position and no debt to the venue (equity = margin >= 0 = maintenance).
  const perp_unit_view after = perp_view_of(c, a.unit);
  const bool emptied = all_closed(after) && s.margin_usd >= 0.0;
  const perp_life life =
      perp_life_from(c, after, emptied ? c.v.n_steps + 1 : next_perp_trigger(c, after, step + 1));
  if (life.close_step >= 0) book_perp_close(c, after, life.close_step, life.close, 1.0, acc);
  s.close_step = life.close_step;
  s.flags = life.pending ? (s.flags | perp_pending) : (s.flags & ~perp_pending);
  record_unit(e, a.unit, old_outcome, -1);
  record_unit(e, a.unit, perp_outcome_of(life, s.adl_loss_usd, s.adl_notional_usd), 1);
  return loss_usd;
}

// The best ranked open position among candidates [begin, end), or -1.
LEVRISK_HD inline int best_ranked(const execution_context& c, int step, int begin, int end,
                                  const float* growth) {
  int best = -1;
  adl_rank best_rank{0, 0.0};
  for (int i = begin; i < end; ++i) {
    const adl_candidate& a = c.v.execution.adl_candidates[i];
    if (!adl_open(c, a, step, growth)) continue;
    const adl_rank r = adl_rank_of(adl_position_of(c, a, growth), growth);
    if (best < 0 || ranks_above(r, best_rank)) {
      best = i;
      best_rank = r;
    }
  }
  return best;
}

// The open notional of `asset` on `side` at the step.
LEVRISK_HD inline double open_notional(const execution_context& c, int step, int begin, int end,
                                       const float* growth) {
  double notional = 0.0;
  for (int i = begin; i < end; ++i) {
    const adl_candidate& a = c.v.execution.adl_candidates[i];
    if (adl_open(c, a, step, growth))
      notional += magnitude(adl_position_of(c, a, growth).value_usd);
  }
  return notional;
}

// Fills `need_usd` of notional from the open positions of one exchange's asset
// and side (adl_group), best ranked first; returns the profit they gave up. When the need is the
// whole side, every position closes in full and the order cannot matter: they
// are taken in candidate order, without ranking.
template <int MaxAssets>
LEVRISK_HD inline double fill_from_side(const execution_context& c, int step, int group,
                                        double need_usd, double gap, path_account<MaxAssets>& acc) {
  const execution_view& e = c.v.execution;
  const float* growth = c.rows.growth_at(step);
  const int begin = e.adl_offsets[group];
  const int end = e.adl_offsets[group + 1];
  double taken_usd = 0.0;
  if (need_usd >= open_notional(c, step, begin, end, growth)) {
    for (int i = begin; i < end; ++i) {
      const adl_candidate& a = e.adl_candidates[i];
      if (!adl_open(c, a, step, growth)) continue;
      const double notional = magnitude(adl_position_of(c, a, growth).value_usd);
      taken_usd += deleverage(c, a, step, notional, gap, acc);
    }
    return taken_usd;
  }
  while (need_usd > 0.0) {
    const int best = best_ranked(c, step, begin, end, growth);
    if (best < 0) break;
    const double notional = magnitude(adl_position_of(c, e.adl_candidates[best], growth).value_usd);
    const double closed = need_usd < notional ? need_usd : notional;
    taken_usd += deleverage(c, e.adl_candidates[best], step, closed, gap, acc);
    need_usd = closed >= need_usd ? 0.0 : need_usd - closed;
  }
  return taken_usd;
}

// Auto-deleveraging at `step` on perp exchange `perp_venue`, where its fund
// left `deficit_usd` of the step's `loss_usd` uncovered: every pool of the
// exchange, by asset and then longs before shorts, against the other side of
// the same exchange.
template <int MaxAssets>
LEVRISK_HD inline void auto_deleverage(const execution_context& c, int step, int perp_venue,
                                       double loss_usd, double deficit_usd,
                                       path_account<MaxAssets>& acc) {
  const int n = c.rows.n_assets;
  const double uncovered = deficit_usd / loss_usd;
  double taken_usd = 0.0;
  for (int asset = 0; asset < n; ++asset) {
    for (int side = 0; side < 2; ++side) {
      const double* pool = c.pool_at(step, perp_venue, asset, side);
      if (!(pool[0] > 0.0) || !(pool[1] > 0.0)) continue;
      taken_usd += fill_from_side(c, step, adl_group(perp_venue, asset, 1 - side, n),
                                  uncovered * pool[0], pool[1] / pool[0], acc);
    }
  }
  add_total(acc, c.v.execution.first_perp_venue + perp_venue, total_adl_unfilled,
            taken_usd < deficit_usd ? deficit_usd - taken_usd : 0.0);
}

}  // namespace levrisk
