#pragma once
// Filtered historical simulation (Barone-Adesi, Giannopoulos & Vosper 1999), host
// side: the table of standardized residuals a run resamples, and today's
// conditional variance that rescales them. Returns of a price history are
// filtered by their conditional volatility, EWMA (RiskMetrics) or a fitted
// GARCH(1,1), demeaned, and kept as whole dates so that resampling preserves the
// cross-section (joint crashes stay joint). The filter's variance recursion,
//   h' = omega + alpha r^2 + beta h   (EWMA: omega = 0, alpha = 1 - lambda, beta = lambda),
// can also be carried along the simulated paths (update_volatility).

#include <filesystem>
#include <string>
#include <vector>

#include "models/garch.hpp"

namespace levrisk {

struct fhs_params {
  std::vector<std::string> history;  // "FILE" or "FILE:ASSET", as for levrisk calibrate
  std::string frequency = "1d";      // resampling period of the history: 1h, 1d, ...
  std::string duplicates = "error";  // a timestamp repeated with another price: "error" or "first"
  std::string filter = "ewma";       // "ewma" or "garch" (GARCH(1,1)-t fitted by ML)
  double lambda = 0.0;               // EWMA decay; 0: RiskMetrics' for the frequency
  int block_length = 1;              // steps per bootstrap block (consecutive dates)
  bool update_volatility = false;    // step the filter's recursion along each path
};

// One asset's filter: its variance recursion per period of the history.
struct fhs_filter {
  double omega = 0.0, alpha = 0.0, beta = 0.0;
  double variance_now = 0.0;  // conditional variance of the next period's return
};

struct fhs_tables {
  int n_dates = 0;
  double period_days = 0.0;
  std::vector<float> residual;           // [date * n_assets + k]; 0 for constant assets
  std::vector<double> vol_now_annual;    // today's conditional volatility; 0 for constant
  std::vector<fhs_filter> filter;        // per asset; zeros for constant assets
  std::string window_start, window_end;  // first and last date used (ISO 8601 UTC)
};

// Loads the history (paths relative to base_dir), keeps the dates on which every
// non-constant asset has a return, and filters. Every non-constant asset needs a
// history; constant assets (pegged stablecoins) need none.
fhs_tables build_fhs_tables(const fhs_params& params, const std::vector<std::string>& asset_ids,
                            const std::vector<bool>& constant_asset,
                            const std::filesystem::path& base_dir, const std::string& context);

// The filters' recursions as the kernel's variance update
// (kernels/paths/garch_step.hpp; no t mixing), for update_volatility. The
// recursion steps once per period of the history, so the run's step must equal it.
garch_step_coefficients fhs_variance_recursion(const fhs_tables& tables, double step_days,
                                               const std::string& context);

}  // namespace levrisk
