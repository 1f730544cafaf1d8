#pragma once
// Which units a round of the step-synchronous stage
// (kernels/risk/feedback_execution.hpp) must test again at the trigger prices.
// A unit unchanged since its last test that was not liquidatable then is not
// liquidatable now when either
//   * none of its assets' trigger prices moved, since the round before, in a
//     direction that can liquidate it (kernels/risk/trigger_moves.hpp), or
//   * its margin then exceeds width x the sum of its price-dependent terms'
//     magnitudes, where width is the relative width of the window of trigger
//     prices the rounds have tested since the window opened (every asset's
//     highest over lowest, less 1).
// The second holds because a term c g moves by at most |c| (high - low) <=
// |c| g width inside the window; the margin is taken less a relative margin for
// the rounding of both tests (screen_relative_margin, as the screens). A
// window opens, and every unit is tested, when units joined the lists (a new
// block of steps or a screen), and when it grows wider than test_window_limit.

#include <cmath>
#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/screen.hpp"
#include "kernels/risk/trigger_moves.hpp"

namespace levrisk {

// Past this relative width, retesting every unit costs less than testing the
// many whose margins the window no longer covers.
constexpr double test_window_limit = 0.02;

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
  float low[MaxAssets];  // the trigger prices tested since the window opened
  float high[MaxAssets];
  float tested[MaxAssets];  // those of the last round's tests
  int tested_step;          // that round's step
  bool open_next;           // units joined the lists: test every one next round
};

// What the round may skip, unless it tests `every` unit: units unchanged
// since the step `changed_from` (executions and auto-deleveraging mark a unit
// with their step) whose liquidating moves are not in `moved`, or whose margin
// share exceeds `width`.
struct round_skips {
  bool every;
  price_moves moved;
  int changed_from;
  float width;
};

template <int MaxAssets>
LEVRISK_HD inline void open_window(test_window<MaxAssets>& w, const float* growth, int n_assets) {
  for (int k = 0; k < n_assets; ++k) w.low[k] = w.high[k] = w.tested[k] = growth[k];
  w.open_next = false;
}

// The round's skips at the trigger prices `growth`, which join the window.
template <int MaxAssets>
LEVRISK_HD inline round_skips begin_tests(test_window<MaxAssets>& w, const float* growth,
                                          int n_assets, int step) {
  round_skips r{false, price_moves{0u, 0u}, w.tested_step, 0.0f};
  double width = 0.0;
  for (int k = 0; k < n_assets && !w.open_next; ++k) {
    const float g = growth[k];
    if (!(g >= w.tested[k])) r.moved.falls |= asset_bit(k);  // NaN either way
    if (!(g <= w.tested[k])) r.moved.rises |= asset_bit(k);
    const float low = g < w.low[k] ? g : w.low[k];
    const float high = g > w.high[k] ? g : w.high[k];
    const double asset_width = (static_cast<double>(high) - low) / low;
    width = asset_width > width ? asset_width : width;
  }
  w.tested_step = step;
  if (w.open_next || !(width <= test_window_limit)) {
    open_window(w, growth, n_assets);
    return round_skips{true, every_move(), step, HUGE_VALF};
  }
  for (int k = 0; k < n_assets; ++k) {
    const float g = growth[k];
    w.low[k] = g < w.low[k] ? g : w.low[k];
    w.high[k] = g > w.high[k] ? g : w.high[k];
    w.tested[k] = g;
  }
  r.width = static_cast<float>(width);
  return r;
}

// Whether a unit unchanged since its last test may go untested.
LEVRISK_HD LEVRISK_FORCEINLINE bool may_skip(const round_skips& r, const price_moves& liquidating,
                                             const test_margin& margin) {
  return !r.every &&
         (!may_liquidate(liquidating, r.moved) || margin.spare_usd > r.width * margin.moving_usd);
}

}  // namespace levrisk
