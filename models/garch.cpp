#include "models/garch.hpp"

#include <cmath>

#include "common/error.hpp"
#include "models/t_mixing.hpp"

namespace levrisk {

std::vector<float> garch_step_coefficients::interleaved_mixing() const {
  const std::size_t n = mixing_tables.size();
  std::vector<float> out(n * t_mixing_floats);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t i = 0; i < mixing_tables[k].size(); ++i) out[i * n + k] = mixing_tables[k][i];
  }
  return out;
}

garch_step_coefficients garch_coefficients(const std::vector<garch_asset_params>& params,
                                           const std::vector<std::string>& asset_ids,
                                           const std::vector<bool>& constant_asset,
                                           double step_days, const std::string& context) {
  garch_step_coefficients c;
  for (std::size_t k = 0; k < asset_ids.size(); ++k) {
    if (constant_asset[k]) {
      for (auto* v : {&c.omega, &c.alpha, &c.beta, &c.variance_now}) v->push_back(0.0f);
      c.mixing_tables.push_back(t_mixing_unit_table());
      continue;
    }
    const garch_asset_params& p = params[k];
    const std::string where = context + ": [model.assets." + asset_ids[k] + ".garch]";
    LEVRISK_REQUIRE(p.present, input_error,
                    where << " is missing: type \"garch\" needs it for every asset that moves");
    LEVRISK_REQUIRE(std::isfinite(p.omega) && p.omega > 0.0, input_error,
                    where << " omega must be a finite number > 0, got " << p.omega);
    LEVRISK_REQUIRE(
        std::isfinite(p.alpha) && p.alpha >= 0.0 && std::isfinite(p.beta) && p.beta >= 0.0,
        input_error,
        where << " alpha and beta must be finite and >= 0, got " << p.alpha << " and " << p.beta);
    LEVRISK_REQUIRE(p.alpha + p.beta < 1.0, input_error,
                    where << " is not stationary: alpha + beta = " << p.alpha + p.beta
                          << " must be < 1 (an integrated GARCH has no unconditional variance)");
    LEVRISK_REQUIRE(std::isfinite(p.nu) && p.nu > 2.0, input_error,
                    where << " nu must be a finite number > 2, got " << p.nu);
    LEVRISK_REQUIRE(std::isfinite(p.variance_now) && p.variance_now > 0.0, input_error,
                    where << " variance_now must be a finite number > 0, got " << p.variance_now);
    LEVRISK_REQUIRE(std::fabs(step_days - p.period_days) <= 1e-6 * p.period_days, input_error,
                    where << " parameters are per " << p.period_days
                          << " days but the run's step is " << step_days
                          << " days: GARCH steps once per period, so set steps = horizon_days / "
                          << p.period_days);
    c.omega.push_back(static_cast<float>(p.omega));
    c.alpha.push_back(static_cast<float>(p.alpha));
    c.beta.push_back(static_cast<float>(p.beta));
    c.variance_now.push_back(static_cast<float>(p.variance_now));
    c.mixing_tables.push_back(t_mixing_table(p.nu));
  }
  return c;
}

std::vector<double> garch_normal_correlation(const std::vector<double>& correlation,
                                             const garch_step_coefficients& coefficients,
                                             const std::vector<bool>& constant_asset) {
  const std::size_t n = constant_asset.size();
  std::vector<double> adjusted = correlation;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (constant_asset[i] || constant_asset[j]) continue;
      const double moment =
          t_mixing_cross_moment(coefficients.mixing_tables[i], coefficients.mixing_tables[j]);
      // Capped at +-1: a pair already near +-1 cannot be raised further.
      const double r = std::fmax(-1.0, std::fmin(1.0, correlation[i * n + j] / moment));
      adjusted[i * n + j] = adjusted[j * n + i] = r;
    }
  }
  return adjusted;
}

}  // namespace levrisk
