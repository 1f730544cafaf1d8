#pragma once
// The plain twin of the step-synchronous execution stage
// (kernels/risk/feedback_execution.hpp) on the stage's own inputs: one pass
// over one path, every unit tested in every round, in double precision. No
// ladders, no screens, no active lists, no pass tags.
//
// Per step s: the market row is the stored row times each asset's multiplier,
// rounded to float as the engine stores rows (kernels/risk/execution_context.hpp,
// stored_rows); each oracle runs its push rules on it (Chainlink's deviation
// and heartbeat, as kernels/risk/oracle.hpp states them): the default one, and
// one per venue that reads its own (venue_rules::oracle_group); then rounds,
// until one executes nothing or max_cascade_rounds:
//   * every unit that is open, has no keeper on its way and had none at s is
//     tested at the trigger prices (its venue's oracle's, else the market's): a lending
//     account when sum(collateral LT g) < sum(debt g), a perp when its equity is
//     below its maintenance; a liquidatable one sends a keeper due at
//     s + keeper_delay_steps;
//   * the keepers due at s act at the market row: Aave v3.3 calls while the
//     account is liquidatable at the trigger prices (at most max_calls_per_step),
//     or the perp's close if it is still below maintenance;
//   * the round's net sales per asset move its multiplier by
//     1 -+ share x 0.02 (|net| / depth)^gamma (kernels/risk/price_impact.hpp).
// At the step's end each exchange's insurance fund takes its step's fees, then
// its losses. Venues: each lending protocol applies its own close factor and
// covers its own bad debt from its own reserve; every figure is kept for the
// book and for the unit's venue.
//
// Executions within a round are taken by unit index, not in the stage's order
// (its ladders' order): each execution reads only the market row and its own
// unit, so the order changes no unit's figures, only the order of the sums.
//
// Auto-deleveraging is not modelled: where the fund runs short, what it left
// uncovered is reported unfilled, as the stage reports it when no open position
// is on the other side of the bankrupt ones; `adl_would_fill` says when one is.
//
// An asset whose price never moves should have an oracle that reads 1: the
// stage folds such assets into lending triggers at growth 1
// (lending_trigger_form_of), while this twin prices every leg at its oracle.
//
// `closest_to_boundary` is the smallest relative distance of any discontinuous
// test from its boundary (a trigger, Aave's close-factor conditions): the stage
// tests triggers on float log-prices (its ladders), so the two may part where
// a test sits within float rounding of its boundary.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/math/float_math.hpp"
#include "kernels/risk/execution_view.hpp"
#include "kernels/rng/normal.hpp"
#include "kernels/rng/philox.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk::reference {

struct feedback_inputs {
  std::vector<std::vector<float>> stored_growth;  // [step][asset], step 0 the snapshot
  std::vector<execution_unit> units;
  std::vector<lending_leg> lending_legs;
  std::vector<perp_leg> perp_legs;
  std::vector<int> asset_moves;  // 0: the asset's price never moves
  lending_rules lending{0.5, 0.95, 2000.0};
  std::vector<double> depth_usd;  // +inf: no impact
  double impact_exponent = 0.5;
  int keeper_delay_steps = 0;
  int max_calls_per_step = 16;
  double insurance_fund_usd = 0.0;
  double lending_reserve_usd = 0.0;
  // The venues, lending protocols at [0, first_perp_venue), exchanges after,
  // each unit on its kind's execution_unit::venue; when empty, one protocol
  // with `lending` and `lending_reserve_usd` and one exchange with
  // `insurance_fund_usd`.
  std::vector<venue_rules> venues;
  int first_perp_venue = 1;
  // Per oracle group and asset (rules[group * n_assets + asset]); empty: the
  // protocols act on the market.
  std::vector<oracle_rule> oracle_rules;
  std::vector<oracle_feed> oracle_feeds;
  std::uint64_t seed = 0;  // the oracle feeds' noise, on subsequence `path`
  std::uint64_t path = 0;
  double permanent_impact_share = 0.0;
  int max_cascade_rounds = 32;
};

