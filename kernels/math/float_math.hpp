#pragma once
// log, exp and sin/cos of 2*pi*u in single precision from +, -, *, / and floor
// only. IEEE-754 specifies those exactly, so these functions return the same
// bits under g++ and nvcc (with FMA contraction off, see CMakeLists.txt), which
// the vendors' libm and CUDA's math library do not promise. They also vectorize
// on the CPU, where a libm call would not.
// Polynomials from Cephes (S. Moshier, "Methods and Programs for Mathematical
// Functions", 1989): logf, expf, sinf, cosf; about 1-2 ulp on their ranges.

#include "kernels/common.hpp"

namespace levrisk {

// Natural logarithm for finite normal x > 0 (Cephes logf); subnormals are not
// handled (the engine passes uniforms of at least 2^-24).
LEVRISK_HD LEVRISK_FORCEINLINE float log_float(float x) {
  const std::uint32_t bits = float_bits(x);
  float exponent = static_cast<float>(static_cast<int>(bits >> 23) - 126);
  float m = bits_float((bits & 0x007fffffu) | 0x3f000000u);  // x = m 2^exponent, m in [0.5, 1)
  const bool below_sqrt_half = m < 0.707106781186547524f;
  exponent = below_sqrt_half ? exponent - 1.0f : exponent;
  m = below_sqrt_half ? m + m - 1.0f : m - 1.0f;
  const float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  y = y + -2.12194440e-4f * exponent;
  y = y + -0.5f * z;
  return m + y + 0.693359375f * exponent;
}

// e^x for x clamped to [-87, 88] (Cephes expf): e^-87 (1.6e-38, the smallest
// normal float is 1.2e-38) below, e^88 above; no infinities or subnormals.
LEVRISK_HD LEVRISK_FORCEINLINE float exp_float(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float n = std::floor(1.44269504088896341f * x + 0.5f);
  const float r = x - n * 0.693359375f - n * -2.12194440e-4f;  // Cody-Waite reduction
  const float z = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e_r = p * z + r + 1.0f;
  const int n_int = static_cast<int>(n);
  return e_r * bits_float(static_cast<std::uint32_t>(n_int + 127) << 23);
}

// sin(2 pi u) and cos(2 pi u) for u in [0, 1]: the reduction to
// [-pi/4, pi/4] is exact because u is a multiple of 2^-24.
struct sin_cos {
  float sin, cos;
};

LEVRISK_HD LEVRISK_FORCEINLINE sin_cos sincos_2pi(float u) {
  const float quarter = std::floor(4.0f * u + 0.5f);  // nearest multiple of pi/2
  const float a = (u - 0.25f * quarter) * 6.28318530717958648f;
  const float z = a * a;
  float s = -1.9515295891e-4f;
  s = s * z + 8.3321608736e-3f;
  s = s * z - 1.6666654611e-1f;
  s = s * z * a + a;
  float c = 2.443315711809948e-5f;
  c = c * z - 1.388731625493765e-3f;
  c = c * z + 4.166664568298827e-2f;
  c = c * z * z - 0.5f * z + 1.0f;
  // sin(a + q pi/2) and cos(a + q pi/2): odd q swaps sin and cos, and the signs
  // follow the quadrant. Multiplying by +-1 is exact, and integer arithmetic
  // rather than branches keeps the lane loop vectorizable.
  const int q = static_cast<int>(quarter);
  const int swap = q & 1;
  const float sin_sign = 1.0f - 2.0f * static_cast<float>((q >> 1) & 1);
  const float cos_sign = 1.0f - 2.0f * static_cast<float>(((q + 1) >> 1) & 1);
  return sin_cos{sin_sign * (swap ? c : s), cos_sign * (swap ? s : c)};
}

}  // namespace levrisk
