#include "models/calibration/garch.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/calibration/synthetic_history.hpp"

namespace levrisk::calibration {
namespace {

synthetic_history_options one_asset(double omega, double alpha, double beta, double nu, int periods,
                                    std::uint64_t seed) {
  synthetic_history_options o;
  synthetic_asset a;
  a.id = "X";
  a.omega = omega;
  a.alpha = alpha;
  a.beta = beta;
  o.assets = {a};
  o.nu = nu;
  o.periods = periods;
  o.seed = seed;
  return o;
}

// Recovery within 3 standard errors (each of the four at once: about 99% for any
// seed; the seed is fixed).
TEST(GarchT, RecoversSimulatedParametersWithinThreeStandardErrors) {
  const double omega = 2e-6, alpha = 0.08, beta = 0.9, nu = 6.0;
  const synthetic_history h = simulate_history(one_asset(omega, alpha, beta, nu, 20000, 7));
  const garch_fit fit = fit_garch_t(h.log_return[0]);
  ASSERT_TRUE(fit.se_valid);
  EXPECT_TRUE(fit.converged);
  EXPECT_TRUE(fit.stationary);
  EXPECT_NEAR(fit.omega, omega, 3 * fit.omega_se);
  EXPECT_NEAR(fit.alpha, alpha, 3 * fit.alpha_se);
  EXPECT_NEAR(fit.beta, beta, 3 * fit.beta_se);
  EXPECT_NEAR(fit.nu, nu, 3 * fit.nu_se);
  // Standard errors of the order the asymptotics give for 20,000 returns.
  EXPECT_LT(fit.alpha_se, 0.02);
  EXPECT_LT(fit.nu_se, 1.0);
  EXPECT_EQ(fit.conditional_variance.size(), h.log_return[0].size());
}

TEST(GarchT, RecoversWithVarianceTargeting) {
  const double omega = 1e-5, alpha = 0.1, beta = 0.85, nu = 4.0;
  const synthetic_history h = simulate_history(one_asset(omega, alpha, beta, nu, 20000, 11));
  garch_options options;
  options.variance_targeting = true;
  const garch_fit fit = fit_garch_t(h.log_return[0], options);
  ASSERT_TRUE(fit.se_valid);
  EXPECT_EQ(fit.parameters, 3);
  EXPECT_NEAR(fit.alpha, alpha, 3 * fit.alpha_se);
  EXPECT_NEAR(fit.beta, beta, 3 * fit.beta_se);
  EXPECT_NEAR(fit.nu, nu, 3 * fit.nu_se);
  EXPECT_NEAR(fit.omega, omega, 3 * fit.omega_se);
}

TEST(GarchT, TheEstimateIsALocalMaximum) {
  const synthetic_history h = simulate_history(one_asset(5e-6, 0.05, 0.93, 8.0, 5000, 3));
  const garch_fit fit = fit_garch_t(h.log_return[0]);
  const std::vector<double>& r = h.log_return[0];
  for (const double d : {-1e-3, 1e-3}) {
    EXPECT_LE(garch_t_log_likelihood(r, fit.omega, fit.alpha + d, fit.beta, fit.nu),
              fit.log_likelihood);
    EXPECT_LE(garch_t_log_likelihood(r, fit.omega, fit.alpha, fit.beta + d, fit.nu),
              fit.log_likelihood);
    EXPECT_LE(garch_t_log_likelihood(r, fit.omega, fit.alpha, fit.beta, fit.nu + 10 * d),
              fit.log_likelihood);
    EXPECT_LE(garch_t_log_likelihood(r, fit.omega * (1 + d), fit.alpha, fit.beta, fit.nu),
              fit.log_likelihood);
  }
}

TEST(GarchT, LogLikelihoodMatchesADirectSum) {
  const std::vector<double> r = {0.01, -0.02, 0.005, 0.03, -0.01};
  const double omega = 1e-5, alpha = 0.1, beta = 0.8, nu = 5.0;
  double variance = 0;
  for (const double x : r) variance += x * x / 5.0;
  double expected = 0;
  for (const double x : r) {
    const double z2 = x * x / variance;
    expected += std::lgamma(3.0) - std::lgamma(2.5) - 0.5 * std::log(M_PI * 3.0) -
                0.5 * std::log(variance) - 3.0 * std::log(1.0 + z2 / 3.0);
    variance = omega + alpha * x * x + beta * variance;
  }
  EXPECT_NEAR(garch_t_log_likelihood(r, omega, alpha, beta, nu), expected, 1e-12);
}

TEST(GarchT, OutsideTheParameterSpaceIsMinusInfinity) {
  const std::vector<double> r = {0.01, -0.02, 0.005};
  EXPECT_EQ(garch_t_log_likelihood(r, 1e-5, 0.5, 0.5, 5.0), -INFINITY);
  EXPECT_EQ(garch_t_log_likelihood(r, 1e-5, 0.1, 0.8, 2.0), -INFINITY);
  EXPECT_EQ(garch_t_log_likelihood(r, 0.0, 0.1, 0.8, 5.0), -INFINITY);
}

TEST(GarchT, AnIntegratedSeriesIsReportedNonStationary) {
  // IGARCH data (alpha + beta = 1, omega > 0) simulated directly.
  std::vector<double> r;
  const synthetic_history z = simulate_history(one_asset(1.0, 0.0, 0.0, 5.0, 6000, 5));
  double variance = 1e-4;
  for (const double e : z.innovation[0]) {
    const double x = std::sqrt(variance) * e;
    r.push_back(x);
    variance = 1e-7 + 0.1 * x * x + 0.9 * variance;
  }
  const garch_fit fit = fit_garch_t(r);
  EXPECT_GE(fit.alpha + fit.beta, 0.99);
  EXPECT_EQ(fit.stationary, fit.alpha + fit.beta < garch_nonstationary_persistence);
}

}  // namespace
}  // namespace levrisk::calibration
