#include "host/engine/risk_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "kernels/paths/market_step.hpp"
#include "kernels/risk/factor_ladders.hpp"
#include "kernels/risk/simulate.hpp"
#include "kernels/rng/stream_layout.hpp"

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

// Where unit_health_forms writes: the forms, and the ids, kinds and venues when asked for.
struct unit_form_sink {
  std::vector<health_form>& forms;
  std::vector<std::string>* ids;
  std::vector<risk_unit_kind>* kinds;
  std::vector<std::string>* venues;

  void add(health_form form, std::string id, risk_unit_kind kind, const std::string& venue) const {
    forms.push_back(std::move(form));
    if (ids) ids->push_back(std::move(id));
    if (kinds) kinds->push_back(kind);
    if (venues) venues->push_back(venue);
  }
};

// The id of venue `index` of `venues` (the snapshot's lending protocols or perp
// exchanges: `kind`), which `unit` names.
template <typename Venue>
const std::string& venue_id(const snapshot& snap, const std::vector<Venue>& venues, int index,
                            const char* kind, const std::string& unit) {
  LEVRISK_REQUIRE(index >= 0 && static_cast<std::size_t>(index) < venues.size(), input_error,
                  snap.source << ": " << unit << ": venue index " << index
                              << " is out of range; the snapshot has " << venues.size() << ' '
                              << kind << (venues.size() == 1 ? " venue" : " venues"));
  return venues[static_cast<std::size_t>(index)].id;
}

// Collateral weighted by its liquidation threshold over debt, both at spot.
health_form lending_account_form(const snapshot& snap, const lending_account& account) {
  health_form form = empty_form(snap.assets.size());
  for (const lending_balance& balance : account.balances) {
    const auto k = static_cast<std::size_t>(balance.asset_index);
    const int market = snap.find_lending_market(account.venue_index, balance.asset_index);
    LEVRISK_REQUIRE(market >= 0 || balance.collateral_amount == 0.0, input_error,
                    snap.source << ": lending account '" << account.id << "' holds collateral in '"
                                << snap.assets[k].id << "', which has no lending market");
    const double lt =
        market >= 0 ? snap.lending_markets[static_cast<std::size_t>(market)].liquidation_threshold
                    : 0.0;
    form.numerator_usd[k] += balance.collateral_amount * lt * snap.assets[k].spot_usd;
    form.denominator_usd[k] += balance.debt_amount * snap.assets[k].spot_usd;
  }
  return form;
}

void add_isolated_position_forms(const snapshot& snap, const unit_form_sink& out) {
  for (const perp_position& position : snap.perp_positions) {
    if (position.mode != margin_mode::isolated) continue;
    health_form form = empty_form(snap.assets.size());
    form.numerator_const_usd = position.isolated_margin_usd;
    add_perp_position(snap, position, form);
    std::string id = position.account_id + "/" +
                     snap.perp_markets[static_cast<std::size_t>(position.market_index)].id;
    const std::string& venue = venue_id(snap, snap.perp_venues, position.venue_index, "perp",
                                        "isolated position '" + id + "'");
    out.add(std::move(form), std::move(id), risk_unit_kind::perp_isolated, venue);
  }
}

