#include "models/fhs.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "models/calibration/calibration.hpp"
#include "models/calibration/ewma.hpp"
#include "models/calibration/garch.hpp"
#include "models/calibration/price_history.hpp"
#include "models/calibration/returns.hpp"

namespace levrisk {

fhs_tables build_fhs_tables(const fhs_params& params, const std::vector<std::string>& asset_ids,
                            const std::vector<bool>& constant_asset,
                            const std::filesystem::path& base_dir, const std::string& context) {
  using namespace calibration;
  LEVRISK_REQUIRE(!params.history.empty(), input_error,
                  context << ": [model.fhs] history must name at least one price file");
  LEVRISK_REQUIRE(
      params.block_length >= 1, input_error,
      context << ": [model.fhs] block_length must be >= 1, got " << params.block_length);
  LEVRISK_REQUIRE(params.filter == "ewma" || params.filter == "garch", input_error,
                  context << ": [model.fhs] filter must be \"ewma\" or \"garch\", got \""
                          << params.filter << "\"");
  std::vector<history_source> sources;
  for (const std::string& entry : params.history) {
    history_source source = parse_history_argument(entry);
    source.path = (base_dir / source.path).lexically_normal().string();
    sources.push_back(source);
  }
  LEVRISK_REQUIRE(params.duplicates == "error" || params.duplicates == "first", input_error,
                  context << ": [model.fhs] duplicates must be \"error\" or \"first\", got \""
                          << params.duplicates << "\"");
  const std::vector<price_series> all =
      load_price_history(sources, params.duplicates == "first" ? duplicate_policy::keep_first
                                                               : duplicate_policy::error);
  const std::int64_t period_ms =
      parse_frequency(params.frequency, context + ": [model.fhs] frequency");

  // The panel holds the simulated non-constant assets, in the model's order.
  std::vector<price_series> used;
  std::vector<int> column(asset_ids.size(), -1);
  for (std::size_t k = 0; k < asset_ids.size(); ++k) {
    if (constant_asset[k]) continue;
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const price_series& s) { return s.asset == asset_ids[k]; });
    LEVRISK_REQUIRE(
        it != all.end(), input_error,
        context << ": [model.fhs] history has no prices for asset '" << asset_ids[k] << "'");
    column[k] = static_cast<int>(used.size());
    used.push_back(*it);
  }
  fhs_tables tables;
  tables.period_days = static_cast<double>(period_ms) / 86400000.0;
  tables.vol_now_annual.assign(asset_ids.size(), 0.0);
  tables.filter.assign(asset_ids.size(), fhs_filter{});
  if (used.empty()) return tables;

  const price_panel panel = resample_last(used, period_ms);
  const joint_returns joint = joint_log_returns(panel);
  const std::size_t n_dates = joint.interval.size();
  LEVRISK_REQUIRE(n_dates >= 100, input_error,
                  context << ": [model.fhs] history has " << n_dates
                          << " dates on which every asset has a return; at least 100 needed");
  const double lambda =
      params.lambda > 0.0 ? params.lambda : riskmetrics_lambda(tables.period_days);
  tables.n_dates = static_cast<int>(n_dates);
  tables.residual.assign(n_dates * asset_ids.size(), 0.0f);
  for (std::size_t k = 0; k < asset_ids.size(); ++k) {
    if (column[k] < 0) continue;
    std::vector<double> r = joint.log_return[static_cast<std::size_t>(column[k])];
    std::vector<double> variance;  // [t]: of return t given returns < t; [n_dates]: today's
    fhs_filter& filter = tables.filter[k];
    if (params.filter == "garch") {
      const double m = mean(r);
      for (double& v : r) v -= m;  // the fit takes zero-mean innovations
      const garch_fit fit = fit_garch_t(r);
      LEVRISK_REQUIRE(fit.converged, input_error,
                      context << ": [model.fhs] the GARCH(1,1) fit of " << asset_ids[k]
                              << " did not converge; filter = \"ewma\" needs no fit");
      variance = fit.conditional_variance;
      variance.push_back(fit.variance_now);
      filter = fhs_filter{fit.omega, fit.alpha, fit.beta, fit.variance_now};
    } else {
      variance = ewma_variance(r, lambda);
      filter = fhs_filter{0.0, 1.0 - lambda, lambda, variance[n_dates]};
    }
    std::vector<double> standardized(n_dates);
    for (std::size_t t = 0; t < n_dates; ++t) standardized[t] = r[t] / std::sqrt(variance[t]);
    // Demean and rescale to unit variance: the rescaling by today's volatility
    // then gives today's volatility exactly.
    const double m = mean(standardized);
    const double sd = std::sqrt(sample_variance(standardized));
    for (std::size_t t = 0; t < n_dates; ++t) {
      tables.residual[t * asset_ids.size() + k] = static_cast<float>((standardized[t] - m) / sd);
    }
    tables.vol_now_annual[k] = annualized_vol(filter.variance_now, tables.period_days);
  }
  tables.window_start =
      format_timestamp(panel.interval_start_ms(static_cast<std::size_t>(joint.interval.front())));
  tables.window_end =
      format_timestamp(panel.interval_start_ms(static_cast<std::size_t>(joint.interval.back())));
  return tables;
}

garch_step_coefficients fhs_variance_recursion(const fhs_tables& tables, double step_days,
                                               const std::string& context) {
  LEVRISK_REQUIRE(std::fabs(step_days - tables.period_days) <= 1e-6 * tables.period_days,
                  input_error,
                  context << ": [model.fhs] update_volatility steps the filter once per "
                          << tables.period_days << " days (the history's frequency) but the run's "
                          << "step is " << step_days << " days: set steps = horizon_days / "
                          << tables.period_days);
  garch_step_coefficients g;
  for (const fhs_filter& f : tables.filter) {
    g.omega.push_back(static_cast<float>(f.omega));
    g.alpha.push_back(static_cast<float>(f.alpha));
    g.beta.push_back(static_cast<float>(f.beta));
    g.variance_now.push_back(static_cast<float>(f.variance_now));
  }
  return g;
}

}  // namespace levrisk
