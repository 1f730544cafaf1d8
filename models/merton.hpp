#pragma once
// Merton (1976) jump-diffusion with a systemic jump component, host side:
// parameters, validation, and the per-step tables the kernel reads
// (kernels/paths/jump_step.hpp). The diffusion part is the correlated GBM of
// models/gbm.hpp, whose drift is compensated here so that the expected return
// stays the drift the user set: E[S_T] = S_0 e^{mu T}.

#include <string>
#include <vector>

#include "kernels/paths/jump_step.hpp"

namespace levrisk {

struct merton_asset_params {
  double jump_intensity_annual = 0.0;  // lambda_k: idiosyncratic jumps per 365-day year
  double jump_mean = 0.0;              // m_k: mean log-jump
  double jump_stdev = 0.0;             // s_k: stdev of the log-jump
  double systemic_loading = 0.0;       // beta_k: share of a systemic log-jump the asset takes
};

struct systemic_jump_params {
  double intensity_annual = 0.0;  // lambda_s: market-wide jumps per year
  double mean = 0.0;              // m_s
  double stdev = 0.0;             // s_s
};

struct merton_params {
  std::vector<merton_asset_params> assets;  // in the model's asset order
  systemic_jump_params systemic;
};

struct jump_step_coefficients {
  std::vector<float> rate;       // per slot (assets, then systemic): expected jumps per step
  std::vector<float> count_cdf;  // (n + 1) x jump_count_terms: P(N <= j | N >= 1), systemic last
  std::vector<int> count_cap;    // per slot: K, the table is 1 from entry K on
  std::vector<float> mean, stdev, systemic_loading;
  float systemic_mean;
  float systemic_stdev;
  // Subtract from the diffusion's (mu - sigma^2/2) dt:
  // (lambda_k kappa_k + lambda_s kappa_sk) dt with kappa = E[e^J] - 1 per jump.
  std::vector<double> drift_compensation_dt;
};

// E[e^{beta Y}] - 1 for Y ~ N(m, s^2).
double jump_compensator(double loading, double mean, double stdev);

// A step's jump count is capped at K per slot, the smallest K >= 1 with
// P(N > K) <= jump_count_tail_tolerance for N ~ Poisson(lambda dt); the kernel's
// table bounds K by max_jump_count_cap (kernels/paths/jump_step.hpp).
constexpr double jump_count_tail_tolerance = 1e-12;  // per step, slot and path
constexpr int max_jump_count_cap = jump_count_terms - 1;

// P(N > k) for N ~ Poisson(rate), rate >= 0.
double poisson_tail(double rate, int k);

// The cap K for `rate` expected jumps per step; 0 where even max_jump_count_cap
// leaves a tail above the tolerance.
int jump_count_cap(double rate);

// Each throws parameter_error naming the configuration key of the first value
// outside its domain: finite, intensities and stdevs >= 0.
void check_merton_asset(const merton_asset_params& asset);        // jump_*, systemic_loading
void check_systemic_jumps(const systemic_jump_params& systemic);  // intensity_annual, mean, stdev
// Refuses (parameter_error on `intensity_field`) an intensity whose step of
// dt_years needs a cap beyond max_jump_count_cap, giving the tail mass.
void check_jump_count_cap(double intensity_annual, double dt_years,
                          const std::string& intensity_field);

// Validates (the checks above, sizes) with messages naming `context` and the
// asset, and builds the tables for a step of dt_years, each slot's count capped
// at its jump_count_cap.
jump_step_coefficients merton_step_coefficients(const merton_params& params,
                                                const std::vector<std::string>& asset_ids,
                                                double dt_years, const std::string& context);

}  // namespace levrisk
