#include "host/plan/market_plan.hpp"

#include <cstddef>
#include <string>

#include "common/error.hpp"

namespace levrisk {
namespace {

void require_size(const std::vector<float>& table, std::size_t size, const char* name) {
  LEVRISK_REQUIRE(
      table.size() == size, runtime_failure,
      "market plan: " << name << " has " << table.size() << " entries, expected " << size);
}

}  // namespace

void validate_market_plan(const market_plan& market) {
  const auto n = static_cast<std::size_t>(market.n_assets);
  LEVRISK_REQUIRE(market.n_assets > 0 && market.n_assets <= max_assets, runtime_failure,
                  "market plan: " << market.n_assets << " assets, expected 1 to " << max_assets);
  require_size(market.diffusion.drift_dt, n, "drift_dt");
  require_size(market.diffusion.vol_sqrt_dt, n, "vol_sqrt_dt");
  require_size(market.diffusion.cholesky, n * n, "cholesky");
  if (market.kind == market_kind::merton) {
    const jump_tables& j = market.jumps;
    require_size(j.rate, n + 1, "jump rate");
    require_size(j.count_cdf, (n + 1) * jump_count_terms, "jump count_cdf");
    require_size(j.mean, n, "jump mean");
    require_size(j.stdev, n, "jump stdev");
    require_size(j.systemic_loading, n, "systemic_loading");
  }
  if (carries_variance(market.kind)) {
    const garch_tables& g = market.garch;
    require_size(g.omega, n, "garch omega");
    require_size(g.alpha, n, "garch alpha");
    require_size(g.beta, n, "garch beta");
    require_size(g.variance_now, n, "garch variance_now");
  }
  if (market.kind == market_kind::garch_t) {
    const garch_tables& g = market.garch;
    LEVRISK_REQUIRE(g.mixing_intervals > 0 && g.mixing_intervals_per_unit > 0.0f, runtime_failure,
                    "market plan: garch_t needs a mixing grid");
    require_size(g.mixing, static_cast<std::size_t>(g.mixing_intervals) * 4 * n, "garch mixing");
    LEVRISK_REQUIRE(g.substeps >= 1, runtime_failure,
                    "market plan: garch_t needs substeps >= 1, got " << g.substeps);
  }
  if (market.kind == market_kind::historical || market.kind == market_kind::historical_carried) {
    const history_tables& h = market.history;
    LEVRISK_REQUIRE(h.dates > 0 && h.block_length >= 1, runtime_failure,
                    "market plan: historical simulation needs dates and a block length >= 1");
    require_size(h.residual, static_cast<std::size_t>(h.dates) * n, "history residual");
  }
}

}  // namespace levrisk
