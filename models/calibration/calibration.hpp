#pragma once
// `levrisk calibrate`: price history -> model parameters. Per asset, on its own
// returns at the chosen frequency: EWMA volatility, GARCH(1,1)-t, Merton jumps,
// diagnostics. Jointly, on the intervals where every asset has a price: the
// correlation of GARCH-standardized returns (with shrinkage) and systemic jumps.
// Method and file formats: docs/calibration.md.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "models/calibration/correlation.hpp"
#include "models/calibration/diagnostics.hpp"
#include "models/calibration/garch.hpp"
#include "models/calibration/jumps.hpp"
#include "models/calibration/price_history.hpp"
#include "models/calibration/returns.hpp"

namespace levrisk::calibration {

struct calibration_options {
  std::vector<std::string> assets;  // a subset of the history, in this order; empty = all
  std::int64_t period_ms = 86'400'000;
  double lambda = 0;                     // EWMA decay; 0 = riskmetrics_lambda(period)
  double shrinkage = -1;                 // correlation shrinkage; < 0 = estimated
  bool standardized_correlation = true;  // of GARCH-standardized returns; false: raw
  bool estimate_drift = false;
  garch_options garch;
  jump_options jumps;
  int ljung_box_lags = 10;
  int min_garch_returns = 100;
  // Assets held at their peg, not calibrated: written as the model file's
  // [model] pegged list (docs/configuration.md).
  std::vector<std::string> pegged;
};

// "1h" / "1d" / "15m" / "4h" / "7d" -> milliseconds; input_error otherwise,
// blamed on `context` (the flag or the configuration key that gave the text).
std::int64_t parse_frequency(const std::string& text, const std::string& context);
std::string format_frequency(std::int64_t period_ms);

struct asset_calibration {
  std::string id;
  std::string source;
  int rows = 0;  // observations read (after dropping duplicates)
  int missing_values = 0;
  int duplicate_rows = 0;
  int conflicting_duplicates = 0;
  gap_report coverage;
  int n_returns = 0;
  int dropped_returns = 0;  // returns across an empty interval
  double mean_return = 0;   // per period; the returns are demeaned by it for GARCH
  double drift_annual = 0;  // 0 unless estimated
  double ewma_variance_now = 0;
  double vol_annual = 0;  // EWMA, today's
  garch_fit garch;
  merton_estimate merton;
  double aic = 0;
  ljung_box_result ljung_box;
  std::vector<std::string> warnings;
};

struct calibration_result {
  calibration_options options;
  std::vector<std::string> sources;
  double period_days = 1;
  double lambda = 0;
  std::vector<asset_calibration> assets;
  std::int64_t window_start_ms = 0;  // first and last price used, over all assets
  std::int64_t window_end_ms = 0;
  int joint_returns = 0;
  int joint_dropped = 0;
  correlation_estimate correlation;
  systemic_jump_estimate systemic;
  std::vector<std::string> warnings;
};

calibration_result calibrate(const std::vector<price_series>& history,
                             const std::vector<std::string>& sources,
                             const calibration_options& options);

// A readable table of the estimates, their standard errors and the data report.
void print_calibration_report(std::ostream& out, const calibration_result& result);

}  // namespace levrisk::calibration
