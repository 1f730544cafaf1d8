#pragma once
// GARCH(1,1) with standardized Student-t innovations (Bollerslev 1986, 1987),
// per asset, per period of the parameters:
//   r = sqrt(h) eps,   h' = omega + alpha r^2 + beta h,
//   eps_k = g_k s_k(zeta),
// with g = L z correlated standard normals and zeta one more normal of the
// path-step, shared by all assets: s_k(zeta) = sqrt((nu_k - 2) / W_k) with
// W_k the chi^2(nu_k) quantile at Phi(zeta), a grouped t (models/t_mixing.hpp).
// Each eps_k is a unit-variance t(nu_k); the mixing scales the correlation of
// eps by E[s_j s_k], which models/garch.hpp divides out of the normals'
// correlation beforehand. s_k is read from a table of cubic pieces in zeta.
//
// Monitoring m times per period (the run's step = period / m, m = substeps):
// sub-step i of a period moves the log-price by (drift - h / 2) / m + r_i with
//   r_i = sqrt(h / m) g_{k,i} s_k(zeta),
// g_{k,i} the step's correlated normals and zeta the period's (drawn at its
// first sub-step; the later sub-steps' zeta are unused). Given h and zeta the
// r_i are iid normal, so sum_i r_i = sqrt(h) s_k(zeta) Z, Z ~ N(0, 1): the
// period's return is exactly the GARCH-t innovation of one period, and h
// advances once per period with it (docs/methodology.md). m = 1 is the
// period step above, bit for bit.

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
  int substeps;            // m: steps per period; 1 for the FHS filter
  float substep_fraction;  // 1 / m
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

// One asset of one path over sub-step i of m (fraction = 1 / m): r_i =
// sqrt(h / m) eps moves the log-price by (drift - h / 2) / m + r_i (drift is
// already per sub-step) and adds to the period's shock sum_i r_i.
LEVRISK_HD LEVRISK_FORCEINLINE void garch_substep_advance(float& log_return, float& period_shock,
                                                          float h, float eps, float drift,
                                                          float fraction) {
  const float r = std::sqrt(h * fraction) * eps;
  log_return += drift - 0.5f * h * fraction + r;
  period_shock += r;
}

// Asset k of Lanes paths at the end of a period: h' = omega + alpha R^2 +
// beta h with R the period's summed shock, which restarts at 0.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void garch_close_period(const garch_view& g, int k,
                                                       market_state<Lanes, MaxAssets>& state) {
  const float omega = g.omega[k], alpha = g.alpha[k], beta = g.beta[k];
  LEVRISK_SIMD
  for (int lane = 0; lane < Lanes; ++lane) {
    const float shock = state.period_shock[k][lane];
    state.variance[k][lane] = omega + alpha * shock * shock + beta * state.variance[k][lane];
    state.period_shock[k][lane] = 0.0f;
  }
}

// Lanes paths over sub-step `step mod m` of a period (m = g.substeps > 1): the
// period's first sub-step draws the mixing, its last advances the variance.
template <int Lanes, int MaxAssets>
LEVRISK_HD LEVRISK_FORCEINLINE void garch_t_substep(const gbm_view& model, const garch_view& g,
                                                    const normal_stream& stream,
                                                    std::uint64_t first_path, int step,
                                                    market_state<Lanes, MaxAssets>& state) {
  const int n = model.n_assets;
  const int normal_base = step_normals(stream, first_path, step, state);
  const int substep = step % g.substeps;
  if (substep == 0) mixing_scales(g, n, state.z[normal_base + n], state);
  for (int k = 0; k < n; ++k) {
    float correlated[Lanes];
    correlated_normal(model.cholesky, n, k, normal_base, state, correlated);
    const float drift = model.drift_dt[k];
    LEVRISK_SIMD
    for (int lane = 0; lane < Lanes; ++lane) {
      garch_substep_advance(state.log_return[k][lane], state.period_shock[k][lane],
                            state.variance[k][lane], correlated[lane] * state.mixing[k][lane],
                            drift, g.substep_fraction);
    }
    if (substep == g.substeps - 1) garch_close_period(g, k, state);
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
  if (g.substeps > 1) {
    garch_t_substep(model, g, stream, first_path, step, state);
    return;
  }
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
