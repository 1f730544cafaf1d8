#include "models/merton.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "kernels/paths/jump_step.hpp"

namespace levrisk {
namespace {

// The CDF of a Poisson(rate) count given N >= 1, at 0..jump_count_terms - 1:
// P(1 <= N <= j) / P(N >= 1), with the Poisson terms e^-rate rate^j / j! and
// P(N >= 1) = -expm1(-rate), accurate for small rates. Also the tail beyond.
std::vector<double> conditional_poisson_cdf(double rate, double* tail) {
  std::vector<double> cdf(jump_count_terms, 0.0);
  if (rate == 0.0) {  // never jumps: any valid table
    for (std::size_t j = 1; j < cdf.size(); ++j) cdf[j] = 1.0;
    *tail = 0.0;
    return cdf;
  }
  const double at_least_one = -std::expm1(-rate);
  double term = std::exp(-rate) * rate;  // P(N = 1)
  double sum = 0.0;
  for (int j = 1; j < jump_count_terms; ++j) {
    sum += term;
    cdf[static_cast<std::size_t>(j)] = std::min(1.0, sum / at_least_one);
    term *= rate / (j + 1);
  }
  *tail = std::max(0.0, at_least_one - sum);
  return cdf;
}

void append_slot(double intensity_annual, double dt_years, const std::string& what,
                 const std::string& context, jump_step_coefficients& out) {
  double tail = 0.0;
  const double rate = intensity_annual * dt_years;
  const std::vector<double> cdf = conditional_poisson_cdf(rate, &tail);
  LEVRISK_REQUIRE(tail <= 1e-12, input_error,
                  context << ": " << what << ": " << rate
                          << " expected jumps per step is too many for the step's cap of "
                          << jump_count_terms - 1 << " jumps; use more steps");
  out.rate.push_back(static_cast<float>(rate));
  for (const double p : cdf) out.count_cdf.push_back(static_cast<float>(p));
}

void require_jump(double intensity, double mean, double stdev, const std::string& what,
                  const std::string& context) {
  LEVRISK_REQUIRE(std::isfinite(intensity) && intensity >= 0.0, input_error,
                  context << ": " << what << ": jump intensity must be a finite number >= 0, got "
                          << intensity);
  LEVRISK_REQUIRE(std::isfinite(mean), input_error,
                  context << ": " << what << ": jump mean must be finite, got " << mean);
  LEVRISK_REQUIRE(
      std::isfinite(stdev) && stdev >= 0.0, input_error,
      context << ": " << what << ": jump stdev must be a finite number >= 0, got " << stdev);
}

}  // namespace

double jump_compensator(double loading, double mean, double stdev) {
  return std::expm1(loading * mean + 0.5 * loading * loading * stdev * stdev);
}

jump_step_coefficients merton_step_coefficients(const merton_params& params,
                                                const std::vector<std::string>& asset_ids,
                                                double dt_years, const std::string& context) {
  const std::size_t n = asset_ids.size();
  LEVRISK_REQUIRE(
      params.assets.size() == n, input_error,
      context << ": " << params.assets.size() << " sets of jump parameters for " << n << " assets");
  const systemic_jump_params& s = params.systemic;
  require_jump(s.intensity_annual, s.mean, s.stdev, "systemic jumps", context);
  jump_step_coefficients c;
  c.systemic_mean = static_cast<float>(s.mean);
  c.systemic_stdev = static_cast<float>(s.stdev);
  for (std::size_t k = 0; k < n; ++k) {
    const merton_asset_params& a = params.assets[k];
    const std::string what = "asset '" + asset_ids[k] + "'";
    require_jump(a.jump_intensity_annual, a.jump_mean, a.jump_stdev, what, context);
    LEVRISK_REQUIRE(
        std::isfinite(a.systemic_loading), input_error,
        context << ": " << what << ": systemic loading must be finite, got " << a.systemic_loading);
    append_slot(a.jump_intensity_annual, dt_years, what, context, c);
    c.mean.push_back(static_cast<float>(a.jump_mean));
    c.stdev.push_back(static_cast<float>(a.jump_stdev));
    c.systemic_loading.push_back(static_cast<float>(a.systemic_loading));
    c.drift_compensation_dt.push_back(
        (a.jump_intensity_annual * jump_compensator(1.0, a.jump_mean, a.jump_stdev) +
         s.intensity_annual * jump_compensator(a.systemic_loading, s.mean, s.stdev)) *
        dt_years);
  }
  append_slot(s.intensity_annual, dt_years, "systemic jumps", context, c);
  return c;
}

}  // namespace levrisk