// Which mechanisms a pass keeps (the stage's amplification passes drop one).
struct feedback_mechanisms {
  bool permanent_impact = true;
  bool oracle = true;
};

struct feedback_unit_result {
  bool executed = false;
  int calls = 0;  // lending calls; 1 for a closed perp
  bool calls_exhausted = false;
  bool pending = false;  // a keeper still on its way at the horizon
  double liquidated_usd = 0.0;
  double owner_loss_usd = 0.0;
  double bad_debt_usd = 0.0;  // lending deficit, or the venue's loss on a perp
};

// A path's money figures, of the book or of one venue.
struct venue_figures {
  double book_loss = 0.0, lending_bad_debt = 0.0, reserve_draw = 0.0, lending_shortfall = 0.0;
  double perp_loss = 0.0, fund_draw = 0.0, fund_fees = 0.0, perp_deficit = 0.0;
  double adl_unfilled = 0.0;
  double liquidated = 0.0, owner_loss = 0.0, lending_bonus = 0.0, perp_owner_slippage = 0.0;
  double liquidator_slippage = 0.0;
};

// The book's figures (the base), and each venue's.
struct feedback_result : venue_figures {
  std::vector<feedback_unit_result> units;
  std::vector<venue_figures> venues;
  int cascade_steps = 0, unconverged_steps = 0, max_rounds = 0, oracle_updates = 0;
  std::vector<int> rounds_histogram;              // steps by the rounds they executed (1..max)
  std::vector<std::vector<float>> market_growth;  // [step][asset]
  std::vector<double> sold_usd, bought_usd, drawdown;
  bool adl_would_fill = false;
  double closest_to_boundary = std::numeric_limits<double>::infinity();
};

class feedback_twin {
 public:
  feedback_twin(const feedback_inputs& in, feedback_mechanisms m)
      : in_(in),
        permanent_(m.permanent_impact && in.permanent_impact_share > 0.0),
        oracle_(m.oracle && !in.oracle_rules.empty()),
        n_steps_(static_cast<int>(in.stored_growth.size()) - 1),
        n_assets_(static_cast<int>(in.asset_moves.size())),
        n_groups_(oracle_ ? static_cast<int>(in.oracle_rules.size()) / n_assets_ : 1) {}

  feedback_result run() {
    start();
    std::vector<double> funds;
    for (std::size_t v = static_cast<std::size_t>(first_perp_venue_); v < venues_.size(); ++v) {
      funds.push_back(venues_[v].fund_usd);
    }
    for (int step = 0; step <= n_steps_; ++step) {
      run_step(step);
      for (std::size_t p = 0; p < funds.size(); ++p)
        settle_fund(step, static_cast<int>(p), funds[p]);
    }
    for (std::size_t u = 0; u < units_.size(); ++u) {
      r_.units[u].pending = units_[u].due_step >= 0;
    }
    for (std::size_t v = 0; v < venues_.size(); ++v) {
      venue_figures& f = r_.venues[v];
      const double reserve = static_cast<int>(v) < first_perp_venue_ ? venues_[v].fund_usd : 0.0;
      f.reserve_draw = std::min(f.lending_bad_debt, reserve);
      f.lending_shortfall = f.lending_bad_debt - f.reserve_draw;
      f.book_loss = f.lending_bad_debt + f.perp_loss;
      r_.reserve_draw += f.reserve_draw;
      r_.lending_shortfall += f.lending_shortfall;
    }
    r_.book_loss = r_.lending_bad_debt + r_.perp_loss;
    for (int k = 0; k < n_assets_; ++k) r_.drawdown[k] = 1.0 - lowest_[k];
    return r_;
  }

 private:
  struct unit_state {
    bool open = true;
    int due_step = -1;                     // a keeper on its way
    int last_keeper_step = -1;             // a keeper came at this step: tested again from the next
    std::vector<double> collateral, debt;  // lending, USD at the snapshot's prices
  };
  struct step_book {
    double fees = 0.0, losses = 0.0;
    std::vector<double> pool_notional;  // [2 asset + side]: bankrupt closes' legs
  };

