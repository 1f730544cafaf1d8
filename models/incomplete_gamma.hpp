#pragma once
// The regularized incomplete gamma functions and their inverses (host side):
// the chi-square CDF of the calibration diagnostics and the chi-square
// quantiles behind the t mixing tables of models/t_mixing.hpp.

namespace levrisk {

// P(a, x) = gamma(a, x) / Gamma(a) and Q(a, x) = 1 - P(a, x), each from the
// expansion that is accurate for it: the series for x < a + 1, Lentz's
// continued fraction otherwise (Press et al., Numerical Recipes, 3rd ed.,
// section 6.2). The other function is 1 minus it. a > 0, x >= 0.
double regularized_gamma_p(double a, double x);
double regularized_gamma_q(double a, double x);

// x with P(a, x) = p, for 0 < p <= 1/2, and x with Q(a, x) = q, for
// 0 < q <= 1/2: each side's tail from the function that resolves it, to a
// relative accuracy of about 1e-13 (safeguarded Newton in log x).
double gamma_p_inverse(double a, double p);
double gamma_q_inverse(double a, double q);

}  // namespace levrisk