// One form per perp account that holds a cross-margin position, in the order of
// perp_accounts.csv.
void add_cross_account_forms(const snapshot& snap, const unit_form_sink& out) {
  // Account ids are per venue: the same id on two exchanges is two accounts.
  std::map<std::pair<int, std::string>, std::size_t> cross_index;
  std::vector<health_form> cross_forms;
  std::vector<std::string> cross_ids;
  for (const perp_account& account : snap.perp_accounts) {
    cross_index.emplace(std::pair{account.venue_index, account.id}, cross_forms.size());
    health_form form = empty_form(snap.assets.size());
    form.numerator_const_usd = account.cross_collateral_usd;
    cross_forms.push_back(std::move(form));
    cross_ids.push_back(account.id);
  }
  std::vector<bool> has_cross_position(cross_forms.size(), false);
  for (const perp_position& position : snap.perp_positions) {
    if (position.mode != margin_mode::cross) continue;
    const auto it = cross_index.find(std::pair{position.venue_index, position.account_id});
    LEVRISK_REQUIRE(it != cross_index.end(), input_error,
                    snap.source << ": cross-margin position of account '" << position.account_id
                                << "' has no entry in perp_accounts.csv");
    add_perp_position(snap, position, cross_forms[it->second]);
    has_cross_position[it->second] = true;
  }
  for (std::size_t i = 0; i < cross_forms.size(); ++i) {
    if (!has_cross_position[i]) continue;
    const std::string& venue = venue_id(snap, snap.perp_venues, snap.perp_accounts[i].venue_index,
                                        "perp", "perp account '" + cross_ids[i] + "'");
    out.add(std::move(cross_forms[i]), cross_ids[i], risk_unit_kind::perp_cross, venue);
  }
}

// A unit's form with the assets whose price the model holds fixed folded into
// the constants.
struct folded_form {
  double numerator_const;
  double denominator_const;
  std::vector<int> moving;  // assets with a non-zero coefficient whose price moves
  bool has_denominator;     // debt or a position, on any asset or in the constant
};

folded_form fold_constant_assets(const health_form& form, const std::vector<bool>& constant_asset,
                                 int n_assets) {
  folded_form folded{
      form.numerator_const_usd, form.denominator_const_usd, {}, form.denominator_const_usd != 0.0};
  for (int k = 0; k < n_assets; ++k) {
    const double n = form.numerator_usd[static_cast<std::size_t>(k)];
    const double d = form.denominator_usd[static_cast<std::size_t>(k)];
    if (d != 0.0) folded.has_denominator = true;
    if (n == 0.0 && d == 0.0) continue;
    if (constant_asset[static_cast<std::size_t>(k)]) {
      folded.numerator_const += n;
      folded.denominator_const += d;
    } else {
      folded.moving.push_back(k);
    }
  }
  return folded;
}

// The factor a unit's health factor depends on, as (numerator asset,
// denominator asset or -1 for USD), with the unit's a, b, c, d; {-1, -1} when it
// depends on more than one factor. One factor: y = x_A (constants allowed) or
// y = x_A - x_B (no constants: divide both forms by P_B and the health factor
// depends on P_A / P_B only).
std::pair<int, int> single_factor(const health_form& form, const folded_form& folded,
                                  planned_unit& unit) {
  if (folded.moving.size() == 1) {
    const int numerator_asset = folded.moving[0];
    const auto k = static_cast<std::size_t>(numerator_asset);
    unit.a = folded.numerator_const;
    unit.b = form.numerator_usd[k];
    unit.c = folded.denominator_const;
    unit.d = form.denominator_usd[k];
    return {numerator_asset, -1};
  }
  if (folded.moving.size() == 2 && folded.numerator_const == 0.0 &&
      folded.denominator_const == 0.0) {
    const int numerator_asset = folded.moving[0];
    const int denominator_asset = folded.moving[1];
    const auto ka = static_cast<std::size_t>(numerator_asset);
    const auto kb = static_cast<std::size_t>(denominator_asset);
    unit.a = form.numerator_usd[kb];
    unit.b = form.numerator_usd[ka];
    unit.c = form.denominator_usd[kb];
    unit.d = form.denominator_usd[ka];
    return {numerator_asset, denominator_asset};
  }
  return {-1, -1};
}

struct ladder_entry {
  double threshold;  // stored value: log level, negated for rising ladders
  int unit;
};

// A factor: an asset pair, and the oracle group whose units its ladders hold.
using factor_key = std::pair<std::pair<int, int>, int>;

// The factors of the plan (one per asset pair and oracle group, at most
// max_factors) and their ladders while units are being routed.
class factor_ladders {
 public:
  explicit factor_ladders(simulation_plan& sim) : sim_(sim) {}

