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

// Lane loops (one iteration per path of a block) vectorize across paths on the
// CPU through OpenMP SIMD; on the GPU a block is one path, so the pragma goes.
#define LEVRISK_PRAGMA(text) _Pragma(#text)
#if defined(__CUDA_ARCH__)
#define LEVRISK_SIMD
#define LEVRISK_SIMD_OR(flag)
#else
#define LEVRISK_SIMD LEVRISK_PRAGMA(omp simd)
#define LEVRISK_SIMD_OR(flag) LEVRISK_PRAGMA(omp simd reduction(| : flag))
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
