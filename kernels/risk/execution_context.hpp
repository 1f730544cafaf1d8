#pragma once
// What the execution stage (kernels/risk/execution.hpp) works on for one path:
// the path's stored prices, its running totals, its scratch (the fund's ledger,
// the prices' suffix extremes, the perp units' state), and how a unit's figures
// on the path go into the tallies over paths.

#include <cstddef>
#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/execution_view.hpp"
#include "kernels/risk/money_tally.hpp"
#include "kernels/risk/simulation_view.hpp"

namespace levrisk {

// One path's prices at every step: the log-returns x (the ladders' factors)
// and their growth factors e^x (the health forms'), (n_steps + 1) x n_assets each.
struct stored_rows {
  const float* x;
  const float* growth;
  int n_assets;
  LEVRISK_HD LEVRISK_FORCEINLINE const float* x_at(int step) const {
    return x + static_cast<std::ptrdiff_t>(step) * n_assets;
  }
  LEVRISK_HD LEVRISK_FORCEINLINE const float* growth_at(int step) const {
    return growth + static_cast<std::ptrdiff_t>(step) * n_assets;
  }
};

// A path's running figures.
template <int MaxAssets>
struct path_account {
  double total[n_path_totals];
  double sold_usd[MaxAssets];
  double bought_usd[MaxAssets];
  double drawdown[MaxAssets];  // the largest fall liquidations caused, as a share of the price
  // The path's row of per-venue figures (venue_totals_offset), summed in place.
  double* venue_total;
  int first_ledger_step;  // steps [first, last] of the ledger hold entries
  int last_ledger_step;
  bool suffix_ready;  // execution_context's suffix extremes are this path's
};

// The pass's lists of units: those queued or watched (active), those whose
// keeper is on its way (queued), every one touched (recorded at the pass's
// end), and the multi-asset units whose box test says they may trigger
// (candidates, by multi-asset index), for the whole path and for the current
// block of steps. No result depends on the lists' order: keepers execute by
// unit index (execute_due).
struct unit_lists {
  int* active;
  int* touched;
  int* candidates;
  int* block_candidates;  // the candidates the current block of steps' box cannot clear
  int* dormant;           // watched lending accounts the current block's box clears
  int* queued;            // the units in phase_queued, and any auto-deleveraging closed since
  int n_active;
  int n_touched;
  int n_candidates;
  int n_block_candidates;
  int n_dormant;
  int n_queued;
};

// A path's scratch, given by the backend: zero ledger on entry (and left zero),
// the rest written before it is read. The last three only for the
// step-synchronous stage (null otherwise).
struct execution_scratch {
  double* ledger;                // ledger_doubles(n_steps, n_assets, n_perp_venues)
  float* suffix;                 // 2 (n_steps + 1) n_assets
  perp_unit_state* perp_states;  // n_perp_units, path == no_path at first
  double* leg_scale;             // n_perp_legs
  unit_track* tracks;            // n_units, tag == no_path at first
  double* lending_balance;  // lending_scratch_doubles: collateral, debt at the snapshot's prices;
                            // watch terms
  int* lists;               // unit_list_ints(n_units, n_exact_units)
};

struct execution_context {
  const simulation_view& v;
  stored_rows rows;
  std::uint64_t path;
  double* ledger;
  // (n_steps + 1) x n_assets each: the lowest and highest growth factor of each
  // asset from a step to the horizon, filled when a path first needs them.
  float* suffix_low;
  float* suffix_high;
  perp_unit_state* perp_states;
  double* leg_scale;
  unit_track* tracks;  // null: the stage of kernels/risk/execution.hpp
  double* lending_balance;
  unit_lists* lists;

