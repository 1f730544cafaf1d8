#pragma once
// The market part of a simulation plan: which model, and its coefficients and
// tables as flat host arrays, one group per table family. Each group has a
// storage twin in host/backend/market_storage.hpp that owns its buffers in the
// backend's memory and hands out the kernels' view (kernels/paths/*.hpp).
// Filled by set_market (host/engine/market_setup.hpp); checked by
// validate_market_plan before anything is uploaded.

#include <vector>

#include "kernels/paths/market_step.hpp"

namespace levrisk {

// Diffusion coefficients (kernels/paths/gbm_step.hpp), used by every kind:
// historical kinds read drift_dt and vol_sqrt_dt only, garch_t drift_dt (mu dt)
// and cholesky only.
struct gbm_tables {
  std::vector<float> drift_dt;     // per asset
  std::vector<float> vol_sqrt_dt;  // per asset
  std::vector<float> cholesky;     // n_assets x n_assets, lower triangle
};

// Merton jumps (kernels/paths/jump_step.hpp), for merton.
struct jump_tables {
  std::vector<float> rate;       // per slot: expected jumps per step, systemic last
  std::vector<float> count_cdf;  // (n_assets + 1) x jump_count_terms, systemic last
  std::vector<float> mean;       // per asset
  std::vector<float> stdev;
  std::vector<float> systemic_loading;
  float systemic_mean = 0.0f;
  float systemic_stdev = 0.0f;
};

// GARCH(1,1) (kernels/paths/garch_step.hpp), for garch_t (with the mixing
// tables) and historical_carried (the filter's recursion, no mixing).
struct garch_tables {
  std::vector<float> omega, alpha, beta, variance_now;  // per asset, per period
  std::vector<float> mixing;  // [interval][coefficient][asset], see garch_view
  float mixing_z_min = 0.0f;
  float mixing_intervals_per_unit = 0.0f;
  int mixing_intervals = 0;
  int substeps = 1;  // garch_t: monitoring steps per period (step = period / substeps)
};

// Filtered historical simulation (kernels/paths/history_step.hpp), historical kinds.
struct history_tables {
  std::vector<float> residual;  // dates x n_assets
  int dates = 0;
  int block_length = 1;
};

struct market_plan {
  market_kind kind = market_kind::gbm;
  int n_assets = 0;
  gbm_tables diffusion;
  jump_tables jumps;
  garch_tables garch;
  history_tables history;
};

// Throws runtime_failure when a table that `kind` reads is missing or of the
// wrong size: the kernels index these arrays without checks.
void validate_market_plan(const market_plan& market);

}  // namespace levrisk
