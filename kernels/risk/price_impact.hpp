#pragma once
// Temporary price impact of a liquidation's trade (docs/methodology.md, "Price
// impact"): trading Q USD of an asset whose book moves 2% for a trade of D USD
// (the +-2% depth) executes on average 0.02 (Q / D)^gamma away from the market
// price. gamma = 1/2 is the square-root law (Donier & Bonart 2015, measured on
// Bitcoin metaorders; Toth et al. 2011). In this release the impact costs the
// trader and moves no one else's price.

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"

namespace levrisk {

struct impact_view {
  const double* depth_usd;  // per asset; +inf: no impact
  float exponent;           // gamma, in (0, 1]
};

constexpr double impact_at_depth = 0.02;
// A sale cannot lose the whole of its value: the fraction stays below 1.
constexpr double max_impact_fraction = 0.999;

// Average shortfall of the execution price, as a fraction of the market price.
// gamma = 1/2 and 1 are computed in double (sqrt is correctly rounded everywhere);
// other exponents through the engine's own float log and exp, which give the
// same bits under g++ and nvcc, where a library pow would not.
LEVRISK_HD inline double impact_fraction(double traded_usd, double depth_usd, float exponent) {
  if (!(traded_usd > 0.0) || !(depth_usd < HUGE_VAL)) return 0.0;
  const double ratio = traded_usd / depth_usd;
  double power;
  if (exponent == 0.5f) {
    power = sqrt(ratio);
  } else if (exponent == 1.0f) {
    power = ratio;
  } else {
    // Clamped into float's normal range: the fraction is capped at 1 well before.
    const double clamped = ratio < 1e-30 ? 1e-30 : (ratio > 1e30 ? 1e30 : ratio);
    power = static_cast<double>(exp_float(exponent * log_float(static_cast<float>(clamped))));
  }
  const double fraction = impact_at_depth * power;
  return fraction < max_impact_fraction ? fraction : max_impact_fraction;
}

// USD lost to impact when trading traded_usd of `asset`.
LEVRISK_HD inline double impact_cost_usd(const impact_view& impact, int asset, double traded_usd) {
  return traded_usd * impact_fraction(traded_usd, impact.depth_usd[asset], impact.exponent);
}

}  // namespace levrisk
