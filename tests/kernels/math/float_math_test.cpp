// The float math of kernels/math/float_math.hpp against libm in double
// precision. Cephes quotes about 1-2 ulp for these polynomials on their ranges;
// the tolerances below are that figure in units of the float result (relative
// 2^-23 ~ 1.19e-7 per ulp), or absolute where the result passes through zero.

#include "kernels/math/float_math.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "kernels/rng/normal.hpp"

namespace levrisk {
namespace {

constexpr double float_epsilon = 1.1920928955078125e-7;  // 2^-23, one ulp at 1

// One ulp of the float nearest `exact`: the spacing of floats at its magnitude.
double ulp_of(double exact) {
  const float f = static_cast<float>(std::fabs(exact));
  return static_cast<double>(std::nextafter(f, FLT_MAX) - f);
}

// The engine's uniforms (multiples of 2^-24 in (0, 1]) are where log_float is
// used (Box-Muller radii, exponential waits): relative error under 2 ulp.
TEST(FloatMath, LogWithinTwoUlpOfLibmOnTheUniformGrid) {
  double worst = 0.0;
  for (std::uint32_t i = 1; i <= (1u << 24); i += 3) {
    const float u = static_cast<float>(i) * uniform24_scale;
    const double exact = std::log(static_cast<double>(u));
    const double error = std::fabs(log_float(u) - exact);
    worst = std::max(worst, error / std::max(std::fabs(exact), 1e-30));
  }
  EXPECT_LT(worst, 2.0 * float_epsilon);
}

// Every 97th bit pattern of the normal floats [FLT_MIN, FLT_MAX]: within 2 ulp
// of the float nearest the exact log, the bound Cephes quotes for logf.
TEST(FloatMath, LogWithinTwoUlpOverEveryBinade) {
  double worst_ulps = 0.0;
  const std::uint32_t first = float_bits(FLT_MIN), last = float_bits(FLT_MAX);
  for (std::uint32_t bits = first; bits <= last; bits += 97) {
    const float x = bits_float(bits);
    const double exact = std::log(static_cast<double>(x));
    if (exact == 0.0) {
      EXPECT_EQ(log_float(x), 0.0f);
      continue;
    }
    worst_ulps = std::max(worst_ulps, std::fabs(log_float(x) - exact) / ulp_of(exact));
  }
  EXPECT_LT(worst_ulps, 2.0);
}

TEST(FloatMath, LogOfOneIsZeroAndOfPowersOfTwoIsExactToOneUlp) {
  EXPECT_EQ(log_float(1.0f), 0.0f);
  for (int e = -126; e <= 127; ++e) {
    const double exact = e * std::log(2.0);
    if (e == 0) continue;
    EXPECT_LE(std::fabs(log_float(std::ldexp(1.0f, e)) - exact), ulp_of(exact)) << "2^" << e;
  }
}

// The range the paths use (log-returns, far beyond any plausible one):
// relative error under 2 ulp.
TEST(FloatMath, ExpWithinTwoUlpOfLibm) {
  double worst = 0.0;
  for (float x = -80.0f; x < 80.0f; x += 0.00731f) {
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::fabs(exp_float(x) - exact) / exact);
  }
  EXPECT_LT(worst, 2.0 * float_epsilon);
}

// Near 0, where growth factors e^x of small log-returns live: every float in
// [-2^-4, 2^-4] by a fine grid of bit patterns, within 1 ulp, and e^0 = 1 exactly.
TEST(FloatMath, ExpNearZeroWithinOneUlp) {
  EXPECT_EQ(exp_float(0.0f), 1.0f);
  double worst_ulps = 0.0;
  for (std::uint32_t bits = float_bits(1e-30f); bits <= float_bits(0.0625f); bits += 1009) {
    for (const float x : {bits_float(bits), -bits_float(bits)}) {
      const double exact = std::exp(static_cast<double>(x));
      worst_ulps = std::max(worst_ulps, std::fabs(exp_float(x) - exact) / ulp_of(exact));
    }
  }
  EXPECT_LE(worst_ulps, 1.0);
}

// Arguments are clamped to [-87, 88] before the reduction, so the result
// saturates at e^-87 and e^88 (finite, positive) rather than overflowing.
TEST(FloatMath, ExpSaturatesAtTheClampedRange) {
  EXPECT_EQ(exp_float(-1000.0f), exp_float(-87.0f));
  EXPECT_EQ(exp_float(1000.0f), exp_float(88.0f));
  EXPECT_GT(exp_float(-1000.0f), 0.0f);
  EXPECT_TRUE(std::isfinite(exp_float(1000.0f)));
  EXPECT_NEAR(exp_float(88.0f) / std::exp(88.0), 1.0, 2.0 * float_epsilon);
  EXPECT_NEAR(exp_float(-87.0f) / std::exp(-87.0), 1.0, 2.0 * float_epsilon);
}

// sin and cos pass through zero, so the error is absolute: under 2e-7 (about
// 2 ulp of values near 1) on the 24-bit grid of u the Box-Muller angle uses.
TEST(FloatMath, SinCosOfTwoPiUWithinTwoTenMillionths) {
  double worst = 0.0;
  for (std::uint32_t i = 0; i < (1u << 24); i += 5) {
    const float u = static_cast<float>(i) * uniform24_scale;
    const sin_cos r = sincos_2pi(u);
    const double angle = 2.0 * M_PI * static_cast<double>(u);
    worst =
        std::max({worst, std::fabs(r.sin - std::sin(angle)), std::fabs(r.cos - std::cos(angle))});
  }
  EXPECT_LT(worst, 2.0e-7);
}

// The quadrant points are exact: the reduction leaves a = 0 there.
TEST(FloatMath, SinCosAtQuadrantPointsIsExact) {
  const float expected[5][2] = {{0, 1}, {1, 0}, {0, -1}, {-1, 0}, {0, 1}};
  for (int q = 0; q <= 4; ++q) {
    const sin_cos r = sincos_2pi(0.25f * static_cast<float>(q));
    EXPECT_EQ(r.sin, expected[q][0]) << "u = " << q << "/4";
    EXPECT_EQ(r.cos, expected[q][1]) << "u = " << q << "/4";
  }
}

}  // namespace
}  // namespace levrisk
