#pragma once
// GARCH(1,1)-t, host side: parameters as `levrisk calibrate` writes them,
// validation (stationarity), and the per-asset tables of
// kernels/paths/garch_step.hpp (t mixing: models/t_mixing.hpp), including the correlation the
// kernel's normals need for the innovations to have the configured correlation.

#include <string>
#include <vector>

namespace levrisk {

struct garch_asset_params {
  bool present = false;  // the asset has a [model.assets.ID.garch] table
  double omega = 0.0;    // per period of period_days
  double alpha = 0.0;
  double beta = 0.0;
  double nu = 0.0;            // degrees of freedom of the standardized t, > 2
  double variance_now = 0.0;  // conditional variance of the next period's return
  double period_days = 0.0;
};

struct garch_step_coefficients {
  std::vector<float> omega, alpha, beta, variance_now;
  int substeps = 1;  // m: monitoring steps per period, the run's step being period / m
  std::vector<std::vector<float>> mixing_tables;  // per asset (models/t_mixing.hpp)
  // The tables as the kernel reads them: [interval][coefficient][asset].
  std::vector<float> interleaved_mixing() const;
};

// Throws parameter_error naming the configuration key of the first value outside
// its domain: finite, omega > 0, alpha, beta >= 0, nu > 2, variance_now > 0,
// period_days > 0, and stationarity under the field "alpha + beta": alpha + beta
// below calibrate's garch_nonstationary_persistence (models/calibration/garch.hpp)
// and the float32 alpha + beta the kernel steps with below 1.
void check_garch_asset(const garch_asset_params& asset);

// Validates each non-constant asset's parameters (present, check_garch_asset),
// that they share one period and that the run's step horizon_days / steps
// divides it (substeps: garch_substeps); constant assets get zero variance.
garch_step_coefficients garch_coefficients(const std::vector<garch_asset_params>& params,
                                           const std::vector<std::string>& asset_ids,
                                           const std::vector<bool>& constant_asset,
                                           double horizon_days, int steps,
                                           const std::string& context);

// m = period_days / (horizon_days / steps) when that is a positive integer (to
// a relative 1e-6); otherwise throws input_error prefixed by `where`, naming
// [run] steps and horizon_days and the nearest step counts that divide the period.
int garch_substeps(double period_days, double horizon_days, int steps, const std::string& where);

// The normals' correlation rho_jk / E[s_j s_k] (models/t_mixing.hpp), so that
// the t innovations have correlation rho (capped at +-1 where rho is already
// that close; E[s_j s_k] = 1 for equal nu). Pairs with a constant asset keep
// rho. Unit diagonal; the caller checks positive semi-definiteness.
std::vector<double> garch_normal_correlation(const std::vector<double>& correlation,
                                             const garch_step_coefficients& coefficients,
                                             const std::vector<bool>& constant_asset);

}  // namespace levrisk