  const feedback_inputs& in_;
  bool permanent_, oracle_;
  int n_steps_, n_assets_, n_groups_;
  std::vector<venue_rules> venues_;
  int first_perp_venue_ = 1;
  std::vector<step_book> books_;  // per perp exchange, this step
  std::vector<unit_state> units_;
  std::vector<double> multiplier_, lowest_, round_net_sold_;
  std::vector<std::vector<float>> published_;  // [group][asset]
  std::vector<std::vector<int>> last_update_;
  feedback_result r_;

  // The unit's venue among all (lending protocols first).
  int venue_of(std::size_t u) const {
    const execution_unit& eu = in_.units[u];
    return is_perp(eu) ? first_perp_venue_ + eu.venue : eu.venue;
  }

  // The oracle group whose prices trigger unit u: its venue's.
  int group_of(std::size_t u) const {
    return oracle_ ? venues_[static_cast<std::size_t>(venue_of(u))].oracle_group : 0;
  }

  const oracle_rule& rule_of(int group, int asset) const {
    return in_.oracle_rules[static_cast<std::size_t>(group * n_assets_ + asset)];
  }

  // Adds to a figure of the book and of the unit's venue.
  void add(std::size_t u, double venue_figures::*figure, double usd) {
    r_.*figure += usd;
    r_.venues[static_cast<std::size_t>(venue_of(u))].*figure += usd;
  }

  void start() {
    r_ = feedback_result{};
    venues_ = in_.venues;
    first_perp_venue_ = in_.first_perp_venue;
    if (venues_.empty()) {
      venues_ = {venue_rules{0, in_.lending, in_.lending_reserve_usd},
                 venue_rules{1, lending_rules{0.0, 0.0, 0.0}, in_.insurance_fund_usd}};
      first_perp_venue_ = 1;
    }
    r_.venues.assign(venues_.size(), venue_figures{});
    r_.units.assign(in_.units.size(), feedback_unit_result{});
    r_.rounds_histogram.assign(static_cast<std::size_t>(in_.max_cascade_rounds) + 1, 0);
    r_.market_growth = in_.stored_growth;
    r_.sold_usd.assign(n_assets_, 0.0);
    r_.bought_usd.assign(n_assets_, 0.0);
    r_.drawdown.assign(n_assets_, 0.0);
    multiplier_.assign(n_assets_, 1.0);
    lowest_.assign(n_assets_, 1.0);
    round_net_sold_.assign(n_assets_, 0.0);
    units_.assign(in_.units.size(), unit_state{});
    for (std::size_t u = 0; u < in_.units.size(); ++u) {
      const execution_unit& eu = in_.units[u];
      if (is_perp(eu)) continue;
      for (int i = 0; i < eu.n_legs; ++i) {
        units_[u].collateral.push_back(in_.lending_legs[eu.first_leg + i].collateral_usd);
        units_[u].debt.push_back(in_.lending_legs[eu.first_leg + i].debt_usd);
      }
    }
    published_.assign(n_groups_, std::vector<float>(n_assets_, 1.0f));
    last_update_.assign(n_groups_, std::vector<int>(n_assets_, 0));
    for (int g = 0; g < n_groups_ && oracle_; ++g) {
      for (int k = 0; k < n_assets_; ++k) {
        published_[g][k] = rule_of(g, k).initial_growth;
        last_update_[g][k] = -rule_of(g, k).initial_age_steps;
      }
    }
  }

  // --- prices ------------------------------------------------------------------

  void write_market_row(int step) {
    for (int k = 0; k < n_assets_; ++k) {
      const double stored = in_.stored_growth[step][k];
      r_.market_growth[step][k] =
          static_cast<float>(stored * static_cast<double>(static_cast<float>(multiplier_[k])));
    }
  }

  double market_at(int step, int asset) const {
    return step < 0 ? 1.0 : static_cast<double>(r_.market_growth[step][asset]);
  }

