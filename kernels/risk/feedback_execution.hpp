#pragma once
// The execution stage step by step, for runs in which liquidations feed back
// into what triggers them (docs/methodology.md, "Cascades"): the protocols act
// on an oracle's price (kernels/risk/oracle.hpp), and a share of each round's
// sales stays in the market price from then on, for every unit.
//
// A pass over a path walks its steps in order. At each step the market row is
// the stored (exogenous) one times each asset's impact multiplier, and the
// oracle runs its push rules on the market so far (each oracle group its own:
// a venue may read an oracle of its own, and its units trigger on it). Then, in
// rounds until one executes nothing (at most max_cascade_rounds):
//   * units newly liquidatable at the trigger prices (their oracle's, else the
//     market's) are found: the ladders walked on the trigger prices' factors,
//     the multi-asset candidates tested, the watched units tested; each sends a
//     keeper, due a keeper delay later;
//   * the keepers due now execute, by unit index, at the market row
//     (kernels/risk/lending_liquidation.hpp, perp_liquidation.hpp);
//   * the round's net sales per asset, aggregated, move the multiplier by the
//     permanent share of their impact, 1 - share x impact_fraction(net sold),
//     or 1 + share x impact_fraction(net bought).
// At the step's end each exchange's insurance fund settles the step
// (auto-deleveraging reduces positions, which are watched from the next step
// on). Venues share the market: one venue's sales move every venue's prices.
//
// Multi-asset units are screened once per path against the box of the stored
// prices times the multipliers' range (widened by screen_multiplier_slack),
// and again when a multiplier leaves it; only candidates are tested per step.
// The cost per step is the assets, the factors (a binary search each), the
// candidates and the active units: never the book.
//
// Amplification passes run first on the same stored prices, without permanent
// impact or with a perfect oracle, recording only their totals (on the paths
// below execution_view::amplification_paths); then the full
// pass records every unit. Each pass has its own tag (pass_tag), so no scratch
// needs clearing between passes or paths.

#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"
#include "kernels/math/int_sort.hpp"
#include "kernels/risk/execution.hpp"
#include "kernels/risk/oracle.hpp"
#include "kernels/risk/test_window.hpp"
#include "kernels/risk/watch_band.hpp"

