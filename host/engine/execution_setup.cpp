#include "host/engine/execution_setup.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/safe_box.hpp"
#include "kernels/risk/screen.hpp"
#include "kernels/risk/trigger_moves.hpp"

namespace levrisk {
namespace {

double signed_size(const perp_position& p) {
  return p.side == position_side::long_side ? p.size : -p.size;
}

perp_leg perp_leg_of(const snapshot& snap, const perp_position& p) {
  const perp_market& market = snap.perp_markets[static_cast<std::size_t>(p.market_index)];
  const double spot = snap.assets[static_cast<std::size_t>(market.asset_index)].spot_usd;
  const double size = signed_size(p);
  return perp_leg{market.asset_index, size * spot, size * p.entry_price_usd,
                  market.maintenance_margin_fraction, market.liquidation_fee};
}

// The units' legs, in the order of unit_health_forms (host/engine/risk_plan.cpp):
// lending accounts, isolated positions, cross-margin accounts with positions.
class unit_builder {
 public:
  unit_builder(const snapshot& snap, execution_plan& out) : snap_(snap), out_(out) {}

  void add_lending_accounts() {
    for (const lending_account& account : snap_.lending_accounts) {
      execution_unit unit{execution_kind::lending, static_cast<int>(out_.lending_legs.size()),
                          static_cast<int>(account.balances.size()), 0.0, account.venue_index};
      LEVRISK_REQUIRE(unit.n_legs <= max_lending_legs, input_error,
                      snap_.source << ": lending account '" << account.id << "' has " << unit.n_legs
                                   << " balances; at most " << max_lending_legs);
      for (const lending_balance& b : account.balances) {
        const double spot = snap_.assets[static_cast<std::size_t>(b.asset_index)].spot_usd;
        const int market = snap_.find_lending_market(account.venue_index, b.asset_index);
        const double lt =
            market >= 0
                ? snap_.lending_markets[static_cast<std::size_t>(market)].liquidation_threshold
                : 0.0;
        const double bonus =
            market >= 0 ? snap_.lending_markets[static_cast<std::size_t>(market)].liquidation_bonus
                        : 0.0;
        out_.lending_legs.push_back(lending_leg{b.asset_index, b.collateral_amount * spot,
                                                b.debt_amount * spot, lt, bonus});
      }
      out_.units.push_back(unit);
    }
  }

  void add_isolated_positions() {
    for (const perp_position& p : snap_.perp_positions) {
      if (p.mode != margin_mode::isolated) continue;
      out_.units.push_back(execution_unit{execution_kind::perp_isolated,
                                          static_cast<int>(out_.perp_legs.size()), 1,
                                          p.isolated_margin_usd, p.venue_index});
      out_.perp_legs.push_back(perp_leg_of(snap_, p));
    }
  }

  void add_cross_accounts() {
    std::map<std::pair<int, std::string>, std::vector<const perp_position*>> positions;
    for (const perp_position& p : snap_.perp_positions) {
      if (p.mode == margin_mode::cross) {
        positions[{p.venue_index, p.account_id}].push_back(&p);
      }
    }
    for (const perp_account& account : snap_.perp_accounts) {
      const auto found = positions.find({account.venue_index, account.id});
      if (found == positions.end()) continue;
      out_.units.push_back(execution_unit{execution_kind::perp_cross,
                                          static_cast<int>(out_.perp_legs.size()),
                                          static_cast<int>(found->second.size()),
                                          account.cross_collateral_usd, account.venue_index});
      for (const perp_position* p : found->second) out_.perp_legs.push_back(perp_leg_of(snap_, *p));
    }
  }

