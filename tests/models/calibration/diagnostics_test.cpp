#include "models/calibration/diagnostics.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace levrisk::calibration {
namespace {

TEST(ChiSquare, MatchesTabulatedQuantiles) {
  // Quantiles from standard tables (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.4).
  EXPECT_NEAR(chi_square_cdf(3.841458820694124, 1), 0.95, 1e-12);
  EXPECT_NEAR(chi_square_cdf(18.307038053275146, 10), 0.95, 1e-12);
  EXPECT_NEAR(chi_square_cdf(23.209251158954356, 10), 0.99, 1e-12);
  EXPECT_NEAR(chi_square_cdf(3.940299136119248, 10), 0.05, 1e-12);
  EXPECT_NEAR(chi_square_cdf(2.0, 2), 1.0 - std::exp(-1.0), 1e-15);
  EXPECT_EQ(chi_square_cdf(0.0, 3), 0.0);
}

TEST(LjungBox, MatchesAHandComputedCase) {
  // x = 1 3 2 5 4: mean 3, deviations -2 0 -1 2 1, sum of squares 10;
  // rho_1 = 0 / 10, rho_2 = (2 + 0 - 1) / 10 = 0.1;
  // Q = 5 * 7 * (0 / 4 + 0.01 / 3) = 0.35 / 3; chi2(2) tail exp(-Q / 2).
  const ljung_box_result result = ljung_box({1, 3, 2, 5, 4}, 2);
  EXPECT_NEAR(result.q, 0.35 / 3.0, 1e-15);
  EXPECT_NEAR(result.p_value, std::exp(-0.35 / 6.0), 1e-14);
  EXPECT_EQ(result.lags, 2);
}

TEST(Aic, IsTwoKMinusTwoLogLikelihood) {
  EXPECT_DOUBLE_EQ(aic(100.0, 4), -192.0);
}

}  // namespace
}  // namespace levrisk::calibration
