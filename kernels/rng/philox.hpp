#pragma once
// Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy
// as 1, 2, 3", SC'11), the generator behind cuRAND's CURAND_RNG_PSEUDO_PHILOX4_32_10.
// A counter-based generator: block b of stream s is a pure function of
// (key, counter), so any path and step can be generated, or regenerated, alone.

#include "kernels/common.hpp"

namespace levrisk {

struct u32x4 {
  std::uint32_t x, y, z, w;
};

struct philox_key {
  std::uint32_t k0, k1;
};

namespace detail {
constexpr std::uint32_t philox_m0 = 0xD2511F53u;
constexpr std::uint32_t philox_m1 = 0xCD9E8D57u;
constexpr std::uint32_t philox_w0 = 0x9E3779B9u;  // golden ratio
constexpr std::uint32_t philox_w1 = 0xBB67AE85u;  // sqrt(3) - 1

LEVRISK_HD LEVRISK_FORCEINLINE u32x4 philox_round(u32x4 c, philox_key k) {
  const std::uint64_t p0 = static_cast<std::uint64_t>(philox_m0) * c.x;
  const std::uint64_t p1 = static_cast<std::uint64_t>(philox_m1) * c.z;
  return u32x4{static_cast<std::uint32_t>(p1 >> 32) ^ c.y ^ k.k0, static_cast<std::uint32_t>(p1),
               static_cast<std::uint32_t>(p0 >> 32) ^ c.w ^ k.k1, static_cast<std::uint32_t>(p0)};
}
}  // namespace detail

LEVRISK_HD LEVRISK_FORCEINLINE u32x4 philox4x32_10(u32x4 counter, philox_key key) {
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
  for (int round = 0; round < 10; ++round) {
    counter = detail::philox_round(counter, key);
    key.k0 += detail::philox_w0;
    key.k1 += detail::philox_w1;
  }
  return counter;
}

// cuRAND's convention (device API curand_init(seed, subsequence, offset)): the key
// is the 64-bit seed; counter words x, y hold the 64-bit block index (offset / 4),
// words z, w the 64-bit subsequence. The engine maps one price path to one
// subsequence, so `curand_init(seed, path, 4 * block)` reproduces this stream.
LEVRISK_HD LEVRISK_FORCEINLINE u32x4 philox_block(std::uint64_t seed, std::uint64_t subsequence,
                                                  std::uint64_t block_index) {
  const u32x4 counter{
      static_cast<std::uint32_t>(block_index), static_cast<std::uint32_t>(block_index >> 32),
      static_cast<std::uint32_t>(subsequence), static_cast<std::uint32_t>(subsequence >> 32)};
  const philox_key key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  return philox4x32_10(counter, key);
}

}  // namespace levrisk
