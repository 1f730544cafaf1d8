#pragma once
// The execution part of a simulation plan (host/plan/execution_plan.hpp) in a
// backend's memory: the units' balances and rules, their tallies, the batch's
// per-path totals and, where the device asks for it (the GPU), each path's
// stored prices, fund ledger and perp units' state for the whole batch; the
// CPU keeps those per thread. `Memory` as in host/backend/market_storage.hpp.

#include <cstdint>
#include <vector>

#include "host/backend/market_storage.hpp"
#include "host/plan/simulation_plan.hpp"
#include "kernels/risk/execution_view.hpp"

namespace levrisk {

template <class Memory>
class execution_storage {
 public:
  execution_storage(const simulation_plan& plan, std::int64_t max_batch_paths, bool batch_scratch)
      : plan_(plan.execution),
        stride_(plan.execution.path_stride(plan.market.n_assets)),
        seed_(plan.seed),
        units_(plan.execution.units),
        lending_legs_(plan.execution.lending_legs),
        perp_legs_(plan.execution.perp_legs),
        exact_units_(plan.execution.exact_units),
        step0_units_(plan.execution.step0_units),
        adl_candidates_(plan.execution.adl_candidates),
        adl_offsets_(plan.execution.adl_offsets),
        venues_(plan.execution.venues),
        depth_usd_(plan.execution.depth_usd),
        asset_moves_(plan.execution.asset_moves),
        liquidating_(plan.execution.liquidating),
        safe_boxes_(plan.execution.safe_boxes),
        oracle_rules_(plan.execution.oracle.rules),
        oracle_feeds_(plan.execution.oracle.feeds) {
    if (!plan_.enabled) return;
    money_.assign(plan_.units.size() * n_unit_money * 2, money_tally{0ull, 0ull});
    counts_.assign(plan_.units.size() * n_unit_counts, 0ull);
    totals_.assign(static_cast<std::size_t>(max_batch_paths * stride_), 0.0);
    const bool feedback = plan_.feedback();
    if (feedback) {
      rounds_histogram_.assign(static_cast<std::size_t>(plan_.cascade.max_rounds) + 1, 0ull);
    }
    if (batch_scratch && feedback) {
      const std::size_t n_units = plan_.units.size();
      tracks_.assign(static_cast<std::size_t>(max_batch_paths) * n_units, untouched_track(no_path));
      lending_balance_.assign(
          static_cast<std::size_t>(max_batch_paths * lending_scratch_doubles(static_cast<int>(
                                                         plan_.lending_legs.size()))),
          0.0);
      lists_.assign(
          static_cast<std::size_t>(max_batch_paths *
                                   unit_list_ints(static_cast<int>(n_units),
                                                  static_cast<int>(plan_.exact_units.size()))),
          0);
    }
    if (batch_scratch) {
      rows_.assign(static_cast<std::size_t>(max_batch_paths *
                                            stored_rows_floats(plan.n_steps, plan.market.n_assets)),
                   0.0f);
      ledger_.assign(static_cast<std::size_t>(
                         max_batch_paths *
                         ledger_doubles(plan.n_steps, plan.market.n_assets, plan_.n_perp_venues())),
                     0.0);
      perp_states_.assign(static_cast<std::size_t>(max_batch_paths * plan_.n_perp_units()),
                          perp_unit_state{no_path, -1, 0, 0.0, 0.0, 0.0});
      leg_scale_.assign(static_cast<std::size_t>(max_batch_paths * plan_.n_perp_legs()), 1.0);
    }
  }