  // The feed's log error at `step`: the normal at lane f % 4 of the path's
  // Philox block (group, step, asset, f / 4) in the oracle region
  // (kernels/rng/stream_layout.hpp): a group's steps start max_steps + 1 further on.
  float feed_log_error(int group, int step, int asset, int f) const {
    const std::uint64_t group_step =
        static_cast<std::uint64_t>(group) * (max_steps + 1ull) + static_cast<std::uint64_t>(step);
    const std::uint64_t block = oracle_block_base +
                                (group_step * max_assets + asset) * oracle_blocks_per_asset +
                                static_cast<std::uint64_t>(f / 4);
    const normal4 z = normals_from_block(philox_block(in_.seed, in_.path, block));
    const float lanes[4] = {z.z0, z.z1, z.z2, z.z3};
    return lanes[f % 4];
  }

  // The median of the feeds' readings (the upper middle one for an even count).
  float oracle_reading(int group, int step, int asset) const {
    const oracle_rule& rule = rule_of(group, asset);
    const int seen = step - rule.latency_steps;
    if (rule.n_feeds == 0) return static_cast<float>(market_at(seen, asset));
    std::vector<float> readings;
    for (int f = 0; f < rule.n_feeds; ++f) {
      const oracle_feed& feed = in_.oracle_feeds[rule.first_feed + f];
      float reading = static_cast<float>(market_at(seen - feed.delay_steps, asset));
      if (feed.noise > 0.0f) {
        reading *= exp_float(feed.noise * feed_log_error(group, step, asset, f));
      }
      readings.push_back(reading);
    }
    std::sort(readings.begin(), readings.end());
    return readings[readings.size() / 2];
  }

  // Chainlink's push rules: a heartbeat, or a deviation from the published price.
  bool run_oracle(int step) {
    bool published = false;
    for (int g = 0; g < n_groups_; ++g) {
      for (int k = 0; k < n_assets_; ++k) {
        const oracle_rule& rule = rule_of(g, k);
        const float reading = oracle_reading(g, step, k);
        const double moved = static_cast<double>(reading) / published_[g][k] - 1.0;
        if (step - last_update_[g][k] < rule.heartbeat_steps &&
            std::fabs(moved) <= rule.deviation) {
          continue;
        }
        published_[g][k] = reading;
        last_update_[g][k] = step;
        ++r_.oracle_updates;
        published = true;
      }
    }
    return published;
  }

  std::vector<double> trigger_prices(int step, int group) const {
    std::vector<double> g(n_assets_);
    for (int k = 0; k < n_assets_; ++k) {
      g[k] = oracle_ ? static_cast<double>(published_[group][k]) : market_at(step, k);
    }
    return g;
  }

  std::vector<double> market_prices(int step) const {
    std::vector<double> g(n_assets_);
    for (int k = 0; k < n_assets_; ++k) g[k] = market_at(step, k);
    return g;
  }

  void note_distance(double value, double boundary_scale) {
    if (!(boundary_scale > 0.0)) return;
    r_.closest_to_boundary = std::min(r_.closest_to_boundary, std::fabs(value) / boundary_scale);
  }

  double impact_fraction_of(double traded_usd, int asset) const {
    const double depth = in_.depth_usd[asset];
    if (!(traded_usd > 0.0) || std::isinf(depth)) return 0.0;
    return std::min(0.02 * std::pow(traded_usd / depth, in_.impact_exponent), 0.999);
  }

  // --- lending -----------------------------------------------------------------

  const lending_leg& leg_of(std::size_t u, int i) const {
    return in_.lending_legs[in_.units[u].first_leg + i];
  }

  bool lending_open(std::size_t u) const {
    const std::vector<double>& debt = units_[u].debt;
    return std::any_of(debt.begin(), debt.end(), [](double d) { return d > 0.0; });
  }

  bool lending_liquidatable(std::size_t u, const std::vector<double>& g) {
    double weighted = 0.0, debt = 0.0;
    for (std::size_t i = 0; i < units_[u].debt.size(); ++i) {
      const lending_leg& leg = leg_of(u, static_cast<int>(i));
      weighted += units_[u].collateral[i] * leg.liquidation_threshold * g[leg.asset];
      debt += units_[u].debt[i] * g[leg.asset];
    }
    note_distance(weighted - debt, debt);
    return weighted < debt;
  }

