#include "models/calibration/correlation.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/calibration/synthetic_history.hpp"

namespace levrisk::calibration {
namespace {

const std::vector<double> truth = {1.0, 0.8, 0.3, 0.8, 1.0, 0.5, 0.3, 0.5, 1.0};

synthetic_history simulate(int periods, std::uint64_t seed) {
  synthetic_history_options o;
  for (const char* id : {"A", "B", "C"}) {
    synthetic_asset a;
    a.id = id;
    a.omega = 1e-4;
    o.assets.push_back(a);
  }
  o.correlation = truth;
  o.periods = periods;
  o.seed = seed;
  return simulate_history(o);
}

TEST(CalibratedCorrelation, RecoversTheSimulatedMatrixWithinThreeStandardErrors) {
  const int n = 20000;
  const correlation_estimate c = estimate_correlation(simulate(n, 41).log_return, {"A", "B", "C"});
  EXPECT_TRUE(c.shrinkage_estimated);
  EXPECT_LT(c.shrinkage, 0.01);  // little to shrink with 20,000 observations
  for (int i = 0; i < 9; ++i) {
    // SE of a sample correlation: (1 - rho^2) / sqrt(n); shrinkage adds s * rho.
    const double rho = truth[static_cast<std::size_t>(i)];
    EXPECT_NEAR(c.matrix[static_cast<std::size_t>(i)], rho,
                3 * (1 - rho * rho) / std::sqrt(n) + c.shrinkage * std::abs(rho))
        << i;
  }
}

TEST(CalibratedCorrelation, FixedShrinkageScalesTheOffDiagonal) {
  const correlation_estimate c =
      estimate_correlation(simulate(500, 43).log_return, {"A", "B", "C"}, 0.25);
  EXPECT_FALSE(c.shrinkage_estimated);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const auto k = static_cast<std::size_t>(i * 3 + j);
      EXPECT_NEAR(c.matrix[k], i == j ? 1.0 : 0.75 * c.sample[k], 1e-15);
    }
  }
}

TEST(CalibratedCorrelation, ShortSamplesAreShrunkMore) {
  const correlation_estimate small =
      estimate_correlation(simulate(12, 47).log_return, {"A", "B", "C"});
  const correlation_estimate large =
      estimate_correlation(simulate(2000, 47).log_return, {"A", "B", "C"});
  EXPECT_GT(small.shrinkage, large.shrinkage);
  EXPECT_GE(small.shrinkage, 0.0);
  EXPECT_LE(small.shrinkage, 1.0);
}

TEST(CalibratedCorrelation, AConstantSeriesIsUncorrelated) {
  const std::vector<std::vector<double>> series = {{0.01, -0.02, 0.03, 0.0}, {0, 0, 0, 0}};
  const correlation_estimate c = estimate_correlation(series, {"BTC", "USDC"}, 0.0);
  EXPECT_EQ(c.matrix, (std::vector<double>{1.0, 0.0, 0.0, 1.0}));
}

}  // namespace
}  // namespace levrisk::calibration
