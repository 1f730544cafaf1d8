#pragma once
// One step of the market model for a block of paths, in log-space. With x_k the
// log-return of asset k since the snapshot:
//   x_k(t + dt) = x_k(t) + drift_dt_k + vol_sqrt_dt_k sum_j L_kj z_j [+ J_k]
// L the Cholesky factor of the correlation matrix, z i.i.d. standard normals.
// Without jumps this is correlated GBM, discretised exactly (drift_dt =
// (mu - sigma^2 / 2) dt): only monitoring is discrete. With jumps it is Merton's
// jump-diffusion with a systemic component (kernels/paths/jump_step.hpp).

#include "kernels/common.hpp"
#include "kernels/paths/jump_step.hpp"
#include "kernels/rng/normal.hpp"

namespace levrisk {

constexpr int max_assets = 32;  // bound for per-path local arrays

struct gbm_view {
  int n_assets;
  const float* drift_dt;     // per asset, compensated for jumps when there are any
  const float* vol_sqrt_dt;  // sigma sqrt(dt), per asset
  const float* cholesky;     // lower triangle, row-major n_assets x n_assets
};

struct market_view {
  gbm_view diffusion;
  jump_view jumps;
};

// Normals per step: n diffusion draws; with jumps also n idiosyncratic jump
// sizes and one systemic. Uniforms per step: with jumps, n + 1 jump counts.
LEVRISK_HD LEVRISK_FORCEINLINE int normals_per_step(const market_view& m) {
  return m.jumps.enabled ? 2 * m.diffusion.n_assets + 1 : m.diffusion.n_assets;
}
LEVRISK_HD LEVRISK_FORCEINLINE int uniforms_per_step(const market_view& m) {
  return m.jumps.enabled ? m.diffusion.n_assets + 1 : 0;
}

// Uniforms come from their own half of the block-index space, so that no
// uniform shares a Philox word with a normal.
constexpr std::uint64_t uniform_block_base = 1ull << 62;

// The draws of four consecutive steps: four steps of D draws are exactly D
// Philox blocks, so no draw is wasted whatever D is (a one-asset step would use
// only one normal of a block's four).
template <int Lanes>
struct step_draws {
  float z[4 * (2 * max_assets + 1)][Lanes];
  float u[4 * (max_assets + 1)][Lanes];
};

// Normal d of step s is normal (s mod 4) D + d of chunk s div 4, whose D blocks
// are blocks (s div 4) D ... (s div 4) D + D - 1 of the path's subsequence
// (stream.blocks_per_chunk = D = normals_per_step). Uniforms likewise from
// uniform_block_base + (s div 4) U + b, U = uniforms_per_step.
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void generate_chunk(const market_view& m,
                                                   const normal_stream& stream,
                                                   std::uint64_t first_path, int chunk,
                                                   step_draws<Lanes>& draws) {
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
  const int uniform_blocks = uniforms_per_step(m);
  for (int block = 0; block < uniform_blocks; ++block) {
    float u0[Lanes], u1[Lanes], u2[Lanes], u3[Lanes];
    const std::uint64_t block_index = uniform_block_base +
                                      static_cast<std::uint64_t>(chunk) * uniform_blocks +
                                      static_cast<std::uint64_t>(block);
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
    for (int lane = 0; lane < Lanes; ++lane) {
      const u32x4 w = philox_block(stream.seed, first_path + lane, block_index);
      u0[lane] = uniform_open_closed(w.x);
      u1[lane] = uniform_open_closed(w.y);
      u2[lane] = uniform_open_closed(w.z);
      u3[lane] = uniform_open_closed(w.w);
    }
    for (int lane = 0; lane < Lanes; ++lane) {
      draws.u[4 * block + 0][lane] = u0[lane];
      draws.u[4 * block + 1][lane] = u1[lane];
      draws.u[4 * block + 2][lane] = u2[lane];
      draws.u[4 * block + 3][lane] = u3[lane];
    }
  }
}

// Advances Lanes consecutive paths [first_path, first_path + Lanes) from step
// `step` to `step + 1`; steps must be taken in order from 0, since draws are
// generated every fourth step. The lane loops are where the CPU backend
// vectorizes; the GPU backend runs Lanes = 1, one path per thread.
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void market_step(const market_view& m, const normal_stream& stream,
                                                std::uint64_t first_path, int step,
                                                step_draws<Lanes>& draws,
                                                float (&log_return)[max_assets][Lanes]) {
  if (step % 4 == 0) generate_chunk<Lanes>(m, stream, first_path, step / 4, draws);
  const gbm_view& model = m.diffusion;
  const int n = model.n_assets;
  const int normal_base = (step % 4) * normals_per_step(m);
  const int uniform_base = (step % 4) * uniforms_per_step(m);
  float systemic[Lanes];
  if (m.jumps.enabled) {
    const float(&u)[Lanes] = draws.u[uniform_base + n];
    const float(&z)[Lanes] = draws.z[normal_base + 2 * n];
    for (int lane = 0; lane < Lanes; ++lane) {
      systemic[lane] = compound_jump(jump_count(m.jumps.count_cdf + n * jump_count_terms, u[lane]),
                                     m.jumps.systemic_mean, m.jumps.systemic_stdev, z[lane]);
    }
  }
  for (int k = 0; k < n; ++k) {
    float correlated[Lanes];
    for (int lane = 0; lane < Lanes; ++lane) correlated[lane] = 0.0f;
    for (int j = 0; j <= k; ++j) {
      const float l_kj = model.cholesky[k * n + j];
      const float(&z)[Lanes] = draws.z[normal_base + j];
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
    if (m.jumps.enabled) {
      const float* cdf = m.jumps.count_cdf + k * jump_count_terms;
      const float(&u)[Lanes] = draws.u[uniform_base + k];
      const float(&z)[Lanes] = draws.z[normal_base + n + k];
      const float mean = m.jumps.mean[k], stdev = m.jumps.stdev[k];
      const float loading = m.jumps.systemic_loading[k];
      for (int lane = 0; lane < Lanes; ++lane) {
        log_return[k][lane] += compound_jump(jump_count(cdf, u[lane]), mean, stdev, z[lane]) +
                               loading * systemic[lane];
      }
    }
  }
}

}  // namespace levrisk
