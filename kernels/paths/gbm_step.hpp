#pragma once
// Correlated geometric Brownian motion in log-space. With x_k the log-return of
// asset k since the snapshot, the exact discretisation is
//   x_k(t + dt) = x_k(t) + (mu_k - sigma_k^2 / 2) dt + sigma_k sqrt(dt) sum_j L_kj z_j,
// L the Cholesky factor of the correlation matrix and z i.i.d. standard normals,
// so the step has no discretisation bias: only monitoring is discrete.

#include "kernels/common.hpp"
#include "kernels/rng/normal.hpp"

namespace levrisk {

constexpr int max_assets = 32;  // bound for per-path local arrays

struct gbm_view {
  int n_assets;
  const float* drift_dt;     // (mu - sigma^2 / 2) dt, per asset
  const float* vol_sqrt_dt;  // sigma sqrt(dt), per asset
  const float* cholesky;     // lower triangle, row-major n_assets x n_assets
};

LEVRISK_HD inline int gbm_blocks_per_step(int n_assets) { return (n_assets + 3) / 4; }

// Advances Lanes consecutive paths [first_path, first_path + Lanes) from step
// `step` to `step + 1`. The lane loops are where the CPU backend vectorizes; the
// GPU backend runs Lanes = 1, one path per thread.
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void gbm_step(const gbm_view& model, const normal_stream& stream,
                                             std::uint64_t first_path, int step,
                                             float (&log_return)[max_assets][Lanes]) {
  float z[max_assets + 3][Lanes];
  for (int block = 0; block < stream.blocks_per_step; ++block) {
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
    for (int lane = 0; lane < Lanes; ++lane) {
      const normal4 n = stream_normals(stream, first_path + lane, step, block);
      z[4 * block + 0][lane] = n.z0;
      z[4 * block + 1][lane] = n.z1;
      z[4 * block + 2][lane] = n.z2;
      z[4 * block + 3][lane] = n.z3;
    }
  }
  for (int k = 0; k < model.n_assets; ++k) {
    float correlated[Lanes];
    for (int lane = 0; lane < Lanes; ++lane) correlated[lane] = 0.0f;
    for (int j = 0; j <= k; ++j) {
      const float l_kj = model.cholesky[k * model.n_assets + j];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
      for (int lane = 0; lane < Lanes; ++lane) correlated[lane] += l_kj * z[j][lane];
    }
    const float drift = model.drift_dt[k];
    const float vol = model.vol_sqrt_dt[k];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
    for (int lane = 0; lane < Lanes; ++lane) {
      log_return[k][lane] += drift + vol * correlated[lane];
    }
  }
}

}  // namespace levrisk
