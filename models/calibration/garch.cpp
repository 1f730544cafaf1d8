#include "models/calibration/garch.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>

#include "common/error.hpp"

namespace levrisk::calibration {
namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double nu_max = 500.0;  // beyond it the t is a normal for any sample we see

double mean_square(const std::vector<double>& values) {
  double sum = 0.0;
  for (const double v : values) sum += v * v;
  return sum / static_cast<double>(values.size());
}

// log of a running product, renormalized by frexp every 8 factors: the same sum of
// logs as one std::log per factor at an eighth of the cost.
class log_product {
 public:
  void multiply(double factor) {
    product_ *= factor;
    if (++count_ == 8) normalize();
  }
  double value() {
    normalize();
    return std::log(product_) + static_cast<double>(exponent_) * 0.69314718055994530942;
  }

 private:
  void normalize() {
    int exponent = 0;
    product_ = std::frexp(product_, &exponent);
    exponent_ += exponent;
    count_ = 0;
  }
  double product_ = 1.0;
  long long exponent_ = 0;
  int count_ = 0;
};

struct simplex_result {
  std::vector<double> x;
  double value;
  int evaluations;
  bool converged;
};

// Nelder & Mead (1965) with the standard coefficients (reflection 1, expansion 2,
// contraction 1/2, shrink 1/2); stops when the spread of the simplex values is
// below `tolerance` (absolute) or after `max_evaluations`.
simplex_result nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                           std::vector<double> start, double step, double tolerance,
                           int max_evaluations) {
  const std::size_t n = start.size();
  std::vector<std::vector<double>> points(n + 1, start);
  std::vector<double> values(n + 1);
  for (std::size_t i = 0; i < n; ++i) points[i + 1][i] += step;
  int evaluations = 0;
  auto eval = [&](const std::vector<double>& x) {
    ++evaluations;
    const double v = f(x);
    return std::isfinite(v) ? v : std::numeric_limits<double>::max();
  };
  for (std::size_t i = 0; i <= n; ++i) values[i] = eval(points[i]);
  std::vector<std::size_t> order(n + 1);
  bool converged = false;
  while (evaluations < max_evaluations) {
    for (std::size_t i = 0; i <= n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    const std::size_t best = order[0], worst = order[n], second = order[n - 1];
    if (values[worst] - values[best] <= tolerance) {
      converged = true;
      break;
    }
    std::vector<double> centroid(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t d = 0; d < n; ++d)
        centroid[d] += points[order[i]][d] / static_cast<double>(n);
    }
    auto along = [&](double t) {
      std::vector<double> x(n);
      for (std::size_t d = 0; d < n; ++d) x[d] = centroid[d] + t * (points[worst][d] - centroid[d]);
      return x;
    };
    const std::vector<double> reflected = along(-1.0);
    const double reflected_value = eval(reflected);
    if (reflected_value < values[best]) {
      const std::vector<double> expanded = along(-2.0);
      const double expanded_value = eval(expanded);
      if (expanded_value < reflected_value) {
        points[worst] = expanded;
        values[worst] = expanded_value;
      } else {
        points[worst] = reflected;
        values[worst] = reflected_value;
      }
      continue;
    }
    if (reflected_value < values[second]) {
      points[worst] = reflected;
      values[worst] = reflected_value;
      continue;
    }
    const bool outside = reflected_value < values[worst];
    const std::vector<double> contracted = along(outside ? -0.5 : 0.5);
    const double contracted_value = eval(contracted);
    if (contracted_value < (outside ? reflected_value : values[worst])) {
      points[worst] = contracted;
      values[worst] = contracted_value;
      continue;
    }
    for (std::size_t i = 1; i <= n; ++i) {
      const std::size_t k = order[i];
      for (std::size_t d = 0; d < n; ++d)
        points[k][d] = points[best][d] + 0.5 * (points[k][d] - points[best][d]);
      values[k] = eval(points[k]);
    }
  }
  const std::size_t best =
      static_cast<std::size_t>(std::min_element(values.begin(), values.end()) - values.begin());
  return {points[best], values[best], evaluations, converged};
}

double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}
double logit(double p) {
  return std::log(p / (1.0 - p));
}

struct natural_params {
  double omega, alpha, beta, nu;
};