  // The pair has a factor for the group, or there is room for one more.
  bool available(const std::pair<int, int>& pair, int oracle_group) const {
    return pair.first >= 0 && (factor_of_key_.count({pair, oracle_group}) > 0 ||
                               static_cast<int>(factor_of_key_.size()) < max_factors);
  }

  // The factor, added to the plan the first time a unit asks for it.
  int factor(const std::pair<int, int>& pair, int oracle_group) {
    const factor_key key{pair, oracle_group};
    auto found = factor_of_key_.find(key);
    if (found == factor_of_key_.end()) {
      found = factor_of_key_.emplace(key, static_cast<int>(sim_.ladders.factors.size())).first;
      sim_.ladders.factors.push_back(
          factor_spec{pair.first, pair.second, {}, {}, {}, {}, oracle_group});
      falling_.emplace_back();
      rising_.emplace_back();
    }
    return found->second;
  }

  void add(int factor, bool rising, double log_level, int unit) {
    const auto f = static_cast<std::size_t>(factor);
    if (rising) {
      rising_[f].push_back({-log_level, unit});
    } else {
      falling_[f].push_back({log_level, unit});
    }
  }

  // Sorts each ladder by descending stored threshold (ties by unit, for a stable
  // layout) into the plan's factors, and records each unit's position.
  void finish(std::vector<planned_unit>& units) {
    for (std::size_t f = 0; f < sim_.ladders.factors.size(); ++f) {
      factor_spec& spec = sim_.ladders.factors[f];
      finish_ladder(falling_[f], spec.falling_threshold, spec.falling_unit, units);
      finish_ladder(rising_[f], spec.rising_threshold_negated, spec.rising_unit, units);
    }
  }

 private:
  static void finish_ladder(std::vector<ladder_entry>& entries, std::vector<float>& out,
                            std::vector<int>& out_units, std::vector<planned_unit>& units) {
    std::sort(entries.begin(), entries.end(), [](const ladder_entry& l, const ladder_entry& r) {
      return l.threshold != r.threshold ? l.threshold > r.threshold : l.unit < r.unit;
    });
    out.reserve(entries.size());
    out_units.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      out.push_back(static_cast<float>(entries[i].threshold));
      out_units.push_back(entries[i].unit);
      units[static_cast<std::size_t>(entries[i].unit)].ladder_position = static_cast<int>(i);
    }
  }

  simulation_plan& sim_;
  std::map<factor_key, int> factor_of_key_;
  std::vector<std::vector<ladder_entry>> falling_, rising_;
};

// A unit whose health factor moves with one factor: constant when the factor
// cannot bring HF across 1 (or always has), else on the factor's ladder.
void route_factor_unit(const snapshot& snap, const std::pair<int, int>& pair, int oracle_group,
                       int index, planned_unit& unit, factor_ladders& ladders) {
  // Its histograms give the HF minimum, whatever the route.
  unit.factor = ladders.factor(pair, oracle_group);
  // Liquidated when a + b r < c + d r, i.e. alpha r < beta.
  const double alpha = unit.b - unit.d;
  const double beta = unit.c - unit.a;
  const bool never = (alpha > 0.0 && beta <= 0.0) || (alpha == 0.0 && beta <= 0.0);
  const bool always = (alpha < 0.0 && beta >= 0.0) || (alpha == 0.0 && beta > 0.0);
  if (never || always) {
    unit.route = unit_route::constant;
    unit.always_liquidated = always;
    return;
  }
  unit.route = unit_route::ladder;
  unit.rising = alpha < 0.0;
  const double log_level = std::log(beta / alpha);
  const double spot_ratio =
      snap.assets[static_cast<std::size_t>(pair.first)].spot_usd /
      (pair.second >= 0 ? snap.assets[static_cast<std::size_t>(pair.second)].spot_usd : 1.0);
  unit.liquidation_price = spot_ratio * (beta / alpha);
  ladders.add(unit.factor, unit.rising, log_level, index);
}

