#include "models/merton.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/error.hpp"
#include "models/incomplete_gamma.hpp"
#include "models/parameter_error.hpp"

namespace levrisk {
namespace {

// The CDF of a Poisson(rate) count given N >= 1 at 0..jump_count_terms - 1,
// P(1 <= N <= j) / P(N >= 1), with the Poisson terms e^-rate rate^j / j! and
// P(N >= 1) = -expm1(-rate), accurate for small rates; 1 from entry cap on, so
// the kernel draws at most cap jumps.
std::vector<double> conditional_poisson_cdf(double rate, int cap) {
  std::vector<double> cdf(jump_count_terms, 1.0);
  cdf[0] = 0.0;
  if (rate == 0.0) return cdf;  // never jumps: any valid table
  const double at_least_one = -std::expm1(-rate);
  double term = std::exp(-rate) * rate;  // P(N = 1)
  double sum = 0.0;
  for (int j = 1; j < cap; ++j) {
    sum += term;
    cdf[static_cast<std::size_t>(j)] = std::min(1.0, sum / at_least_one);
    term *= rate / (j + 1);
  }
  return cdf;
}

void append_slot(double intensity_annual, double dt_years, jump_step_coefficients& out) {
  const double rate = intensity_annual * dt_years;
  const int cap = jump_count_cap(rate);
  out.rate.push_back(static_cast<float>(rate));
  out.count_cap.push_back(cap);
  for (const double p : conditional_poisson_cdf(rate, cap)) {
    out.count_cdf.push_back(static_cast<float>(p));
  }
}

std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

void require_finite(double value, const std::string& field) {
  if (!std::isfinite(value))
    throw parameter_error(field, "must be finite, got " + number_text(value));
}

void require_finite_non_negative(double value, const std::string& field) {
  if (!(std::isfinite(value) && value >= 0.0)) {
    throw parameter_error(field, "must be a finite number >= 0, got " + number_text(value));
  }
}

// The checks of models/ name the key; a direct caller gets `context` and the slot.
template <class Check>
void check_slot(const std::string& context, const std::string& what, Check check) {
  try {
    check();
  } catch (const parameter_error& error) {
    LEVRISK_FAIL(input_error, context << ": " << what << ": " << error.what());
  }
}

}  // namespace

double poisson_tail(double rate, int k) {
  // P(N > k) = P(k + 1, rate), the regularized lower incomplete gamma function.
  if (rate <= 0.0) return 0.0;
  return k < 0 ? 1.0 : regularized_gamma_p(static_cast<double>(k) + 1.0, rate);
}

int jump_count_cap(double rate) {
  for (int k = 1; k <= max_jump_count_cap; ++k) {
    if (poisson_tail(rate, k) <= jump_count_tail_tolerance) return k;
  }
  return 0;
}

void check_merton_asset(const merton_asset_params& asset) {
  require_finite_non_negative(asset.jump_intensity_annual, "jump_intensity_annual");
  require_finite(asset.jump_mean, "jump_mean");
  require_finite_non_negative(asset.jump_stdev, "jump_stdev");
  require_finite(asset.systemic_loading, "systemic_loading");
}

void check_systemic_jumps(const systemic_jump_params& systemic) {
  require_finite_non_negative(systemic.intensity_annual, "intensity_annual");
  require_finite(systemic.mean, "mean");
  require_finite_non_negative(systemic.stdev, "stdev");
}

void check_jump_count_cap(double intensity_annual, double dt_years,
                          const std::string& intensity_field) {
  const double rate = intensity_annual * dt_years;
  if (jump_count_cap(rate) > 0) return;
  std::ostringstream problem;
  problem << "= " << intensity_annual << " gives " << rate
          << " expected jumps per step: even the cap of " << max_jump_count_cap
          << " jumps per step leaves P(N > " << max_jump_count_cap
          << ") = " << poisson_tail(rate, max_jump_count_cap) << " above the tolerance of "
          << jump_count_tail_tolerance << "; use more steps";
  throw parameter_error(intensity_field, problem.str());
}

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
  check_slot(context, "systemic jumps", [&] {
    check_systemic_jumps(s);
    check_jump_count_cap(s.intensity_annual, dt_years, "intensity_annual");
  });
  jump_step_coefficients c;
  c.systemic_mean = static_cast<float>(s.mean);
  c.systemic_stdev = static_cast<float>(s.stdev);
  for (std::size_t k = 0; k < n; ++k) {
    const merton_asset_params& a = params.assets[k];
    check_slot(context, "asset '" + asset_ids[k] + "'", [&] {
      check_merton_asset(a);
      check_jump_count_cap(a.jump_intensity_annual, dt_years, "jump_intensity_annual");
    });
    append_slot(a.jump_intensity_annual, dt_years, c);
    c.mean.push_back(static_cast<float>(a.jump_mean));
    c.stdev.push_back(static_cast<float>(a.jump_stdev));
    c.systemic_loading.push_back(static_cast<float>(a.systemic_loading));
    c.drift_compensation_dt.push_back(
        (a.jump_intensity_annual * jump_compensator(1.0, a.jump_mean, a.jump_stdev) +
         s.intensity_annual * jump_compensator(a.systemic_loading, s.mean, s.stdev)) *
        dt_years);
  }
  append_slot(s.intensity_annual, dt_years, c);
  return c;
}

}  // namespace levrisk
