#include "models/calibration/ewma.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace levrisk::calibration {
namespace {

TEST(Ewma, MatchesTheExplicitWeightedSum) {
  const std::vector<double> r = {0.01, -0.02, 0.015, 0.0, -0.03, 0.005, 0.02};
  const double lambda = 0.9;
  const int seed_count = 3;
  const std::vector<double> v = ewma_variance(r, lambda, seed_count);
  ASSERT_EQ(v.size(), r.size() + 1);
  const double seed = (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) / 3.0;
  // sigma2_T = lambda^T sigma2_0 + (1 - lambda) sum_{k<T} lambda^k r_{T-1-k}^2.
  for (std::size_t T = 0; T <= r.size(); ++T) {
    double expected = std::pow(lambda, static_cast<double>(T)) * seed;
    for (std::size_t k = 0; k < T; ++k) {
      expected +=
          (1 - lambda) * std::pow(lambda, static_cast<double>(k)) * r[T - 1 - k] * r[T - 1 - k];
    }
    EXPECT_NEAR(v[T], expected, 1e-15) << T;
  }
}

TEST(Ewma, RiskMetricsDecayKeepsTheHalfLifeInCalendarTime) {
  EXPECT_DOUBLE_EQ(riskmetrics_lambda(1.0), 0.94);
  const double hourly = riskmetrics_lambda(1.0 / 24.0);
  EXPECT_NEAR(std::pow(hourly, 24.0), 0.94, 1e-14);
  EXPECT_NEAR(hourly, 0.99742, 1e-5);
}

TEST(Ewma, AnnualisesWith365Days) {
  EXPECT_DOUBLE_EQ(annualized_vol(0.0001, 1.0), std::sqrt(0.0365));
  EXPECT_DOUBLE_EQ(annualized_vol(0.0001, 1.0 / 24.0), std::sqrt(0.0001 * 8760));
}

TEST(Ewma, ConvergesToTheVarianceOfAConstantVolSeries) {
  // Alternating +-s has mean square s^2 exactly.
  std::vector<double> r(2000);
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = i % 2 ? 0.02 : -0.02;
  EXPECT_NEAR(ewma_variance(r, 0.94).back(), 0.0004, 1e-12);
}

}  // namespace
}  // namespace levrisk::calibration
