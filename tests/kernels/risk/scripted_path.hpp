#pragma once
// A scripted price path for the execution stage's tests: a market of two
// assets whose growth factors are given step by step, in place of a market
// model, and a set of units executed on it.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "kernels/risk/execute_path.hpp"

namespace levrisk {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr int max_assets_here = 2;

class scripted_path {
 public:
  scripted_path(std::vector<std::vector<float>> growth, std::vector<execution_unit> units)
      : units_(std::move(units)), n_steps_(static_cast<int>(growth.size()) - 1) {
    for (const std::vector<float>& row : growth) {
      for (const float g : row) {
        growth_.push_back(g);
        x_.push_back(std::log(g));
      }
    }
    money_.assign(units_.size() * n_unit_money * 2, money_tally{0ull, 0ull});
    counts_.assign(units_.size() * n_unit_counts, 0ull);
    suffix_.assign(growth_.size() * 2, 0.0f);
    first_perp_unit_ = static_cast<int>(units_.size());
    for (std::size_t u = units_.size(); u-- > 0;) {
      if (is_perp(units_[u])) first_perp_unit_ = static_cast<int>(u);
    }
    perp_states_.assign(units_.size() - static_cast<std::size_t>(first_perp_unit_),
                        perp_unit_state{no_path, -1, 0, 0.0, 0.0, 0.0});
  }

  std::vector<lending_leg> lending_legs;
  std::vector<perp_leg> perp_legs;
  std::vector<int> step0_units;
  double depth_usd[max_assets_here] = {inf, inf};
  int asset_moves[max_assets_here] = {1, 1};
  int keeper_delay_steps = 0;
  int max_calls_per_step = 16;
  float impact_exponent = 0.5f;
  lending_rules lending{0.5, 0.95, 2000.0};
  double insurance_fund_usd = 0.0;
  double lending_reserve_usd = 0.0;
  // The venues, lending protocols first (units name theirs by execution_unit::venue);
  // when empty, one protocol with `lending` and `lending_reserve_usd` and one
  // exchange with `insurance_fund_usd`.
  std::vector<venue_rules> venues;
  int first_perp_venue = 1;
  // The step-synchronous stage (kernels/risk/feedback_execution.hpp): on when
  // `feedback`; an oracle when oracle_rules has one rule per asset, and one
  // per venue group (venue_rules::oracle_group) when it has a multiple of that.
  bool feedback = false;
  double permanent_impact_share = 0.0;
  int max_cascade_rounds = 32;
  bool amplification = false;
  std::vector<oracle_rule> oracle_rules;
  std::vector<oracle_feed> oracle_feeds;
  std::uint64_t seed = 1;

  // A ladder on asset `asset`'s log-price for run_path: units liquidated when
  // it falls below their threshold (given in any order).
  // Its units must be of venues of oracle group `oracle_group`.
  void add_falling_ladder(int asset, std::vector<std::pair<float, int>> thresholds,
                          int oracle_group = 0) {
    add_ladder(asset, false, std::move(thresholds), oracle_group);
  }
  // Units liquidated when the log-price rises above their threshold (shorts):
  // stored negated, as kernels/risk/ladder.hpp searches them.
  void add_rising_ladder(int asset, std::vector<std::pair<float, int>> thresholds,
                         int oracle_group = 0) {
    for (auto& entry : thresholds) entry.first = -entry.first;
    add_ladder(asset, true, std::move(thresholds), oracle_group);
  }

