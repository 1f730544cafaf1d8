#pragma once
// Goodness-of-fit diagnostics of a fitted volatility model.

#include <vector>

namespace levrisk::calibration {

// Chi-square CDF with `dof` degrees of freedom: P(dof / 2, x / 2)
// (models/incomplete_gamma.hpp).
double chi_square_cdf(double x, double dof);

// Akaike information criterion 2k - 2 log L.
double aic(double log_likelihood, int parameters);

// Ljung & Box (1978): Q = n (n + 2) sum_{k=1}^{lags} rho_k^2 / (n - k), rho_k the
// lag-k sample autocorrelation; p = 1 - chi2_cdf(Q, lags). Applied to squared
// standardized residuals (McLeod & Li 1983) it tests for volatility clustering left
// after the fit; `lags` degrees of freedom (no correction for the two fitted
// GARCH parameters, so p is slightly conservative).
struct ljung_box_result {
  double q = 0;
  double p_value = 1;
  int lags = 0;
};
ljung_box_result ljung_box(const std::vector<double>& series, int lags);

}  // namespace levrisk::calibration
