#pragma once
// The plain twin of the price-box screen (kernels/risk/health_form.hpp,
// health_worst_case): every corner of the box [growth_min, growth_max] is
// visited and the unit's numerator and denominator evaluated there. Both are
// linear in each growth factor, so over the box each attains its extremes at
// corners; the lowest numerator and the highest denominator over all 2^n
// corners are what the screen must return.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace levrisk::reference {

struct linear_term {
  int asset;
  float numerator_usd;
  float denominator_usd;
};

struct linear_health {
  double numerator_const_usd;
  double denominator_const_usd;
  std::vector<linear_term> terms;
};

struct corner_extremes {
  double numerator_min_usd = std::numeric_limits<double>::infinity();
  double denominator_max_usd = -std::numeric_limits<double>::infinity();
};

// Numerator and denominator at one price vector (growth[k] = P_k / spot_k),
// summed in term order.
inline void evaluate(const linear_health& h, const std::vector<float>& growth, double& numerator,
                     double& denominator) {
  numerator = h.numerator_const_usd;
  denominator = h.denominator_const_usd;
  for (const linear_term& t : h.terms) {
    numerator += static_cast<double>(t.numerator_usd) * growth[t.asset];
    denominator += static_cast<double>(t.denominator_usd) * growth[t.asset];
  }
}

// Corner c takes growth_max for asset k where bit k of c is set, growth_min otherwise.
inline corner_extremes corner_extremes_of(const linear_health& h,
                                          const std::vector<float>& growth_min,
                                          const std::vector<float>& growth_max) {
  const int n = static_cast<int>(growth_min.size());
  corner_extremes out;
  std::vector<float> growth(growth_min.size());
  for (std::uint32_t corner = 0; corner < (1u << n); ++corner) {
    for (int k = 0; k < n; ++k) growth[k] = (corner >> k) & 1u ? growth_max[k] : growth_min[k];
    double numerator = 0.0, denominator = 0.0;
    evaluate(h, growth, numerator, denominator);
    out.numerator_min_usd = std::min(out.numerator_min_usd, numerator);
    out.denominator_max_usd = std::max(out.denominator_max_usd, denominator);
  }
  return out;
}

}  // namespace levrisk::reference