  simulation_view view() {
    simulation_view v{};
    v.n_steps = n_steps_;
    v.model.diffusion.n_assets = max_assets_here;
    factors_.clear();
    for (const ladder_storage& l : ladders_) {
      factor_view f{};
      f.numerator_asset = l.asset;
      f.denominator_asset = -1;
      f.oracle_group = l.oracle_group;
      const ladder_view walked{l.threshold.data(),
                               l.unit.data(),
                               static_cast<int>(l.unit.size()),
                               nullptr,
                               nullptr,
                               nullptr};
      const ladder_view none{nullptr, nullptr, 0, nullptr, nullptr, nullptr};
      f.falling = l.rising ? none : walked;
      f.rising = l.rising ? walked : none;
      factors_.push_back(f);
    }
    v.ladders.n_factors = static_cast<int>(factors_.size());
    v.ladders.factors = factors_.data();
    v.exact.forms.n_units = 0;
    execution_view& e = v.execution;
    e.enabled = 1;
    e.units = units_.data();
    e.lending_legs = lending_legs.data();
    e.perp_legs = perp_legs.data();
    e.step0_units = step0_units.data();
    e.asset_moves = asset_moves;
    liquidating_.clear();
    for (const execution_unit& u : units_) {
      liquidating_.push_back(is_perp(u)
                                 ? liquidating_moves(perp_legs.data() + u.first_leg, u.n_legs)
                                 : liquidating_moves(lending_legs.data() + u.first_leg, u.n_legs));
    }
    e.liquidating = liquidating_.data();
    e.n_step0_units = static_cast<int>(step0_units.size());
    e.first_perp_unit = first_perp_unit_;
    e.n_perp_units = static_cast<int>(perp_states_.size());
    e.n_perp_legs = static_cast<int>(perp_legs.size());
    venues_ = venues;
    if (venues_.empty()) {
      venues_ = {venue_rules{0, lending, lending_reserve_usd},
                 venue_rules{1, lending_rules{0.0, 0.0, 0.0}, insurance_fund_usd}};
    }
    e.venues = venues_.data();
    e.n_venues = static_cast<int>(venues_.size());
    e.first_perp_venue = venues.empty() ? 1 : first_perp_venue;
    const int stride = path_totals_stride(max_assets_here, e.n_venues);
    // Resized, not cleared: an account of an earlier run holds a pointer into the
    // totals, and the stage leaves the ledger zero.
    totals_.resize(static_cast<std::size_t>(stride), 0.0);
    ledger_.resize(
        static_cast<std::size_t>(ledger_doubles(n_steps_, max_assets_here, n_perp_venues(e))), 0.0);
    set_candidates(n_perp_venues(e));
    e.adl_candidates = candidates_.data();
    e.adl_offsets = offsets_.data();
    e.impact = impact_view{depth_usd, impact_exponent};
    e.keeper_delay_steps = keeper_delay_steps;
    e.max_calls_per_step = max_calls_per_step;
    e.n_units = static_cast<int>(units_.size());
    std::size_t lending_legs_used = 0;
    for (const execution_unit& u : units_) {
      if (!is_perp(u)) {
        lending_legs_used =
            std::max(lending_legs_used, static_cast<std::size_t>(u.first_leg + u.n_legs));
      }
    }
    e.n_lending_legs = static_cast<int>(lending_legs_used);
    e.feedback = feedback ? 1 : 0;
    const int oracle_groups = std::max(1, static_cast<int>(oracle_rules.size()) / max_assets_here);
    e.oracle = oracle_view{oracle_rules.empty() ? 0 : 1, oracle_rules.data(), oracle_feeds.data(),
                           seed, oracle_groups};
    e.permanent_impact_share = permanent_impact_share;
    e.max_cascade_rounds = max_cascade_rounds;
    e.amplification = amplification ? 1 : 0;
    e.amplification_paths = ~std::uint64_t{0};  // every path
    rounds_histogram_.assign(static_cast<std::size_t>(max_cascade_rounds) + 1, 0ull);
    e.rounds_histogram = rounds_histogram_.data();
    e.money = money_.data();
    e.counts = counts_.data();
    e.totals = path_totals_view{totals_.data(), stride, 0};
    return v;
  }

  stored_rows rows() const { return stored_rows{x_.data(), growth_.data(), max_assets_here}; }
  execution_scratch scratch() {
    leg_scale_.resize(perp_legs.size(), 1.0);
    tracks_.assign(units_.size(), untouched_track(no_path));
    lending_balance_.assign(
        static_cast<std::size_t>(lending_scratch_doubles(static_cast<int>(lending_legs.size()))),
        0.0);
    lists_.assign(static_cast<std::size_t>(unit_list_ints(static_cast<int>(units_.size()), 0)), 0);
    return execution_scratch{ledger_.data(),    suffix_.data(), perp_states_.data(),
                             leg_scale_.data(), tracks_.data(), lending_balance_.data(),
                             lists_.data()};
  }
  execution_context context(const simulation_view& v) {
    return execution_context_of(v, 0, rows(), scratch());
  }

  // One unit triggered at `trigger`, its outcome and the path's account.
  unit_outcome run_unit(int unit, int trigger) {
    const simulation_view v = view();
    const execution_context c = context(v);
    for (perp_unit_state& s : perp_states_) s.path = no_path;
    account_ = fresh_account<max_assets_here>(v, 0);
    const execution_unit& u = units_[static_cast<std::size_t>(unit)];
    return is_perp(u) ? execute_perp(c, unit, trigger, account_)
                      : execute_lending(c, u, trigger, account_);
  }

  // The whole path through execute_path; returns its totals row.
  const std::vector<double>& run_path() {
    const simulation_view v = view();
    for (perp_unit_state& s : perp_states_) s.path = no_path;
    execute_path<max_assets_here>(v, 0, rows(), scratch());
    return totals_;
  }

