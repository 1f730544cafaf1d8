#pragma once
// From a snapshot to what the kernels evaluate. Each risk unit (lending account,
// isolated perp position, cross-margin perp account) gets its health factor as
// two linear forms in prices and is routed:
//   constant    no simulated price moves its health factor: liquidated on every
//               path at step 0, or never;
//   ladder      its health factor moves with one factor y (one asset's
//               log-return, or the log ratio of two assets' prices): liquidated
//               when the running extreme of y crosses a threshold;
//   exact       anything else: screened per path by the path's price box, then
//               checked step by step where the box cannot clear it.

#include <cstdint>
#include <string>
#include <vector>

#include "host/engine/results.hpp"
#include "host/plan/simulation_plan.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// HF = (numerator_const + sum_k numerator[k] e^{x_k}) / (denominator_const + ...),
// coefficients in USD at the snapshot's spot prices.
struct health_form {
  double numerator_const_usd = 0.0;
  double denominator_const_usd = 0.0;
  std::vector<double> numerator_usd;    // per asset
  std::vector<double> denominator_usd;  // per asset
};

enum class unit_route : std::uint8_t { constant, ladder, exact };

struct planned_unit {
  std::string id;
  risk_unit_kind kind;
  std::string venue;  // the id of its lending protocol or perp exchange
  double health_factor_initial;
  unit_route route;
  bool always_liquidated;  // constant route only
  // Ladder route: HF = (a + b r) / (c + d r) with r = e^y of factor `factor`; a, b, c, d
  // in units of the unit's own scale, a power of two of USD (risk_plan.cpp: normalised).
  int factor;
  bool rising;
  int ladder_position;
  double a, b, c, d;
  // Price of the factor's numerator asset at which HF = 1, in USD (or in units
  // of the denominator asset for a ratio factor); NaN unless the route is ladder.
  double liquidation_price;
  int exact_index;  // exact route: index among the multi-factor units
};

struct risk_plan {
  simulation_plan simulation;
  std::vector<planned_unit> units;
};

// At most this many HF-minimum values (sample paths x multi-asset units) are kept:
// 2^28 floats, 1 GiB. hf_sample_paths is reduced to respect it; the result file records
// the paths used (hf_min_paths).
constexpr std::int64_t hf_sample_max_values = std::int64_t{1} << 28;

struct risk_plan_settings {
  std::uint64_t seed;
  std::int64_t paths;
  int steps;
  std::int64_t hf_sample_paths;     // paths whose every exact unit records its HF minimum...
  double hf_sample_max_unit_steps;  // ...reduced so that sample paths x exact units x steps stays
                                    // below this
  int histogram_bins;
  double histogram_width;
  // The venues that read an oracle of their own, in the order of their oracle
  // groups (host/engine/oracle_setup.hpp): a factor's ladder holds the units of
  // one group, so that the step-synchronous stage walks it on that group's prices.
  std::vector<std::string> own_oracle_venues = {};
};

// Health forms of every unit, in output order: lending accounts, isolated perp
// positions, cross-margin accounts; with their ids, kinds and venue ids when asked for.
std::vector<health_form> unit_health_forms(const snapshot& snap, std::vector<std::string>* ids,
                                           std::vector<risk_unit_kind>* kinds,
                                           std::vector<std::string>* venues = nullptr);

// `constant_asset[k]`: asset k's price does not move in the model (it then
// folds into the forms' constants). The market part of the simulation plan
// (coefficients, model tables) is set by set_market (market_setup.hpp).
risk_plan build_risk_plan(const snapshot& snap, const std::vector<bool>& constant_asset,
                          const risk_plan_settings& settings);

}  // namespace levrisk
