#include "models/fhs.hpp"

#include <algorithm>
#include <cmath>

#include "host/common/error.hpp"
#include "models/calibration/calibration.hpp"
#include "models/calibration/ewma.hpp"
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
  std::vector<history_source> sources;
  for (const std::string& entry : params.history) {
    history_source source = parse_history_argument(entry);
    source.path = (base_dir / source.path).lexically_normal().string();
    sources.push_back(source);
  }
  const std::vector<price_series> all = load_price_history(sources);
  const std::int64_t period_ms = parse_frequency(params.frequency);

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
    const std::vector<double>& r = joint.log_return[static_cast<std::size_t>(column[k])];
    const std::vector<double> variance = ewma_variance(r, lambda);  // [t]: given returns < t
    std::vector<double> standardized(n_dates);
    for (std::size_t t = 0; t < n_dates; ++t) standardized[t] = r[t] / std::sqrt(variance[t]);
    // Demean and rescale to unit variance: the rescaling by today's volatility
    // then gives today's volatility exactly.
    const double m = mean(standardized);
    const double sd = std::sqrt(sample_variance(standardized));
    for (std::size_t t = 0; t < n_dates; ++t) {
      tables.residual[t * asset_ids.size() + k] = static_cast<float>((standardized[t] - m) / sd);
    }
    tables.vol_now_annual[k] = annualized_vol(variance[n_dates], tables.period_days);
  }
  tables.window =
      std::to_string(n_dates) + " dates, " +
      format_timestamp(panel.interval_start_ms(static_cast<std::size_t>(joint.interval.front()))) +
      " .. " +
      format_timestamp(panel.interval_start_ms(static_cast<std::size_t>(joint.interval.back())));
  return tables;
}

}  // namespace levrisk