// Parameters of a point of the search space; `theta` is (log omega, logit p,
// logit share, log(nu - 2)), without log omega under variance targeting (omega
// then (1 - p) times the mean square, which is 1 for the rescaled returns).
natural_params from_theta(const std::vector<double>& theta, bool targeting) {
  const std::size_t o = targeting ? 0 : 1;
  const double persistence = logistic(theta[o]);
  const double alpha = persistence * logistic(theta[o + 1]);
  const double nu = 2.0 + std::exp(std::clamp(theta[o + 2], -6.0, std::log(nu_max - 2.0)));
  const double omega = targeting ? 1.0 - persistence : std::exp(theta[0]);
  return {omega, alpha, persistence - alpha, nu};
}

std::vector<double> to_theta(const natural_params& p, bool targeting) {
  std::vector<double> theta;
  if (!targeting) theta.push_back(std::log(p.omega));
  const double persistence = p.alpha + p.beta;
  theta.push_back(logit(persistence));
  theta.push_back(logit(p.alpha / persistence));
  theta.push_back(std::log(p.nu - 2.0));
  return theta;
}

// Inverse of a symmetric positive definite matrix by Gauss-Jordan with partial
// pivoting; false when a pivot is not positive.
bool invert(std::vector<double>& a, std::size_t n) {
  std::vector<double> inverse(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) inverse[i * n + i] = 1.0;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < n; ++r) {
      if (std::abs(a[r * n + c]) > std::abs(a[pivot * n + c])) pivot = r;
    }
    if (!(std::abs(a[pivot * n + c]) > 0)) return false;
    for (std::size_t k = 0; k < n; ++k) {
      std::swap(a[c * n + k], a[pivot * n + k]);
      std::swap(inverse[c * n + k], inverse[pivot * n + k]);
    }
    const double d = a[c * n + c];
    for (std::size_t k = 0; k < n; ++k) {
      a[c * n + k] /= d;
      inverse[c * n + k] /= d;
    }
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double factor = a[r * n + c];
      for (std::size_t k = 0; k < n; ++k) {
        a[r * n + k] -= factor * a[c * n + k];
        inverse[r * n + k] -= factor * inverse[c * n + k];
      }
    }
  }
  a = inverse;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(a[i * n + i] > 0)) return false;
  }
  return true;
}

}  // namespace

double garch_t_log_likelihood(const std::vector<double>& returns, double omega, double alpha,
                              double beta, double nu, std::vector<double>* conditional_variance) {
  if (!(omega > 0) || !(alpha >= 0) || !(beta >= 0) || !(alpha + beta < 1.0) || !(nu > 2.0) ||
      returns.empty()) {
    return -std::numeric_limits<double>::infinity();
  }
  const std::size_t n = returns.size();
  // Standardized t density (unit variance): Bollerslev (1987), eq. (3).
  const double constant =
      std::lgamma(0.5 * (nu + 1.0)) - std::lgamma(0.5 * nu) - 0.5 * std::log(pi * (nu - 2.0));
  const double inverse_scale = 1.0 / (nu - 2.0);
  double variance = mean_square(returns);
  if (conditional_variance) conditional_variance->resize(n);
  log_product sum_log_variance;
  log_product sum_log_kernel;
  for (std::size_t t = 0; t < n; ++t) {
    const double r2 = returns[t] * returns[t];
    if (conditional_variance) (*conditional_variance)[t] = variance;
    sum_log_variance.multiply(variance);
    sum_log_kernel.multiply(1.0 + r2 / variance * inverse_scale);
    variance = omega + alpha * r2 + beta * variance;
  }
  return static_cast<double>(n) * constant - 0.5 * sum_log_variance.value() -
         0.5 * (nu + 1.0) * sum_log_kernel.value();
}

