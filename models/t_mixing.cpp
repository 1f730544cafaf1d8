#include "models/t_mixing.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "models/incomplete_gamma.hpp"

namespace levrisk {
namespace {

constexpr double pi = 3.14159265358979323846;
const double r_max = std::sqrt(2.0 * 24.0 * std::log(2.0));
constexpr double step = 1.0 / t_mixing_intervals_per_unit;

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}
double normal_density(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * pi);
}

// Gamma(a) quantile G at Phi(zeta), each tail from the side that resolves it.
double gamma_quantile(double a, double zeta) {
  return zeta <= 0 ? gamma_p_inverse(a, normal_cdf(zeta)) : gamma_q_inverse(a, normal_cdf(-zeta));
}

// Density of the engine's normal: z = r cos(theta) with r^2 / 2 ~ Exp(1)
// truncated at r_max, so f(z) = phi(z) (2 Phi(sqrt(r_max^2 - z^2)) - 1) / (1 - 2^-24).
double sampled_density(double z) {
  if (std::abs(z) >= r_max) return 0.0;
  const double half_width = std::sqrt(r_max * r_max - z * z);
  return normal_density(z) * (1.0 - 2.0 * normal_cdf(-half_width)) / (1.0 - std::ldexp(1.0, -24));
}

// 8-point Gauss-Legendre nodes and weights on [-1, 1].
constexpr std::array<double, 4> legendre_nodes = {0.1834346424956498, 0.5255324099163290,
                                                  0.7966664774136267, 0.9602898564975363};
constexpr std::array<double, 4> legendre_weights = {0.3626837833783620, 0.3137066458778873,
                                                    0.2223810344533745, 0.1012285362903763};

double table_piece(const std::vector<float>& table, int interval, double local) {
  const std::size_t i = 4 * static_cast<std::size_t>(interval);
  return table[i] + local * (table[i + 1] + local * (table[i + 2] + local * double{table[i + 3]}));
}

}  // namespace

double t_mixing_scale(double nu, double zeta) {
  return std::sqrt((nu - 2.0) / (2.0 * gamma_quantile(0.5 * nu, zeta)));
}

std::vector<float> t_mixing_table(double nu) {
  const double a = 0.5 * nu;
  // Values and d s / d zeta at the grid points. With W = 2 G, G the Gamma(a)
  // quantile: d G / d zeta = phi(zeta) / g(G), g the Gamma(a) density, and
  // d s / d zeta = -(s / 2) (d G / d zeta) / G.
  std::vector<double> value(t_mixing_intervals + 1), slope(t_mixing_intervals + 1);
  for (int i = 0; i <= t_mixing_intervals; ++i) {
    const double zeta = t_mixing_z_min + i * step;
    const double g = gamma_quantile(a, zeta);
    const double log_density = (a - 1.0) * std::log(g) - g - std::lgamma(a);
    value[i] = std::sqrt((nu - 2.0) / (2.0 * g));
    slope[i] = -0.5 * value[i] * normal_density(zeta) * std::exp(-log_density) / g;
  }
  std::vector<double> piece(t_mixing_floats);
  for (int i = 0; i < t_mixing_intervals; ++i) {
    const double s0 = value[i], s1 = value[i + 1];
    const double d0 = step * slope[i], d1 = step * slope[i + 1];
    piece[4 * i + 0] = s0;
    piece[4 * i + 1] = d0;
    piece[4 * i + 2] = 3.0 * (s1 - s0) - 2.0 * d0 - d1;
    piece[4 * i + 3] = 2.0 * (s0 - s1) + d0 + d1;
  }
  std::vector<float> table(piece.begin(), piece.end());
  const double norm = 1.0 / std::sqrt(t_mixing_cross_moment(table, table));
  for (std::size_t i = 0; i < table.size(); ++i) table[i] = static_cast<float>(piece[i] * norm);
  return table;
}

std::vector<float> t_mixing_unit_table() {
  std::vector<float> table(t_mixing_floats, 0.0f);
  for (std::size_t i = 0; i < table.size(); i += 4) table[i] = 1.0f;
  return table;
}

double t_mixing_table_value(const std::vector<float>& table, double zeta) {
  const double x = (zeta - t_mixing_z_min) * t_mixing_intervals_per_unit;
  const int interval =
      std::min(t_mixing_intervals - 1, std::max(0, static_cast<int>(std::floor(x))));
  return table_piece(table, interval, x - interval);
}

double t_mixing_cross_moment(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0.0;
  for (int i = 0; i < t_mixing_intervals; ++i) {
    // The part of interval i inside [-r_max, r_max], in local coordinates.
    const double z0 = t_mixing_z_min + i * step;
    const double lo = std::max(0.0, (-r_max - z0) / step);
    const double hi = std::min(1.0, (r_max - z0) / step);
    if (hi <= lo) continue;
    const double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
    for (std::size_t q = 0; q < legendre_nodes.size(); ++q) {
      for (const double sign : {-1.0, 1.0}) {
        const double local = mid + sign * half * legendre_nodes[q];
        const double z = z0 + local * step;
        sum += legendre_weights[q] * half * step * table_piece(a, i, local) *
               table_piece(b, i, local) * sampled_density(z);
      }
    }
  }
  return sum;
}

}  // namespace levrisk