  execution_view start_batch(std::uint64_t first_path) {
    execution_view v{};
    v.enabled = plan_.enabled ? 1 : 0;
    if (!plan_.enabled) return v;
    v.feedback = plan_.feedback() ? 1 : 0;
    v.n_units = static_cast<int>(plan_.units.size());
    v.units = Memory::raw(units_);
    v.lending_legs = Memory::raw(lending_legs_);
    v.perp_legs = Memory::raw(perp_legs_);
    v.exact_units = Memory::raw(exact_units_);
    v.step0_units = Memory::raw(step0_units_);
    v.asset_moves = Memory::raw(asset_moves_);
    v.liquidating = Memory::raw(liquidating_);
    v.safe_boxes = Memory::raw(safe_boxes_);
    v.n_step0_units = static_cast<int>(plan_.step0_units.size());
    v.first_perp_unit = plan_.first_perp_unit;
    v.n_perp_units = plan_.n_perp_units();
    v.n_perp_legs = plan_.n_perp_legs();
    v.n_lending_legs = static_cast<int>(plan_.lending_legs.size());
    v.adl_candidates = Memory::raw(adl_candidates_);
    v.adl_offsets = Memory::raw(adl_offsets_);
    v.venues = Memory::raw(venues_);
    v.n_venues = plan_.n_venues();
    v.first_perp_venue = plan_.first_perp_venue;
    v.impact = impact_view{Memory::raw(depth_usd_), plan_.impact_exponent};
    v.keeper_delay_steps = plan_.keeper_delay_steps;
    v.max_calls_per_step = plan_.max_calls_per_step;
    v.oracle = oracle_view{plan_.oracle.enabled ? 1 : 0, Memory::raw(oracle_rules_),
                           Memory::raw(oracle_feeds_), seed_, plan_.oracle.n_groups};
    v.permanent_impact_share = plan_.cascade.permanent_impact_share;
    v.max_cascade_rounds = plan_.cascade.max_rounds;
    v.amplification = plan_.cascade.amplification ? 1 : 0;
    v.amplification_paths = static_cast<std::uint64_t>(plan_.cascade.amplification_paths);
    v.rounds_histogram = rounds_histogram_.empty() ? nullptr : Memory::raw(rounds_histogram_);
    v.money = Memory::raw(money_);
    v.counts = Memory::raw(counts_);
    v.totals = path_totals_view{Memory::raw(totals_), stride_, first_path};
    v.batch_rows = rows_.empty() ? nullptr : Memory::raw(rows_);
    v.batch_ledger = ledger_.empty() ? nullptr : Memory::raw(ledger_);
    v.batch_perp_states = perp_states_.empty() ? nullptr : Memory::raw(perp_states_);
    v.batch_leg_scale = leg_scale_.empty() ? nullptr : Memory::raw(leg_scale_);
    v.batch_tracks = tracks_.empty() ? nullptr : Memory::raw(tracks_);
    v.batch_lending_balance = lending_balance_.empty() ? nullptr : Memory::raw(lending_balance_);
    v.batch_lists = lists_.empty() ? nullptr : Memory::raw(lists_);
    return v;
  }

  // The batch's per-path totals, n_paths x stride.
  std::vector<double> batch_totals(std::int64_t n_paths) const {
    if (!plan_.enabled) return {};
    std::vector<double> all = Memory::to_host(totals_);
    all.resize(static_cast<std::size_t>(n_paths * stride_));
    return all;
  }

  void download(simulation_tallies& t) const {
    if (!plan_.enabled) return;
    t.execution_money = Memory::to_host(money_);
    t.execution_counts = Memory::to_host(counts_);
    if (!rounds_histogram_.empty()) t.rounds_histogram = Memory::to_host(rounds_histogram_);
  }

 private:
  execution_plan plan_;
  int stride_;
  std::uint64_t seed_;
  buffer<Memory, execution_unit> units_;
  buffer<Memory, lending_leg> lending_legs_;
  buffer<Memory, perp_leg> perp_legs_;
  buffer<Memory, int> exact_units_, step0_units_;
  buffer<Memory, adl_candidate> adl_candidates_;
  buffer<Memory, int> adl_offsets_;
  buffer<Memory, venue_rules> venues_;
  buffer<Memory, double> depth_usd_;
  buffer<Memory, int> asset_moves_;
  buffer<Memory, price_moves> liquidating_;
  buffer<Memory, safe_box> safe_boxes_;
  buffer<Memory, money_tally> money_;
  buffer<Memory, tally_t> counts_;
  buffer<Memory, double> totals_;
  buffer<Memory, float> rows_;
  buffer<Memory, double> ledger_;
  buffer<Memory, perp_unit_state> perp_states_;
  buffer<Memory, double> leg_scale_;
  buffer<Memory, oracle_rule> oracle_rules_;
  buffer<Memory, oracle_feed> oracle_feeds_;
  buffer<Memory, tally_t> rounds_histogram_;
  buffer<Memory, unit_track> tracks_;
  buffer<Memory, double> lending_balance_;
  buffer<Memory, int> lists_;
};

}  // namespace levrisk
