#include "host/engine/snapshot_model.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/error.hpp"

namespace levrisk {

std::vector<std::size_t> config_asset_order(const run_config& config, const snapshot& snap) {
  std::vector<std::size_t> order;
  for (const asset& a : snap.assets) {
    const auto it = std::find(config.gbm.asset_ids.begin(), config.gbm.asset_ids.end(), a.id);
    order.push_back(static_cast<std::size_t>(it - config.gbm.asset_ids.begin()));
  }
  return order;
}

gbm_model snapshot_model(const run_config& config, const snapshot& snap) {
  const gbm_params& all = config.gbm;
  const std::size_t n_all = all.asset_ids.size();
  gbm_params params;
  params.repair_correlation = all.repair_correlation;
  const std::vector<std::size_t> source_index = config_asset_order(config, snap);
  for (std::size_t k = 0; k < snap.assets.size(); ++k) {
    const asset& a = snap.assets[k];
    const std::size_t i = source_index[k];
    // Refused, not taken as constant: a volatile asset left out of the model
    // would carry no risk. Stablecoins held at their peg go in [model] pegged.
    LEVRISK_REQUIRE(i < n_all, input_error,
                    (config.model_source.empty() ? config.source : config.model_source)
                        << ": asset '" << a.id << "' of snapshot '" << snap.source
                        << "' has no parameters in [model.assets] (an asset held at its "
                           "price needs none if [model] pegged lists it)");
    params.asset_ids.push_back(a.id);
    params.assets.push_back(all.assets[i]);
    if (config.model == "merton" && i < config.merton_diffusion_vol.size() &&
        !std::isnan(config.merton_diffusion_vol[i])) {
      params.assets.back().vol_annual = config.merton_diffusion_vol[i];
    }
  }
  for (const std::size_t i : source_index) {
    for (const std::size_t j : source_index)
      params.correlation.push_back(all.correlation[i * n_all + j]);
  }
  return gbm_model(std::move(params),
                   (config.model_source.empty() ? config.source : config.model_source) + ": model");
}

merton_params snapshot_jumps(const run_config& config, const snapshot& snap) {
  merton_params jumps;
  jumps.systemic = config.merton.systemic;
  for (const std::size_t i : config_asset_order(config, snap)) {
    jumps.assets.push_back(i < config.merton.assets.size() ? config.merton.assets[i]
                                                           : merton_asset_params{});
  }
  return jumps;
}

}  // namespace levrisk
