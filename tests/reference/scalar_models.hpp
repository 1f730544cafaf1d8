#pragma once
// Plain twins of the engine's other market models, for the engine tests:
// Merton jump-diffusion with a systemic jump, GARCH(1,1) with grouped-t
// innovations, and filtered historical simulation. Each is written from the
// model's definition (models/merton.hpp, models/garch.hpp, models/t_mixing.hpp,
// models/fhs.hpp) in double precision with its own generator (std::mt19937_64
// and the standard library's distributions): no Philox stream, no tables of
// precomputed steps, no geometric waiting times between jumps, no mixing table.
// So the engine and the twin agree only in distribution, and the tests compare
// liquidation probabilities within Monte Carlo error.
//
// Every unit is evaluated at every monitoring step by health_factors
// (tests/reference/scalar_engine.hpp).

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "host/snapshot/snapshot.hpp"
#include "models/incomplete_gamma.hpp"
#include "tests/reference/scalar_engine.hpp"

namespace levrisk::reference {

// L with L L^T = a for a symmetric positive-definite n x n matrix, row-major
// (Cholesky-Banachiewicz, row by row).
inline std::vector<double> cholesky_factor(const std::vector<double>& a, int n) {
  std::vector<double> l(static_cast<std::size_t>(n) * n, 0.0);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j) {
      double sum = a[i * n + j];
      for (int k = 0; k < j; ++k) sum -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i == j ? std::sqrt(sum) : sum / l[j * n + j];
    }
  }
  return l;
}

// A Poisson(mean) count; 0 for mean 0, which std::poisson_distribution excludes.
inline int poisson_count(double mean, std::mt19937_64& rng) {
  return mean > 0.0 ? std::poisson_distribution<int>(mean)(rng) : 0;
}

inline std::vector<double> correlated_normals(const std::vector<double>& l, int n,
                                              std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<double> z(n), g(n, 0.0);
  for (double& v : z) v = normal(rng);
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j <= k; ++j) g[k] += l[k * n + j] * z[j];
  }
  return g;
}

// Runs `paths` paths of `model` through the snapshot's units: first step with
// HF < 1 among steps 0 .. steps, log-returns x_k since the snapshot. Model has
//   void start_path(std::mt19937_64&)
//   void advance(std::mt19937_64&, std::vector<double>& x)   (one step)
template <class Model>
std::vector<unit_outcome> simulate_model(const snapshot& snap, Model& model, std::uint64_t seed,
                                         std::int64_t paths, int steps) {
  const std::size_t n = snap.assets.size();
  std::vector<double> spot(n);
  for (std::size_t k = 0; k < n; ++k) spot[k] = snap.assets[k].spot_usd;
  std::vector<unit_outcome> outcome(health_factors(snap, spot).size());
  std::mt19937_64 rng(seed);
  for (std::int64_t path = 0; path < paths; ++path) {
    std::vector<double> x(n, 0.0), price = spot;
    std::vector<bool> done(outcome.size(), false);
    model.start_path(rng);
    for (int step = 0; step <= steps; ++step) {
      if (step > 0) {
        model.advance(rng, x);
        for (std::size_t k = 0; k < n; ++k) price[k] = spot[k] * std::exp(x[k]);
      }
      const std::vector<double> hf = health_factors(snap, price);
      for (std::size_t u = 0; u < hf.size(); ++u) {
        if (!done[u] && hf[u] < 1.0) {
          done[u] = true;
          outcome[u].liquidated_paths += 1;
          outcome[u].step_sum += step;
        }
      }
    }
  }
  return outcome;
}

// Merton (1976) with a systemic jump, per step of dt years:
//   x_k += (mu_k - sigma_k^2 / 2 - lambda_k kappa_k - lambda_s kappa_sk) dt
//          + sigma_k sqrt(dt) (L z)_k + sum_{i <= N_k} Y_ki + beta_k sum_{i <= N_s} Y_si,
// N_k ~ Poisson(lambda_k dt), Y_k ~ N(m_k, s_k^2), N_s ~ Poisson(lambda_s dt),
// Y_s ~ N(m_s, s_s^2), and the compensators kappa_k = E[e^{Y_k}] - 1 =
// e^{m_k + s_k^2 / 2} - 1, kappa_sk = E[e^{beta_k Y_s}] - 1 = e^{beta_k m_s +
// beta_k^2 s_s^2 / 2} - 1, which keep E[S_T] = S_0 e^{mu T}. Each jump is drawn
// on its own.
struct merton_asset {
  double drift_annual, diffusion_vol_annual;
  double jump_intensity_annual, jump_mean, jump_stdev, systemic_loading;
};

