#pragma once
// Tallies are 64-bit integers: integer addition is associative, so totals do not
// depend on thread count, batch size, scheduling or backend. Negative increments
// (difference arrays) wrap modulo 2^64 and come out right after the prefix sum.

#include "kernels/common.hpp"

namespace levrisk {

using tally_t = unsigned long long;

LEVRISK_HD LEVRISK_FORCEINLINE void tally_add(tally_t* target, tally_t value) {
#if defined(__CUDA_ARCH__)
  atomicAdd(target, value);
#else
  __atomic_fetch_add(target, value, __ATOMIC_RELAXED);
#endif
}

}  // namespace levrisk
