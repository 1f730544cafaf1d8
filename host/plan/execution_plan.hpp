#pragma once
// The execution stage's part of the simulation plan (kernels/risk/execution.hpp):
// every risk unit's balances and rules, which units are liquidated at the
// snapshot, the multi-asset units' mapping back to risk units, the assets'
// depth, and the venues: each lending protocol's rules and reserve, each perp
// exchange's insurance fund. Built by
// set_execution (host/engine/execution_setup.hpp).

#include <string>
#include <vector>

#include "host/plan/feedback_plan.hpp"
#include "kernels/risk/execution_view.hpp"

namespace levrisk {

struct execution_plan {
  bool enabled = false;
  std::vector<execution_unit> units;  // every risk unit, in output order
  std::vector<lending_leg> lending_legs;
  std::vector<perp_leg> perp_legs;
  std::vector<int> exact_units;  // multi-asset unit index -> risk unit
  std::vector<int> step0_units;  // constant route, liquidated at the snapshot
  int first_perp_unit = 0;       // units from here on are perps
  // Auto-deleveraging's candidates by exchange, asset and side (execution_view::adl_offsets).
  std::vector<adl_candidate> adl_candidates;
  std::vector<int> adl_offsets;
  std::vector<double> depth_usd;         // per asset
  std::vector<int> asset_moves;          // per asset: 0 when the model holds its price fixed
  std::vector<price_moves> liquidating;  // per unit (execution_view::liquidating)
  std::vector<safe_box> safe_boxes;      // per multi-asset unit (execution_view::safe_boxes)
  // Lending protocols first, then perp exchanges from first_perp_venue on.
  std::vector<venue_rules> venues;
  std::vector<std::string> venue_ids;  // the snapshot's, in the same order
  int first_perp_venue = 0;
  float impact_exponent = 0.5f;
  int keeper_delay_steps = 0;
  int max_calls_per_step = 16;
  oracle_plan oracle;
  cascade_plan cascade;
  // Whether liquidations feed back into what triggers them: an oracle, or a
  // permanent share of impact (kernels/risk/feedback_execution.hpp).
  bool feedback() const { return oracle.enabled || cascade.permanent_impact_share > 0.0; }

  // Doubles per path in the per-path totals (path_totals_view::stride).
  int path_stride(int n_assets) const { return path_totals_stride(n_assets, n_venues()); }
  int n_venues() const { return static_cast<int>(venues.size()); }
  int n_perp_venues() const { return n_venues() - first_perp_venue; }
  int n_perp_units() const { return static_cast<int>(units.size()) - first_perp_unit; }
  int n_perp_legs() const { return static_cast<int>(perp_legs.size()); }
};

}  // namespace levrisk
