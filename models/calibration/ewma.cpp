#include "models/calibration/ewma.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace levrisk::calibration {

double riskmetrics_lambda(double period_days) {
  return std::pow(0.94, period_days);
}

std::vector<double> ewma_variance(const std::vector<double>& returns, double lambda,
                                  int seed_count) {
  LEVRISK_REQUIRE(lambda > 0 && lambda < 1, input_error,
                  "EWMA: lambda must be in (0, 1), got " << lambda);
  LEVRISK_REQUIRE(!returns.empty(), input_error, "EWMA: no returns");
  const std::size_t seed =
      std::min(returns.size(), static_cast<std::size_t>(std::max(seed_count, 1)));
  double variance = 0.0;
  for (std::size_t i = 0; i < seed; ++i) variance += returns[i] * returns[i];
  variance /= static_cast<double>(seed);
  std::vector<double> out;
  out.reserve(returns.size() + 1);
  out.push_back(variance);
  for (const double r : returns) {
    variance = lambda * variance + (1.0 - lambda) * r * r;
    out.push_back(variance);
  }
  return out;
}

double annualized_vol(double variance_per_period, double period_days) {
  return std::sqrt(variance_per_period * 365.0 / period_days);
}

}  // namespace levrisk::calibration
