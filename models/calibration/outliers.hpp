#pragma once
// Returns that no market makes, between consecutive rows of one asset's history:
// a mistyped price (1e308, a lost decimal point) would dominate every variance the
// calibration estimates. The scale is robust, 1.4826 x the median absolute
// deviation of the asset's log returns (Hampel 1974, JASA 69), so the outlier does
// not inflate the yardstick it is measured with. Bounds and the largest robust z of
// real histories: docs/calibration.md, "Outliers".

#include <cmath>
#include <string>
#include <vector>

#include "models/calibration/price_history.hpp"

namespace levrisk::calibration {

struct outlier_options {
  // A warning: |r - median| > robust_sigmas x robust sigma and |r| > log(min_move_factor).
  // The floor keeps ordinary days of a calm asset (a stablecoin: sigma ~ 0.2%) unflagged.
  double robust_sigmas = 10;
  double min_move_factor = 8;
  // An error: |r| > log(max_move_factor), or a return that is not finite.
  double max_move_factor = 1000;
};

struct return_outlier {
  int line = 0;           // row of the later price
  int previous_line = 0;  // row of the price before it
  double log_return = 0;
  double robust_z = 0;  // |r - median| / robust sigma; inf when the sigma is 0
};

struct outlier_scan {
  int returns = 0;
  double median = 0;
  double robust_sigma = 0;
  double largest_robust_z = 0;
  std::vector<return_outlier> flagged;  // beyond the warning bound, in time order
};

// Throws input_error "<file>:<line>: asset '<id>': ..." at the first return beyond
// the error bound.
outlier_scan scan_outliers(const price_series& series, const outlier_options& options = {});

// The report's warning for `scan.flagged`, naming the file and their lines; empty
// when none.
std::string outlier_warning(const price_series& series, const outlier_scan& scan,
                            const outlier_options& options = {});

}  // namespace levrisk::calibration
