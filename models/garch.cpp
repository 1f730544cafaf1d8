#include "models/garch.hpp"

#include <cmath>

#include "host/common/error.hpp"

namespace levrisk {

double t_mixing_factor(double nu) {
  return std::sqrt((nu - 2.0) / 2.0) *
         std::exp(std::lgamma((nu - 1.0) / 2.0) - std::lgamma(nu / 2.0));
}

garch_step_coefficients garch_coefficients(const std::vector<garch_asset_params>& params,
                                           const std::vector<std::string>& asset_ids,
                                           const std::vector<bool>& constant_asset,
                                           double step_days, const std::string& context) {
  garch_step_coefficients c;
  for (std::size_t k = 0; k < asset_ids.size(); ++k) {
    if (constant_asset[k]) {
      for (auto* v : {&c.omega, &c.alpha, &c.beta, &c.variance_now}) v->push_back(0.0f);
      c.nu_minus_2.push_back(1.0f);  // any valid t: the variance is 0
      const double d = 1.5 - 1.0 / 3.0;
      c.gamma_d.push_back(static_cast<float>(d));
      c.gamma_c.push_back(static_cast<float>(1.0 / std::sqrt(9.0 * d)));
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
    c.nu_minus_2.push_back(static_cast<float>(p.nu - 2.0));
    const double d = p.nu / 2.0 - 1.0 / 3.0;
    c.gamma_d.push_back(static_cast<float>(d));
    c.gamma_c.push_back(static_cast<float>(1.0 / std::sqrt(9.0 * d)));
  }
  return c;
}

std::vector<double> garch_normal_correlation(const std::vector<double>& correlation,
                                             const std::vector<garch_asset_params>& params,
                                             const std::vector<bool>& constant_asset) {
  const std::size_t n = constant_asset.size();
  std::vector<double> factor(n, 1.0);
  for (std::size_t k = 0; k < n; ++k) {
    if (!constant_asset[k] && params[k].present && params[k].nu > 2.0) {
      factor[k] = t_mixing_factor(params[k].nu);
    }
  }
  std::vector<double> adjusted = correlation;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      // Capped at +-1: a pair already near +-1 cannot be raised further.
      if (i != j) {
        adjusted[i * n + j] =
            std::fmax(-1.0, std::fmin(1.0, correlation[i * n + j] / (factor[i] * factor[j])));
      }
    }
  }
  return adjusted;
}

}  // namespace levrisk
