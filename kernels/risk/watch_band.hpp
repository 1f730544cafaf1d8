#pragma once
// A watched lending account's trigger as a band of one asset's growth factor.
//
// After a first call, the step-synchronous stage (kernels/risk/feedback_execution.hpp)
// tests an open account at every round from its balances: liquidatable when it
// has debt and its margin sum_i (collateral_i LT_i - debt_i) g_i is below zero,
// the legs of unmoving assets at growth 1 (lending_scratch_test). When only one
// leg's asset moves (with a nonzero coefficient c), the margin is M0 + c g, a
// monotone function of that asset's growth g in floating point too (a rounded
// product and a rounded sum are monotone in their operands), so the set of float
// g at which it is liquidatable is an interval: g < below for c > 0 (collateral
// falls), g > above for c < 0 (debt rises). The bounds are found next to the
// quotient -M0 / c, else by bisection on the float's bits (which order
// non-negative floats as their values), with the
// margin computed as lending_scratch_test computes it: the band's answer is that
// test's, bit for bit, and costs a comparison instead of a walk of the legs.

#include <cmath>
#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/execution_view.hpp"
#include "kernels/risk/lending_liquidation.hpp"

namespace levrisk {

constexpr std::uint32_t infinity_bits = 0x7f800000u;  // +inf, above every finite float's bits

// The margin at growth g of the one moving leg, summed as lending_scratch_test sums it.
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

// The band of an account with legs `legs[0, n_legs)` at balances `balance`
// (collateral, debt per leg, USD at the snapshot's prices); asset -1 when more
// than one moving leg has a nonzero coefficient.
LEVRISK_HD inline watch_band watch_band_of(const lending_leg* legs, int n_legs,
                                           const double* balance, const int* asset_moves) {
  double fixed_margin = 0.0;
  double coefficient = 0.0;
  int moving_asset = -1;
  int n_moving = 0;
  bool has_debt = false;
  for (int i = 0; i < n_legs; ++i) {
    const double collateral = balance[2 * static_cast<std::ptrdiff_t>(i)];
    const double debt = balance[2 * static_cast<std::ptrdiff_t>(i) + 1];
    has_debt = has_debt || debt > 0.0;
    const double leg_coefficient = collateral * legs[i].liquidation_threshold - debt;
    if (asset_moves[legs[i].asset] == 0) {
      fixed_margin += leg_coefficient;
    } else if (leg_coefficient != 0.0) {
      coefficient = leg_coefficient;
      moving_asset = legs[i].asset;
      ++n_moving;
    }
  }
  const int asset = n_moving == 1 ? moving_asset : legs[0].asset;
  if (!has_debt) return never_liquidatable(asset);
  if (n_moving > 1) return watch_band{-1, 0.0f, 0.0f};
  if (n_moving == 0) {
    return fixed_margin < 0.0 ? watch_band{asset, HUGE_VALF, HUGE_VALF} : never_liquidatable(asset);
  }
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

}  // namespace levrisk
