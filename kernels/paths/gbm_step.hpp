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

// The draws of four consecutive steps: 4 n normals, exactly n Philox blocks,
// so no draw is wasted whatever n is (one step of one asset would use only one
// normal of a block's four).
template <int Lanes>
struct gbm_draws {
  float z[4 * max_assets][Lanes];
};

// Draw k of step s is normal (s mod 4) n + k of the chunk s div 4, whose n
// blocks are blocks (s div 4) n ... (s div 4) n + n - 1 of the path's stream
// (kernels/rng/normal.hpp; stream.blocks_per_chunk = n).
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void gbm_generate_chunk(const normal_stream& stream,
                                                       std::uint64_t first_path, int chunk,
                                                       gbm_draws<Lanes>& draws) {
  for (int block = 0; block < stream.blocks_per_chunk; ++block) {
    // Fixed local rows keep the lane loop's stores simple enough to vectorize.
    float z0[Lanes], z1[Lanes], z2[Lanes], z3[Lanes];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
    for (int lane = 0; lane < Lanes; ++lane) {
      const normal4 n = stream_normals(stream, first_path + lane, chunk, block);
      z0[lane] = n.z0;
      z1[lane] = n.z1;
      z2[lane] = n.z2;
      z3[lane] = n.z3;
    }
    for (int lane = 0; lane < Lanes; ++lane) {
      draws.z[4 * block + 0][lane] = z0[lane];
      draws.z[4 * block + 1][lane] = z1[lane];
      draws.z[4 * block + 2][lane] = z2[lane];
      draws.z[4 * block + 3][lane] = z3[lane];
    }
  }
}

// Advances Lanes consecutive paths [first_path, first_path + Lanes) from step
// `step` to `step + 1`; steps must be taken in order from 0, since draws are
// generated every fourth step. The lane loops are where the CPU backend
// vectorizes; the GPU backend runs Lanes = 1, one path per thread.
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void gbm_step(const gbm_view& model, const normal_stream& stream,
                                             std::uint64_t first_path, int step,
                                             gbm_draws<Lanes>& draws,
                                             float (&log_return)[max_assets][Lanes]) {
  if (step % 4 == 0) gbm_generate_chunk<Lanes>(stream, first_path, step / 4, draws);
  const int base = (step % 4) * model.n_assets;
  for (int k = 0; k < model.n_assets; ++k) {
    float correlated[Lanes];
    for (int lane = 0; lane < Lanes; ++lane) correlated[lane] = 0.0f;
    for (int j = 0; j <= k; ++j) {
      const float l_kj = model.cholesky[k * model.n_assets + j];
      const float(&z)[Lanes] = draws.z[base + j];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
      for (int lane = 0; lane < Lanes; ++lane) correlated[lane] += l_kj * z[lane];
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
