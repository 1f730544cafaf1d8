#pragma once
// What the execution stage (kernels/risk/execution.hpp) reads and writes: the
// units' balances and rules, and where its tallies and per-path totals go.

#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/atomics.hpp"
#include "kernels/risk/lending_liquidation.hpp"
#include "kernels/risk/money_tally.hpp"
#include "kernels/risk/oracle.hpp"
#include "kernels/risk/perp_liquidation.hpp"
#include "kernels/risk/price_impact.hpp"
#include "kernels/risk/safe_box.hpp"
#include "kernels/risk/trigger_moves.hpp"

namespace levrisk {

enum class execution_kind : int { lending, perp_isolated, perp_cross };

struct execution_unit {
  execution_kind kind;
  int first_leg;  // into lending_legs or perp_legs, by kind
  int n_legs;
  double margin_usd;  // perps: isolated margin or cross collateral
  // Its venue among those of its kind: a lending protocol, or a perp exchange
  // (venue_number gives its place in execution_view::venues).
  int venue = 0;
};

// The most venues a run holds, lending protocols and perp exchanges together:
// a path's buffers are followed in an array of this size.
constexpr int max_venues = 16;

// A venue's rules and loss buffer: a lending protocol's close factor and
// reserve (safety module), or a perp exchange's insurance fund. Venues share
// the assets' prices and depth (docs/methodology.md, "Venues").
struct venue_rules {
  int perp;               // 0: lending protocol, 1: perp exchange
  lending_rules lending;  // lending protocols only
  double fund_usd;        // the reserve, or the insurance fund, at the snapshot
  // The oracle its protocol acts on (oracle_view): 0 the default, else its own.
  int oracle_group = 0;
};

LEVRISK_HD LEVRISK_FORCEINLINE bool is_perp(const execution_unit& u) {
  return u.kind != execution_kind::lending;
}

// A perp position auto-deleveraging may close: leg `leg` (into perp_legs) of
// risk unit `unit`. Grouped by asset and side (adl_offsets).
struct adl_candidate {
  int unit;
  int leg;
};

// One perp unit on one path, as far as the execution stage has followed it
// (kernels/risk/perp_execution.hpp). Valid only when `path` is the path being
// executed: scratch is reused from path to path without clearing, and a unit
// whose entry names another path was never liquidated on this one.
struct perp_unit_state {
  std::uint64_t path;
  int close_step;  // -1: open at the horizon
  int flags;       // perp_pending, perp_reduced
  double margin_usd;
  double adl_loss_usd;      // profit given up to auto-deleveraging
  double adl_notional_usd;  // notional it closed
};
enum perp_state_flag : int {
  perp_pending = 1,  // triggered, executed beyond the horizon
  perp_reduced = 2,  // auto-deleveraged: margin_usd and the legs' scale apply
};
constexpr std::uint64_t no_path = ~0ull;

// One unit's figures on one path.
struct unit_outcome {
  double liquidated_usd;
  double owner_loss_usd;
  double bad_debt_usd;
  double adl_loss_usd;
  double adl_notional_usd;
  int calls;
  bool executed;
  bool calls_exhausted;
  bool pending;
};

// Where the step-synchronous stage (kernels/risk/feedback_execution.hpp) has a
// unit on one pass over a path: not yet triggered, triggered with its keeper due
// at `due_step`, executed (or passed over by its keeper) and still open, the
// same but unable to trigger inside the pass's price box (dormant: tested again
// when the box widens), or done.
enum unit_phase : int {
  phase_untouched,
  phase_queued,
  phase_watching,
  phase_dormant,
  phase_closed
};

// A unit's margin at its last test (kernels/risk/test_window.hpp): what it had
// to spare, less a rounding allowance, and the magnitude of its terms that
// move with prices.
struct test_margin {
  float spare_usd;
  float moving_usd;
};

// The test epoch (kernels/risk/test_window.hpp) of a unit never tested, or
// stale: it is tested at its next round.
constexpr int stale_epoch = -2147483647 - 1;

// A watched lending account's trigger as a band of one asset's growth factor
// (kernels/risk/watch_band.hpp): liquidatable exactly when that factor is below
// `below` or above `above`. asset < 0: no such band (a perp, tested in full,
// or an account whose margin moves with more than one asset, kept as terms).
struct watch_band {
  int asset;
  float below;
  float above;
};

// Valid only when `tag` names the pass being run, as perp_unit_state's `path`.
// What every round reads of a listed unit comes first, in the track's first 56
// bytes: one cache line (the outcome behind it is read at executions only).
struct unit_track {
  std::uint64_t tag;
  int phase;
  int due_step;
  test_margin margin;  // kept for candidates too, whose tag says so
  int tested_epoch;    // the epoch of the test that left `margin`
  watch_band band;     // set at each execution of a lending account
  // Without a band, a lending account's margin as its unmoving legs' sum and
  // n_terms moving terms at leg first_term on (store_terms).
  int first_term;
  int n_terms;
  double fixed_margin;
  unit_outcome outcome;  // its figures on the pass so far
};

// A track that pass `tag` has not touched yet.
LEVRISK_HD inline unit_track untouched_track(std::uint64_t tag) {
  return unit_track{tag,         phase_untouched,
                    -1,          test_margin{0.0f, 0.0f},
                    stale_epoch, watch_band{-1, 0.0f, 0.0f},
                    0,           0,
                    0.0,         unit_outcome{}};
}

// Per-unit sums over paths: money[(unit * n_unit_money + m) * 2 + {0: sum, 1: squares}].
enum unit_money : int {
  money_liquidated,
  money_owner_loss,
  money_bad_debt,
  money_adl_loss,  // perps: profit given up to auto-deleveraging
  money_adl_notional,
  n_unit_money
};
// Per-unit counts: counts[unit * n_unit_counts + c].
enum unit_count : int {
  count_executed,         // paths with at least one execution
  count_bad_debt,         // paths with bad debt (lending) or a loss to the venue (perps)
  count_calls,            // liquidation calls, all paths
  count_calls_exhausted,  // paths where a step ran out of calls with HF still below 1
  count_pending,          // paths triggered with the execution beyond the horizon
  count_adl,              // paths on which auto-deleveraging closed some of it
  n_unit_counts
};

// A path's totals: totals.values[(path - first_path) * stride + t]; after the
// n_path_totals entries, per asset the USD sold, then bought, by liquidations,
// then the endogenous drawdown (kernels/risk/feedback_execution.hpp; 0 without
// feedback); then per venue its own figures, the first n_venue_totals entries
// of this list (venue_totals_offset).
enum path_total : int {
  total_book_loss,  // lending bad debt + perp losses, before any buffer
  total_lending_bad_debt,
  total_lending_reserve_draw,
  total_lending_shortfall,  // bad debt the reserve did not cover
  total_perp_loss,          // venue losses before the fund
  total_fund_draw,
  total_perp_deficit,  // beyond the fund: to auto-deleveraging
  total_adl,           // taken from the other side's positions by auto-deleveraging
  total_adl_unfilled,  // beyond what the book's other side could take
  total_fund_fees,     // liquidation fees paid into the fund
  total_liquidated,    // collateral seized (lending) and notional closed (perps), USD
  total_owner_loss,    // bonuses, owners' slippage and fees
  total_lending_bonus,
  total_perp_owner_slippage,
  total_liquidator_slippage,
  n_venue_totals,  // the entries above are also kept per venue
  // The step-synchronous stage's (kernels/risk/feedback_execution.hpp; 0 otherwise):
  total_cascade_steps = n_venue_totals,  // steps that took more than one round
  total_unconverged_steps,  // steps cut off at max_cascade_rounds with prices still moving
  total_max_rounds,         // the most rounds a step took
  total_oracle_updates,     // oracle publications, all assets
  // The amplification passes over the same prices (the full run's own figures
  // when a pass would change nothing or did not run on the path): book loss, and what no buffer
  // covered (lending shortfall + perp deficit), without permanent impact; then with a perfect
  // oracle.
  total_book_loss_no_permanent,
  total_uncovered_no_permanent,
  total_book_loss_perfect_oracle,
  total_uncovered_perfect_oracle,
  n_path_totals
};

struct path_totals_view {
  double* values;
  int stride;  // path_totals_stride
  std::uint64_t first_path;
};

LEVRISK_HD LEVRISK_FORCEINLINE int venue_totals_offset(int n_assets) {
  return n_path_totals + 3 * n_assets;
}
LEVRISK_HD LEVRISK_FORCEINLINE int path_totals_stride(int n_assets, int n_venues) {
  return venue_totals_offset(n_assets) + n_venues * n_venue_totals;
}

struct execution_view {
  int enabled;
  int feedback;  // 1: step by step (kernels/risk/feedback_execution.hpp)
  int n_units;
  const execution_unit* units;  // every risk unit, in output order
  const lending_leg* lending_legs;
  const perp_leg* perp_legs;
  const int* exact_units;  // multi-asset unit index -> risk unit
  const int* step0_units;  // constant route, liquidated at the snapshot
  const int* asset_moves;  // per asset: 0 when its price never moves (growth 1)
  // Per unit, the price moves that can liquidate it (trigger_moves.hpp): its
  // legs', and a multi-asset unit's health form's.
  const price_moves* liquidating;
  // Per multi-asset unit, the box of growth factors that cannot liquidate it
  // (kernels/risk/safe_box.hpp).
  const safe_box* safe_boxes;
  int n_step0_units;
  int first_perp_unit;  // units [first_perp_unit, first_perp_unit + n_perp_units) are perps
  int n_perp_units;
  int n_perp_legs;
  int n_lending_legs;
  // Auto-deleveraging's candidates, for perp exchange p (execution_unit::venue), asset
  // k and side s (0 long, 1 short) at [adl_offsets[g], adl_offsets[g + 1]),
  // g = adl_group(p, k, s, n_assets), by unit and leg.
  const adl_candidate* adl_candidates;
  const int* adl_offsets;
  // Lending protocols at [0, first_perp_venue), perp exchanges after; a perp
  // exchange's ledger and auto-deleveraging pools are its own.
  const venue_rules* venues;
  int n_venues;
  int first_perp_venue;
  impact_view impact;
  int keeper_delay_steps;
  int max_calls_per_step;
  oracle_view oracle;
  double permanent_impact_share;
  int max_cascade_rounds;
  int amplification;                  // 1: the amplification passes run ...
  std::uint64_t amplification_paths;  // ... on the paths below this one
  tally_t* rounds_histogram;          // max_cascade_rounds + 1: steps by the rounds they took
  money_tally* money;
  tally_t* counts;
  path_totals_view totals;
  float* batch_rows;  // GPU: each path's stored prices, by path in batch (else null)
  double* batch_ledger;
  perp_unit_state* batch_perp_states;  // GPU: n_perp_units per path in batch
  double* batch_leg_scale;             // GPU: n_perp_legs per path in batch
  // GPU, with feedback, per path in batch: n_units tracks, 2 n_lending_legs
  // balances, unit_list_ints lists (execution_scratch).
  unit_track* batch_tracks;
  double* batch_lending_balance;
  int* batch_lists;
};

LEVRISK_HD LEVRISK_FORCEINLINE int n_perp_venues(const execution_view& e) {
  return e.n_venues - e.first_perp_venue;
}
// The unit's venue in execution_view::venues.
LEVRISK_HD LEVRISK_FORCEINLINE int venue_number(const execution_view& e, const execution_unit& u) {
  return is_perp(u) ? e.first_perp_venue + u.venue : u.venue;
}
LEVRISK_HD LEVRISK_FORCEINLINE int adl_group(int perp_venue, int asset, int side, int n_assets) {
  return 2 * (perp_venue * n_assets + asset) + side;
}

// Floats of one path's stored prices and scratch (growth factors, log-returns,
// and the growth factors' suffix extremes) and doubles of its funds' ledger:
// per step and perp exchange the fees and losses, then per asset the bankrupt
// notional and loss of its longs and of its shorts (auto-deleveraging's pools).
LEVRISK_HD inline std::int64_t stored_rows_floats(int n_steps, int n_assets) {
  return 4 * static_cast<std::int64_t>(n_steps + 1) * n_assets;
}
LEVRISK_HD inline int ledger_venue_doubles(int n_assets) {
  return 2 + 4 * n_assets;
}
LEVRISK_HD inline int ledger_step_doubles(int n_assets, int n_perp_venues) {
  return n_perp_venues * ledger_venue_doubles(n_assets);
}
// Doubles of one path's lending scratch: per leg its collateral and debt, then
// per leg a watched account's moving term (watch_term, kernels/risk/watch_band.hpp).
LEVRISK_HD LEVRISK_FORCEINLINE std::int64_t lending_scratch_doubles(int n_lending_legs) {
  return 4 * static_cast<std::int64_t>(n_lending_legs);
}
LEVRISK_HD LEVRISK_FORCEINLINE std::int64_t unit_list_ints(int n_units, int n_exact_units) {
  return 4 * static_cast<std::int64_t>(n_units) + 2 * static_cast<std::int64_t>(n_exact_units);
}
LEVRISK_HD inline std::int64_t ledger_doubles(int n_steps, int n_assets, int n_perp_venues) {
  return static_cast<std::int64_t>(n_steps + 1) * ledger_step_doubles(n_assets, n_perp_venues);
}

}  // namespace levrisk
