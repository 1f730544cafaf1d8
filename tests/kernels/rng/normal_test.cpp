// Normals from the Philox stream: moments and tail frequencies against the
// standard normal, within stated standard errors; the float math they use
// against libm in double precision.

#include "kernels/rng/normal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "kernels/math/float_math.hpp"

namespace levrisk {
namespace {

TEST(FloatMath, LogWithinTwoUlpOfLibmOnTheUniformGrid) {
  double worst = 0.0;
  for (std::uint32_t i = 1; i <= (1u << 24); i += 3) {
    const float u = static_cast<float>(i) * uniform24_scale;
    const double exact = std::log(static_cast<double>(u));
    const double error = std::fabs(log_float(u) - exact);
    worst = std::max(worst, error / std::max(std::fabs(exact), 1e-30));
  }
  EXPECT_LT(worst, 2.4e-7);  // 2 ulp of float
}

TEST(FloatMath, ExpWithinTwoUlpOfLibm) {
  double worst = 0.0;
  for (float x = -80.0f; x < 80.0f; x += 0.00731f) {
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::fabs(exp_float(x) - exact) / exact);
  }
  EXPECT_LT(worst, 2.4e-7);
}

TEST(FloatMath, SinCosOfTwoPiUWithinOneMillionth) {
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

// Moments of n = 4M normals. Standard errors: mean 1/sqrt(n), variance
// sqrt(2/n), skewness sqrt(6/n), excess kurtosis sqrt(24/n). Tolerance 4 se.
TEST(Normal, MomentsMatchTheStandardNormal) {
  const normal_stream stream{12345u, 1};
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  std::int64_t n = 0;
  for (std::uint64_t path = 0; path < 4096; ++path) {
    for (int step = 0; step < 256; ++step) {
      const normal4 z = stream_normals(stream, path, step, 0);
      for (const float v : {z.z0, z.z1, z.z2, z.z3}) {
        const double x = v;
        s1 += x;
        s2 += x * x;
        s3 += x * x * x;
        s4 += x * x * x * x;
        ++n;
      }
    }
  }
  const double count = static_cast<double>(n);
  const double mean = s1 / count;
  const double variance = s2 / count - mean * mean;
  EXPECT_NEAR(mean, 0.0, 4.0 / std::sqrt(count));
  EXPECT_NEAR(variance, 1.0, 4.0 * std::sqrt(2.0 / count));
  EXPECT_NEAR(s3 / count, 0.0, 4.0 * std::sqrt(6.0 / count));
  EXPECT_NEAR(s4 / count - 3.0, 0.0, 4.0 * std::sqrt(24.0 / count));
}

// P(|Z| > k) for k = 1, 2, 3 against 2 (1 - Phi(k)), within 4 binomial se.
TEST(Normal, TailFrequenciesMatchTheStandardNormal) {
  const normal_stream stream{777u, 2};
  const double thresholds[3] = {1.0, 2.0, 3.0};
  std::int64_t beyond[3] = {0, 0, 0};
  std::int64_t n = 0;
  for (std::uint64_t path = 0; path < 2048; ++path) {
    for (int step = 0; step < 256; ++step) {
      for (int block = 0; block < 2; ++block) {
        const normal4 z = stream_normals(stream, path, step, block);
        for (const float v : {z.z0, z.z1, z.z2, z.z3}) {
          for (int k = 0; k < 3; ++k) beyond[k] += std::fabs(v) > thresholds[k];
          ++n;
        }
      }
    }
  }
  for (int k = 0; k < 3; ++k) {
    const double expected = std::erfc(thresholds[k] / std::sqrt(2.0));
    const double observed = static_cast<double>(beyond[k]) / static_cast<double>(n);
    const double se = std::sqrt(expected * (1.0 - expected) / static_cast<double>(n));
    EXPECT_NEAR(observed, expected, 4.0 * se) << "P(|Z| > " << thresholds[k] << ")";
  }
}

TEST(Normal, NormalsAreBoundedByTheTwentyFourBitGrid) {
  const normal_pair z = box_muller(0u, 0u);  // smallest radius uniform: 2^-24
  EXPECT_NEAR(z.first, std::sqrt(2.0 * 24.0 * std::log(2.0)), 1e-5);
  EXPECT_FLOAT_EQ(z.second, 0.0f);
}

}  // namespace
}  // namespace levrisk
