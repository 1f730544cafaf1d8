#pragma once
// One step of the market model for a block of paths, in log-space. With x_k the
// log-return of asset k since the snapshot:
//   x_k(t + dt) = x_k(t) + drift_dt_k + vol_sqrt_dt_k sum_j L_kj z_j [+ J_k]
// L the Cholesky factor of the correlation matrix, z i.i.d. standard normals.
// Without jumps this is correlated GBM, discretised exactly (drift_dt =
// (mu - sigma^2 / 2) dt): only monitoring is discrete. With jumps it is Merton's
// jump-diffusion with a systemic component (kernels/paths/jump_step.hpp).

#include "kernels/common.hpp"
#include "kernels/paths/garch_step.hpp"
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

// Filtered historical simulation: each step takes one date's standardized
// residuals for every asset (the cross-section stays whole) and rescales them by
// today's volatility: x_k += drift_dt_k + vol_sqrt_dt_k eps_{d,k}; or, with the
// garch view enabled, by the filter's variance carried along the path
// (garch_advance with eps_{d,k}). Dates are drawn in blocks of block_length
// consecutive dates (a block bootstrap, which keeps short-range volatility
// clustering), wrapping at the end of the table.
struct fhs_view {
  int enabled;
  const float* residual;  // [date * n_assets + k]
  int n_dates;
  int block_length;
};

struct market_view {
  gbm_view diffusion;  // fhs: drift_dt and vol_sqrt_dt only; garch: mu dt and L
  jump_view jumps;
  fhs_view history;
  garch_view garch;
};

// Normals per step: n diffusion draws, then for GARCH the shared mixing normal
// zeta (kernels/paths/garch_step.hpp). Jumps draw from their own blocks, only
// where a slot jumps (kernels/paths/jump_step.hpp).
LEVRISK_HD LEVRISK_FORCEINLINE int normals_per_step(const market_view& m) {
  return m.history.enabled ? 0 : m.diffusion.n_assets + (m.garch.enabled ? 1 : 0);
}

// Block-index regions: normals from 0; jumps from 2^62 (first waits) and 2^63
// (kernels/paths/jump_step.hpp); bootstrap blocks from 3 2^62: the start date of
// a block beginning at step s is word x of block history_block_base + s, mapped
// to [0, n_dates) by a 64-bit multiply-high.
constexpr std::uint64_t history_block_base = 3ull << 62;

// The jump of one slot for Lanes paths: a compare per lane finds the lanes
// whose next jump is this step (most steps have none); only those draw.
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void slot_jumps(const jump_view& jumps, const normal_stream& stream,
                                               std::uint64_t first_path, int step, int n_assets,
                                               int slot, float mean, float stdev,
                                               int (&next_step)[Lanes], float (&jump)[Lanes]) {
  int any = 0;
#if !defined(__CUDA_ARCH__)
#pragma omp simd reduction(| : any)
#endif
  for (int lane = 0; lane < Lanes; ++lane) {
    jump[lane] = 0.0f;
    any |= next_step[lane] == step ? 1 : 0;
  }
  if (any == 0) return;
  for (int lane = 0; lane < Lanes; ++lane) {
    if (next_step[lane] != step) continue;
    const jump_event e =
        draw_jump(jumps, stream.seed, first_path + lane, step, n_assets, slot, mean, stdev);
    jump[lane] = e.log_jump;
    next_step[lane] = e.next_step;
  }
}

// The draws of four consecutive steps: four steps of D draws are exactly D
// Philox blocks, so no draw is wasted whatever D is (a one-asset step would use
// only one normal of a block's four).
template <int Lanes>
struct step_draws {
  float z[4 * (max_assets + 1)][Lanes];
  int next_jump[max_assets + 1][Lanes];  // jumps: each slot's next jump step
  int date[Lanes] = {};  // filtered historical simulation: the date of the current step
  float variance[max_assets][Lanes];  // GARCH: conditional variance of the next return
};