  // The ledger's {fee, loss, pools...} of one step on one perp exchange (execution_unit::venue).
  LEVRISK_HD LEVRISK_FORCEINLINE double* ledger_at(int step, int perp_venue) const {
    const std::ptrdiff_t entry =
        static_cast<std::ptrdiff_t>(step) * n_perp_venues(v.execution) + perp_venue;
    return ledger + entry * ledger_venue_doubles(rows.n_assets);
  }
  // The {notional, loss} of one step's bankrupt positions in `asset` on `side`
  // (0 long, 1 short) on one perp exchange.
  LEVRISK_HD LEVRISK_FORCEINLINE double* pool_at(int step, int perp_venue, int asset,
                                                 int side) const {
    return ledger_at(step, perp_venue) +
           (2 + 4 * static_cast<std::ptrdiff_t>(asset) + 2 * static_cast<std::ptrdiff_t>(side));
  }
};

LEVRISK_HD inline execution_context execution_context_of(const simulation_view& v,
                                                         std::uint64_t path,
                                                         const stored_rows& rows,
                                                         const execution_scratch& s) {
  const std::ptrdiff_t row_floats = static_cast<std::ptrdiff_t>(v.n_steps + 1) * rows.n_assets;
  return execution_context{
      v,           rows,    path,    s.ledger, s.suffix, s.suffix + row_floats, s.perp_states,
      s.leg_scale, nullptr, nullptr, nullptr};
}

// Adds to one of the path's totals and to the same figure of the unit's venue.
template <int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void add_total(path_account<MaxAssets>& acc, int venue, path_total t,
                                              double usd) {
  acc.total[t] += usd;
  acc.venue_total[static_cast<std::ptrdiff_t>(venue) * n_venue_totals + t] += usd;
}

// A path's account at its start: its venues' row cleared.
template <int MaxAssets>
LEVRISK_HD inline path_account<MaxAssets> fresh_account(const simulation_view& v,
                                                        std::uint64_t path) {
  path_account<MaxAssets> acc{};
  const path_totals_view& out = v.execution.totals;
  acc.venue_total = out.values + static_cast<std::ptrdiff_t>(path - out.first_path) * out.stride +
                    venue_totals_offset(v.model.diffusion.n_assets);
  for (int i = 0; i < v.execution.n_venues * n_venue_totals; ++i) acc.venue_total[i] = 0.0;
  acc.first_ledger_step = v.n_steps + 1;
  acc.last_ledger_step = -1;
  acc.suffix_ready = false;
  return acc;
}

template <int MaxAssets>
LEVRISK_HD inline void book_ledger(const execution_context& c, path_account<MaxAssets>& acc,
                                   int step, int perp_venue, double fee_usd, double loss_usd) {
  double* entry = c.ledger_at(step, perp_venue);
  entry[0] += fee_usd;
  entry[1] += loss_usd;
  acc.first_ledger_step = step < acc.first_ledger_step ? step : acc.first_ledger_step;
  acc.last_ledger_step = step > acc.last_ledger_step ? step : acc.last_ledger_step;
}

// Adds a unit's figures on one path to its tallies (sign +1), or takes back
// figures added before (sign -1), exactly: auto-deleveraging revises a perp
// unit's figures after they were first recorded.
LEVRISK_HD inline void record_unit(const execution_view& e, int unit, const unit_outcome& o,
                                   int sign = 1) {
  money_tally* money = e.money + static_cast<std::ptrdiff_t>(unit) * n_unit_money * 2;
  const double amounts[n_unit_money] = {o.liquidated_usd, o.owner_loss_usd, o.bad_debt_usd,
                                        o.adl_loss_usd, o.adl_notional_usd};
  for (int m = 0; m < n_unit_money; ++m) {
    if (sign > 0) {
      money_add(money + 2 * static_cast<std::ptrdiff_t>(m), amounts[m]);
    } else {
      money_take_back(money + 2 * static_cast<std::ptrdiff_t>(m), amounts[m]);
    }
  }
  // Counts wrap modulo 2^64, so taking one back is adding 2^64 - 1 (atomics.hpp).
  const tally_t one = sign > 0 ? 1ull : ~0ull;
  tally_t* counts = e.counts + static_cast<std::ptrdiff_t>(unit) * n_unit_counts;
  if (o.executed) tally_add(counts + count_executed, one);
  if (o.bad_debt_usd > 0.0) tally_add(counts + count_bad_debt, one);
  if (o.calls > 0) tally_add(counts + count_calls, static_cast<tally_t>(o.calls) * one);
  if (o.calls_exhausted) tally_add(counts + count_calls_exhausted, one);
  if (o.pending) tally_add(counts + count_pending, one);
  if (o.adl_notional_usd > 0.0) tally_add(counts + count_adl, one);
}

// --- the step-synchronous stage's units (kernels/risk/feedback_execution.hpp) ---

LEVRISK_HD LEVRISK_FORCEINLINE bool touched(const execution_context& c, int unit) {
  return c.tracks[unit].tag == c.path;
}

// The unit's track on this pass, started (untouched, listed as touched) when
// the pass has not touched it yet.
LEVRISK_HD inline unit_track& track_of(const execution_context& c, int unit) {
  unit_track& t = c.tracks[unit];
  if (t.tag != c.path) {
    t = untouched_track(c.path);
    c.lists->touched[c.lists->n_touched++] = unit;
  }
  return t;
}

// Sends the unit's keeper, due at `due_step`; a unit not yet active joins the list.
LEVRISK_HD inline void queue_unit(const execution_context& c, int unit, int due_step) {
  unit_track& t = track_of(c, unit);
  if (t.phase == phase_closed) return;  // auto-deleveraging closed it before its ladder crossed
  if (t.phase == phase_untouched || t.phase == phase_dormant) {
    c.lists->active[c.lists->n_active++] = unit;
  }
  if (t.phase != phase_queued) c.lists->queued[c.lists->n_queued++] = unit;
  t.phase = phase_queued;
  t.due_step = due_step;
}

// Takes a unit whose keeper is called off out of the queued list (rare:
// auto-deleveraging), so that the list holds each unit at most once.
LEVRISK_HD inline void drop_queued(unit_lists& l, int unit) {
  for (int i = 0; i < l.n_queued; ++i) {
    if (l.queued[i] != unit) continue;
    l.queued[i] = l.queued[--l.n_queued];
    return;
  }
}

// Watches the unit for its next trigger from the step after `step` on.
LEVRISK_HD inline void watch_unit(const execution_context& c, int unit, int step) {
  unit_track& t = track_of(c, unit);
  if (t.phase == phase_untouched || t.phase == phase_dormant) {
    c.lists->active[c.lists->n_active++] = unit;
  }
  if (t.phase == phase_queued) drop_queued(*c.lists, unit);
  t.phase = phase_watching;
  t.due_step = step;
}

}  // namespace levrisk