  // Units first liquidatable at the given steps ({unit, trigger}), as the
  // ladders would find them, then the fund and auto-deleveraging; returns the
  // path's account.
  const path_account<max_assets_here>& run_units(const std::vector<std::pair<int, int>>& triggers) {
    const simulation_view v = view();
    for (perp_unit_state& s : perp_states_) s.path = no_path;
    const execution_context c = context(v);
    account_ = fresh_account<max_assets_here>(v, 0);
    for (const auto& [unit, trigger] : triggers) execute_unit(c, unit, trigger, account_);
    run_buffers(c, account_);
    return account_;
  }

  const path_account<max_assets_here>& account() const { return account_; }
  const std::vector<double>& ledger() const { return ledger_; }
  // A unit's tallied figure over the one path: money m (sum) or count k.
  double money(int unit, int m) const {
    const money_tally& t = money_[static_cast<std::size_t>((unit * n_unit_money + m) * 2)];
    const long double high = static_cast<long double>(static_cast<std::int64_t>(t.high));
    return static_cast<double>(std::ldexp(
        high * 18446744073709551616.0L + static_cast<long double>(t.low), -money_scale_bits));
  }
  tally_t count(int unit, int k) const {
    return counts_[static_cast<std::size_t>(unit * n_unit_counts + k)];
  }
  // A unit's figures on the step-synchronous stage's full pass over the path
  // (its track; zero when the pass never touched it).
  unit_outcome outcome(int unit) const {
    const unit_track& t = tracks_[static_cast<std::size_t>(unit)];
    return t.tag == pass_tag(0, 0) ? t.outcome : unit_outcome{};
  }
  const perp_unit_state& perp_state(int unit) const {
    return perp_states_[static_cast<std::size_t>(unit - first_perp_unit_)];
  }
  double leg_scale(int leg) const { return leg_scale_[static_cast<std::size_t>(leg)]; }
  const std::vector<tally_t>& rounds_histogram() const { return rounds_histogram_; }
  // The market the step-synchronous stage left: growth at (step, asset).
  float market_growth(int step, int asset) const {
    return suffix_[static_cast<std::size_t>(step * max_assets_here + asset)];
  }

 private:
  std::vector<execution_unit> units_;
  int n_steps_;
  std::vector<float> growth_, x_, suffix_;
  std::vector<money_tally> money_;
  std::vector<tally_t> counts_;
  std::vector<double> totals_, ledger_;
  std::vector<venue_rules> venues_;
  path_account<max_assets_here> account_{};
  int first_perp_unit_ = 0;
  std::vector<perp_unit_state> perp_states_;
  std::vector<double> leg_scale_;
  std::vector<adl_candidate> candidates_;
  std::vector<int> offsets_;
  struct ladder_storage {
    int asset;
    bool rising;
    int oracle_group;
    std::vector<float> threshold;
    std::vector<int> unit;
  };
  std::vector<ladder_storage> ladders_;
  std::vector<factor_view> factors_;
  std::vector<unit_track> tracks_;
  std::vector<double> lending_balance_;
  std::vector<int> lists_;
  std::vector<tally_t> rounds_histogram_;
  std::vector<price_moves> liquidating_;

  void add_ladder(int asset, bool rising, std::vector<std::pair<float, int>> thresholds,
                  int oracle_group) {
    std::sort(thresholds.begin(), thresholds.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    ladders_.push_back(ladder_storage{asset, rising, oracle_group, {}, {}});
    for (const auto& [threshold, unit] : thresholds) {
      ladders_.back().threshold.push_back(threshold);
      ladders_.back().unit.push_back(unit);
    }
  }

  // Every perp leg by exchange, asset and side, then unit (as
  // host/engine/execution_setup.cpp).
  void set_candidates(int n_perp_venues) {
    candidates_.clear();
    const int n_groups = 2 * max_assets_here * n_perp_venues;
    offsets_.assign(static_cast<std::size_t>(n_groups) + 1, 0);
    for (int g = 0; g < n_groups; ++g) {
      for (std::size_t u = 0; u < units_.size(); ++u) {
        const execution_unit& unit = units_[u];
        if (!is_perp(unit)) continue;
        for (int leg = unit.first_leg; leg < unit.first_leg + unit.n_legs; ++leg) {
          const perp_leg& l = perp_legs[static_cast<std::size_t>(leg)];
          if (adl_group(unit.venue, l.asset, l.size_usd < 0.0 ? 1 : 0, max_assets_here) == g) {
            candidates_.push_back(adl_candidate{static_cast<int>(u), leg});
          }
        }
      }
      offsets_[static_cast<std::size_t>(g) + 1] = static_cast<int>(candidates_.size());
    }
  }
};

inline double price(float growth) {
  return static_cast<double>(growth);
}

}  // namespace levrisk
