#pragma once
// The diffusion's normals and their correlation, shared by the GBM, Merton and
// GARCH-t steps. A path draws D = normals_per_step normals per step in chunks of
// four steps: four steps of D draws are exactly D Philox blocks, so no draw is
// wasted whatever D is (a one-asset step would use one normal of a block's four).
// Normal d of step s is normal (s mod 4) D + d of chunk s div 4, whose blocks are
// (s div 4) D ... (s div 4) D + D - 1 of the path's subsequence.

#include "kernels/common.hpp"
#include "kernels/paths/market_state.hpp"
#include "kernels/rng/normal.hpp"

namespace levrisk {

// Generates the chunk of four steps starting at `step` (a multiple of four).
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void generate_chunk(const normal_stream& stream,
                                                   std::uint64_t first_path, int chunk,
                                                   market_state<Lanes, MaxAssets>& state) {
  for (int block = 0; block < stream.blocks_per_chunk; ++block) {
    // Fixed local rows keep the lane loop's stores simple enough to vectorize.
    float z0[Lanes], z1[Lanes], z2[Lanes], z3[Lanes];
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) {
      const normal4 n = stream_normals(stream, first_path + lane, chunk, block);
      z0[lane] = n.z0;
      z1[lane] = n.z1;
      z2[lane] = n.z2;
      z3[lane] = n.z3;
    }
    for (int lane = 0; lane < Lanes; ++lane) {
      state.z[4 * block + 0][lane] = z0[lane];
      state.z[4 * block + 1][lane] = z1[lane];
      state.z[4 * block + 2][lane] = z2[lane];
      state.z[4 * block + 3][lane] = z3[lane];
    }
  }
}

// The row of state.z where step `step`'s normals start, generating the chunk
// when the step opens one.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE int step_normals(const normal_stream& stream,
                                                std::uint64_t first_path, int step,
                                                market_state<Lanes, MaxAssets>& state) {
  if (step % 4 == 0) generate_chunk(stream, first_path, step / 4, state);
  return (step % 4) * stream.blocks_per_chunk;
}

// g_k = sum_{j <= k} L_kj z_j, the correlated normal of asset k (L the lower
// Cholesky factor, row-major n x n), from the step's normals at row normal_base.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void correlated_normal(const float* cholesky, int n, int k,
                                                      int normal_base,
                                                      const market_state<Lanes, MaxAssets>& state,
                                                      float (&correlated)[Lanes]) {
  for (int lane = 0; lane < Lanes; ++lane) correlated[lane] = 0.0f;
  for (int j = 0; j <= k; ++j) {
    const float l_kj = cholesky[k * n + j];
    const float(&z)[Lanes] = state.z[normal_base + j];
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) correlated[lane] += l_kj * z[lane];
  }
}

}  // namespace levrisk
