#include "models/calibration/diagnostics.hpp"

#include <cmath>

#include "common/error.hpp"
#include "models/incomplete_gamma.hpp"

namespace levrisk::calibration {

double chi_square_cdf(double x, double dof) {
  if (x <= 0) return 0.0;
  return regularized_gamma_p(0.5 * dof, 0.5 * x);
}

double aic(double log_likelihood, int parameters) {
  return 2.0 * parameters - 2.0 * log_likelihood;
}

ljung_box_result ljung_box(const std::vector<double>& series, int lags) {
  const std::size_t n = series.size();
  LEVRISK_REQUIRE(lags >= 1 && n > static_cast<std::size_t>(lags) + 1, input_error,
                  "Ljung-Box: needs lags >= 1 and more than lags + 1 values, got lags = "
                      << lags << ", " << n << " values");
  double m = 0.0;
  for (const double v : series) m += v;
  m /= static_cast<double>(n);
  double denominator = 0.0;
  for (const double v : series) denominator += (v - m) * (v - m);
  ljung_box_result out;
  out.lags = lags;
  if (!(denominator > 0)) return out;
  const double nd = static_cast<double>(n);
  for (int k = 1; k <= lags; ++k) {
    double numerator = 0.0;
    for (std::size_t t = static_cast<std::size_t>(k); t < n; ++t) {
      numerator += (series[t] - m) * (series[t - static_cast<std::size_t>(k)] - m);
    }
    const double rho = numerator / denominator;
    out.q += rho * rho / (nd - k);
  }
  out.q *= nd * (nd + 2.0);
  out.p_value = 1.0 - chi_square_cdf(out.q, lags);
  return out;
}

}  // namespace levrisk::calibration
