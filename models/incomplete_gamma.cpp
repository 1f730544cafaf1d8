#include "models/incomplete_gamma.hpp"

#include <cmath>

#include "common/error.hpp"

namespace levrisk {
namespace {

// log of x^a e^-x / Gamma(a), the prefix of both expansions.
double log_prefix(double a, double x) {
  return a * std::log(x) - x - std::lgamma(a);
}

constexpr double epsilon = 1e-16;

// P(a, x) by the series x^a e^-x / Gamma(a + 1) sum_n x^n / ((a + 1) ... (a + n)).
double gamma_p_series(double a, double x) {
  double term = 1.0 / a, sum = term;
  for (int n = 1; n < 10000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::abs(term) < std::abs(sum) * epsilon) break;
  }
  return sum * std::exp(log_prefix(a, x));
}

// Q(a, x) by the continued fraction for x >= a + 1 (modified Lentz).
double gamma_q_fraction(double a, double x) {
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < epsilon) break;
  }
  return std::exp(log_prefix(a, x)) * h;
}

void require_arguments(double a, double x) {
  LEVRISK_REQUIRE(a > 0 && x >= 0, input_error,
                  "regularized gamma: needs a > 0 and x >= 0, got a = " << a << ", x = " << x);
}

// Root in u = log x of f(u) = log F(a, e^u) - log target, F = P (increasing)
// or Q (decreasing), between brackets where f changes sign. Newton steps use
// d log F / du = +-x density / F, density = e^log_prefix / x; a step that
// leaves the bracket is replaced by bisection.
template <class Tail>
double log_inverse(double a, double target, bool increasing, double u_low, double u_high,
                   Tail tail) {
  const double log_target = std::log(target);
  double u = 0.5 * (u_low + u_high);
  for (int iteration = 0; iteration < 200; ++iteration) {
    const double x = std::exp(u);
    const double value = tail(a, x);
    const double f = std::log(value) - log_target;
    if ((f < 0) == increasing) {
      u_low = u;
    } else {
      u_high = u;
    }
    const double slope = (increasing ? 1.0 : -1.0) * std::exp(log_prefix(a, x)) / value;
    double next = u - f / slope;
    if (!(next > u_low && next < u_high)) next = 0.5 * (u_low + u_high);
    if (std::abs(next - u) < 1e-14 * (1.0 + std::abs(u))) return std::exp(next);
    u = next;
  }
  return std::exp(u);
}

}  // namespace

double regularized_gamma_p(double a, double x) {
  require_arguments(a, x);
  if (x == 0) return 0.0;
  return x < a + 1.0 ? gamma_p_series(a, x) : 1.0 - gamma_q_fraction(a, x);
}

double regularized_gamma_q(double a, double x) {
  require_arguments(a, x);
  if (x == 0) return 1.0;
  return x < a + 1.0 ? 1.0 - gamma_p_series(a, x) : gamma_q_fraction(a, x);
}

double gamma_p_inverse(double a, double p) {
  LEVRISK_REQUIRE(a > 0 && p > 0 && p <= 0.5, input_error,
                  "gamma_p_inverse: needs a > 0 and 0 < p <= 1/2, got a = " << a << ", p = " << p);
  // P(a, x) <= x^a / Gamma(a + 1), so x = (p Gamma(a + 1))^(1/a) is at or below the root.
  const double u_low = (std::log(p) + std::lgamma(a + 1.0)) / a;
  double u_high = std::log(a + 1.0);
  while (regularized_gamma_p(a, std::exp(u_high)) < p) u_high += 1.0;
  return log_inverse(a, p, true, u_low, u_high, regularized_gamma_p);
}

double gamma_q_inverse(double a, double q) {
  LEVRISK_REQUIRE(a > 0 && q > 0 && q <= 0.5, input_error,
                  "gamma_q_inverse: needs a > 0 and 0 < q <= 1/2, got a = " << a << ", q = " << q);
  // Q(a, x) >= 1/2 >= q below the median, which exceeds a - 1/3 (Chen & Rubin 1986).
  const double u_low = std::log(std::fmax(a - 1.0 / 3.0, 1e-300)) - 1.0;
  double u_high = std::log(a + 1.0);
  while (regularized_gamma_q(a, std::exp(u_high)) > q) u_high += 1.0;
  return log_inverse(a, q, false, u_low, u_high, regularized_gamma_q);
}

}  // namespace levrisk