// A multi-factor unit: its folded constants and one term per moving asset.
void add_exact_unit(const health_form& form, const folded_form& folded, planned_unit& unit,
                    simulation_plan& sim) {
  unit.route = unit_route::exact;
  unit.exact_index = sim.multi.n_units();
  sim.multi.numerator_const_usd.push_back(folded.numerator_const);
  sim.multi.denominator_const_usd.push_back(folded.denominator_const);
  for (const int k : folded.moving) {
    const auto kk = static_cast<std::size_t>(k);
    sim.multi.terms.push_back(health_term{k, static_cast<float>(form.numerator_usd[kk]),
                                          static_cast<float>(form.denominator_usd[kk])});
  }
  sim.multi.term_offset.push_back(static_cast<int>(sim.multi.terms.size()));
}

// "data/x: lending account 'a1'", for messages.
std::string unit_name(const snapshot& snap, risk_unit_kind kind, const std::string& id) {
  const char* what = kind == risk_unit_kind::lending_account ? "lending account"
                     : kind == risk_unit_kind::perp_isolated ? "isolated perp position"
                                                             : "cross-margin perp account";
  return snap.source + ": " + what + " '" + id + "'";
}

// The exponent e of the form's largest coefficient in magnitude (2^e <= max < 2^(e+1)),
// 0 for an empty form. Throws when a coefficient, or the sum of their magnitudes, is not
// a finite double: such a unit's health factor cannot be computed.
int scale_exponent(const health_form& form, const std::string& unit) {
  double largest =
      std::max(std::fabs(form.numerator_const_usd), std::fabs(form.denominator_const_usd));
  double gross = largest;
  for (std::size_t k = 0; k < form.numerator_usd.size(); ++k) {
    largest =
        std::max({largest, std::fabs(form.numerator_usd[k]), std::fabs(form.denominator_usd[k])});
    gross += std::fabs(form.numerator_usd[k]) + std::fabs(form.denominator_usd[k]);
  }
  gross += std::fabs(form.denominator_const_usd);
  LEVRISK_REQUIRE(std::isfinite(gross), input_error,
                  unit << ": its balances add up to more USD than a double holds (the sum of"
                       << " their values at spot overflows); are the amounts in the asset's"
                       << " units, not in its smallest on-chain unit?");
  return largest > 0.0 ? std::ilogb(largest) : 0;
}

// The form divided by 2^e, e its largest coefficient's exponent: the kernels keep the
// per-asset coefficients as float, whose range (1e-38 to 3e38 for normal values) an
// account of 1e40 USD, or of 1e-45 USD, would leave, losing its probability to overflow
// or its precision to subnormals. Scaling by a power of two is exact in double, so the
// health factor, its routes and thresholds are those of the USD form, bit for bit, and
// the float terms keep their 24 bits relative to the unit's own size.
health_form normalised(health_form form, int exponent) {
  const auto scale = [exponent](double& x) { x = std::ldexp(x, -exponent); };
  scale(form.numerator_const_usd);
  scale(form.denominator_const_usd);
  for (double& x : form.numerator_usd) scale(x);
  for (double& x : form.denominator_usd) scale(x);
  return form;
}

// Routes unit `index` (constant, ladder or exact) and returns it without id and kind.
// Its ladder coefficients and exact terms are those of the normalised form (in units of
// 2^e USD); its liquidation price and initial health factor do not depend on the scale.
planned_unit plan_unit(const snapshot& snap, const health_form& usd_form, const std::string& name,
                       const std::vector<bool>& constant_asset, int index, int oracle_group,
                       factor_ladders& ladders, simulation_plan& sim) {
  const health_form form = normalised(usd_form, scale_exponent(usd_form, name));
  planned_unit unit{};
  unit.health_factor_initial = health_at_spot(form);
  unit.factor = -1;
  unit.exact_index = -1;
  unit.liquidation_price = std::numeric_limits<double>::quiet_NaN();

  const folded_form folded = fold_constant_assets(form, constant_asset, sim.market.n_assets);
  if (!folded.has_denominator) {  // no debt, no position: nothing to liquidate
    unit.route = unit_route::constant;
    unit.always_liquidated = false;
    return unit;
  }
  if (folded.moving.empty()) {
    unit.route = unit_route::constant;
    unit.always_liquidated = folded.numerator_const < folded.denominator_const;
    return unit;
  }
  const std::pair<int, int> pair = single_factor(form, folded, unit);
  if (ladders.available(pair, oracle_group)) {
    route_factor_unit(snap, pair, oracle_group, index, unit, ladders);
  } else {
    add_exact_unit(form, folded, unit, sim);
  }
  return unit;
}

