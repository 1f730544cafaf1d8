#pragma once
// Device-side code is written once and compiled by nvcc for the GPU and by the
// host compiler for the CPU backend. Nothing under kernels/ allocates or does I/O.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define LEVRISK_HD __host__ __device__
#define LEVRISK_FORCEINLINE __forceinline__
#else
#define LEVRISK_HD
#define LEVRISK_FORCEINLINE inline __attribute__((always_inline))
#endif

namespace levrisk {

LEVRISK_HD LEVRISK_FORCEINLINE std::uint32_t float_bits(float value) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(value);
#else
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
#endif
}

LEVRISK_HD LEVRISK_FORCEINLINE float bits_float(std::uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
#endif
}

}  // namespace levrisk
