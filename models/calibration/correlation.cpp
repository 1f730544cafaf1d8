#include "models/calibration/correlation.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "models/correlation.hpp"

namespace levrisk::calibration {

correlation_estimate estimate_correlation(const std::vector<std::vector<double>>& series,
                                          const std::vector<std::string>& assets,
                                          double fixed_shrinkage) {
  const std::size_t n_assets = series.size();
  LEVRISK_REQUIRE(n_assets == assets.size() && n_assets >= 1, input_error,
                  "correlation: " << n_assets << " series for " << assets.size() << " assets");
  const std::size_t n = series[0].size();
  LEVRISK_REQUIRE(n >= 3, input_error, "correlation: needs at least 3 joint returns, got " << n);
  LEVRISK_REQUIRE(fixed_shrinkage < 0 || fixed_shrinkage <= 1, input_error,
                  "correlation: shrinkage must be in [0, 1], got " << fixed_shrinkage);
  // Standardized columns (mean 0, unit sample variance); zero-variance ones stay 0.
  std::vector<std::vector<double>> z(n_assets, std::vector<double>(n, 0.0));
  for (std::size_t a = 0; a < n_assets; ++a) {
    LEVRISK_REQUIRE(series[a].size() == n, input_error,
                    "correlation: series of '" << assets[a] << "' has " << series[a].size()
                                               << " values, expected " << n);
    double m = 0.0;
    for (const double v : series[a]) m += v;
    m /= static_cast<double>(n);
    double ss = 0.0;
    for (const double v : series[a]) ss += (v - m) * (v - m);
    const double sd = std::sqrt(ss / static_cast<double>(n - 1));
    if (!(sd > 0)) continue;
    for (std::size_t k = 0; k < n; ++k) z[a][k] = (series[a][k] - m) / sd;
  }
  correlation_estimate out;
  out.observations = static_cast<int>(n);
  out.sample.assign(n_assets * n_assets, 0.0);
  const double nd = static_cast<double>(n);
  double sum_variance = 0.0, sum_square = 0.0;
  for (std::size_t i = 0; i < n_assets; ++i) {
    out.sample[i * n_assets + i] = 1.0;
    for (std::size_t j = i + 1; j < n_assets; ++j) {
      // w_k = z_ik z_jk; r_ij = n/(n-1) mean(w); Var(r_ij) = n/(n-1)^3 sum (w_k - mean w)^2.
      double w_mean = 0.0;
      for (std::size_t k = 0; k < n; ++k) w_mean += z[i][k] * z[j][k];
      w_mean /= nd;
      double w_ss = 0.0;
      for (std::size_t k = 0; k < n; ++k) {
        const double d = z[i][k] * z[j][k] - w_mean;
        w_ss += d * d;
      }
      const double r = std::clamp(nd / (nd - 1.0) * w_mean, -1.0, 1.0);
      out.sample[i * n_assets + j] = out.sample[j * n_assets + i] = r;
      sum_variance += nd / ((nd - 1.0) * (nd - 1.0) * (nd - 1.0)) * w_ss;
      sum_square += r * r;
    }
  }
  if (fixed_shrinkage >= 0) {
    out.shrinkage = fixed_shrinkage;
  } else {
    out.shrinkage_estimated = true;
    out.shrinkage = sum_square > 0 ? std::clamp(sum_variance / sum_square, 0.0, 1.0) : 0.0;
  }
  std::vector<double> shrunk(out.sample);
  for (std::size_t i = 0; i < n_assets; ++i) {
    for (std::size_t j = 0; j < n_assets; ++j) {
      if (i != j) shrunk[i * n_assets + j] *= 1.0 - out.shrinkage;
    }
  }
  out.matrix = validated_correlation(shrunk, assets, false, "calibrated correlation");
  return out;
}

}  // namespace levrisk::calibration