// The HF-minimum sample costs sample paths x exact units x steps of compute, bounded
// by hf_sample_max_unit_steps so that a million-account snapshot does not spend hours on
// it, and keeps one float per sample path and exact unit, bounded by
// hf_sample_max_values so that it does not take gigabytes (307k multi-asset units x
// 2048 paths would be 2.5 GB, twice over while the tallies are handed back). Both bounds
// depend on the plan only, never on the machine, so the sample and its quantiles are
// the same everywhere.
std::int64_t hf_sample_paths(const simulation_plan& sim, const risk_plan_settings& settings) {
  const auto n_multi = static_cast<double>(sim.multi.n_units());
  const double unit_steps_per_path = n_multi * static_cast<double>(settings.steps + 1);
  const double affordable =
      unit_steps_per_path > 0.0
          ? std::floor(settings.hf_sample_max_unit_steps / unit_steps_per_path)
          : static_cast<double>(settings.paths);
  const double storable = n_multi > 0.0
                              ? std::floor(static_cast<double>(hf_sample_max_values) / n_multi)
                              : static_cast<double>(settings.paths);
  return std::min({settings.hf_sample_paths, settings.paths,
                   static_cast<std::int64_t>(std::min({affordable, storable, 9.0e18}))});
}

// The oracle group of a unit of venue `venue`: 0 unless the venue reads its own.
int oracle_group_of(const risk_plan_settings& settings, const std::string& venue) {
  const std::vector<std::string>& own = settings.own_oracle_venues;
  const auto found = std::find(own.begin(), own.end(), venue);
  return found == own.end() ? 0 : static_cast<int>(found - own.begin()) + 1;
}

}  // namespace

std::vector<health_form> unit_health_forms(const snapshot& snap, std::vector<std::string>* ids,
                                           std::vector<risk_unit_kind>* kinds,
                                           std::vector<std::string>* venues) {
  std::vector<health_form> forms;
  const unit_form_sink out{forms, ids, kinds, venues};
  for (const lending_account& account : snap.lending_accounts) {
    const std::string& venue = venue_id(snap, snap.lending_venues, account.venue_index, "lending",
                                        "lending account '" + account.id + "'");
    out.add(lending_account_form(snap, account), account.id, risk_unit_kind::lending_account,
            venue);
  }
  add_isolated_position_forms(snap, out);
  add_cross_account_forms(snap, out);
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
  sim.market.n_assets = n_assets;
  sim.ladders.histogram_bins = settings.histogram_bins;
  sim.ladders.histogram_width = settings.histogram_width;
  sim.multi.term_offset.push_back(0);

  std::vector<std::string> ids, venues;
  std::vector<risk_unit_kind> kinds;
  const std::vector<health_form> forms = unit_health_forms(snap, &ids, &kinds, &venues);
  factor_ladders ladders(sim);
  plan.units.reserve(forms.size());
  for (std::size_t u = 0; u < forms.size(); ++u) {
    planned_unit unit = plan_unit(snap, forms[u], unit_name(snap, kinds[u], ids[u]), constant_asset,
                                  static_cast<int>(plan.units.size()),
                                  oracle_group_of(settings, venues[u]), ladders, sim);
    unit.id = std::move(ids[u]);
    unit.kind = kinds[u];
    unit.venue = std::move(venues[u]);
    plan.units.push_back(std::move(unit));
  }
  sim.multi.hf_sample_paths = hf_sample_paths(sim, settings);
  ladders.finish(plan.units);
  return plan;
}

}  // namespace levrisk
