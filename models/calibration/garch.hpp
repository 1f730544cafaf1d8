#pragma once
// GARCH(1,1) with standardized Student-t innovations (Bollerslev 1986; 1987,
// "A conditionally heteroskedastic time series model for speculative prices and
// rates of return", REStat 69) by maximum likelihood:
//   r_t = sigma_t z_t,  sigma2_t = omega + alpha r_{t-1}^2 + beta sigma2_{t-1},
//   z_t ~ t_nu scaled to unit variance (nu > 2).
// Returns are taken as zero-mean innovations (callers demean them); sigma2_0 is
// the mean square of the returns (backcast).

#include <vector>

namespace levrisk::calibration {

struct garch_options {
  // omega = (1 - alpha - beta) * mean square of the returns (Engle & Mezrich 1996):
  // one parameter fewer; omega_se then follows from alpha and beta by the delta method.
  bool variance_targeting = false;
  // Nelder-Mead runs restarted from the best point after the three fixed starts.
  int restarts = 3;
};

struct garch_fit {
  double omega = 0, alpha = 0, beta = 0, nu = 0;  // per period of the input returns
  // Standard errors: inverse of the observed information (numerical Hessian of the
  // log-likelihood at the estimate); NaN when the Hessian is not negative definite.
  double omega_se = 0, alpha_se = 0, beta_se = 0, nu_se = 0;
  double log_likelihood = 0;  // of the returns as given (not rescaled)
  int parameters = 4;         // 3 with variance targeting
  int n_returns = 0;
  double variance_now = 0;  // sigma2 for the period after the last return
  bool stationary = true;   // alpha + beta < 0.999
  bool converged = false;   // the simplex met its tolerance
  bool se_valid = false;
  int evaluations = 0;
  std::vector<double> conditional_variance;  // sigma2_t of each return
};

// Persistence at or above which a fit is reported as non-stationary (the
// integrated, IGARCH, limit within the precision a few years of data give).
constexpr double garch_nonstationary_persistence = 0.999;

// Log-likelihood of zero-mean returns; -infinity outside omega > 0, alpha >= 0,
// beta >= 0, alpha + beta < 1, nu > 2.
double garch_t_log_likelihood(const std::vector<double>& returns, double omega, double alpha,
                              double beta, double nu,
                              std::vector<double>* conditional_variance = nullptr);

// Maximum likelihood by Nelder-Mead on unconstrained parameters (log omega,
// logit(alpha + beta), logit(alpha / (alpha + beta)), log(nu - 2)) from three
// starts, then restarted from the best point. Needs at least 10 returns with a
// non-zero mean square (callers enforce a longer history).
garch_fit fit_garch_t(const std::vector<double>& returns, const garch_options& options = {});

}  // namespace levrisk::calibration
