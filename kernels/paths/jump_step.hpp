#pragma once
// Merton (1976) jump-diffusion jumps with a systemic component: over a step the
// log-price of asset k moves by
//   J_k = sum_{i <= N_k} Y_ki + beta_k sum_{i <= N_s} Y_si,
// N_k ~ Poisson(lambda_k dt) with log-jumps Y_k ~ N(m_k, s_k^2) (idiosyncratic),
// N_s ~ Poisson(lambda_s dt) with Y_s ~ N(m_s, s_s^2) shared by every asset and
// scaled by its loading beta_k (crypto crashes are market-wide). Given N = n the
// sum of n normal log-jumps is N(n m, n s^2), so one normal per count suffices.
// Counts come from one uniform each by inverse CDF against a table computed on
// the host, so the device evaluates no exponential and both backends agree bit
// for bit. The drift compensation (E[e^J] - 1 per jump) is in the diffusion's
// drift_dt (models/merton.hpp).

#include "kernels/common.hpp"

namespace levrisk {

// Counts are capped at jump_count_terms - 1 per step: with lambda dt of 1e-3
// the probability beyond is below 1e-20; models/merton.hpp refuses steps where
// it exceeds 1e-12.
constexpr int jump_count_terms = 8;

struct jump_view {
  int enabled;
  const float* count_cdf;  // [(asset or n_assets for systemic) * jump_count_terms + n] = P(N <= n)
  const float* mean;       // per asset, log-jump mean m_k
  const float* stdev;      // per asset, log-jump stdev s_k
  const float* systemic_loading;  // per asset, beta_k
  float systemic_mean;
  float systemic_stdev;
};

// Poisson count for uniform u in (0, 1]: the number of CDF entries below u.
LEVRISK_HD LEVRISK_FORCEINLINE int jump_count(const float* cdf, float u) {
  int n = 0;
  for (int i = 0; i < jump_count_terms - 1; ++i) n += u > cdf[i] ? 1 : 0;
  return n;
}

LEVRISK_HD LEVRISK_FORCEINLINE float compound_jump(int count, float mean, float stdev, float z) {
  // sqrt is correctly rounded on both backends, so this stays bit-identical.
  const float n = static_cast<float>(count);
  return n * mean + std::sqrt(n) * stdev * z;
}

}  // namespace levrisk
