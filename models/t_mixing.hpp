#pragma once
// The Student-t mixing of the GARCH innovations (kernels/paths/garch_step.hpp),
// host side. A grouped t (Daul, De Giorgi, Lindskog & McNeil 2003): every asset
// of a path-step shares one mixing normal zeta, and asset k scales its
// correlated normal by
//   s_k(zeta) = sqrt((nu_k - 2) / W_k),   W_k = F^-1_{chi^2(nu_k)}(Phi(zeta)),
// so each innovation is exactly a unit-variance t(nu_k), the assets' mixing
// variables are comonotone, and large moves come together (tail dependence),
// as in a market-wide crash. With one nu for all assets it is the t copula.
//
// The kernel evaluates s_k from a table: cubic Hermite pieces on a uniform grid
// of zeta, built from exact quantiles and derivatives (relative error below
// 1e-6, under float rounding). Zeta comes from the engine's Box-Muller normals,
// bounded by |zeta| <= r_max = sqrt(2 ln 2^24) (kernels/rng/normal.hpp): the t
// beyond a tail probability of 4e-9 per step is not sampled. The table is
// rescaled so that E[s_k^2] = 1 under that sampled law exactly, which keeps the
// innovations' variance at 1 (the scale changes by under 1% for nu >= 3).

#include <vector>

namespace levrisk {

constexpr float t_mixing_z_min = -6.0f;  // covers |zeta| <= r_max = 5.77
constexpr int t_mixing_intervals_per_unit = 32;
constexpr int t_mixing_intervals = 384;  // up to zeta = +6
constexpr int t_mixing_floats = 4 * t_mixing_intervals;

// sqrt((nu - 2) / W), W the chi^2(nu) quantile at Phi(zeta), in double, unscaled.
double t_mixing_scale(double nu, double zeta);

// The kernel's table for one asset: t_mixing_floats coefficients, interval i's
// four (c0, c1, c2, c3) giving c0 + t (c1 + t (c2 + t c3)) at
// zeta = z_min + (i + t) / intervals_per_unit, t in [0, 1); rescaled to E[s^2] = 1.
std::vector<float> t_mixing_table(double nu);

// A table of ones: an asset that does not move needs no mixing.
std::vector<float> t_mixing_unit_table();

// The table's value at zeta, evaluated as the kernel does but in double.
double t_mixing_table_value(const std::vector<float>& table, double zeta);

// E[s_a(zeta) s_b(zeta)] of two tables under the sampled law of zeta, by
// Gauss-Legendre quadrature on each grid interval. The innovations of a and b
// then have correlation rho_normal(a, b) times this.
double t_mixing_cross_moment(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace levrisk
