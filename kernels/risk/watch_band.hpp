#pragma once
// A watched lending account's trigger, kept so that a round tests it without
// its legs or balances.
//
// After a first call, the step-synchronous stage (kernels/risk/feedback_execution.hpp)
// tests an open account at every round: liquidatable when it has debt and its
// margin sum_i (collateral_i LT_i - debt_i) g_i is below zero, the legs of
// unmoving assets at growth 1, summed as lending_liquidatable_at sums it (the
// unmoving legs first, then the moving terms, in leg order), so that the
// stage's trigger and the execution's test agree.
//
// When only one leg's asset moves (with a nonzero coefficient c), the margin
// is M0 + c g, a monotone function of that asset's growth g in floating point
// too (a rounded product and a rounded sum are monotone in their operands), so
// the set of float g at which it is liquidatable is an interval: g < below for
// c > 0 (collateral falls), g > above for c < 0 (debt rises): a band. Its bounds
// are found next to the quotient -M0 / c, else by bisection on the float's bits
// (which order non-negative floats as their values), with the margin summed as
// above: the band's answer is the sum's, bit for bit, for one comparison.
// An account with more moving legs keeps the sum's terms instead.

#include <cmath>
#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/execution.hpp"
#include "kernels/risk/execution_view.hpp"
#include "kernels/risk/lending_liquidation.hpp"
#include "kernels/risk/screen.hpp"

namespace levrisk {

constexpr std::uint32_t infinity_bits = 0x7f800000u;  // +inf, above every finite float's bits

// Whether the margin at growth g of the one moving leg is not negative.
LEVRISK_HD LEVRISK_FORCEINLINE bool margin_holds(double fixed_margin, double coefficient,
                                                 std::uint32_t growth_bits) {
  return fixed_margin + coefficient * static_cast<double>(bits_float(growth_bits)) >= 0.0;
}

// Bits of the smallest non-negative float at which the margin holds, for a
// coefficient > 0 (it holds at +inf): first the floats next to the quotient
// -M0 / c, where the bound almost always lies, else bisection.
LEVRISK_HD inline std::uint32_t lowest_holding_bits(double fixed_margin, double coefficient) {
  const float estimate = static_cast<float>(-fixed_margin / coefficient);
  if (estimate > 0.0f && estimate < HUGE_VALF) {
    const std::uint32_t near = float_bits(estimate);
    for (std::uint32_t b = near - 2; b <= near + 2; ++b) {
      if (margin_holds(fixed_margin, coefficient, b) &&
          !margin_holds(fixed_margin, coefficient, b - 1)) {
        return b;
      }
    }
  }
  std::uint32_t low = 0;
  std::uint32_t high = infinity_bits;
  while (low < high) {
    const std::uint32_t middle = low + (high - low) / 2;
    if (margin_holds(fixed_margin, coefficient, middle)) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

// Bits of the largest non-negative float at which the margin holds, for a
// coefficient < 0 and a margin that holds at 0 (it fails at +inf); as above.
LEVRISK_HD inline std::uint32_t highest_holding_bits(double fixed_margin, double coefficient) {
  const float estimate = static_cast<float>(-fixed_margin / coefficient);
  if (estimate > 0.0f && estimate < HUGE_VALF) {
    const std::uint32_t near = float_bits(estimate);
    for (std::uint32_t b = near - 2; b <= near + 2; ++b) {
      if (margin_holds(fixed_margin, coefficient, b) &&
          !margin_holds(fixed_margin, coefficient, b + 1)) {
        return b;
      }
    }
  }
  std::uint32_t low = 0;
  std::uint32_t high = infinity_bits;
  while (high - low > 1) {
    const std::uint32_t middle = low + (high - low) / 2;
    if (margin_holds(fixed_margin, coefficient, middle)) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return low;
}

LEVRISK_HD LEVRISK_FORCEINLINE watch_band never_liquidatable(int asset) {
  return watch_band{asset, -HUGE_VALF, HUGE_VALF};
}

// The band of an account's trigger form (lending_trigger_form_of); asset -1
// when more than one moving leg has a nonzero coefficient.
LEVRISK_HD inline watch_band watch_band_of(const lending_trigger_form& f, bool has_debt) {
  const int asset = f.n_terms == 1 ? f.asset[0] : 0;
  if (!has_debt) return never_liquidatable(asset);
  if (f.n_terms > 1) return watch_band{-1, 0.0f, 0.0f};
  const double fixed_margin = f.constant_usd;
  if (f.n_terms == 0) {
    return fixed_margin < 0.0 ? watch_band{asset, HUGE_VALF, HUGE_VALF} : never_liquidatable(asset);
  }
  const double coefficient = f.coefficient_usd[0];
  if (coefficient > 0.0) {
    return watch_band{asset, bits_float(lowest_holding_bits(fixed_margin, coefficient)), HUGE_VALF};
  }
  if (!margin_holds(fixed_margin, coefficient, 0)) return watch_band{asset, -HUGE_VALF, -HUGE_VALF};
  return watch_band{asset, -HUGE_VALF, bits_float(highest_holding_bits(fixed_margin, coefficient))};
}

// Whether growth factor `growth` of the band's asset liquidates the account.
LEVRISK_HD LEVRISK_FORCEINLINE bool band_triggers(const watch_band& band, float growth) {
  return growth < band.below || growth > band.above;
}

// An account with more than one moving asset keeps its form's terms, in its
// order, as {coefficient, asset} pairs of doubles in `terms`; the constant
// is kept beside them (unit_track::fixed_margin).
LEVRISK_HD inline void store_terms(const lending_trigger_form& f, double* terms) {
  for (int t = 0; t < f.n_terms; ++t, terms += 2) {
    terms[0] = f.coefficient_usd[t];
    terms[1] = static_cast<double>(f.asset[t]);
  }
}

// Whether the terms' margin is negative at growth factors `growth`: the sum
// of lending_liquidatable_at, in its order, hence its answer.
LEVRISK_HD inline bool terms_trigger(double fixed_margin, const double* terms, int n_terms,
                                     const float* growth) {
  double margin = fixed_margin;
  for (int j = 0; j < n_terms; ++j, terms += 2) {
    margin += terms[0] * growth[static_cast<int>(terms[1])];
  }
  return margin < 0.0;
}

// Whether the terms' margin can be negative anywhere in the box [low, high]
// of growth factors: its worst case there, less the screens' relative
// allowance for rounding (screen_relative_margin) of the terms' magnitude.
LEVRISK_HD inline bool terms_may_trigger_in_box(double fixed_margin, const double* terms,
                                                int n_terms, const float* low, const float* high) {
  double worst = fixed_margin;
  double scale = fixed_margin < 0.0 ? -fixed_margin : fixed_margin;
  for (int j = 0; j < n_terms; ++j, terms += 2) {
    const double coefficient = terms[0];
    const int k = static_cast<int>(terms[1]);
    worst += coefficient * static_cast<double>(coefficient > 0.0 ? low[k] : high[k]);
    scale += (coefficient > 0.0 ? coefficient : -coefficient) * static_cast<double>(high[k]);
  }
  return worst < scale * screen_relative_margin;
}

}  // namespace levrisk
