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

// A hot loop that g++ compiles better on its own than inlined into a large
// caller (fewer live values, no spills in the loop); nvcc inlines as usual.
#if defined(__CUDA_ARCH__)
#define LEVRISK_HOST_NOINLINE inline
#else
#define LEVRISK_HOST_NOINLINE __attribute__((noinline))
#endif

// Loops over a compile-time count whose index must be a constant after
// unrolling, so that the arrays they index stay in registers on the GPU.
#if defined(__CUDA_ARCH__)
#define LEVRISK_UNROLL _Pragma("unroll")
#else
#define LEVRISK_UNROLL
#endif

// Lane loops (one iteration per path of a block) vectorize across paths on the
// CPU through OpenMP SIMD; on the GPU a block is one path, so the pragma goes.
#define LEVRISK_PRAGMA(text) _Pragma(#text)
#if defined(__CUDA_ARCH__)
#define LEVRISK_SIMD
#define LEVRISK_SIMD_OR(flag)
#else
#define LEVRISK_SIMD LEVRISK_PRAGMA(omp simd)
// NOLINTNEXTLINE(bugprone-macro-parentheses): the argument is pragma text
#define LEVRISK_SIMD_OR(flag) LEVRISK_PRAGMA(omp simd reduction(| : flag))
#endif

namespace levrisk {

// Starts loading the cache line at `address` ahead of its use: the stage's
// lists hold units in the order they were first touched, scattered over
// arrays far larger than the caches. The GPU has no such hint to give.
LEVRISK_HD LEVRISK_FORCEINLINE void prefetch(const void* address) {
#if !defined(__CUDA_ARCH__)
  __builtin_prefetch(address);
#else
  (void)address;
#endif
}

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
