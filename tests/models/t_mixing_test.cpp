// The grouped-t mixing tables: the kernel's cubic pieces against the exact
// quantile function, their first moment against the closed form of E[s], and
// the size of the rescaling to unit variance.

#include "models/t_mixing.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace levrisk {
namespace {

// s_unit(zeta) = table(zeta) / norm for all zeta: the table is the exact s up to
// the one constant of its rescaling to E[s^2] = 1.
double rescaling(const std::vector<float>& table, double nu) {
  return t_mixing_table_value(table, 0.0) / t_mixing_scale(nu, 0.0);
}

TEST(TMixing, TableFollowsTheExactQuantileFunction) {
  for (const double nu : {2.5, 3.0, 4.5, 10.0, 40.0}) {
    const std::vector<float> table = t_mixing_table(nu);
    const double norm = rescaling(table, nu);
    double worst = 0.0;
    // Off-grid points across the sampled range |zeta| <= 5.77.
    for (double zeta = -5.767; zeta < 5.767; zeta += 0.01237) {
      const double exact = norm * t_mixing_scale(nu, zeta);
      worst = std::fmax(worst, std::abs(t_mixing_table_value(table, zeta) / exact - 1.0));
    }
    EXPECT_LT(worst, 1e-6) << "nu = " << nu;
  }
}

// E[sqrt((nu - 2) / W)] = sqrt((nu - 2) / 2) Gamma((nu - 1) / 2) / Gamma(nu / 2), W ~ chi^2(nu).
TEST(TMixing, FirstMomentMatchesTheClosedForm) {
  const std::vector<float> unit = t_mixing_unit_table();
  for (const double nu : {3.0, 4.5, 10.0}) {
    const std::vector<float> table = t_mixing_table(nu);
    const double mean = t_mixing_cross_moment(table, unit) / rescaling(table, nu);
    const double expected = std::sqrt((nu - 2.0) / 2.0) *
                            std::exp(std::lgamma((nu - 1.0) / 2.0) - std::lgamma(nu / 2.0));
    // The sampled law drops |zeta| > 5.77, a probability of 8e-9, where s is
    // large for small nu: at nu = 3, s(-5.77) = 408, so the dropped part of
    // E[s] is of order 408 x 8e-9 = 3e-6.
    EXPECT_NEAR(mean, expected, nu < 4 ? 1e-5 : 1e-6) << "nu = " << nu;
  }
}

TEST(TMixing, UnitVarianceNeedsOnlyASmallRescaling) {
  for (const double nu : {3.0, 4.5, 10.0}) {
    const std::vector<float> table = t_mixing_table(nu);
    EXPECT_NEAR(t_mixing_cross_moment(table, table), 1.0, 1e-6) << "nu = " << nu;
    // E[s^2] = 1 for the untruncated t; the truncation removes under 1% of it.
    EXPECT_NEAR(rescaling(table, nu), 1.0, nu >= 4.5 ? 1e-4 : 1e-2) << "nu = " << nu;
  }
}

TEST(TMixing, EqualDegreesOfFreedomLeaveCorrelationUnchanged) {
  const std::vector<float> a = t_mixing_table(4.0), b = t_mixing_table(12.0);
  EXPECT_NEAR(t_mixing_cross_moment(a, a), 1.0, 1e-6);
  const double moment = t_mixing_cross_moment(a, b);
  EXPECT_LT(moment, 1.0);  // Cauchy-Schwarz, strict for different nu
  EXPECT_GT(moment, 0.9);  // comonotone mixing: the scales move together
}

}  // namespace
}  // namespace levrisk
