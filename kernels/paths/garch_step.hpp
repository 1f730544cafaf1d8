#pragma once
// GARCH(1,1) with standardized Student-t innovations (Bollerslev 1986, 1987),
// per asset, one step per period of the parameters:
//   r = sqrt(h) eps,   h' = omega + alpha r^2 + beta h,
//   eps_k = g_k s_k(zeta),
// with g = L z correlated standard normals and zeta one more normal of the
// path-step, shared by all assets: s_k(zeta) = sqrt((nu_k - 2) / W_k) with
// W_k the chi^2(nu_k) quantile at Phi(zeta), a grouped t (models/t_mixing.hpp).
// Each eps_k is a unit-variance t(nu_k); the mixing scales the correlation of
// eps by E[s_j s_k], which models/garch.hpp divides out of the normals'
// correlation beforehand. s_k is read from a table of cubic pieces in zeta.

#include "kernels/common.hpp"
#include "kernels/paths/gbm_step.hpp"
#include "kernels/paths/innovations.hpp"
#include "kernels/paths/market_state.hpp"

namespace levrisk {

struct garch_view {
  const float* omega;  // per period
  const float* alpha;
  const float* beta;
  const float* variance_now;  // h at the snapshot, per period
  // Mixing tables: `intervals` cubic pieces on the grid
  // zeta = z_min + (i + t) / intervals_per_unit, stored [interval][coefficient][asset]
  // so that one lane reads the pieces of all assets at its zeta contiguously.
  const float* mixing;
  float mixing_z_min;
  float mixing_intervals_per_unit;
  int mixing_intervals;
};

struct mixing_point {
  int interval;
  float local;  // in [0, 1)
};

// Where zeta falls on the mixing grid; shared by every asset of the step.
LEVRISK_HD LEVRISK_FORCEINLINE mixing_point locate_mixing(const garch_view& g, float zeta) {
  const float x = (zeta - g.mixing_z_min) * g.mixing_intervals_per_unit;
  int interval = static_cast<int>(std::floor(x));
  interval = interval < 0 ? 0 : interval;
  interval = interval >= g.mixing_intervals ? g.mixing_intervals - 1 : interval;
  return mixing_point{interval, x - static_cast<float>(interval)};
}

// One asset of one path over one period: r = sqrt(h) eps moves the log-price
// by drift - h / 2 + r (-h / 2: exact for normal innovations, E[e^r] = e^{h/2});
// returns the next period's variance omega + alpha r^2 + beta h.
LEVRISK_HD LEVRISK_FORCEINLINE float garch_advance(float& log_return, float h, float eps,
                                                   float drift, float omega, float alpha,
                                                   float beta) {
  const float r = std::sqrt(h) * eps;
  log_return += drift - 0.5f * h + r;
  return omega + alpha * r * r + beta * h;
}

// Asset k of Lanes paths over one period, innovations eps: garch_advance per lane.
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void garch_advance_lanes(const garch_view& g, int k, float drift,
                                                        const float (&eps)[Lanes],
                                                        float (&variance)[Lanes],
                                                        float (&log_return)[Lanes]) {
  const float omega = g.omega[k], alpha = g.alpha[k], beta = g.beta[k];
  LEVRISK_SIMD
  for (int lane = 0; lane < Lanes; ++lane) {
    variance[lane] =
        garch_advance(log_return[lane], variance[lane], eps[lane], drift, omega, alpha, beta);
  }
}

// s_k(zeta) of asset k, from the pieces of zeta's interval (pieces = mixing +
// interval * 4 * n_assets): c0 + t (c1 + t (c2 + t c3)).
LEVRISK_HD LEVRISK_FORCEINLINE float mixing_scale(const float* pieces, int n_assets, int k,
                                                  float local) {
  return pieces[k] + local * (pieces[n_assets + k] + local * (pieces[2 * n_assets + k] +
                                                              local * pieces[3 * n_assets + k]));
}

// Every asset's mixing scale s_k(zeta) of the step into state.mixing. The same
// expression in either loop order; the order decides which loads vectorize:
// with several assets, each lane's pieces are contiguous across assets; with
// few, lanes gather.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void mixing_scales(const garch_view& g, int n,
                                                  const float (&zeta)[Lanes],
                                                  market_state<Lanes, MaxAssets>& state) {
  int interval[Lanes];
  float local[Lanes];
  LEVRISK_SIMD
  for (int lane = 0; lane < Lanes; ++lane) {
    const mixing_point p = locate_mixing(g, zeta[lane]);
    interval[lane] = p.interval * 4 * n;
    local[lane] = p.local;
  }
  if (n >= 4) {
    for (int lane = 0; lane < Lanes; ++lane) {
      LEVRISK_SIMD
      for (int k = 0; k < n; ++k) {
        state.mixing[k][lane] = mixing_scale(g.mixing + interval[lane], n, k, local[lane]);
      }
    }
  } else {
    for (int k = 0; k < n; ++k) {
      LEVRISK_SIMD
      for (int lane = 0; lane < Lanes; ++lane) {
        state.mixing[k][lane] = mixing_scale(g.mixing + interval[lane], n, k, local[lane]);
      }
    }
  }
}

// Lanes paths from `step` to `step + 1` under GARCH(1,1)-t: normals n_assets
// diffusion draws, then the shared mixing normal zeta. model holds mu dt and
// the Cholesky factor of the normals' (mixing-adjusted) correlation.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void garch_t_step(const gbm_view& model, const garch_view& g,
                                                 const normal_stream& stream,
                                                 std::uint64_t first_path, int step,
                                                 market_state<Lanes, MaxAssets>& state) {
  const int n = model.n_assets;
  const int normal_base = step_normals(stream, first_path, step, state);
  mixing_scales(g, n, state.z[normal_base + n], state);
  for (int k = 0; k < n; ++k) {
    float correlated[Lanes];
    correlated_normal(model.cholesky, n, k, normal_base, state, correlated);
    float eps[Lanes];
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) eps[lane] = correlated[lane] * state.mixing[k][lane];
    garch_advance_lanes<Lanes>(g, k, model.drift_dt[k], eps, state.variance[k],
                               state.log_return[k]);
  }
}

}  // namespace levrisk