class merton_paths {
 public:
  merton_paths(std::vector<merton_asset> assets, const std::vector<double>& correlation,
               double systemic_intensity_annual, double systemic_mean, double systemic_stdev,
               double dt_years)
      : assets_(std::move(assets)),
        n_(static_cast<int>(assets_.size())),
        l_(cholesky_factor(correlation, n_)),
        dt_(dt_years),
        systemic_rate_(systemic_intensity_annual * dt_years),
        systemic_size_(systemic_mean, systemic_stdev) {
    for (const merton_asset& a : assets_) {
      const double kappa = std::exp(a.jump_mean + 0.5 * a.jump_stdev * a.jump_stdev) - 1.0;
      const double beta = a.systemic_loading;
      const double kappa_s =
          std::exp(beta * systemic_mean + 0.5 * beta * beta * systemic_stdev * systemic_stdev) -
          1.0;
      drift_dt_.push_back((a.drift_annual - 0.5 * a.diffusion_vol_annual * a.diffusion_vol_annual -
                           a.jump_intensity_annual * kappa - systemic_intensity_annual * kappa_s) *
                          dt_);
      rate_.push_back(a.jump_intensity_annual * dt_);
      size_.emplace_back(a.jump_mean, a.jump_stdev);
    }
  }

  void start_path(std::mt19937_64&) {}

  void advance(std::mt19937_64& rng, std::vector<double>& x) {
    const std::vector<double> g = correlated_normals(l_, n_, rng);
    double systemic = 0.0;
    for (int i = poisson_count(systemic_rate_, rng); i > 0; --i) {
      systemic += systemic_size_(rng);
    }
    for (int k = 0; k < n_; ++k) {
      double jumps = 0.0;
      for (int i = poisson_count(rate_[k], rng); i > 0; --i) jumps += size_[k](rng);
      x[k] += drift_dt_[k] + assets_[k].diffusion_vol_annual * std::sqrt(dt_) * g[k] + jumps +
              assets_[k].systemic_loading * systemic;
    }
  }

 private:
  std::vector<merton_asset> assets_;
  int n_;
  std::vector<double> l_;
  double dt_;
  std::vector<double> drift_dt_;
  std::vector<double> rate_;  // expected jumps per step
  std::vector<std::normal_distribution<double>> size_;
  double systemic_rate_;
  std::normal_distribution<double> systemic_size_;
};

// The chi^2(nu) quantile at Phi(zeta), from whichever tail of the regularized
// incomplete gamma function resolves it: chi^2(nu) = 2 Gamma(nu / 2).
inline double chi_square_quantile_at_normal(double nu, double zeta) {
  if (zeta <= 0.0) return 2.0 * gamma_p_inverse(0.5 * nu, 0.5 * std::erfc(-zeta / std::sqrt(2.0)));
  return 2.0 * gamma_q_inverse(0.5 * nu, 0.5 * std::erfc(zeta / std::sqrt(2.0)));
}

// s(zeta) = sqrt((nu - 2) / W), W = chi^2(nu) quantile at Phi(zeta): the
// grouped-t scale of models/t_mixing.hpp.
inline double grouped_t_scale(double nu, double zeta) {
  return std::sqrt((nu - 2.0) / chi_square_quantile_at_normal(nu, zeta));
}

// E[s_a(zeta) s_b(zeta)] for zeta ~ N(0, 1), by the trapezoidal rule on
// [-9, 9] in steps of 1/512 (the normal density beyond is below 1e-17, and the
// integrand is smooth). Equal to 1 for nu_a = nu_b: E[(nu - 2) / W] = 1.
inline double grouped_t_cross_moment(double nu_a, double nu_b) {
  const double h = 1.0 / 512.0;
  double sum = 0.0;
  for (int i = -9 * 512; i <= 9 * 512; ++i) {
    const double zeta = i * h;
    const double weight = (i == -9 * 512 || i == 9 * 512) ? 0.5 : 1.0;
    sum += weight * std::exp(-0.5 * zeta * zeta) * grouped_t_scale(nu_a, zeta) *
           grouped_t_scale(nu_b, zeta);
  }
  return sum * h / std::sqrt(2.0 * M_PI);
}

// GARCH(1,1)-t (Bollerslev 1986, 1987), m = substeps monitoring steps per
// period of the parameters:
//   eps_k = (L z)_k s_k(zeta),  r_k = sqrt(h_k / m) eps_k,
//   x_k += mu_k dt - h_k / (2 m) + r_k  at every step,
//   h_k' = omega_k + alpha_k R_k^2 + beta_k h_k  at the period's end, R_k the
//   sum of its m shocks r_k,
// fresh z every step, one zeta ~ N(0, 1) per path-period shared by all assets
// (drawn at the period's first step), and L the factor of the normals'
// correlation rho_jk / E[s_j s_k], so that the eps have correlation rho.
// Constant assets (pegged) do not move.
struct garch_asset {
  bool constant;
  double drift_annual;
  double omega, alpha, beta, nu, variance_now;  // per period
};

