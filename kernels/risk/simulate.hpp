#pragma once
// The fused path kernel: generate, step and evaluate in one pass, keeping only
// small per-path accumulators (docs/methodology.md, how liquidations are found).
// Per path and step it runs three stages:
//
//   market   kernels/paths/market_step.hpp     every asset's log-return
//   ladders  kernels/risk/factor_ladders.hpp   factor extremes, ladder walks
//   box      kernels/risk/price_box.hpp        each asset's extremes
//
// and at the path's end bins the factor extremes and screens the multi-asset
// units against the box (kernels/risk/screen.hpp), flagging the (unit, path)
// pairs it cannot clear for the exact check (kernels/risk/exact_check.hpp).
//
// Every tally is an integer added atomically, so results are the same for any
// batch size, thread count and backend.

#include "kernels/common.hpp"
#include "kernels/paths/market_step.hpp"
#include "kernels/risk/factor_ladders.hpp"
#include "kernels/risk/price_box.hpp"
#include "kernels/risk/screen.hpp"
#include "kernels/risk/simulation_view.hpp"

namespace levrisk {

// Per-path state of the fused kernel for Lanes paths, sized at compile time for
// runs of up to MaxAssets assets and MaxFactors factors (host/backend/shapes.hpp).
template <int Lanes, int MaxAssets, int MaxFactors>
struct path_state {
  market_state<Lanes, MaxAssets> market;
  price_box<Lanes, MaxAssets> box;
  factor_state<Lanes, MaxFactors> factors;
};

// Simulates paths [first_path, first_path + Lanes); lanes at or beyond
// active_lanes are computed but not tallied.
template <int Lanes, int MaxAssets, int MaxFactors>
LEVRISK_HD void simulate_paths(const simulation_view& v, std::uint64_t first_path, int active_lanes,
                               path_state<Lanes, MaxAssets, MaxFactors>& s) {
  const int n_assets = v.model.diffusion.n_assets;
  market_begin(v.model, v.stream, first_path, s.market);
  box_begin(n_assets, s.box);
  ladders_begin(v.ladders, active_lanes, s.factors);
  for (int step = 1; step <= v.n_steps; ++step) {
    market_step(v.model, v.stream, first_path, step - 1, s.market);
    box_update(n_assets, s.market.log_return, s.box);
    ladders_step(v.ladders, s.market.log_return, step, active_lanes, s.factors);
  }
  ladders_finish(v.ladders, active_lanes, s.factors);
  if (v.exact.forms.n_units == 0) return;
  box_close(n_assets, s.box);
  screen_paths(v.exact.forms, v.exact.flags, v.exact.tallies.sample_paths, first_path, active_lanes,
               s.box);
}

}  // namespace levrisk
