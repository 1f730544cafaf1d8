#pragma once
// Correlated geometric Brownian motion, host side: parameters, validation, the
// Cholesky factor of the correlation matrix and the per-step coefficients the
// path kernels consume.

#include <string>
#include <vector>

namespace levrisk {

// mu and sigma of dS/S = mu dt + sigma dW, per year of 365 days (crypto trades every day).
struct gbm_asset_params {
  double drift_annual;
  double vol_annual;
};

// Throws parameter_error (models/parameter_error.hpp) naming drift_annual (finite)
// or vol_annual (finite, >= 0).
void check_gbm_asset(const gbm_asset_params& asset);

struct gbm_params {
  std::vector<std::string> asset_ids;
  std::vector<gbm_asset_params> assets;  // same order as asset_ids
  std::vector<double> correlation;       // n x n row-major, same order
  bool repair_correlation = false;  // replace a non-PSD matrix by its nearest correlation matrix
};

// Per-step coefficients handed to the kernels, in float for the hot loop. The
// log-space Euler step is exact for GBM (ln S is Brownian motion with drift):
// x_{t+dt} = x_t + drift_dt[k] + vol_sqrt_dt[k] * sum_j cholesky[k*n + j] z_j
struct gbm_step_coefficients {
  int n_assets;
  std::vector<float> drift_dt;     // (mu - sigma^2/2) dt
  std::vector<float> vol_sqrt_dt;  // sigma sqrt(dt)
  std::vector<float> cholesky;     // lower triangle, row-major n x n (upper part zero)
};

class gbm_model {
 public:
  // Validates (finite drift, vol finite and >= 0, ids non-empty and unique, sizes
  // consistent, correlation via validated_correlation) and factors. `context`
  // prefixes every message, e.g. "configs/nightly.toml: model".
  gbm_model(gbm_params params, const std::string& context);

  int n_assets() const { return static_cast<int>(params_.asset_ids.size()); }
  // With the repaired correlation matrix if it was repaired.
  const gbm_params& params() const { return params_; }
  const std::vector<double>& cholesky() const { return cholesky_; }        // n x n, lower
  double correlation_repair_distance() const { return repair_distance_; }  // 0 if not repaired

  // dt_years > 0 and finite; throws input_error otherwise.
  gbm_step_coefficients step_coefficients(double dt_years) const;

 private:
  gbm_params params_;
  std::string context_;
  std::vector<double> cholesky_;
  double repair_distance_ = 0.0;
};

}  // namespace levrisk
