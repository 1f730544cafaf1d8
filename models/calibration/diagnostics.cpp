#include "models/calibration/diagnostics.hpp"

#include <cmath>
#include <limits>

#include "host/common/error.hpp"

namespace levrisk::calibration {

double regularized_gamma_p(double a, double x) {
  LEVRISK_REQUIRE(a > 0 && x >= 0, input_error,
                  "regularized gamma: needs a > 0 and x >= 0, got a = " << a << ", x = " << x);
  if (x == 0) return 0.0;
  const double log_prefix = a * std::log(x) - x - std::lgamma(a);
  constexpr double epsilon = 1e-16;
  if (x < a + 1.0) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 10000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::abs(term) < std::abs(sum) * epsilon) break;
    }
    return sum * std::exp(log_prefix);
  }
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < epsilon) break;
  }
  return 1.0 - std::exp(log_prefix) * h;
}

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
