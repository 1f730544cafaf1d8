#pragma once
// Which units a round of the step-synchronous stage
// (kernels/risk/feedback_execution.hpp) must test again at the trigger prices.
// A unit unchanged since its last test that was not liquidatable then is not
// liquidatable now when either
//   * none of its assets' trigger prices moved, since the round before, in a
//     direction that can liquidate it (kernels/risk/trigger_moves.hpp), or
//   * its margin then exceeds width x the sum of its price-dependent terms'
//     magnitudes, where width is the relative width of the window of trigger
//     prices the rounds have tested since the unit's test (every asset's
//     highest over lowest, less 1).
// The second holds because a term c g moves by at most |c| (high - low) <=
// |c| g width inside the window; the margin is taken less a relative margin for
// the rounding of both tests (screen_relative_margin, as the screens).
//
// Windows are kept by epoch: a new one opens when the current one grows wider
// than test_window_limit, and the last test_window_epochs stay open, each
// widening with every round's prices. A unit records the epoch of its test and
// is held to that epoch's width, so a wide move retests only the units whose
// margins it could cross, and a unit tested in an epoch no longer kept is
// tested again. A unit that leaves the lists a round tests (a candidate its
// block's box clears, a watched account going dormant) is marked stale and is
// tested when it comes back: the first rule needs it evaluated every round.

#include <cmath>
#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/screen.hpp"
#include "kernels/risk/trigger_moves.hpp"

