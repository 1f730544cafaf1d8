// The regularized incomplete gamma functions and their inverses against closed
// forms (a = 1/2, 1, 3/2, 2) and tabulated chi-square quantiles.

#include "models/incomplete_gamma.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace levrisk {
namespace {

constexpr double pi = 3.14159265358979323846;

// Closed forms: P(1/2, x) = erf(sqrt x), P(1, x) = 1 - e^-x,
// Q(3/2, x) = erfc(sqrt x) + 2 sqrt(x / pi) e^-x, Q(2, x) = (1 + x) e^-x.
double p_half(double x) {
  return std::erf(std::sqrt(x));
}
double q_half(double x) {
  return std::erfc(std::sqrt(x));
}
double p_one(double x) {
  return -std::expm1(-x);
}
double q_three_halves(double x) {
  return std::erfc(std::sqrt(x)) + 2.0 * std::sqrt(x / pi) * std::exp(-x);
}
double q_two(double x) {
  return (1.0 + x) * std::exp(-x);
}

TEST(RegularizedGamma, MatchesClosedForms) {
  for (const double x : {0.01, 0.5, 1.0, 3.0, 10.0, 40.0}) {
    EXPECT_NEAR(regularized_gamma_p(1.0, x), p_one(x), 1e-14) << x;
    EXPECT_NEAR(regularized_gamma_p(0.5, x), p_half(x), 1e-14) << x;
    // The upper tail to relative accuracy, far below 1e-16 in absolute terms.
    EXPECT_NEAR(regularized_gamma_q(1.0, x) / std::exp(-x), 1.0, 1e-13) << x;
    EXPECT_NEAR(regularized_gamma_q(2.0, x) / q_two(x), 1.0, 1e-13) << x;
    EXPECT_NEAR(regularized_gamma_q(1.5, x) / q_three_halves(x), 1.0, 1e-12) << x;
  }
}

TEST(GammaInverse, LowerTailRoundTripsThroughClosedForms) {
  for (const double p : {1e-12, 1e-8, 1e-4, 0.01, 0.3, 0.5}) {
    EXPECT_NEAR(p_one(gamma_p_inverse(1.0, p)) / p, 1.0, 1e-12) << p;
    EXPECT_NEAR(p_half(gamma_p_inverse(0.5, p)) / p, 1.0, 1e-12) << p;
    EXPECT_NEAR(gamma_p_inverse(1.0, p) / -std::log1p(-p), 1.0, 1e-12) << p;
  }
}

TEST(GammaInverse, UpperTailRoundTripsThroughClosedForms) {
  for (const double q : {1e-12, 1e-8, 1e-4, 0.01, 0.3, 0.5}) {
    EXPECT_NEAR(gamma_q_inverse(1.0, q) / -std::log(q), 1.0, 1e-12) << q;
    EXPECT_NEAR(q_half(gamma_q_inverse(0.5, q)) / q, 1.0, 1e-11) << q;
    EXPECT_NEAR(q_three_halves(gamma_q_inverse(1.5, q)) / q, 1.0, 1e-11) << q;
    EXPECT_NEAR(q_two(gamma_q_inverse(2.0, q)) / q, 1.0, 1e-11) << q;
  }
}

TEST(GammaInverse, MatchesTabulatedChiSquareQuantiles) {
  // chi^2 quantiles (NIST/SEMATECH e-Handbook, 1.3.6.7.4); chi^2(nu) = 2 Gamma(nu / 2).
  EXPECT_NEAR(2.0 * gamma_p_inverse(5.0, 0.05), 3.940299136119248, 1e-11);
  EXPECT_NEAR(2.0 * gamma_q_inverse(5.0, 0.05), 18.307038053275146, 1e-11);
  EXPECT_NEAR(2.0 * gamma_q_inverse(5.0, 0.01), 23.209251158954356, 1e-11);
  EXPECT_NEAR(2.0 * gamma_q_inverse(0.5, 0.05), 3.841458820694124, 1e-11);
}

}  // namespace
}  // namespace levrisk
