#include "models/gbm.hpp"

#include <cmath>
#include <cstddef>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "common/error.hpp"
#include "models/correlation.hpp"
#include "models/parameter_error.hpp"

namespace levrisk {

void check_gbm_asset(const gbm_asset_params& asset) {
  if (!std::isfinite(asset.drift_annual)) {
    std::ostringstream problem;
    problem << "must be a finite number, got " << asset.drift_annual;
    throw parameter_error("drift_annual", problem.str());
  }
  if (!(std::isfinite(asset.vol_annual) && asset.vol_annual >= 0.0)) {
    std::ostringstream problem;
    problem << "must be a finite number >= 0, got " << asset.vol_annual;
    throw parameter_error("vol_annual", problem.str());
  }
}

gbm_model::gbm_model(gbm_params params, const std::string& context)
    : params_(std::move(params)), context_(context) {
  const std::size_t n = params_.asset_ids.size();
  LEVRISK_REQUIRE(n > 0, input_error, context_ << ": the model needs at least one asset");
  LEVRISK_REQUIRE(params_.assets.size() == n, input_error,
                  context_ << ": " << n << " asset ids but " << params_.assets.size()
                           << " sets of asset parameters: they must match one to one");
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& id = params_.asset_ids[i];
    LEVRISK_REQUIRE(!id.empty(), input_error,
                    context_ << ": asset " << i << " (counting from 0): id must be non-empty");
    const auto [previous, inserted] = seen.emplace(id, i);
    LEVRISK_REQUIRE(inserted, input_error,
                    context_ << ": asset '" << id << "' is listed twice (positions "
                             << previous->second << " and " << i
                             << ", counting from 0): asset ids must be unique");
    try {
      check_gbm_asset(params_.assets[i]);
    } catch (const parameter_error& error) {
      LEVRISK_FAIL(input_error, context_ << ": asset '" << id << "': " << error.what());
    }
  }
  params_.correlation =
      validated_correlation(params_.correlation, params_.asset_ids, params_.repair_correlation,
                            context_, &repair_distance_);
  try {
    cholesky_ = cholesky_lower(params_.correlation, static_cast<int>(n));
  } catch (const input_error& error) {
    // validated_correlation admits what cholesky_lower admits; this names the model if not.
    LEVRISK_FAIL(input_error, context_ << ": " << error.what());
  }
}

gbm_step_coefficients gbm_model::step_coefficients(double dt_years) const {
  LEVRISK_REQUIRE(std::isfinite(dt_years) && dt_years > 0.0, input_error,
                  context_ << ": time step dt_years must be a finite number > 0, got " << dt_years);
  const std::size_t n = params_.asset_ids.size();
  gbm_step_coefficients result;
  result.n_assets = static_cast<int>(n);
  result.drift_dt.resize(n);
  result.vol_sqrt_dt.resize(n);
  result.cholesky.resize(n * n);
  const double sqrt_dt = std::sqrt(dt_years);
  for (std::size_t k = 0; k < n; ++k) {
    const double mu = params_.assets[k].drift_annual;
    const double sigma = params_.assets[k].vol_annual;
    // Ito: d ln S = (mu - sigma^2 / 2) dt + sigma dW.
    result.drift_dt[k] = static_cast<float>((mu - 0.5 * sigma * sigma) * dt_years);
    result.vol_sqrt_dt[k] = static_cast<float>(sigma * sqrt_dt);
  }
  for (std::size_t k = 0; k < n * n; ++k) result.cholesky[k] = static_cast<float>(cholesky_[k]);
  return result;
}

}  // namespace levrisk
