#include "host/engine/risk_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "common/error.hpp"
#include "kernels/paths/market_step.hpp"
#include "kernels/risk/simulate.hpp"

namespace levrisk {
namespace {

health_form empty_form(std::size_t n_assets) {
  health_form form;
  form.numerator_usd.assign(n_assets, 0.0);
  form.denominator_usd.assign(n_assets, 0.0);
  return form;
}

// Adds a perp position's equity and maintenance requirement:
// equity += s (P - E) for a long, s (E - P) for a short; requirement += MMF s P.
void add_perp_position(const snapshot& snap, const perp_position& position, health_form& form) {
  const perp_market& market = snap.perp_markets[static_cast<std::size_t>(position.market_index)];
  const auto k = static_cast<std::size_t>(market.asset_index);
  const double spot = snap.assets[k].spot_usd;
  const double sign = position.side == position_side::long_side ? 1.0 : -1.0;
  form.numerator_const_usd -= sign * position.size * position.entry_price_usd;
  form.numerator_usd[k] += sign * position.size * spot;
  form.denominator_usd[k] += market.maintenance_margin_fraction * position.size * spot;
}

double health_at_spot(const health_form& form) {
  double numerator = form.numerator_const_usd;
  double denominator = form.denominator_const_usd;
  for (std::size_t k = 0; k < form.numerator_usd.size(); ++k) {
    numerator += form.numerator_usd[k];
    denominator += form.denominator_usd[k];
  }
  if (denominator <= 0.0) return std::numeric_limits<double>::infinity();
  return numerator / denominator;
}

struct ladder_entry {
  double threshold;  // stored value: log level, negated for rising ladders
  int unit;
};

}  // namespace

std::vector<health_form> unit_health_forms(const snapshot& snap, std::vector<std::string>* ids,
                                           std::vector<risk_unit_kind>* kinds) {
  const std::size_t n_assets = snap.assets.size();
  std::vector<health_form> forms;
  auto add = [&](health_form form, std::string id, risk_unit_kind kind) {
    forms.push_back(std::move(form));
    if (ids) ids->push_back(std::move(id));
    if (kinds) kinds->push_back(kind);
  };

  for (const lending_account& account : snap.lending_accounts) {
    health_form form = empty_form(n_assets);
    for (const lending_balance& balance : account.balances) {
      const auto k = static_cast<std::size_t>(balance.asset_index);
      const int market = snap.find_lending_market(balance.asset_index);
      LEVRISK_REQUIRE(market >= 0 || balance.collateral_amount == 0.0, input_error,
                      snap.source << ": lending account '" << account.id
                                  << "' holds collateral in '" << snap.assets[k].id
                                  << "', which has no lending market");
      const double lt =
          market >= 0 ? snap.lending_markets[static_cast<std::size_t>(market)].liquidation_threshold
                      : 0.0;
      form.numerator_usd[k] += balance.collateral_amount * lt * snap.assets[k].spot_usd;
      form.denominator_usd[k] += balance.debt_amount * snap.assets[k].spot_usd;
    }
    add(std::move(form), account.id, risk_unit_kind::lending_account);
  }

  for (const perp_position& position : snap.perp_positions) {
    if (position.mode != margin_mode::isolated) continue;
    health_form form = empty_form(n_assets);
    form.numerator_const_usd = position.isolated_margin_usd;
    add_perp_position(snap, position, form);
    add(std::move(form),
        position.account_id + "/" +
            snap.perp_markets[static_cast<std::size_t>(position.market_index)].id,
        risk_unit_kind::perp_isolated);
  }

  std::map<std::string, std::size_t> cross_index;
  std::vector<health_form> cross_forms;
  std::vector<std::string> cross_ids;
  for (const perp_account& account : snap.perp_accounts) {
    cross_index.emplace(account.id, cross_forms.size());
    health_form form = empty_form(n_assets);
    form.numerator_const_usd = account.cross_collateral_usd;
    cross_forms.push_back(std::move(form));
    cross_ids.push_back(account.id);
  }
  std::vector<bool> has_cross_position(cross_forms.size(), false);
  for (const perp_position& position : snap.perp_positions) {
    if (position.mode != margin_mode::cross) continue;
    const auto it = cross_index.find(position.account_id);
    LEVRISK_REQUIRE(it != cross_index.end(), input_error,
                    snap.source << ": cross-margin position of account '" << position.account_id
                                << "' has no entry in perp_accounts.csv");
    add_perp_position(snap, position, cross_forms[it->second]);
    has_cross_position[it->second] = true;
  }
  for (std::size_t i = 0; i < cross_forms.size(); ++i) {
    if (has_cross_position[i]) {
      add(std::move(cross_forms[i]), cross_ids[i], risk_unit_kind::perp_cross);
    }
  }
  return forms;
}

risk_plan build_risk_plan(const snapshot& snap, const std::vector<bool>& constant_asset,
                          const risk_plan_settings& settings) {
  const int n_assets = static_cast<int>(snap.assets.size());
  LEVRISK_REQUIRE(
      n_assets <= max_assets, input_error,
      snap.source << ": " << n_assets << " assets; the engine supports at most " << max_assets);
  risk_plan plan;
  simulation_plan& sim = plan.simulation;
  sim.seed = settings.seed;
  sim.n_paths = settings.paths;
  sim.n_steps = settings.steps;
  sim.n_assets = n_assets;
  sim.histogram_bins = settings.histogram_bins;
  sim.histogram_width = settings.histogram_width;
  sim.term_offset.push_back(0);

  std::vector<std::string> ids;
  std::vector<risk_unit_kind> kinds;
  const std::vector<health_form> forms = unit_health_forms(snap, &ids, &kinds);

  std::map<std::pair<int, int>, int> factor_of_pair;
  std::vector<std::vector<ladder_entry>> falling, rising;
  plan.units.reserve(forms.size());

  for (std::size_t u = 0; u < forms.size(); ++u) {
    const health_form& form = forms[u];
    planned_unit unit{};
    unit.id = ids[u];
    unit.kind = kinds[u];
    unit.health_factor_initial = health_at_spot(form);
    unit.factor = -1;
    unit.exact_index = -1;
    unit.liquidation_price = std::numeric_limits<double>::quiet_NaN();

    // Fold assets whose price the model holds fixed into the constants.
    double numerator_const = form.numerator_const_usd;
    double denominator_const = form.denominator_const_usd;
    std::vector<int> moving;
    bool has_denominator = denominator_const != 0.0;
    for (int k = 0; k < n_assets; ++k) {
      const double n = form.numerator_usd[static_cast<std::size_t>(k)];
      const double d = form.denominator_usd[static_cast<std::size_t>(k)];
      if (d != 0.0) has_denominator = true;
      if (n == 0.0 && d == 0.0) continue;
      if (constant_asset[static_cast<std::size_t>(k)]) {
        numerator_const += n;
        denominator_const += d;
      } else {
        moving.push_back(k);
      }
    }

    if (!has_denominator) {  // no debt, no position: nothing to liquidate
      unit.route = unit_route::constant;
      unit.always_liquidated = false;
      plan.units.push_back(std::move(unit));
      continue;
    }
    if (moving.empty()) {
      unit.route = unit_route::constant;
      unit.always_liquidated = numerator_const < denominator_const;
      plan.units.push_back(std::move(unit));
      continue;
    }

    // One factor: y = x_A (constants allowed) or y = x_A - x_B (no constants:
    // divide both forms by P_B and the health factor depends on P_A / P_B only).
    int numerator_asset = -1;
    int denominator_asset = -1;
    if (moving.size() == 1) {
      numerator_asset = moving[0];
      const auto k = static_cast<std::size_t>(numerator_asset);
      unit.a = numerator_const;
      unit.b = form.numerator_usd[k];
      unit.c = denominator_const;
      unit.d = form.denominator_usd[k];
    } else if (moving.size() == 2 && numerator_const == 0.0 && denominator_const == 0.0) {
      numerator_asset = moving[0];
      denominator_asset = moving[1];
      const auto ka = static_cast<std::size_t>(numerator_asset);
      const auto kb = static_cast<std::size_t>(denominator_asset);
      unit.a = form.numerator_usd[kb];
      unit.b = form.numerator_usd[ka];
      unit.c = form.denominator_usd[kb];
      unit.d = form.denominator_usd[ka];
    }
    const std::pair<int, int> pair{numerator_asset, denominator_asset};
    const bool factor_available =
        numerator_asset >= 0 &&
        (factor_of_pair.count(pair) > 0 || static_cast<int>(factor_of_pair.size()) < max_factors);

    if (factor_available) {
      auto found = factor_of_pair.find(pair);
      if (found == factor_of_pair.end()) {
        found = factor_of_pair.emplace(pair, static_cast<int>(sim.factors.size())).first;
        sim.factors.push_back(factor_spec{numerator_asset, denominator_asset, {}, {}});
        falling.emplace_back();
        rising.emplace_back();
      }
      unit.factor = found->second;  // its histograms give the HF minimum, whatever the route
      // Liquidated when a + b r < c + d r, i.e. alpha r < beta.
      const double alpha = unit.b - unit.d;
      const double beta = unit.c - unit.a;
      const bool never = (alpha > 0.0 && beta <= 0.0) || (alpha == 0.0 && beta <= 0.0);
      const bool always = (alpha < 0.0 && beta >= 0.0) || (alpha == 0.0 && beta > 0.0);
      if (never || always) {
        unit.route = unit_route::constant;
        unit.always_liquidated = always;
        plan.units.push_back(std::move(unit));
        continue;
      }
      unit.route = unit_route::ladder;
      unit.rising = alpha < 0.0;
      const double log_level = std::log(beta / alpha);
      const double spot_ratio =
          snap.assets[static_cast<std::size_t>(numerator_asset)].spot_usd /
          (denominator_asset >= 0
               ? snap.assets[static_cast<std::size_t>(denominator_asset)].spot_usd
               : 1.0);
      unit.liquidation_price = spot_ratio * (beta / alpha);
      const int index = static_cast<int>(plan.units.size());
      if (unit.rising) {
        rising[static_cast<std::size_t>(unit.factor)].push_back({-log_level, index});
      } else {
        falling[static_cast<std::size_t>(unit.factor)].push_back({log_level, index});
      }
      plan.units.push_back(std::move(unit));
      continue;
    }

    unit.route = unit_route::exact;
    unit.exact_index = sim.n_multi_units();
    sim.numerator_const_usd.push_back(numerator_const);
    sim.denominator_const_usd.push_back(denominator_const);
    for (const int k : moving) {
      const auto kk = static_cast<std::size_t>(k);
      sim.terms.push_back(health_term{k, static_cast<float>(form.numerator_usd[kk]),
                                      static_cast<float>(form.denominator_usd[kk])});
    }
    sim.term_offset.push_back(static_cast<int>(sim.terms.size()));
    plan.units.push_back(std::move(unit));
  }

  // The HF-minimum sample costs sample paths x exact units x steps: bound it so
  // that a million-account snapshot does not spend hours on it.
  const double unit_steps_per_path =
      static_cast<double>(sim.n_multi_units()) * static_cast<double>(settings.steps + 1);
  const double affordable =
      unit_steps_per_path > 0.0
          ? std::floor(settings.hf_sample_max_unit_steps / unit_steps_per_path)
          : static_cast<double>(settings.paths);
  sim.hf_sample_paths = std::min({settings.hf_sample_paths, settings.paths,
                                  static_cast<std::int64_t>(std::min(affordable, 9.0e18))});

  // Sort each ladder by descending stored threshold (ties by unit, for a stable
  // layout) and record each unit's position.
  auto finish_ladder = [&plan](std::vector<ladder_entry>& entries, std::vector<float>& out) {
    std::sort(entries.begin(), entries.end(), [](const ladder_entry& l, const ladder_entry& r) {
      return l.threshold != r.threshold ? l.threshold > r.threshold : l.unit < r.unit;
    });
    out.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      out.push_back(static_cast<float>(entries[i].threshold));
      plan.units[static_cast<std::size_t>(entries[i].unit)].ladder_position = static_cast<int>(i);
    }
  };
  for (std::size_t f = 0; f < sim.factors.size(); ++f) {
    finish_ladder(falling[f], sim.factors[f].falling_threshold);
    finish_ladder(rising[f], sim.factors[f].rising_threshold_negated);
  }
  return plan;
}

}  // namespace levrisk