// Normal d of step s is normal (s mod 4) D + d of chunk s div 4, whose D blocks
// are blocks (s div 4) D ... (s div 4) D + D - 1 of the path's subsequence
// (stream.blocks_per_chunk = D = normals_per_step).
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void generate_chunk(const normal_stream& stream,
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
  const gbm_view& model = m.diffusion;
  const int n = model.n_assets;
  if (m.garch.enabled && step == 0) {
    for (int k = 0; k < n; ++k) {
      for (int lane = 0; lane < Lanes; ++lane) draws.variance[k][lane] = m.garch.variance_now[k];
    }
  }
  if (m.jumps.enabled && step == 0) {
    for (int slot = 0; slot <= n; ++slot) {
      for (int lane = 0; lane < Lanes; ++lane) {
        draws.next_jump[slot][lane] =
            first_jump_step(stream.seed, first_path + lane, slot, m.jumps.rate[slot]);
      }
    }
  }
  if (m.history.enabled) {
    const fhs_view& h = m.history;
    if (step % h.block_length == 0) {
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
      for (int lane = 0; lane < Lanes; ++lane) {
        const std::uint32_t word =
            philox_block(stream.seed, first_path + lane, history_block_base + step).x;
        draws.date[lane] = static_cast<int>((static_cast<std::uint64_t>(word) * h.n_dates) >> 32);
      }
    } else {
      for (int lane = 0; lane < Lanes; ++lane) {
        draws.date[lane] = draws.date[lane] + 1 == h.n_dates ? 0 : draws.date[lane] + 1;
      }
    }
    for (int k = 0; k < n; ++k) {
      const float drift = model.drift_dt[k];
      if (m.garch.enabled) {  // the filter's variance recursion along the path
        float eps[Lanes];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
        for (int lane = 0; lane < Lanes; ++lane) eps[lane] = h.residual[draws.date[lane] * n + k];
        garch_advance_lanes<Lanes>(m.garch, k, drift, eps, draws.variance[k], log_return[k]);
        continue;
      }
      const float vol = model.vol_sqrt_dt[k];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
      for (int lane = 0; lane < Lanes; ++lane) {
        log_return[k][lane] += drift + vol * h.residual[draws.date[lane] * n + k];
      }
    }
    return;
  }
  if (step % 4 == 0) generate_chunk<Lanes>(stream, first_path, step / 4, draws);
  const int normal_base = (step % 4) * normals_per_step(m);
  float systemic[Lanes] = {};
  // GARCH: every asset's mixing scale s_k(zeta) of the step.
  float mixing[max_assets][Lanes];
  if (m.garch.enabled) {
    const float(&zeta)[Lanes] = draws.z[normal_base + n];
    int interval[Lanes];
    float local[Lanes];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
    for (int lane = 0; lane < Lanes; ++lane) {
      const mixing_point p = locate_mixing(m.garch, zeta[lane]);
      interval[lane] = p.interval * 4 * n;
      local[lane] = p.local;
    }
    // The same expression in either loop order; the order decides which loads
    // vectorize: with several assets, each lane's pieces are contiguous across
    // assets; with few, lanes gather.
    if (n >= 4) {
      for (int lane = 0; lane < Lanes; ++lane) {
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
        for (int k = 0; k < n; ++k) {
          mixing[k][lane] = mixing_scale(m.garch.mixing + interval[lane], n, k, local[lane]);
        }
      }
    } else {
      for (int k = 0; k < n; ++k) {
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
        for (int lane = 0; lane < Lanes; ++lane) {
          mixing[k][lane] = mixing_scale(m.garch.mixing + interval[lane], n, k, local[lane]);
        }
      }
    }
  }
  if (m.jumps.enabled) {
    slot_jumps<Lanes>(m.jumps, stream, first_path, step, n, n, m.jumps.systemic_mean,
                      m.jumps.systemic_stdev, draws.next_jump[n], systemic);
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
    if (m.garch.enabled) {
      float eps[Lanes];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
      for (int lane = 0; lane < Lanes; ++lane) eps[lane] = correlated[lane] * mixing[k][lane];
      garch_advance_lanes<Lanes>(m.garch, k, drift, eps, draws.variance[k], log_return[k]);
      continue;
    }
    const float vol = model.vol_sqrt_dt[k];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
    for (int lane = 0; lane < Lanes; ++lane) {
      log_return[k][lane] += drift + vol * correlated[lane];
    }
    if (m.jumps.enabled) {
      float jump[Lanes];
      slot_jumps<Lanes>(m.jumps, stream, first_path, step, n, k, m.jumps.mean[k], m.jumps.stdev[k],
                        draws.next_jump[k], jump);
      const float loading = m.jumps.systemic_loading[k];
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
      for (int lane = 0; lane < Lanes; ++lane) {
        log_return[k][lane] += jump[lane] + loading * systemic[lane];
      }
    }
  }
}

}  // namespace levrisk