namespace levrisk {

// Past this relative width a new epoch opens: units tested from then on are
// held to a narrow window again.
constexpr double test_window_limit = 0.02;
// Epochs kept open: a unit tested before the oldest is tested again.
constexpr int test_window_epochs = 4;

// A test's answer and the margin it leaves (unit_track::margin).
struct unit_test {
  bool liquidatable;
  test_margin margin;
};

// The margin less the rounding allowance over every term, and moving_usd (the
// sum of |coefficient| x growth of the terms that move); the floats' own
// rounding is far inside the allowance.
LEVRISK_HD inline test_margin margin_of(double margin_usd, double moving_usd, double fixed_usd) {
  const double spare_usd = margin_usd - screen_relative_margin * (moving_usd + fixed_usd);
  return test_margin{static_cast<float>(spare_usd), static_cast<float>(moving_usd)};
}

// A multi-asset unit's health_at, in the same sums and order, with its margin share.
LEVRISK_HD inline unit_test health_test_at(const health_forms_view& forms, int unit,
                                           const float* growth) {
  const unit_form form = unit_form_of(forms, unit);
  health_value h{form.numerator_const_usd, form.denominator_const_usd};
  double moving_usd = 0.0;
  for (int t = 0; t < form.n_terms; ++t) {
    const health_term& term = form.terms[t];
    const double n = static_cast<double>(term.numerator_usd) * growth[term.asset];
    const double d = static_cast<double>(term.denominator_usd) * growth[term.asset];
    h.numerator_usd += n;
    h.denominator_usd += d;
    moving_usd += (n < 0.0 ? -n : n) + (d < 0.0 ? -d : d);
  }
  const double fixed_usd =
      (form.numerator_const_usd < 0.0 ? -form.numerator_const_usd : form.numerator_const_usd) +
      (form.denominator_const_usd < 0.0 ? -form.denominator_const_usd : form.denominator_const_usd);
  return unit_test{is_liquidatable(h),
                   margin_of(h.numerator_usd - h.denominator_usd, moving_usd, fixed_usd)};
}

template <int MaxAssets>
struct test_window {
  float low[test_window_epochs][MaxAssets];  // the trigger prices tested in each open epoch
  float high[test_window_epochs][MaxAssets];
  float tested[MaxAssets];  // those of the last round's tests
  int tested_step;          // that round's step
  int epoch;   // the current epoch; epochs epoch - test_window_epochs + 1 .. epoch are open
  bool fresh;  // the pass has tested nothing yet
};

// What the round may skip: units unchanged since the step `changed_from`
// (executions and auto-deleveraging mark a unit with their step), tested in an
// open epoch, whose liquidating moves are not in `moved`, or whose margin
// share exceeds the width of their epoch's window.
struct round_skips {
  price_moves moved;
  int changed_from;
  int epoch;                        // the current one: units tested this round record it
  float width[test_window_epochs];  // by epoch modulo test_window_epochs
};

template <int MaxAssets>
LEVRISK_HD inline void open_epoch(test_window<MaxAssets>& w, const float* growth, int n_assets) {
  const int slot = w.epoch % test_window_epochs;
  for (int k = 0; k < n_assets; ++k) w.low[slot][k] = w.high[slot][k] = growth[k];
}

// The relative width of an epoch's window: every asset's highest over lowest, less 1.
template <int MaxAssets>
LEVRISK_HD inline double epoch_width(const test_window<MaxAssets>& w, int slot, int n_assets) {
  double width = 0.0;
  for (int k = 0; k < n_assets; ++k) {
    const double asset_width =
        (static_cast<double>(w.high[slot][k]) - w.low[slot][k]) / w.low[slot][k];
    width = asset_width > width ? asset_width : width;
  }
  return width;
}

// The round's skips at the trigger prices `growth`, which join every open
// epoch's window; past test_window_limit a new epoch opens at them.
template <int MaxAssets>
LEVRISK_HD inline round_skips begin_tests(test_window<MaxAssets>& w, const float* growth,
                                          int n_assets, int step) {
  round_skips r{price_moves{0u, 0u}, w.tested_step, 0, {}};
  if (w.fresh) {  // every unit is stale: nothing moved
    // Every slot at these prices, so that no width is read from an unset window.
    for (w.epoch = test_window_epochs - 1; w.epoch >= 0; --w.epoch) open_epoch(w, growth, n_assets);
    w.epoch = 0;
    for (int k = 0; k < n_assets; ++k) w.tested[k] = growth[k];
    w.fresh = false;
  }
  for (int k = 0; k < n_assets; ++k) {
    const float g = growth[k];
    if (!(g >= w.tested[k])) r.moved.falls |= asset_bit(k);  // NaN either way
    if (!(g <= w.tested[k])) r.moved.rises |= asset_bit(k);
    w.tested[k] = g;
  }
  const int open = w.epoch + 1 < test_window_epochs ? w.epoch + 1 : test_window_epochs;
  for (int e = 0; e < open; ++e) {
    const int slot = (w.epoch - e) % test_window_epochs;
    for (int k = 0; k < n_assets; ++k) {
      const float g = growth[k];
      w.low[slot][k] = g < w.low[slot][k] ? g : w.low[slot][k];
      w.high[slot][k] = g > w.high[slot][k] ? g : w.high[slot][k];
    }
  }
  if (!(epoch_width(w, w.epoch % test_window_epochs, n_assets) <= test_window_limit)) {
    ++w.epoch;
    open_epoch(w, growth, n_assets);
  }
  for (int slot = 0; slot < test_window_epochs; ++slot) {
    // NaN prices give a NaN width, which skips nothing.
    r.width[slot] = static_cast<float>(epoch_width(w, slot, n_assets));
  }
  w.tested_step = step;
  r.epoch = w.epoch;
  return r;
}

// Whether a unit unchanged since its last test, in epoch `tested_epoch`, may go untested.
LEVRISK_HD LEVRISK_FORCEINLINE bool may_skip(const round_skips& r, const price_moves& liquidating,
                                             const test_margin& margin, int tested_epoch) {
  if (tested_epoch <= r.epoch - test_window_epochs) return false;  // stale, or its epoch closed
  return !may_liquidate(liquidating, r.moved) ||
         margin.spare_usd > r.width[tested_epoch % test_window_epochs] * margin.moving_usd;
}

}  // namespace levrisk
