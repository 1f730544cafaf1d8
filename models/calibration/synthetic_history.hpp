#pragma once
// Deterministic synthetic price histories with known parameters: GARCH(1,1)-t
// volatility, correlated innovations, idiosyncratic and systemic Merton jumps and
// optional missing prices. Used by the recovery tests and to make
// data/history/synthetic_hourly.csv. Draws come from std::mt19937_64 with the
// transforms below, so the output is the same with every standard library.

#include <cstdint>
#include <string>
#include <vector>

namespace levrisk::calibration {

struct synthetic_asset {
  std::string id;
  double start_price_usd = 100.0;
  double omega = 0, alpha = 0, beta = 0;  // GARCH(1,1) per period; alpha = beta = 0: constant
  double jump_probability = 0;            // per period
  double jump_mean = 0, jump_stdev = 0;   // log-return size
  double systemic_loading = 0;
};

struct synthetic_history_options {
  std::vector<synthetic_asset> assets;
  std::vector<double> correlation;  // of the innovations, n x n row-major; empty = identity
  double nu = 0;                    // Student-t dof of the innovations (> 2); 0 = normal
  int periods = 1000;               // returns per asset
  std::int64_t start_ms = 0;
  std::int64_t period_ms = 3'600'000;
  double systemic_jump_probability = 0;  // per period
  double systemic_jump_mean = 0, systemic_jump_stdev = 0;
  double missing_probability = 0;  // each price independently missing
  std::uint64_t seed = 1;
};

struct synthetic_history {
  std::vector<std::int64_t> time_ms;            // periods + 1 timestamps
  std::vector<std::vector<double>> price_usd;   // [asset][i]; NaN where missing
  std::vector<std::vector<double>> log_return;  // [asset][t], before missing values
  std::vector<std::vector<double>> innovation;  // [asset][t]: standardized z_t
  std::vector<std::vector<char>> jump;          // [asset][t]: an idiosyncratic jump
  std::vector<char> systemic;                   // [t]: a systemic jump
};

// Multivariate Student-t innovations: correlated normals divided by one common
// sqrt(chi2_nu / nu) per period and scaled to unit variance, so that every asset's
// z is a standardized t_nu and the innovations have exactly `correlation`.
// Volatility follows the diffusive part: sigma2_{t+1} = omega + alpha (sigma_t z_t)^2
// + beta sigma2_t, from the stationary variance.
synthetic_history simulate_history(const synthetic_history_options& options);

// The configuration of data/history/synthetic_hourly.csv (docs/calibration.md).
synthetic_history_options synthetic_hourly_options();

// The configuration of data/history/sample_assets_hourly.csv: one year, hourly,
// for the moving assets of the bundled sample snapshot, at the nightly
// configuration's volatilities; the history behind configs/weekly_garch.toml
// and configs/weekly_fhs.toml.
synthetic_history_options sample_assets_hourly_options();

// Wide CSV `timestamp,<ID>,...`, ISO-8601 UTC timestamps, prices with 10
// significant digits, missing prices as empty fields.
void write_wide_csv(const std::string& path, const synthetic_history& history,
                    const std::vector<std::string>& assets);

}  // namespace levrisk::calibration