 private:
  const snapshot& snap_;
  execution_plan& out_;
};

unit_book lending_book(const execution_plan& e, const execution_unit& u) {
  unit_book book{0.0, 0.0, 0.0, 0.0};
  for (int i = 0; i < u.n_legs; ++i) {
    const lending_leg& leg =
        e.lending_legs[static_cast<std::size_t>(u.first_leg) + static_cast<std::size_t>(i)];
    book.collateral_usd += leg.collateral_usd;
    book.debt_usd += leg.debt_usd;
  }
  book.equity_usd = book.collateral_usd - book.debt_usd;
  return book;
}

unit_book perp_book(const execution_plan& e, const execution_unit& u) {
  unit_book book{u.margin_usd, 0.0, 0.0, u.margin_usd};
  for (int i = 0; i < u.n_legs; ++i) {
    const perp_leg& leg =
        e.perp_legs[static_cast<std::size_t>(u.first_leg) + static_cast<std::size_t>(i)];
    book.notional_usd += std::fabs(leg.size_usd);
    book.equity_usd += leg.size_usd - leg.entry_usd;
  }
  return book;
}

// Every perp leg as a candidate of auto-deleveraging, grouped by exchange,
// asset and side (adl_group), by unit and leg within a group: a counting sort.
void set_adl_candidates(int n_assets, execution_plan& e) {
  std::vector<int> group_of_leg(e.perp_legs.size());
  for (std::size_t u = static_cast<std::size_t>(e.first_perp_unit); u < e.units.size(); ++u) {
    const execution_unit& unit = e.units[u];
    for (int leg = unit.first_leg; leg < unit.first_leg + unit.n_legs; ++leg) {
      const perp_leg& l = e.perp_legs[static_cast<std::size_t>(leg)];
      group_of_leg[static_cast<std::size_t>(leg)] =
          adl_group(unit.venue, l.asset, l.size_usd < 0.0 ? 1 : 0, n_assets);
    }
  }
  const auto group_of = [&](int leg) { return group_of_leg[static_cast<std::size_t>(leg)]; };
  e.adl_offsets.assign(2 * static_cast<std::size_t>(n_assets * e.n_perp_venues()) + 1, 0);
  for (std::size_t leg = 0; leg < e.perp_legs.size(); ++leg) {
    ++e.adl_offsets[static_cast<std::size_t>(group_of(static_cast<int>(leg))) + 1];
  }
  for (std::size_t g = 1; g < e.adl_offsets.size(); ++g) e.adl_offsets[g] += e.adl_offsets[g - 1];
  std::vector<int> next(e.adl_offsets.begin(), e.adl_offsets.end() - 1);
  e.adl_candidates.resize(e.perp_legs.size());
  for (std::size_t u = static_cast<std::size_t>(e.first_perp_unit); u < e.units.size(); ++u) {
    const execution_unit& unit = e.units[u];
    for (int leg = unit.first_leg; leg < unit.first_leg + unit.n_legs; ++leg) {
      const int g = group_of(leg);
      e.adl_candidates[static_cast<std::size_t>(next[static_cast<std::size_t>(g)]++)] =
          adl_candidate{static_cast<int>(u), leg};
    }
  }
}

// The snapshot's venues: lending protocols, then perp exchanges.
void set_venues(const snapshot& snap, execution_plan& e) {
  const int n_venues = static_cast<int>(snap.lending_venues.size() + snap.perp_venues.size());
  LEVRISK_REQUIRE(n_venues <= max_venues, input_error,
                  snap.source << ": " << n_venues << " venues (" << snap.lending_venues.size()
                              << " lending, " << snap.perp_venues.size()
                              << " perp); a run holds at most " << max_venues);
  for (const lending_venue& v : snap.lending_venues) {
    e.venues.push_back(venue_rules{
        0, lending_rules{v.close_factor, v.close_factor_hf_threshold, v.small_position_usd},
        v.reserve_usd});
    e.venue_ids.push_back(v.id);
  }
  e.first_perp_venue = e.n_venues();
  for (const perp_venue& v : snap.perp_venues) {
    e.venues.push_back(venue_rules{1, lending_rules{0.0, 0.0, 0.0}, v.insurance_fund_usd});
    e.venue_ids.push_back(v.id);
  }
}

execution_plan execution_units(const snapshot& snap) {
  execution_plan e;
  set_venues(snap, e);
  unit_builder builder(snap, e);
  builder.add_lending_accounts();
  e.first_perp_unit = static_cast<int>(e.units.size());
  builder.add_isolated_positions();
  builder.add_cross_accounts();
  set_adl_candidates(static_cast<int>(snap.assets.size()), e);
  return e;
}

// The largest USD value a unit may have at spot for its money tallies
// (kernels/risk/money_tally.hpp) to stay exact over `paths` paths. The square tally adds
// x^2 2^16 per path and must stay below 2^127; with x up to 64 times the unit's value at
// spot (a price rising 64-fold on a path), n 64^2 B^2 2^16 < 2^127 gives
// B < 2^49.5 / sqrt(n): 1.8e12 USD at 100,000 paths, 5.6e11 at a million.
double max_execution_unit_usd(std::int64_t paths) {
  return std::ldexp(1.0, 49) / std::sqrt(static_cast<double>(std::max<std::int64_t>(paths, 1)));
}

void check_tally_range(const execution_plan& e, const risk_plan& plan, const std::string& source) {
  const double bound_usd = max_execution_unit_usd(plan.simulation.n_paths);
  const std::vector<unit_book> books = unit_books(e);
  for (std::size_t u = 0; u < books.size(); ++u) {
    const unit_book& b = books[u];
    const double gross_usd = std::fabs(b.collateral_usd) + b.debt_usd + b.notional_usd;
    LEVRISK_REQUIRE(gross_usd <= bound_usd, input_error,
                    source << ": " << to_string(plan.units[u].kind) << " '" << plan.units[u].id
                           << "' holds " << gross_usd << " USD at spot, more than execution"
                           << " tallies add exactly over " << plan.simulation.n_paths
                           << " paths (at most " << bound_usd << " USD per unit); are its"
                           << " amounts in the asset's units? With [liquidation] execute ="
                           << " false its liquidation probability needs no such bound");
  }
}

// The price moves that can liquidate each unit (execution_view::liquidating):
// its legs', and a multi-asset unit's health form's as the stage tests it.
void set_liquidating_moves(const multi_unit_plan& multi, execution_plan& e) {
  e.liquidating.clear();
  e.liquidating.reserve(e.units.size());
  for (const execution_unit& u : e.units) {
    e.liquidating.push_back(is_perp(u)
                                ? liquidating_moves(e.perp_legs.data() + u.first_leg, u.n_legs)
                                : liquidating_moves(e.lending_legs.data() + u.first_leg, u.n_legs));
  }
  for (int m = 0; m < multi.n_units(); ++m) {
    const int unit = e.exact_units[static_cast<std::size_t>(m)];
    if (unit < 0) continue;
    price_moves& moves = e.liquidating[static_cast<std::size_t>(unit)];
    for (int t = multi.term_offset[static_cast<std::size_t>(m)];
         t < multi.term_offset[static_cast<std::size_t>(m) + 1]; ++t) {
      moves = either(moves, liquidating_moves(multi.terms[static_cast<std::size_t>(t)]));
    }
  }
}

// Each multi-asset unit's safe box (kernels/risk/safe_box.hpp).
void set_safe_boxes(const multi_unit_plan& multi, int n_assets, execution_plan& e) {
  const health_forms_view forms{multi.n_units(), multi.term_offset.data(), multi.terms.data(),
                                multi.numerator_const_usd.data(),
                                multi.denominator_const_usd.data()};
  e.safe_boxes.clear();
  e.safe_boxes.reserve(static_cast<std::size_t>(multi.n_units()));
  for (int m = 0; m < multi.n_units(); ++m) e.safe_boxes.push_back(safe_box_of(forms, m, n_assets));
}

}  // namespace

std::vector<unit_book> unit_books(const execution_plan& e) {
  std::vector<unit_book> books;
  books.reserve(e.units.size());
  for (const execution_unit& u : e.units) {
    books.push_back(u.kind == execution_kind::lending ? lending_book(e, u) : perp_book(e, u));
  }
  return books;
}

void set_execution(const snapshot& snap, const std::vector<bool>& constant_asset,
                   const execution_settings& settings, risk_plan& plan) {
  execution_plan& e = plan.simulation.execution;
  e = execution_plan{};
  if (!settings.enabled) return;
  e = execution_units(snap);
  LEVRISK_REQUIRE(e.units.size() == plan.units.size(), runtime_failure,
                  "execution plan: " << e.units.size() << " units against " << plan.units.size());
  e.enabled = true;
  check_tally_range(e, plan, snap.source);
  e.exact_units.resize(static_cast<std::size_t>(plan.simulation.multi.n_units()), -1);
  for (std::size_t u = 0; u < plan.units.size(); ++u) {
    const planned_unit& unit = plan.units[u];
    if (unit.route == unit_route::exact) {
      e.exact_units[static_cast<std::size_t>(unit.exact_index)] = static_cast<int>(u);
    } else if (unit.route == unit_route::constant && unit.always_liquidated) {
      e.step0_units.push_back(static_cast<int>(u));
    }
  }
  set_liquidating_moves(plan.simulation.multi, e);
  for (const asset& a : snap.assets) e.depth_usd.push_back(a.depth_usd);
  for (std::size_t k = 0; k < snap.assets.size(); ++k) {
    e.asset_moves.push_back(k < constant_asset.size() && constant_asset[k] ? 0 : 1);
  }
  set_safe_boxes(plan.simulation.multi, static_cast<int>(snap.assets.size()), e);
  e.impact_exponent = static_cast<float>(settings.impact_exponent);
  e.keeper_delay_steps = settings.keeper_delay_steps;
  e.max_calls_per_step = settings.max_calls_per_step;
}

}  // namespace levrisk
