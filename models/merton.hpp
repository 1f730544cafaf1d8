#pragma once
// Merton (1976) jump-diffusion with a systemic jump component, host side:
// parameters, validation, and the per-step tables the kernel reads
// (kernels/paths/jump_step.hpp). The diffusion part is the correlated GBM of
// models/gbm.hpp, whose drift is compensated here so that the expected return
// stays the drift the user set: E[S_T] = S_0 e^{mu T}.

#include <string>
#include <vector>

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
  std::vector<float> mean, stdev, systemic_loading;
  float systemic_mean;
  float systemic_stdev;
  // Subtract from the diffusion's (mu - sigma^2/2) dt:
  // (lambda_k kappa_k + lambda_s kappa_sk) dt with kappa = E[e^J] - 1 per jump.
  std::vector<double> drift_compensation_dt;
};

// E[e^{beta Y}] - 1 for Y ~ N(m, s^2).
double jump_compensator(double loading, double mean, double stdev);

// Validates (finite, intensities and stdevs >= 0, sizes) with messages naming
// `context` and the asset, and builds the tables for a step of dt_years. Refuses
// a step so long that more than jump_count_terms - 1 jumps would have a
// probability above 1e-12.
jump_step_coefficients merton_step_coefficients(const merton_params& params,
                                                const std::vector<std::string>& asset_ids,
                                                double dt_years, const std::string& context);

}  // namespace levrisk