namespace levrisk {

// How far a multiplier may first move before the multi-asset units are screened again.
constexpr double screen_multiplier_slack = 0.02;
// How far a multiplier may move within a block before its candidates are screened again.
constexpr double block_multiplier_slack = 0.005;
// Steps of a block, over whose price box the candidates are screened again.
constexpr int screen_block_steps = 16;
// The relative widening of a block's box before a band is held against it: the
// box bounds the trigger prices to float rounding, the band is exact.
constexpr float band_box_slack = 1e-6f;
// How many list entries ahead a walk starts loading a unit's track (prefetch).
constexpr int track_prefetch_distance = 16;
// The largest |log error| a feed's reading can have: the normal's 24-bit bound
// (kernels/rng/normal.hpp) in units of its standard deviation.
constexpr float max_normal_magnitude = 5.78f;

// Which mechanisms a pass keeps, and whether it records units.
struct feedback_pass {
  bool permanent_impact;
  bool oracle;
  bool record_units;
  int variant;  // 0 the full run; amplification passes 1, 2
};

LEVRISK_HD LEVRISK_FORCEINLINE std::uint64_t pass_tag(std::uint64_t path, int variant) {
  return path * 4 + static_cast<std::uint64_t>(variant);
}
// The track tag of a multi-asset unit the pass lists as a candidate, not yet touched.
LEVRISK_HD LEVRISK_FORCEINLINE std::uint64_t candidate_tag(std::uint64_t tag) {
  return tag | (1ull << 63);
}

// One factor's walk on the trigger prices: crossed ladder positions and the
// factor's extremes so far.
struct factor_walk {
  int falling;
  int rising;
  float y_min;
  float y_max;
};

template <int MaxAssets>
struct feedback_state {
  double multiplier[MaxAssets];  // market over stored price
  double lowest_multiplier[MaxAssets];
  double screen_low[MaxAssets];  // the multipliers' range the candidates were screened for
  double screen_high[MaxAssets];
  double screen_slack[MaxAssets];          // the band's width beyond the multipliers seen
  double block_multiplier_low[MaxAssets];  // the multipliers' range the block was screened for
  double block_multiplier_high[MaxAssets];
  float stored_low[MaxAssets];  // the stored prices' box
  float stored_high[MaxAssets];
  float box_low[MaxAssets];  // the box of trigger prices of the last whole-path screen
  float box_high[MaxAssets];
  float block_low[MaxAssets];  // the same for the current block of steps
  float block_high[MaxAssets];
  // Each oracle's largest feed error, as factors.
  float noise_low[max_oracle_groups][MaxAssets];
  float noise_high[max_oracle_groups][MaxAssets];
  int oracle_lookback;            // steps before a block whose market an oracle can read
  int block_end;                  // the current block's last step
  double sold_before[MaxAssets];  // the account's sales when the round began
  double bought_before[MaxAssets];
  // The pass's oracle groups: the run's with an oracle, else 1 (every unit on
  // the market row); a unit's is its venue's (trigger_group).
  int n_groups;
  oracle_state<MaxAssets> oracle[max_oracle_groups];
  factor_walk walk[max_factors];
  float* market_x;  // the market rows c.rows reads, written step by step
  float* market_growth;
  // This round's trigger prices per group: its oracle's, or the market row.
  const float* trigger_x[max_oracle_groups];
  const float* trigger_growth[max_oracle_groups];
  test_window<MaxAssets> window[max_oracle_groups];  // which units a round tests again
  int cascade_steps;                                 // steps with more than one round
  int unconverged_steps;
  int max_rounds;
};

// --- prices ------------------------------------------------------------------

// Market row `step`: the stored row times the multipliers.
template <int MaxAssets>
LEVRISK_HD inline void write_market_row(const execution_context& c, const stored_rows& stored,
                                        int step, const feedback_state<MaxAssets>& st) {
  const int n = c.rows.n_assets;
  const float* x = stored.x_at(step);
  const float* growth = stored.growth_at(step);
  float* market_x = st.market_x + static_cast<std::ptrdiff_t>(step) * n;
  float* market_growth = st.market_growth + static_cast<std::ptrdiff_t>(step) * n;
  for (int k = 0; k < n; ++k) {
    const double m = st.multiplier[k];
    market_x[k] = m == 1.0 ? x[k] : x[k] + log_float(static_cast<float>(m));
    market_growth[k] = m == 1.0 ? growth[k] : growth[k] * static_cast<float>(m);
  }
}

template <int MaxAssets>
LEVRISK_HD inline void point_triggers(const execution_context& c, int step, bool oracle,
                                      feedback_state<MaxAssets>& st) {
  for (int g = 0; g < st.n_groups; ++g) {
    st.trigger_x[g] = oracle ? st.oracle[g].x : c.rows.x_at(step);
    st.trigger_growth[g] = oracle ? st.oracle[g].growth : c.rows.growth_at(step);
  }
}

// The oracle group whose prices trigger `unit` on this pass: its venue's.
template <int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE int trigger_group(const execution_context& c, int unit,
                                                 const feedback_state<MaxAssets>& st) {
  if (st.n_groups == 1) return 0;
  const execution_view& e = c.v.execution;
  return e.venues[venue_number(e, e.units[unit])].oracle_group;
}

// Every oracle's push rules at `step`; true when one published.
template <int MaxAssets>
LEVRISK_HD inline bool oracles_step(const execution_context& c, std::uint64_t path, int step,
                                    feedback_state<MaxAssets>& st) {
  const market_rows market{c.rows.x, c.rows.growth, c.rows.n_assets};
  bool published = false;
  for (int g = 0; g < st.n_groups; ++g) {
    published = oracle_step(c.v.execution.oracle, market, path, g, step, st.oracle[g]) || published;
  }
  return published;
}

// Asset k's box [low, high] of market prices widened to what every oracle may
// publish from it: its price now (or at the snapshot) and its feeds' largest errors.
template <int MaxAssets>
LEVRISK_HD inline void widen_to_oracles(const execution_context& c,
                                        const feedback_state<MaxAssets>& st, bool at_snapshot,
                                        int k, float& low, float& high) {
  const float market_low = low;
  const float market_high = high;
  for (int g = 0; g < st.n_groups; ++g) {
    const float published =
        at_snapshot ? group_rules(c.v.execution.oracle, g, c.rows.n_assets)[k].initial_growth
                    : st.oracle[g].growth[k];
    const float g_low = (market_low < published ? market_low : published) * st.noise_low[g][k];
    const float g_high = (market_high > published ? market_high : published) * st.noise_high[g][k];
    low = g == 0 || g_low < low ? g_low : low;
    high = g == 0 || g_high > high ? g_high : high;
  }
}

// The round's net sales per asset move the multipliers; true when one moved.
template <int MaxAssets>
LEVRISK_HD inline bool apply_permanent_impact(const execution_context& c,
                                              const path_account<MaxAssets>& acc,
                                              feedback_state<MaxAssets>& st) {
  const execution_view& e = c.v.execution;
  bool moved = false;
  for (int k = 0; k < c.rows.n_assets; ++k) {
    const double net_sold =
        (acc.sold_usd[k] - st.sold_before[k]) - (acc.bought_usd[k] - st.bought_before[k]);
    st.sold_before[k] = acc.sold_usd[k];
    st.bought_before[k] = acc.bought_usd[k];
    if (e.asset_moves[k] == 0 || net_sold == 0.0) continue;
    const double traded = net_sold > 0.0 ? net_sold : -net_sold;
    const double share = e.permanent_impact_share *
                         impact_fraction(traded, e.impact.depth_usd[k], e.impact.exponent);
    if (share == 0.0) continue;
    st.multiplier[k] *= net_sold > 0.0 ? 1.0 - share : 1.0 + share;
    if (st.multiplier[k] < st.lowest_multiplier[k]) st.lowest_multiplier[k] = st.multiplier[k];
    moved = true;
  }
  return moved;
}

// --- finding triggers ----------------------------------------------------------

// Starts loading the track of the unit `track_prefetch_distance` entries ahead in `list`.
LEVRISK_HD LEVRISK_FORCEINLINE void prefetch_track_ahead(const execution_context& c,
                                                         const int* list, int n, int i) {
  if (i + track_prefetch_distance < n) prefetch(c.tracks + list[i + track_prefetch_distance]);
}

// The same for a list of multi-asset units (by multi-asset index).
LEVRISK_HD LEVRISK_FORCEINLINE void prefetch_candidate_ahead(const execution_context& c,
                                                             const int* list, int n, int i) {
  if (i + track_prefetch_distance < n) {
    prefetch(c.tracks + c.v.execution.exact_units[list[i + track_prefetch_distance]]);
  }
}

// Whether the box [low, high] of growth factors cannot liquidate multi-asset unit m.
LEVRISK_HD LEVRISK_FORCEINLINE bool safe_inside(const execution_view& e, int m, const float* low,
                                                const float* high) {
  return box_is_safe(e.safe_boxes[m], low, high);
}

// The multi-asset units not yet candidates whose worst case over the box of
// the prices the protocols may see can liquidate: the stored box times the
// multipliers' screened range, with the oracles' snapshot prices and their
// feeds' largest errors.
template <int MaxAssets>
LEVRISK_HD inline void screen_candidates(const execution_context& c, bool oracle,
                                         feedback_state<MaxAssets>& st) {
  const execution_view& e = c.v.execution;
  float* low = st.box_low;
  float* high = st.box_high;
  for (int k = 0; k < c.rows.n_assets; ++k) {
    low[k] = st.stored_low[k] * static_cast<float>(st.screen_low[k]);
    high[k] = st.stored_high[k] * static_cast<float>(st.screen_high[k]);
    if (oracle) widen_to_oracles(c, st, true, k, low[k], high[k]);
  }
  const health_forms_view& forms = c.v.exact.forms;
  for (int m = 0; m < forms.n_units; ++m) {
    if (safe_inside(e, m, low, high)) continue;
    const int unit = e.exact_units[m];
    const std::uint64_t tag = c.tracks[unit].tag;
    if (tag == c.path || tag == candidate_tag(c.path)) continue;
    if (!box_may_liquidate(health_worst_case(forms, m, low, high))) continue;
    c.tracks[unit].tag = candidate_tag(c.path);
    c.tracks[unit].tested_epoch = stale_epoch;
    c.lists->candidates[c.lists->n_candidates++] = m;
  }
}

// A watched lending account's moving terms (store_terms) in the scratch.
LEVRISK_HD LEVRISK_FORCEINLINE double* watch_terms_at(const execution_context& c, int first_leg) {
  return c.lending_balance + 2 * static_cast<std::ptrdiff_t>(c.v.execution.n_lending_legs) +
         2 * static_cast<std::ptrdiff_t>(first_leg);
}

// Whether a watched lending account can turn liquidatable at any trigger
// prices inside the current block's box: by its band exactly, on the box
// widened by band_box_slack, else by its terms' worst case there.
template <int MaxAssets>
LEVRISK_HD inline bool lending_may_trigger_in_box(const execution_context& c, const unit_track& t,
                                                  const feedback_state<MaxAssets>& st) {
  if (t.band.asset < 0) {
    return terms_may_trigger_in_box(t.fixed_margin, watch_terms_at(c, t.first_term), t.n_terms,
                                    st.block_low, st.block_high);
  }
  const int k = t.band.asset;
  const float low = c.v.execution.asset_moves[k] == 0 ? 1.0f : st.block_low[k];
  const float high = c.v.execution.asset_moves[k] == 0 ? 1.0f : st.block_high[k];
  return band_triggers(t.band, low * (1.0f - band_box_slack)) ||
         band_triggers(t.band, high * (1.0f + band_box_slack));
}

// Lending accounts watched after a first execution that the block's box
// clears go dormant (out of the active list) until a block whose box does not;
// dormant ones it does not clear are watched again.
template <int MaxAssets>
LEVRISK_HD inline void sort_watched(const execution_context& c,
                                    const feedback_state<MaxAssets>& st) {
  unit_lists& l = *c.lists;
  int asleep = 0;
  for (int i = 0; i < l.n_dormant; ++i) {
    prefetch_track_ahead(c, l.dormant, l.n_dormant, i);
    const int unit = l.dormant[i];
    unit_track& t = c.tracks[unit];
    if (t.phase != phase_dormant) continue;  // woken since, and active again
    if (lending_may_trigger_in_box(c, t, st)) {
      t.phase = phase_watching;
      l.active[l.n_active++] = unit;
    } else {
      l.dormant[asleep++] = unit;
    }
  }
  int kept = 0;
  const int n_active = l.n_active;
  for (int i = 0; i < n_active; ++i) {
    prefetch_track_ahead(c, l.active, n_active, i);
    const int unit = l.active[i];
    unit_track& t = c.tracks[unit];
    if (t.phase == phase_watching && !is_perp(c.v.execution.units[unit]) &&
        !lending_may_trigger_in_box(c, t, st)) {
      t.phase = phase_dormant;
      t.tested_epoch = stale_epoch;  // not tested while dormant
      l.dormant[asleep++] = unit;
      continue;
    }
    l.active[kept++] = unit;
  }
  l.n_active = kept;
  l.n_dormant = asleep;
}

// Screens again when a multiplier has left the screened range.
template <int MaxAssets>
LEVRISK_HD inline void rescreen_if_moved(const execution_context& c, const stored_rows& stored,
                                         int step, bool oracle, feedback_state<MaxAssets>& st) {
  bool outside = false;
  for (int k = 0; k < c.rows.n_assets; ++k) {
    const double m = st.multiplier[k];
    if (m >= st.screen_low[k] && m <= st.screen_high[k]) continue;
    // The band's slack doubles at each screen (up to half the price), so a
    // steady slide costs a logarithmic number of screens, not one per step.
    const double slack = st.screen_slack[k] * 2.0 < 0.5 ? st.screen_slack[k] * 2.0 : 0.5;
    st.screen_slack[k] = slack;
    st.screen_low[k] = (m < st.screen_low[k] ? m : st.screen_low[k]) * (1.0 - slack);
    st.screen_high[k] = (m > st.screen_high[k] ? m : st.screen_high[k]) * (1.0 + slack);
    outside = true;
  }
  if (outside) {
    screen_candidates(c, oracle, st);
    screen_block(c, stored, step, oracle, st);
    return;
  }
  for (int k = 0; k < c.rows.n_assets; ++k) {
    const double m = st.multiplier[k];
    if (m >= st.block_multiplier_low[k] && m <= st.block_multiplier_high[k]) continue;
    screen_block(c, stored, step, oracle, st);
    return;
  }
}

// The candidates the box of trigger prices over steps [from, block_end] cannot
// clear: the stored prices of those steps (and of the steps an oracle reads)
// times the block's multiplier range (block_box); with oracles, their current prices
// and their feeds' largest errors too.
// The box of trigger prices over steps [from, block_end] (screen_block).
template <int MaxAssets>
LEVRISK_HD inline void block_box(const execution_context& c, const stored_rows& stored, int from,
                                 bool oracle, feedback_state<MaxAssets>& st) {
  const int n = c.rows.n_assets;
  float* low = st.block_low;
  float* high = st.block_high;
  const int first = from - (oracle ? st.oracle_lookback : 0);
  for (int k = 0; k < n; ++k) low[k] = high[k] = first < 0 ? 1.0f : stored.growth_at(first)[k];
  for (int step = first < 0 ? 0 : first; step <= st.block_end; ++step) {
    const float* g = stored.growth_at(step);
    for (int k = 0; k < n; ++k) {
      low[k] = g[k] < low[k] ? g[k] : low[k];
      high[k] = g[k] > high[k] ? g[k] : high[k];
    }
  }
  for (int k = 0; k < n; ++k) {
    // The multipliers' range for the block: near the multiplier now, inside the screened range.
    const double slack = c.v.execution.asset_moves[k] != 0 ? block_multiplier_slack : 0.0;
    const double m_low = st.multiplier[k] * (1.0 - slack);
    const double m_high = st.multiplier[k] * (1.0 + slack);
    st.block_multiplier_low[k] = m_low > st.screen_low[k] ? m_low : st.screen_low[k];
    st.block_multiplier_high[k] = m_high < st.screen_high[k] ? m_high : st.screen_high[k];
    low[k] *= static_cast<float>(st.block_multiplier_low[k]);
    high[k] *= static_cast<float>(st.block_multiplier_high[k]);
    if (oracle) widen_to_oracles(c, st, false, k, low[k], high[k]);
  }
}

template <int MaxAssets>
LEVRISK_HD inline void screen_block(const execution_context& c, const stored_rows& stored, int from,
                                    bool oracle, feedback_state<MaxAssets>& st) {
  block_box(c, stored, from, oracle, st);
  const float* low = st.block_low;
  const float* high = st.block_high;
  unit_lists& l = *c.lists;
  l.n_block_candidates = 0;
  int kept = 0;
  for (int i = 0; i < l.n_candidates; ++i) {
    prefetch_candidate_ahead(c, l.candidates, l.n_candidates, i);
    const int m = l.candidates[i];
    if (touched(c, c.v.execution.exact_units[m])) continue;
    l.candidates[kept++] = m;
    if (!safe_inside(c.v.execution, m, low, high) &&
        box_may_liquidate(health_worst_case(c.v.exact.forms, m, low, high))) {
      l.block_candidates[l.n_block_candidates++] = m;
    } else {
      c.tracks[c.v.execution.exact_units[m]].tested_epoch = stale_epoch;  // not tested this block
    }
  }
  l.n_candidates = kept;
  sort_watched(c, st);
}

// At a block's first step, the block's candidates.
template <int MaxAssets>
LEVRISK_HD inline void begin_block(const execution_context& c, const stored_rows& stored, int step,
                                   bool oracle, feedback_state<MaxAssets>& st) {
  if (step % screen_block_steps != 0) return;
  const int end = step + screen_block_steps - 1;
  st.block_end = end < c.v.n_steps ? end : c.v.n_steps;
  screen_block(c, stored, step, oracle, st);
}

// Units at ladder positions [from, to) are first liquidatable at `step`.
LEVRISK_HD inline void queue_crossed(const execution_context& c, const ladder_view& ladder,
                                     int from, int to, int step) {
  for (int position = from; position < to; ++position) {
    queue_unit(c, ladder.unit[position], step + c.v.execution.keeper_delay_steps);
  }
}

template <int MaxAssets>
LEVRISK_HD inline void walk_ladders(const execution_context& c, int step,
                                    feedback_state<MaxAssets>& st) {
  for (int f = 0; f < c.v.ladders.n_factors; ++f) {
    const factor_view& factor = c.v.ladders.factors[f];
    factor_walk& w = st.walk[f];
    const float* x = st.trigger_x[st.n_groups > 1 ? factor.oracle_group : 0];
    const float y = x[factor.numerator_asset] -
                    (factor.denominator_asset >= 0 ? x[factor.denominator_asset] : 0.0f);
    if (y < w.y_min) {
      w.y_min = y;
      const int now = ladder_crossed_count(factor.falling, w.falling, y);
      queue_crossed(c, factor.falling, w.falling, now, step);
      w.falling = now;
    }
    if (y > w.y_max) {
      w.y_max = y;
      const int now = ladder_crossed_count(factor.rising, w.rising, -y);
      queue_crossed(c, factor.rising, w.rising, now, step);
      w.rising = now;
    }
  }
}

// The block's candidates liquidatable at the trigger prices; those touched
// since (queued, or by auto-deleveraging) leave the block's list. Their forms
// never change, so the round's skips (kernels/risk/test_window.hpp) apply to all.
template <int MaxAssets>
LEVRISK_HD inline void test_candidates(const execution_context& c, int step,
                                       const round_skips* skips,
                                       const feedback_state<MaxAssets>& st) {
  unit_lists& l = *c.lists;
  int kept = 0;
  for (int i = 0; i < l.n_block_candidates; ++i) {
    prefetch_candidate_ahead(c, l.block_candidates, l.n_block_candidates, i);
    const int m = l.block_candidates[i];
    const int unit = c.v.execution.exact_units[m];
    unit_track& t = c.tracks[unit];
    if (t.tag == c.path) continue;  // touched
    const int g = trigger_group(c, unit, st);
    if (!may_skip(skips[g], c.v.execution.liquidating[unit], t.margin, t.tested_epoch)) {
      const unit_test test = health_test_at(c.v.exact.forms, m, st.trigger_growth[g]);
      t.margin = test.margin;
      t.tested_epoch = skips[g].epoch;
      if (test.liquidatable) {
        queue_unit(c, unit, step + c.v.execution.keeper_delay_steps);
        continue;
      }
    }
    l.block_candidates[kept++] = m;
  }
  l.n_block_candidates = kept;
}

// Whether a watched lending account is liquidatable at `trigger_growth`: by its
// band, else its terms (kernels/risk/watch_band.hpp; the full test's answers).
LEVRISK_HD LEVRISK_FORCEINLINE bool watched_lending_triggers(const execution_context& c,
                                                             const unit_track& t,
                                                             const float* trigger_growth) {
  if (t.band.asset >= 0) return band_triggers(t.band, trigger_growth[t.band.asset]);
  return terms_trigger(t.fixed_margin, watch_terms_at(c, t.first_term), t.n_terms, trigger_growth);
}

// Watched units liquidatable at the trigger prices send a keeper. Those
// executed at this step wait for the next one; a lending account with a band
// (kernels/risk/watch_band.hpp) is tested by it; the others unchanged since
// the round's skips began may be skipped (kernels/risk/test_window.hpp).
template <int MaxAssets>
LEVRISK_HD inline void test_watched(const execution_context& c, int step, const round_skips* skips,
                                    const feedback_state<MaxAssets>& st) {
  const unit_lists& l = *c.lists;
  for (int i = 0; i < l.n_active; ++i) {
    prefetch_track_ahead(c, l.active, l.n_active, i);
    const int unit = l.active[i];
    unit_track& t = c.tracks[unit];
    if (t.phase != phase_watching || t.due_step >= step) continue;
    const int g = trigger_group(c, unit, st);
    if (!is_perp(c.v.execution.units[unit])) {
      if (watched_lending_triggers(c, t, st.trigger_growth[g])) {
        queue_unit(c, unit, step + c.v.execution.keeper_delay_steps);
      }
      continue;
    }
    if (t.due_step < skips[g].changed_from &&
        may_skip(skips[g], c.v.execution.liquidating[unit], t.margin, t.tested_epoch)) {
      continue;
    }
    // A perp's margin is left out (-inf: never skipped by it).
    const bool liquidatable =
        perp_liquidatable(health_of(perp_view_of(c, unit), st.trigger_growth[g]));
    t.margin = test_margin{-HUGE_VALF, 0.0f};
    t.tested_epoch = skips[g].epoch;
    if (liquidatable) {
      queue_unit(c, unit, step + c.v.execution.keeper_delay_steps);
    }
  }
}

// --- executing -----------------------------------------------------------------

// Keeps what a round tests of a lending account after a call: its band, else
// its trigger form's terms (kernels/risk/watch_band.hpp).
LEVRISK_HD inline void watch_lending(const execution_context& c, const execution_unit& u,
                                     const lending_balances& b, unit_track& t) {
  const lending_trigger_form f =
      lending_trigger_form_of(c.v.execution, c.v.execution.lending_legs + u.first_leg, b);
  bool has_debt = false;
  for (int i = 0; i < b.n_legs; ++i) has_debt = has_debt || b.debt[i] > 0.0;
  t.band = watch_band_of(f, has_debt);
  t.first_term = u.first_leg;
  t.fixed_margin = f.constant_usd;
  t.n_terms = t.band.asset >= 0 ? 0 : f.n_terms;
  if (t.n_terms > 0) store_terms(f, watch_terms_at(c, u.first_leg));
}

template <int MaxAssets>
LEVRISK_HD inline void execute_lending_at(const execution_context& c, int unit, int step,
                                          const feedback_state<MaxAssets>& st,
                                          path_account<MaxAssets>& acc) {
  const execution_view& e = c.v.execution;
  const execution_unit& u = e.units[unit];
  const lending_leg* legs = e.lending_legs + u.first_leg;
  double* balance = c.lending_balance + 2 * static_cast<std::ptrdiff_t>(u.first_leg);
  unit_track& t = c.tracks[unit];
  lending_balances b;  // legs [0, n_legs) only: no clearing of the rest
  b.n_legs = u.n_legs;
  const bool first = !t.outcome.executed && t.outcome.calls == 0;
  for (int i = 0; i < u.n_legs; ++i) {
    b.collateral[i] = first ? legs[i].collateral_usd : balance[2 * static_cast<std::ptrdiff_t>(i)];
    b.debt[i] = first ? legs[i].debt_usd : balance[2 * static_cast<std::ptrdiff_t>(i) + 1];
  }
  lending_calls_at(c, u, step, e.keeper_delay_steps == 0,
                   st.trigger_growth[trigger_group(c, unit, st)], b, t.outcome, acc);
  for (int i = 0; i < u.n_legs; ++i) {
    balance[2 * static_cast<std::ptrdiff_t>(i)] = b.collateral[i];
    balance[2 * static_cast<std::ptrdiff_t>(i) + 1] = b.debt[i];
  }
  t.due_step = step;  // watched from the next step on
  t.phase = lending_closed(b) ? phase_closed : phase_watching;
  watch_lending(c, u, b, t);
}

template <int MaxAssets>
LEVRISK_HD inline void execute_perp_at(const execution_context& c, int unit, int step,
                                       const feedback_state<MaxAssets>& st,
                                       path_account<MaxAssets>& acc) {
  const execution_view& e = c.v.execution;
  const perp_unit_view p = perp_view_of(c, unit);
  unit_track& t = c.tracks[unit];
  t.due_step = step;
  if (e.keeper_delay_steps != 0 &&
      !perp_liquidatable(health_of(p, st.trigger_growth[trigger_group(c, unit, st)]))) {
    t.phase = phase_watching;
    return;
  }
  const perp_close done =
      close_perp(p.legs, p.n_legs, p.margin_usd, e.impact, c.rows.growth_at(step), p.scale);
  book_perp_close(c, p, step, done, 1.0, acc);
  perp_unit_state& s = perp_state_of(c, unit);
  if (s.path != c.path) s = perp_unit_state{c.path, -1, 0, p.margin_usd, 0.0, 0.0};
  s.close_step = step;
  t.outcome = perp_outcome_of(perp_life{step, false, done}, s.adl_loss_usd, s.adl_notional_usd);
  t.phase = phase_closed;
}

// The keepers due at `step`, by unit index: within a round every execution
// reads the same market row and only its own unit, so the order changes only
// the order of the sums, and by index it is the same whatever found the units
// (docs/methodology.md, "Order"). True when one executed.
template <int MaxAssets>
LEVRISK_HD inline bool execute_due(const execution_context& c, int step,
                                   const feedback_state<MaxAssets>& st,
                                   path_account<MaxAssets>& acc) {
  unit_lists& l = *c.lists;
  if (l.n_queued == 0) return false;
  sort_ints(l.queued, l.n_queued);
  bool executed = false;
  int waiting = 0;
  const int n_queued = l.n_queued;
  for (int i = 0; i < n_queued; ++i) {
    prefetch_track_ahead(c, l.queued, n_queued, i);
    const int unit = l.queued[i];
    const unit_track& t = c.tracks[unit];
    if (t.phase != phase_queued) continue;  // closed by auto-deleveraging
    if (t.due_step != step) {
      l.queued[waiting++] = unit;
      continue;
    }
    if (is_perp(c.v.execution.units[unit])) {
      execute_perp_at(c, unit, step, st, acc);
    } else {
      execute_lending_at(c, unit, step, st, acc);
    }
    executed = true;
  }
  l.n_queued = waiting;
  return executed;
}

// Drops the units that are done from the active list, keeping the order.
LEVRISK_HD inline void compact_active(const execution_context& c) {
  unit_lists& l = *c.lists;
  int kept = 0;
  for (int i = 0; i < l.n_active; ++i) {
    prefetch_track_ahead(c, l.active, l.n_active, i);
    if (c.tracks[l.active[i]].phase != phase_closed) l.active[kept++] = l.active[i];
  }
  l.n_active = kept;
}

// --- the pass ------------------------------------------------------------------

// One step: the oracle, then rounds of triggers, executions and impact.
template <int MaxAssets>
LEVRISK_HD inline void feedback_step(const execution_context& c, const stored_rows& stored,
                                     std::uint64_t path, int step, const feedback_pass& pass,
                                     feedback_state<MaxAssets>& st, path_account<MaxAssets>& acc) {
  const execution_view& e = c.v.execution;
  write_market_row(c, stored, step, st);
  if (pass.oracle && step > 0) oracles_step(c, path, step, st);
  point_triggers(c, step, pass.oracle, st);
  begin_block(c, stored, step, pass.oracle, st);
  if (step == 0) {
    for (int i = 0; i < e.n_step0_units; ++i) {
      queue_unit(c, e.step0_units[i], e.keeper_delay_steps);
    }
  }
  int rounds = 0;
  bool moved = false;
  for (; rounds < e.max_cascade_rounds; ++rounds) {
    round_skips skips[max_oracle_groups];
    for (int g = 0; g < st.n_groups; ++g) {
      skips[g] = begin_tests(st.window[g], st.trigger_growth[g], c.rows.n_assets, step);
    }
    walk_ladders(c, step, st);
    test_candidates(c, step, skips, st);
    test_watched(c, step, skips, st);
    if (!execute_due(c, step, st, acc)) break;
    moved = pass.permanent_impact && apply_permanent_impact(c, acc, st);
    if (!moved) {
      ++rounds;
      break;
    }
    write_market_row(c, stored, step, st);
    rescreen_if_moved(c, stored, step, pass.oracle, st);
    // Oracles that publish nothing new leave the trigger prices as they were:
    // the step has converged.
    if (pass.oracle && !(step > 0 && oracles_step(c, path, step, st))) {
      ++rounds;
      moved = false;
      break;
    }
  }
  if (rounds == e.max_cascade_rounds && moved) ++st.unconverged_steps;
  if (rounds > 1) ++st.cascade_steps;
  if (rounds > st.max_rounds) st.max_rounds = rounds;
  if (pass.record_units && rounds > 0) tally_add(e.rounds_histogram + rounds, 1ull);
}

// Oracle group g's reach for the screens at asset k: its feeds' largest
// error, as factors, and the steps before a step whose market it can read.
template <int MaxAssets>
LEVRISK_HD inline void set_feed_bounds(const execution_view& e, int n_assets, bool oracle, int g,
                                       int k, feedback_state<MaxAssets>& st) {
  st.noise_low[g][k] = st.noise_high[g][k] = 1.0f;
  if (!oracle) return;
  const oracle_rule& rule = group_rules(e.oracle, g, n_assets)[k];
  float noise = 0.0f;
  int delay = 0;
  for (int f = 0; f < rule.n_feeds; ++f) {
    const oracle_feed& feed = e.oracle.feeds[rule.first_feed + f];
    noise = feed.noise > noise ? feed.noise : noise;
    delay = feed.delay_steps > delay ? feed.delay_steps : delay;
  }
  st.noise_low[g][k] = exp_float(-max_normal_magnitude * noise);
  st.noise_high[g][k] = exp_float(max_normal_magnitude * noise);
  const int lookback = rule.latency_steps + delay;
  st.oracle_lookback = lookback > st.oracle_lookback ? lookback : st.oracle_lookback;
}

// The oracles' reach for the screens (set_feed_bounds), over every group.
template <int MaxAssets>
LEVRISK_HD inline void set_oracle_bounds(const execution_view& e, int n_assets, bool oracle,
                                         feedback_state<MaxAssets>& st) {
  st.oracle_lookback = 0;
  for (int g = 0; g < st.n_groups; ++g) {
    for (int k = 0; k < n_assets; ++k) set_feed_bounds(e, n_assets, oracle, g, k, st);
  }
}

template <int MaxAssets>
LEVRISK_HD inline void begin_pass(const execution_context& c, const stored_rows& stored,
                                  const feedback_pass& pass, feedback_state<MaxAssets>& st) {
  const int n = c.rows.n_assets;
  for (int k = 0; k < n; ++k) {
    st.multiplier[k] = st.lowest_multiplier[k] = 1.0;
    // A price the model holds fixed is never impacted (apply_permanent_impact):
    // its multiplier stays 1.
    const double slack = c.v.execution.asset_moves[k] != 0 ? screen_multiplier_slack : 0.0;
    st.screen_slack[k] = slack;
    st.screen_low[k] = 1.0 - slack;
    st.screen_high[k] = 1.0 + slack;
    st.stored_low[k] = st.stored_high[k] = 1.0f;
    st.sold_before[k] = st.bought_before[k] = 0.0;
  }
  for (int step = 0; step <= c.v.n_steps; ++step) {
    const float* g = stored.growth_at(step);
    for (int k = 0; k < n; ++k) {
      st.stored_low[k] = g[k] < st.stored_low[k] ? g[k] : st.stored_low[k];
      st.stored_high[k] = g[k] > st.stored_high[k] ? g[k] : st.stored_high[k];
    }
  }
  for (int f = 0; f < c.v.ladders.n_factors; ++f) {
    st.walk[f] = factor_walk{0, 0, HUGE_VALF, -HUGE_VALF};
  }
  st.n_groups = pass.oracle ? c.v.execution.oracle.n_groups : 1;
  for (int g = 0; g < st.n_groups && pass.oracle; ++g) {
    oracle_begin(c.v.execution.oracle, n, g, st.oracle[g]);
  }
  st.cascade_steps = st.unconverged_steps = st.max_rounds = 0;
  set_oracle_bounds(c.v.execution, n, pass.oracle, st);
  unit_lists& l = *c.lists;
  l.n_active = l.n_touched = l.n_dormant = l.n_candidates = l.n_block_candidates = 0;
  l.n_queued = 0;
  screen_candidates(c, pass.oracle, st);
  for (int g = 0; g < st.n_groups; ++g) {
    st.window[g].tested_step = 0;
    st.window[g].fresh = true;
  }
}

// Units still waiting for their keeper at the horizon are pending; every
// touched unit's figures go into the tallies.
LEVRISK_HD inline void finish_units(const execution_context& c, bool record) {
  const unit_lists& l = *c.lists;
  for (int i = 0; i < l.n_queued; ++i) {
    unit_track& t = c.tracks[l.queued[i]];
    if (t.phase == phase_queued) t.outcome.pending = true;
  }
  if (!record) return;
  for (int i = 0; i < l.n_touched; ++i) {
    const int unit = l.touched[i];
    record_unit(c.v.execution, unit, c.tracks[unit].outcome);
  }
}

// One pass over the path; the account holds its totals.
template <int MaxAssets>
LEVRISK_HD inline void run_pass(const execution_context& c, const stored_rows& stored,
                                std::uint64_t path, const feedback_pass& pass,
                                feedback_state<MaxAssets>& st, path_account<MaxAssets>& acc) {
  begin_pass(c, stored, pass, st);
  venue_funds funds = funds_at_snapshot(c.v.execution);
  for (int step = 0; step <= c.v.n_steps; ++step) {
    feedback_step(c, stored, path, step, pass, st, acc);
    // A step nothing was booked at leaves the funds and totals as they are
    // (adding +0.0 changes no sum that started at +0.0) and its entries zero.
    if (acc.last_ledger_step >= step) settle_ledger_step(c, step, funds, acc);
    compact_active(c);
  }
  settle_lending(c.v.execution, acc);
  finish_units(c, pass.record_units);
  acc.total[total_cascade_steps] = st.cascade_steps;
  acc.total[total_unconverged_steps] = st.unconverged_steps;
  acc.total[total_max_rounds] = st.max_rounds;
  int oracle_updates = 0;
  for (int g = 0; g < st.n_groups && pass.oracle; ++g) oracle_updates += st.oracle[g].updates;
  acc.total[total_oracle_updates] = oracle_updates;
}

// A pass's book loss and what no buffer covered (lending shortfall + perp deficit).
struct pass_losses {
  double book_loss_usd;
  double uncovered_usd;
};

template <int MaxAssets>
LEVRISK_HD inline pass_losses losses_of(const path_account<MaxAssets>& acc) {
  return pass_losses{acc.total[total_book_loss],
                     acc.total[total_lending_shortfall] + acc.total[total_perp_deficit]};
}

// Every liquidation of `path` step by step, over its stored prices `stored`;
// the impacted market is written into the scratch's two spare row arrays.
template <int MaxAssets>
LEVRISK_HD inline void execute_path_by_step(const simulation_view& v, std::uint64_t path,
                                            const stored_rows& stored,
                                            const execution_scratch& scratch) {
  const execution_view& e = v.execution;
  const std::ptrdiff_t row_floats = static_cast<std::ptrdiff_t>(v.n_steps + 1) * stored.n_assets;
  const stored_rows market{scratch.suffix + row_floats, scratch.suffix, stored.n_assets};
  const int n_exact = v.exact.forms.n_units;
  int* const units_lists = scratch.lists;
  int* const candidates = scratch.lists + 4 * static_cast<std::ptrdiff_t>(e.n_units);
  unit_lists lists{};
  lists.active = units_lists;
  lists.touched = units_lists + e.n_units;
  lists.dormant = units_lists + 2 * static_cast<std::ptrdiff_t>(e.n_units);
  lists.queued = units_lists + 3 * static_cast<std::ptrdiff_t>(e.n_units);
  lists.candidates = candidates;
  lists.block_candidates = candidates + n_exact;
  execution_context c{v,
                      market,
                      0,
                      scratch.ledger,
                      nullptr,
                      nullptr,
                      scratch.perp_states,
                      scratch.leg_scale,
                      scratch.tracks,
                      scratch.lending_balance,
                      &lists};
  feedback_state<MaxAssets> st;
  st.market_x = scratch.suffix + row_floats;
  st.market_growth = scratch.suffix;
  pass_losses counterfactual[2] = {};
  const bool permanent = e.permanent_impact_share > 0.0;
  const bool oracle = e.oracle.enabled != 0;
  const bool amplified = e.amplification != 0 && path < e.amplification_paths;
  if (amplified) {
    const feedback_pass variants[2] = {{false, oracle, false, 1}, {permanent, false, false, 2}};
    for (int i = 0; i < 2; ++i) {
      if (i == 0 ? !permanent : !oracle) continue;
      c.path = pass_tag(path, variants[i].variant);
      path_account<MaxAssets> acc = fresh_account<MaxAssets>(v, path);
      run_pass(c, stored, path, variants[i], st, acc);
      counterfactual[i] = losses_of(acc);
    }
  }
  c.path = pass_tag(path, 0);
  path_account<MaxAssets> acc = fresh_account<MaxAssets>(v, path);
  run_pass(c, stored, path, feedback_pass{permanent, oracle, true, 0}, st, acc);
  const pass_losses full = losses_of(acc);
  const bool ran[2] = {amplified && permanent, amplified && oracle};
  acc.total[total_book_loss_no_permanent] = (ran[0] ? counterfactual[0] : full).book_loss_usd;
  acc.total[total_uncovered_no_permanent] = (ran[0] ? counterfactual[0] : full).uncovered_usd;
  acc.total[total_book_loss_perfect_oracle] = (ran[1] ? counterfactual[1] : full).book_loss_usd;
  acc.total[total_uncovered_perfect_oracle] = (ran[1] ? counterfactual[1] : full).uncovered_usd;
  for (int k = 0; k < stored.n_assets; ++k) {
    acc.drawdown[k] = 1.0 - st.lowest_multiplier[k];
  }
  write_totals(v, path, acc);
}

}  // namespace levrisk