garch_fit fit_garch_t(const std::vector<double>& returns, const garch_options& options) {
  LEVRISK_REQUIRE(returns.size() >= 10, input_error,
                  "GARCH: needs at least 10 returns, got " << returns.size());
  const double scale2 = mean_square(returns);
  LEVRISK_REQUIRE(scale2 > 0 && std::isfinite(scale2), input_error,
                  "GARCH: the returns are all zero (a constant price)");
  // Rescaled to unit mean square so that omega is of order 1 - alpha - beta and the
  // simplex steps mean the same for every asset and frequency.
  const double scale = std::sqrt(scale2);
  std::vector<double> x(returns.size());
  for (std::size_t t = 0; t < returns.size(); ++t) x[t] = returns[t] / scale;
  const double n = static_cast<double>(x.size());
  const bool targeting = options.variance_targeting;

  auto objective = [&](const std::vector<double>& theta) {
    const natural_params p = from_theta(theta, targeting);
    return -garch_t_log_likelihood(x, p.omega, p.alpha, p.beta, p.nu) / n;
  };

  garch_fit fit;
  const double tolerance = 1e-11;
  simplex_result best{{}, std::numeric_limits<double>::max(), 0, false};
  const std::array<natural_params, 3> starts = {
      {{0.05, 0.08, 0.87, 6.0}, {0.15, 0.12, 0.73, 4.0}, {0.02, 0.04, 0.94, 10.0}}};
  for (const natural_params& start : starts) {
    natural_params s = start;
    if (targeting) s.omega = 1.0 - s.alpha - s.beta;
    const simplex_result run = nelder_mead(objective, to_theta(s, targeting), 0.5, 1e-8, 600);
    fit.evaluations += run.evaluations;
    if (run.value < best.value) best = run;
  }
  for (int restart = 0; restart <= options.restarts; ++restart) {
    const simplex_result run = nelder_mead(objective, best.x, 0.1, tolerance, 3000);
    fit.evaluations += run.evaluations;
    const double improvement = best.value - run.value;
    if (run.value <= best.value) best = run;
    if (restart > 0 && improvement < tolerance && run.converged) break;
  }
  fit.converged = best.converged;

  const natural_params p = from_theta(best.x, targeting);
  fit.n_returns = static_cast<int>(x.size());
  fit.parameters = targeting ? 3 : 4;
  fit.omega = p.omega * scale2;
  fit.alpha = p.alpha;
  fit.beta = p.beta;
  fit.nu = p.nu;
  fit.log_likelihood = garch_t_log_likelihood(returns, fit.omega, fit.alpha, fit.beta, fit.nu,
                                              &fit.conditional_variance);
  const double last = returns.back();
  fit.variance_now =
      fit.omega + fit.alpha * last * last + fit.beta * fit.conditional_variance.back();
  fit.stationary = fit.alpha + fit.beta < garch_nonstationary_persistence;

  // Observed information in the rescaled natural parameters (omega / scale2, alpha,
  // beta, nu): central second differences with steps of 1e-4 relative.
  std::vector<double> point = targeting ? std::vector<double>{p.alpha, p.beta, p.nu}
                                        : std::vector<double>{p.omega, p.alpha, p.beta, p.nu};
  const std::size_t k = point.size();
  auto log_likelihood = [&](const std::vector<double>& q) {
    const double omega = targeting ? 1.0 - q[0] - q[1] : q[0];
    const std::size_t o = targeting ? 0 : 1;
    return garch_t_log_likelihood(x, omega, q[o], q[o + 1], q[o + 2]);
  };
  std::vector<double> step(k);
  for (std::size_t i = 0; i < k; ++i) step[i] = 1e-4 * std::max(std::abs(point[i]), 1e-3);
  const double center = log_likelihood(point);
  std::vector<double> information(k * k);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i; j < k; ++j) {
      double second;
      if (i == j) {
        std::vector<double> up = point, down = point;
        up[i] += step[i];
        down[i] -= step[i];
        second = (log_likelihood(up) - 2.0 * center + log_likelihood(down)) / (step[i] * step[i]);
      } else {
        auto at = [&](double si, double sj) {
          std::vector<double> q = point;
          q[i] += si * step[i];
          q[j] += sj * step[j];
          return log_likelihood(q);
        };
        second = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4.0 * step[i] * step[j]);
      }
      information[i * k + j] = information[j * k + i] = -second;
    }
  }
  fit.se_valid = std::all_of(information.begin(), information.end(),
                             [](double v) { return std::isfinite(v); }) &&
                 invert(information, k);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!fit.se_valid) {
    fit.omega_se = fit.alpha_se = fit.beta_se = fit.nu_se = nan;
    return fit;
  }
  auto se = [&](std::size_t i) { return std::sqrt(information[i * k + i]); };
  if (targeting) {
    fit.alpha_se = se(0);
    fit.beta_se = se(1);
    fit.nu_se = se(2);
    // omega = scale2 (1 - alpha - beta): delta method, scale2 held fixed.
    const double var_sum = information[0] + information[4] + 2.0 * information[1];
    fit.omega_se = scale2 * std::sqrt(std::max(var_sum, 0.0));
  } else {
    fit.omega_se = se(0) * scale2;
    fit.alpha_se = se(1);
    fit.beta_se = se(2);
    fit.nu_se = se(3);
  }
  return fit;
}

}  // namespace levrisk::calibration
