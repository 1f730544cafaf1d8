#pragma once
// Filtered historical simulation (Barone-Adesi, Giannopoulos & Vosper 1999), host
// side: the table of standardized residuals a run resamples, and today's
// volatility that rescales them. Returns of a price history are filtered by
// their EWMA volatility (RiskMetrics), demeaned, and kept as whole dates so that
// resampling preserves the cross-section (joint crashes stay joint).

#include <filesystem>
#include <string>
#include <vector>

namespace levrisk {

struct fhs_params {
  std::vector<std::string> history;  // "FILE" or "FILE:ASSET", as for levrisk calibrate
  std::string frequency = "1d";      // resampling period of the history: 1h, 1d, ...
  double lambda = 0.0;               // EWMA decay; 0: RiskMetrics' for the frequency
  int block_length = 1;              // steps per bootstrap block (consecutive dates)
};

struct fhs_tables {
  int n_dates = 0;
  double period_days = 0.0;
  std::vector<float> residual;         // [date * n_assets + k]; 0 for constant assets
  std::vector<double> vol_now_annual;  // today's EWMA volatility per asset; 0 for constant
  std::string window;                  // first .. last date used, for messages and metadata
};

// Loads the history (paths relative to base_dir), keeps the dates on which every
// non-constant asset has a return, and filters. Every non-constant asset needs a
// history; constant assets (pegged stablecoins) need none.
fhs_tables build_fhs_tables(const fhs_params& params, const std::vector<std::string>& asset_ids,
                            const std::vector<bool>& constant_asset,
                            const std::filesystem::path& base_dir, const std::string& context);

}  // namespace levrisk
