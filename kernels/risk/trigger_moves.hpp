#pragma once
// Which moves of which prices can make a unit liquidatable: one bit per asset
// for a fall and one for a rise. The step-synchronous stage
// (kernels/risk/feedback_execution.hpp) tests again only the units that hold an
// asset whose trigger price moved, since their last test, in a direction that
// can liquidate them.
//
// Why a move the other way cannot, bit for bit: every test is a comparison of
// sums of terms coefficient x growth, in a fixed order, with the coefficients
// fixed between the unit's executions. A product of a float growth with a
// float coefficient is exact in double, one with a double coefficient is
// rounded, and a rounded sum or product is monotone in each operand, so each
// side of the comparison moves with each growth factor in the direction its
// coefficient's sign gives. A lending account (lending_scratch_liquidatable's
// margin, sum (collateral LT - debt) g < 0; health_at's collateral LT g against
// debt g) is liquidated by falls of its collateral and rises of its debt;
// balances only shrink, so the snapshot's say which assets those are. A short
// perp leg's equity and maintenance (perp_health_at) both improve when its
// price falls; a long leg's equity falls with its price, and its maintenance
// rises with it, so either move may liquidate it.

#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/lending_liquidation.hpp"
#include "kernels/risk/perp_liquidation.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk {

static_assert(max_assets <= 32, "price_moves holds one bit per asset in 32-bit words");

struct price_moves {
  std::uint32_t falls;  // bit k: asset k's price fell
  std::uint32_t rises;
};

LEVRISK_HD LEVRISK_FORCEINLINE price_moves every_move() {
  return price_moves{~0u, ~0u};
}

LEVRISK_HD LEVRISK_FORCEINLINE std::uint32_t asset_bit(int asset) {
  return 1u << static_cast<unsigned>(asset);
}

// The lowest asset whose bit is set in `bits` (not 0).
LEVRISK_HD LEVRISK_FORCEINLINE int lowest_asset(std::uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __ffs(static_cast<int>(bits)) - 1;
#else
  return __builtin_ctz(bits);
#endif
}

LEVRISK_HD LEVRISK_FORCEINLINE price_moves either(const price_moves& a, const price_moves& b) {
  return price_moves{a.falls | b.falls, a.rises | b.rises};
}

// Whether a unit liquidated by `liquidating` moves can be liquidated after `moved`.
LEVRISK_HD LEVRISK_FORCEINLINE bool may_liquidate(const price_moves& liquidating,
                                                  const price_moves& moved) {
  return ((liquidating.falls & moved.falls) | (liquidating.rises & moved.rises)) != 0u;
}

LEVRISK_HD inline price_moves liquidating_moves(const lending_leg& leg) {
  const std::uint32_t bit = asset_bit(leg.asset);
  return price_moves{leg.collateral_usd * leg.liquidation_threshold > 0.0 ? bit : 0u,
                     leg.debt_usd > 0.0 ? bit : 0u};
}

LEVRISK_HD inline price_moves liquidating_moves(const perp_leg& leg) {
  const std::uint32_t bit = asset_bit(leg.asset);
  return price_moves{leg.size_usd < 0.0 ? 0u : bit, bit};
}

// A multi-asset unit's health form (health_at: numerator < denominator).
LEVRISK_HD inline price_moves liquidating_moves(const health_term& term) {
  const std::uint32_t bit = asset_bit(term.asset);
  const bool falls = term.numerator_usd > 0.0f || term.denominator_usd < 0.0f;
  const bool rises = term.numerator_usd < 0.0f || term.denominator_usd > 0.0f;
  return price_moves{falls ? bit : 0u, rises ? bit : 0u};
}

// A unit's legs (lending_leg or perp_leg).
template <class Leg>
LEVRISK_HD inline price_moves liquidating_moves(const Leg* legs, int n_legs) {
  price_moves m{0u, 0u};
  for (int i = 0; i < n_legs; ++i) m = either(m, liquidating_moves(legs[i]));
  return m;
}

}  // namespace levrisk
