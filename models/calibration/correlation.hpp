#pragma once
// Correlation of returns with linear shrinkage toward the identity:
//   R* = (1 - s) R + s I,
// with the intensity s either fixed or the analytic optimum of Schafer & Strimmer
// (2005, "A shrinkage approach to large-scale covariance matrix estimation",
// Stat. Appl. Genet. Mol. Biol. 4(1), Table 1, target D applied to standardized
// data), which is Ledoit & Wolf's (2003) formula for this target:
//   s = sum_{i != j} Var(r_ij) / sum_{i != j} r_ij^2, clamped to [0, 1].
// The result is validated (PSD, unit diagonal) by models/correlation.hpp.

#include <string>
#include <vector>

namespace levrisk::calibration {

struct correlation_estimate {
  std::vector<double> sample;  // n x n row-major Pearson correlation
  std::vector<double> matrix;  // shrunk and validated
  double shrinkage = 0;        // s
  bool shrinkage_estimated = false;
  int observations = 0;
};

// series: [asset][k], aligned, at least 3 observations. fixed_shrinkage < 0
// estimates s; otherwise it must be in [0, 1]. An asset with zero variance is
// uncorrelated with the others.
correlation_estimate estimate_correlation(const std::vector<std::vector<double>>& series,
                                          const std::vector<std::string>& assets,
                                          double fixed_shrinkage = -1.0);

}  // namespace levrisk::calibration
