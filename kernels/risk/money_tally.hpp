#pragma once
// Sums of USD amounts over paths, added from many threads, that come out the
// same whatever the order of the additions: each amount is rounded once to a
// fixed-point integer (a multiple of 2^-scale_bits USD, truncated towards zero)
// and the integers are added exactly in 128 bits, as two 64-bit words in two's
// complement. The low word's atomic add returns its old value, so each adder
// sees its own carry and adds it to the high word with its own high part.
//
// Amounts use 2^-32 USD (about 2e-10) and squares 2^-16 USD^2: each add stays
// below 2^127 for amounts up to about 5e16 USD, and a sum of a million paths
// of squares of 5e13 USD still fits.

#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/risk/atomics.hpp"

namespace levrisk {

struct money_tally {
  tally_t low;
  tally_t high;  // two's complement high word
};

constexpr int money_scale_bits = 32;
constexpr int money_square_scale_bits = 16;

// x * 2^bits, truncated towards zero, as a 128-bit integer (low, high).
LEVRISK_HD LEVRISK_FORCEINLINE money_tally fixed_point_of(double x, int bits) {
  constexpr double two_64 = 18446744073709551616.0;
  const double scaled = x * static_cast<double>(1ull << bits);
  const double magnitude = scaled < 0.0 ? -scaled : scaled;
  // The high part is a floor of a power-of-two division, exact; the low part is
  // the magnitude's low mantissa bits, exact as well.
  const double high = floor(magnitude / two_64);
  const double low = magnitude - high * two_64;
  money_tally m{static_cast<tally_t>(low), static_cast<tally_t>(high)};
  if (scaled < 0.0) {  // negate: ~v + 1 over both words
    m.low = ~m.low + 1ull;
    m.high = ~m.high + (m.low == 0ull ? 1ull : 0ull);
  }
  return m;
}

LEVRISK_HD LEVRISK_FORCEINLINE void money_add_fixed(money_tally* target, money_tally value) {
#if defined(__CUDA_ARCH__)
  const tally_t old_low = atomicAdd(&target->low, value.low);
#else
  const tally_t old_low = __atomic_fetch_add(&target->low, value.low, __ATOMIC_RELAXED);
#endif
  const tally_t carry = old_low + value.low < old_low ? 1ull : 0ull;
  tally_add(&target->high, value.high + carry);
}

// sum[0] += x and sum[1] += x^2: a mean and its standard error.
LEVRISK_HD LEVRISK_FORCEINLINE void money_add(money_tally* sum, double x) {
  if (x == 0.0) return;
  money_add_fixed(sum, fixed_point_of(x, money_scale_bits));
  money_add_fixed(sum + 1, fixed_point_of(x * x, money_square_scale_bits));
}

// Takes back an earlier money_add(sum, x) exactly: rounding towards zero is
// symmetric, so the integers added are the negatives of those added then.
LEVRISK_HD LEVRISK_FORCEINLINE void money_take_back(money_tally* sum, double x) {
  if (x == 0.0) return;
  money_add_fixed(sum, fixed_point_of(-x, money_scale_bits));
  money_add_fixed(sum + 1, fixed_point_of(-(x * x), money_square_scale_bits));
}

}  // namespace levrisk