  // Aave v3.3 (LiquidationLogic.sol): the largest debt repaid against the largest
  // collateral, at most half the total debt while HF > 0.95 and both reserves
  // hold at least $2,000; seized = repaid x (1 + bonus), capped by the
  // collateral; with no collateral left the remaining debt is burned.
  void lending_call(std::size_t u, const std::vector<double>& g) {
    unit_state& s = units_[u];
    feedback_unit_result& o = r_.units[u];
    const std::size_t n = s.debt.size();
    std::size_t c = n, d = n;
    double best_c = 0.0, best_d = 0.0, weighted = 0.0, total_debt = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const lending_leg& leg = leg_of(u, static_cast<int>(i));
      const double cv = s.collateral[i] * g[leg.asset];
      const double dv = s.debt[i] * g[leg.asset];
      weighted += cv * leg.liquidation_threshold;
      total_debt += dv;
      if (cv > best_c) best_c = cv, c = i;
      if (dv > best_d) best_d = dv, d = i;
    }
    ++o.calls;
    o.executed = true;
    if (c == n) {
      burn(u, g);
      return;
    }
    const double hf = weighted / total_debt;
    const lending_rules& rules = venues_[static_cast<std::size_t>(venue_of(u))].lending;
    note_distance(hf - rules.close_factor_hf_threshold, rules.close_factor_hf_threshold);
    note_distance(best_c - rules.small_position_usd, rules.small_position_usd);
    note_distance(best_d - rules.small_position_usd, rules.small_position_usd);
    double repaid = best_d;
    if (best_c >= rules.small_position_usd && best_d >= rules.small_position_usd &&
        hf > rules.close_factor_hf_threshold && best_d > rules.close_factor * total_debt) {
      repaid = rules.close_factor * total_debt;
    }
    const lending_leg& cleg = leg_of(u, static_cast<int>(c));
    const lending_leg& dleg = leg_of(u, static_cast<int>(d));
    double seized = repaid * (1.0 + cleg.liquidation_bonus);
    if (seized >= best_c) {
      seized = best_c;
      repaid = best_c / (1.0 + cleg.liquidation_bonus);
      s.collateral[c] = 0.0;
    } else {
      s.collateral[c] -= seized / g[cleg.asset];
    }
    s.debt[d] = repaid >= best_d ? 0.0 : s.debt[d] - repaid / g[dleg.asset];
    const double slippage = seized * impact_fraction_of(seized, cleg.asset);
    o.liquidated_usd += seized;
    o.owner_loss_usd += seized - repaid;
    add(u, &venue_figures::liquidated, seized);
    add(u, &venue_figures::owner_loss, seized - repaid);
    add(u, &venue_figures::lending_bonus, seized - repaid);
    add(u, &venue_figures::liquidator_slippage, slippage);
    r_.sold_usd[cleg.asset] += seized;
    round_net_sold_[cleg.asset] += seized;
    if (std::all_of(s.collateral.begin(), s.collateral.end(), [](double x) { return x <= 0.0; })) {
      burn(u, g);
    }
  }

  void burn(std::size_t u, const std::vector<double>& g) {
    unit_state& s = units_[u];
    double deficit = 0.0;
    for (std::size_t i = 0; i < s.debt.size(); ++i) {
      deficit += s.debt[i] * g[leg_of(u, static_cast<int>(i)).asset];
      s.debt[i] = 0.0;
    }
    r_.units[u].bad_debt_usd += deficit;
    add(u, &venue_figures::lending_bad_debt, deficit);
  }

  void keeper_lending(std::size_t u, const std::vector<double>& trigger,
                      const std::vector<double>& market) {
    for (int call = 0; call < in_.max_calls_per_step; ++call) {
      if (!lending_open(u) || !lending_liquidatable(u, trigger)) break;
      lending_call(u, market);
    }
    if (lending_open(u) && lending_liquidatable(u, trigger)) r_.units[u].calls_exhausted = true;
    units_[u].open = lending_open(u);
  }

  // --- perps -------------------------------------------------------------------

  const perp_leg& perp_leg_of(std::size_t u, int i) const {
    return in_.perp_legs[in_.units[u].first_leg + i];
  }

  bool perp_liquidatable(std::size_t u, const std::vector<double>& g) {
    double equity = in_.units[u].margin_usd, maintenance = 0.0, notional = 0.0;
    for (int i = 0; i < in_.units[u].n_legs; ++i) {
      const perp_leg& leg = perp_leg_of(u, i);
      const double value = leg.size_usd * g[leg.asset];
      equity += value - leg.entry_usd;
      maintenance += leg.maintenance_margin_fraction * std::fabs(value);
      notional += std::fabs(value);
    }
    note_distance(equity - maintenance, notional);
    return equity < maintenance;
  }

  // Closed at market less impact (longs sell, shorts buy); the owner's equity
  // pays the slippage, then the fee; what it cannot is the venue's loss.
  void close_perp(std::size_t u, const std::vector<double>& g) {
    feedback_unit_result& o = r_.units[u];
    double equity = in_.units[u].margin_usd, notional = 0.0, slippage = 0.0, fee_due = 0.0;
    for (int i = 0; i < in_.units[u].n_legs; ++i) {
      const perp_leg& leg = perp_leg_of(u, i);
      const double value = leg.size_usd * g[leg.asset];
      equity += value - leg.entry_usd;
      notional += std::fabs(value);
      slippage += std::fabs(value) * impact_fraction_of(std::fabs(value), leg.asset);
      fee_due += leg.liquidation_fee * std::fabs(value);
      if (value > 0.0) {
        r_.sold_usd[leg.asset] += value;
        round_net_sold_[leg.asset] += value;
      } else {
        r_.bought_usd[leg.asset] -= value;
        round_net_sold_[leg.asset] += value;
      }
    }
    const double stake = std::max(equity, 0.0);
    const double owner_slippage = std::min(slippage, stake);
    const double fee = std::min(fee_due, stake - owner_slippage);
    const double venue_loss = slippage - owner_slippage + std::max(-equity, 0.0);
    o.executed = true;
    o.calls = 1;
    o.liquidated_usd = notional;
    o.owner_loss_usd = owner_slippage + fee;
    o.bad_debt_usd = venue_loss;
    add(u, &venue_figures::perp_loss, venue_loss);
    add(u, &venue_figures::liquidated, notional);
    add(u, &venue_figures::owner_loss, owner_slippage + fee);
    add(u, &venue_figures::perp_owner_slippage, owner_slippage);
    step_book& book = books_[static_cast<std::size_t>(in_.units[u].venue)];
    book.fees += fee;
    book.losses += venue_loss;
    if (!(venue_loss > 0.0)) return;
    for (int i = 0; i < in_.units[u].n_legs; ++i) {
      const perp_leg& leg = perp_leg_of(u, i);
      const double value = leg.size_usd * g[leg.asset];
      book.pool_notional[2 * leg.asset + (value < 0.0 ? 1 : 0)] += std::fabs(value);
    }
  }

  void keeper_perp(std::size_t u, const std::vector<double>& trigger,
                   const std::vector<double>& market) {
    if (!perp_liquidatable(u, trigger)) return;
    close_perp(u, market);
    units_[u].open = false;
  }

  // --- the step ------------------------------------------------------------------

  void find_triggers(int step) {
    for (std::size_t u = 0; u < units_.size(); ++u) {
      unit_state& s = units_[u];
      if (!s.open || s.due_step >= 0 || s.last_keeper_step == step) continue;
      const std::vector<double> trigger = trigger_prices(step, group_of(u));
      const bool liquidatable =
          is_perp(in_.units[u]) ? perp_liquidatable(u, trigger) : lending_liquidatable(u, trigger);
      if (liquidatable) s.due_step = step + in_.keeper_delay_steps;
    }
  }

  bool execute_due(int step) {
    const std::vector<double> market = market_prices(step);
    bool executed = false;
    for (std::size_t u = 0; u < units_.size(); ++u) {
      unit_state& s = units_[u];
      if (s.due_step != step) continue;
      const std::vector<double> trigger = trigger_prices(step, group_of(u));
      s.due_step = -1;
      s.last_keeper_step = step;
      if (is_perp(in_.units[u])) {
        keeper_perp(u, trigger, market);
      } else {
        keeper_lending(u, trigger, market);
      }
      executed = true;
    }
    return executed;
  }

  bool move_prices() {
    bool moved = false;
    for (int k = 0; k < n_assets_; ++k) {
      const double net = round_net_sold_[k];
      round_net_sold_[k] = 0.0;
      if (in_.asset_moves[k] == 0 || net == 0.0) continue;
      const double share = in_.permanent_impact_share * impact_fraction_of(std::fabs(net), k);
      if (share == 0.0) continue;
      multiplier_[k] *= net > 0.0 ? 1.0 - share : 1.0 + share;
      lowest_[k] = std::min(lowest_[k], multiplier_[k]);
      moved = true;
    }
    return moved;
  }

  void run_step(int step) {
    books_.assign(venues_.size() - static_cast<std::size_t>(first_perp_venue_),
                  step_book{0.0, 0.0, std::vector<double>(2 * n_assets_, 0.0)});
    write_market_row(step);
    if (oracle_ && step > 0) run_oracle(step);
    int rounds = 0;
    bool moved = false;
    while (rounds < in_.max_cascade_rounds) {
      find_triggers(step);
      if (!execute_due(step)) break;
      ++rounds;
      moved = permanent_ && move_prices();
      std::fill(round_net_sold_.begin(), round_net_sold_.end(), 0.0);
      if (!moved) break;
      write_market_row(step);
      // With an oracle, the trigger prices move only when it publishes: a round
      // whose move it does not publish ends a converged step.
      if (oracle_ && !(step > 0 && run_oracle(step))) {
        moved = false;
        break;
      }
    }
    if (rounds == in_.max_cascade_rounds && moved) ++r_.unconverged_steps;
    if (rounds > 1) ++r_.cascade_steps;
    r_.max_rounds = std::max(r_.max_rounds, rounds);
    if (rounds > 0) ++r_.rounds_histogram[rounds];
  }

  // An exchange's fund takes the step's fees before its losses. What it leaves
  // uncovered auto-deleveraging would take from open positions on the other
  // side of the same exchange.
  void settle_fund(int step, int exchange, double& fund) {
    const step_book& book = books_[static_cast<std::size_t>(exchange)];
    venue_figures& own = r_.venues[static_cast<std::size_t>(first_perp_venue_ + exchange)];
    fund += book.fees;
    const double draw = std::min(book.losses, fund);
    fund -= draw;
    const double deficit = book.losses - draw;
    for (venue_figures* f : {static_cast<venue_figures*>(&r_), &own}) {
      f->fund_fees += book.fees;
      f->fund_draw += draw;
      f->perp_deficit += deficit;
      if (deficit > 0.0) f->adl_unfilled += deficit;
    }
    if (!(deficit > 0.0)) return;
    const std::vector<double> market = market_prices(step);
    for (int k = 0; k < n_assets_; ++k) {
      for (int side = 0; side < 2; ++side) {
        if (book.pool_notional[2 * k + side] > 0.0 && open_on_side(exchange, k, 1 - side, market)) {
          r_.adl_would_fill = true;
        }
      }
    }
  }

  bool open_on_side(int exchange, int asset, int side, const std::vector<double>& g) const {
    for (std::size_t u = 0; u < units_.size(); ++u) {
      if (!is_perp(in_.units[u]) || !units_[u].open || in_.units[u].venue != exchange) continue;
      for (int i = 0; i < in_.units[u].n_legs; ++i) {
        const perp_leg& leg = perp_leg_of(u, i);
        const double value = leg.size_usd * g[leg.asset];
        if (leg.asset == asset && value != 0.0 && (value < 0.0 ? 1 : 0) == side) return true;
      }
    }
    return false;
  }
};

inline feedback_result run_feedback_path(const feedback_inputs& in, feedback_mechanisms m = {}) {
  return feedback_twin(in, m).run();
}

}  // namespace levrisk::reference