class garch_paths {
 public:
  garch_paths(std::vector<garch_asset> assets, const std::vector<double>& correlation,
              double dt_years, int substeps = 1)
      : assets_(std::move(assets)),
        n_(static_cast<int>(assets_.size())),
        dt_(dt_years),
        substeps_(substeps) {
    std::vector<double> normal_correlation = correlation;
    for (int j = 0; j < n_; ++j) {
      for (int k = 0; k < n_; ++k) {
        if (j == k || assets_[j].constant || assets_[k].constant) continue;
        normal_correlation[j * n_ + k] /= grouped_t_cross_moment(assets_[j].nu, assets_[k].nu);
      }
    }
    l_ = cholesky_factor(normal_correlation, n_);
    variance_.resize(n_);
    shock_.resize(n_);
    scale_.resize(n_);
  }

  void start_path(std::mt19937_64&) {
    for (int k = 0; k < n_; ++k) variance_[k] = assets_[k].variance_now;
    substep_ = 0;
  }

  void advance(std::mt19937_64& rng, std::vector<double>& x) {
    if (substep_ == 0) start_period(rng);
    const std::vector<double> g = correlated_normals(l_, n_, rng);
    const double m = substeps_;
    for (int k = 0; k < n_; ++k) {
      const garch_asset& a = assets_[k];
      if (a.constant) continue;
      const double r = std::sqrt(variance_[k] / m) * g[k] * scale_[k];
      x[k] += a.drift_annual * dt_ - 0.5 * variance_[k] / m + r;
      shock_[k] += r;
    }
    if (++substep_ < substeps_) return;
    for (int k = 0; k < n_; ++k) {
      const garch_asset& a = assets_[k];
      variance_[k] = a.omega + a.alpha * shock_[k] * shock_[k] + a.beta * variance_[k];
    }
    substep_ = 0;
  }

 private:
  void start_period(std::mt19937_64& rng) {
    const double zeta = std::normal_distribution<double>()(rng);
    double scale_nu = 0.0, scale = 0.0;  // the quantile is the slow part: once per nu
    for (int k = 0; k < n_; ++k) {
      shock_[k] = 0.0;
      const garch_asset& a = assets_[k];
      if (a.constant) continue;
      if (a.nu != scale_nu) {
        scale_nu = a.nu;
        scale = grouped_t_scale(a.nu, zeta);
      }
      scale_[k] = scale;
    }
  }

  std::vector<garch_asset> assets_;
  int n_;
  double dt_;
  int substeps_;
  int substep_ = 0;
  std::vector<double> l_;
  std::vector<double> variance_, shock_, scale_;
};

// Filtered historical simulation (Barone-Adesi, Giannopoulos & Vosper 1999)
// with today's volatility: each step takes one date's standardized residuals
// for every asset and rescales them,
//   x_k += (mu_k - v_k^2 / 2) dt + v_k sqrt(dt) eps_{d,k},
// v_k today's conditional volatility (annual). Dates come in blocks of
// block_length consecutive dates, each block starting at a date drawn
// uniformly, wrapping past the last date to the first.
class fhs_paths {
 public:
  fhs_paths(std::vector<float> residual, int n_dates, std::vector<double> vol_now_annual,
            std::vector<double> drift_annual, int block_length, double dt_years)
      : residual_(std::move(residual)),
        n_dates_(n_dates),
        vol_(std::move(vol_now_annual)),
        drift_(std::move(drift_annual)),
        block_length_(block_length),
        dt_(dt_years),
        start_date_(0, n_dates - 1) {}

  void start_path(std::mt19937_64&) { step_ = 0; }

  void advance(std::mt19937_64& rng, std::vector<double>& x) {
    date_ = step_ % block_length_ == 0 ? start_date_(rng) : (date_ + 1) % n_dates_;
    ++step_;
    const std::size_t n = vol_.size();
    for (std::size_t k = 0; k < n; ++k) {
      const double eps = residual_[static_cast<std::size_t>(date_) * n + k];
      x[k] += (drift_[k] - 0.5 * vol_[k] * vol_[k]) * dt_ + vol_[k] * std::sqrt(dt_) * eps;
    }
  }

 private:
  std::vector<float> residual_;
  int n_dates_;
  std::vector<double> vol_, drift_;
  int block_length_;
  double dt_;
  std::uniform_int_distribution<int> start_date_;
  int step_ = 0, date_ = 0;
};

}  // namespace levrisk::reference
