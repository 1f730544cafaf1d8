#include "host/engine/margin_ratio.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace levrisk {

double margin_ratio(double health_factor) {
  if (std::isnan(health_factor)) return health_factor;
  return health_factor > 1.0 ? 1.0 / health_factor : 1.0;
}

void set_margin_ratio_quantiles(unit_result& u) {
  const std::size_t levels = u.hf_min_quantile.size();
  u.margin_ratio_max_quantile.assign(levels, std::numeric_limits<double>::quiet_NaN());
  u.margin_ratio_max_quantile_lo = u.margin_ratio_max_quantile;
  u.margin_ratio_max_quantile_hi = u.margin_ratio_max_quantile;
  u.margin_ratio_max_quantile_bound.assign(levels, 0);
  u.margin_ratio_max_quantile_lo_bound.assign(levels, 0);
  u.margin_ratio_max_quantile_hi_bound.assign(levels, 0);
  if (u.kind == risk_unit_kind::lending_account) return;
  const auto map = [](double hf, const std::vector<std::uint8_t>& hf_bound, std::size_t l,
                      double& ratio, std::uint8_t& bound) {
    ratio = margin_ratio(hf);
    bound = is_bound(hf_bound, l) && ratio < 1.0 ? 1 : 0;
  };
  for (std::size_t l = 0; l < levels; ++l) {
    map(u.hf_min_quantile[l], u.hf_min_quantile_bound, l, u.margin_ratio_max_quantile[l],
        u.margin_ratio_max_quantile_bound[l]);
    map(u.hf_min_quantile_hi.at(l), u.hf_min_quantile_hi_bound, l,
        u.margin_ratio_max_quantile_lo[l], u.margin_ratio_max_quantile_lo_bound[l]);
    map(u.hf_min_quantile_lo.at(l), u.hf_min_quantile_lo_bound, l,
        u.margin_ratio_max_quantile_hi[l], u.margin_ratio_max_quantile_hi_bound[l]);
  }
}

}  // namespace levrisk
