#pragma once
// A multi-asset unit's safe box: growth factors [low, high] such that no box of
// prices whose every asset lies in [low, high] can liquidate it. The
// step-synchronous stage's screens (kernels/risk/feedback_execution.hpp) clear
// with it, without a worst case, the units a box of trigger prices cannot reach.
//
// Why the test needs only the unit's own assets, each on one side: the worst
// case (health_worst_case) reads a box's low end of asset k only for the terms
// a fall of k liquidates, and its high end only for those a rise does
// (liquidating_moves of a term: the same sign rule), and it is monotone in each
// bound it reads (kernels/risk/trigger_moves.hpp says why, bit for bit). So a
// box whose low ends, on the assets whose falls liquidate, are at least `low`,
// and whose high ends, on the assets whose rises do, at most `high`, has a
// worst case no worse than the uniform box [low, high] of every asset.

#include "kernels/common.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/screen.hpp"
#include "kernels/risk/trigger_moves.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk {

struct safe_box {
  float low;  // > high: no box is safe (the unit is liquidatable at the snapshot)
  float high;
  price_moves liquidating;  // the assets whose moves the worst case reads, and which way
};

// Bisection steps on the box's half-width d, to about 6e-8.
constexpr int safe_box_bisections = 24;

// Whether the box [1 - d, 1 + d] of every asset leaves multi-asset unit m safe.
LEVRISK_HD inline bool uniform_box_is_safe(const health_forms_view& forms, int m, int n_assets,
                                           double d) {
  float low[max_assets];
  float high[max_assets];
  for (int k = 0; k < n_assets; ++k) {
    low[k] = static_cast<float>(1.0 - d);
    high[k] = static_cast<float>(1.0 + d);
  }
  return !box_may_liquidate(health_worst_case(forms, m, low, high));
}

// Multi-asset unit m's widest uniform box [1 - d, 1 + d], by bisection on d
// (any box inside a safe one is safe, by the worst case's monotonicity); the
// side that no term reads is unbounded.
LEVRISK_HD inline safe_box safe_box_of(const health_forms_view& forms, int m, int n_assets) {
  price_moves liquidating{0u, 0u};
  for (int t = forms.term_offset[m]; t < forms.term_offset[m + 1]; ++t) {
    liquidating = either(liquidating, liquidating_moves(forms.terms[t]));
  }
  if (!uniform_box_is_safe(forms, m, n_assets, 0.0)) return safe_box{2.0f, 0.0f, liquidating};
  double safe = 0.0;
  double unsafe = 1.0;
  for (int i = 0; i < safe_box_bisections; ++i) {
    const double d = 0.5 * (safe + unsafe);
    if (uniform_box_is_safe(forms, m, n_assets, d)) {
      safe = d;
    } else {
      unsafe = d;
    }
  }
  return safe_box{liquidating.falls == 0u ? 0.0f : static_cast<float>(1.0 - safe),
                  liquidating.rises == 0u ? HUGE_VALF : static_cast<float>(1.0 + safe),
                  liquidating};
}

// Whether the box of growth factors [low[k], high[k]] cannot liquidate the
// unit whose safe box is `s` (a NaN bound clears nothing).
LEVRISK_HD LEVRISK_FORCEINLINE bool box_is_safe(const safe_box& s, const float* low,
                                                const float* high) {
  if (!(s.low <= s.high)) return false;
  for (std::uint32_t falls = s.liquidating.falls; falls != 0u; falls &= falls - 1u) {
    if (!(low[lowest_asset(falls)] >= s.low)) return false;
  }
  for (std::uint32_t rises = s.liquidating.rises; rises != 0u; rises &= rises - 1u) {
    if (!(high[lowest_asset(rises)] <= s.high)) return false;
  }
  return true;
}

}  // namespace levrisk
