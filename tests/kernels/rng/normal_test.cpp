// Normals from the Philox stream: moments and tail frequencies against the
// standard normal, within stated standard errors (the float math they use is
// tested in tests/kernels/math/float_math_test.cpp).

#include "kernels/rng/normal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace levrisk {
namespace {

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
