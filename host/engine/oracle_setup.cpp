#include "host/engine/oracle_setup.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk {
namespace {

// A step count the kernel may add to or subtract from any step of the run
// (oracle_reading_at: step - latency - delay; oracle_step: step - last_update)
// without leaving an int.
constexpr int max_oracle_steps = INT_MAX - max_steps;

// The steps to the first monitoring step at or after `seconds`: the tolerance
// keeps a time on a step at that step where the division rounds above it
// (86400 s of 0.7-day / 7 steps is 10.000000000000002 in binary).
double steps_at_or_after(double seconds, double step_seconds) {
  const double steps = seconds / step_seconds;
  return std::ceil(steps - 1e-9 * steps);
}

// "FILE:LINE: [oracle.assets.ETH]": where a rule was set (its table, or
// `table` for a rule built in code).
std::string where_set(const run_config& config, const oracle_asset_config& rule,
                      const std::string& table) {
  return (rule.where.empty() ? config.source : rule.where) + ": " +
         (rule.table.empty() ? table : rule.table);
}

int checked_steps(double steps, double seconds, const std::string& where, const char* key,
                  double step_seconds) {
  LEVRISK_REQUIRE(steps <= static_cast<double>(max_oracle_steps), input_error,
                  where << " " << key << " = " << seconds << " is " << steps << " steps of "
                        << step_seconds << " s, more than the " << max_oracle_steps
                        << " a run can count");
  return static_cast<int>(steps);
}

// An oracle's state at the snapshot: its price and the age of its last update.
struct oracle_at_snapshot {
  double price_usd;
  double age_seconds;
};

oracle_rule rule_of(const std::string& where, const asset& a, const oracle_asset_config& rule,
                    const oracle_at_snapshot& start, double step_seconds, oracle_plan& plan) {
  oracle_rule r{};
  r.deviation = rule.deviation;
  r.heartbeat_steps =
      std::max(1, checked_steps(steps_at_or_after(rule.heartbeat_seconds, step_seconds),
                                rule.heartbeat_seconds, where, "heartbeat_seconds", step_seconds));
  r.latency_steps = checked_steps(std::round(rule.latency_seconds / step_seconds),
                                  rule.latency_seconds, where, "latency_seconds", step_seconds);
  r.first_feed = static_cast<int>(plan.feeds.size());
  r.n_feeds = 0;
  if (rule.feeds) {
    LEVRISK_REQUIRE(!rule.feeds->empty() && rule.feeds->size() <= max_oracle_feeds, input_error,
                    where << " feeds must list 1 to " << max_oracle_feeds << " feeds, got "
                          << rule.feeds->size());
    for (const oracle_feed_config& feed : *rule.feeds) {
      const int delay =
          checked_steps(std::round(feed.delay_seconds / step_seconds), feed.delay_seconds, where,
                        "feeds delay_seconds", step_seconds);
      LEVRISK_REQUIRE(r.latency_steps <= max_oracle_steps - delay, input_error,
                      where << " latency_seconds + feeds delay_seconds = "
                            << rule.latency_seconds + feed.delay_seconds << " is more steps of "
                            << step_seconds << " s than the " << max_oracle_steps
                            << " a run can count");
      plan.feeds.push_back(oracle_feed{static_cast<float>(feed.noise), delay});
    }
    r.n_feeds = static_cast<int>(rule.feeds->size());
  }
  r.initial_growth = static_cast<float>(start.price_usd / a.spot_usd);
  // An age at or beyond the heartbeat publishes at step 1 whatever its size:
  // held at the heartbeat, so that step - last_update stays an int.
  const double age_steps = std::floor(start.age_seconds / step_seconds + 1e-9);
  r.initial_age_steps =
      static_cast<int>(std::min(age_steps, static_cast<double>(r.heartbeat_steps)));
  return r;
}

// Every [oracle.assets.ID] and [oracle.venues.V.assets.ID] names an asset of the snapshot.
void check_assets_named(const run_config& config, const snapshot& snap) {
  const auto check = [&](const std::string& id, const oracle_asset_config& rule,
                         const std::string& table) {
    LEVRISK_REQUIRE(snap.find_asset(id) >= 0, input_error,
                    (rule.where.empty() ? config.source : rule.where)
                        << ": " << table << " names asset '" << id << "', which snapshot '"
                        << snap.source << "' does not have");
  };
  for (const auto& [id, rule] : config.oracle.assets) {
    check(id, rule, "[oracle.assets." + id + "]");
  }
  for (const auto& [venue, own] : config.oracle.venues) {
    for (const auto& [id, rule] : own.assets) {
      check(id, rule,
            rule.table.empty() ? "[oracle.venues." + venue + ".assets." + id + "]" : rule.table);
    }
  }
}

// The venue's place in plan.venues (lending protocols first, as venue_ids).
int venue_place(const execution_plan& plan, const std::string& id) {
  const auto found = std::find(plan.venue_ids.begin(), plan.venue_ids.end(), id);
  return found == plan.venue_ids.end() ? -1 : static_cast<int>(found - plan.venue_ids.begin());
}

std::string venue_list(const execution_plan& plan) {
  std::string list;
  for (const std::string& id : plan.venue_ids) list += (list.empty() ? "'" : ", '") + id + "'";
  return list;
}

// The venues with an oracle of their own, in group order, each given its group.
std::vector<int> set_venue_groups(const run_config& config, const snapshot& snap,
                                  execution_plan& plan) {
  std::vector<int> places;
  for (const auto& [id, own] : config.oracle.venues) {
    const int place = venue_place(plan, id);
    LEVRISK_REQUIRE(place >= 0, input_error,
                    (own.where.empty() ? config.source : own.where)
                        << ": [oracle.venues." << id << "] names venue '" << id
                        << "', which snapshot '" << snap.source
                        << "' does not have (its venues: " << venue_list(plan) << ")");
    plan.venues[static_cast<std::size_t>(place)].oracle_group = static_cast<int>(places.size()) + 1;
    places.push_back(place);
  }
  return places;
}

// A venue_oracles.csv row's place in plan.venues.
int row_place(const execution_plan& plan, const venue_oracle& row) {
  return row.perp ? plan.first_perp_venue + row.venue_index : row.venue_index;
}

// Each row of venue_oracles.csv belongs to a venue that reads its own oracle.
void check_venue_rows(const run_config& config, const snapshot& snap, const execution_plan& plan) {
  for (const venue_oracle& row : snap.venue_oracles) {
    const std::string& id = plan.venue_ids[static_cast<std::size_t>(row_place(plan, row))];
    LEVRISK_REQUIRE(config.oracle.venues.count(id) > 0, input_error,
                    row.where << ": gives venue '" << id << "' an oracle price, but "
                              << config.source << " has no [oracle.venues." << id << "]: '" << id
                              << "' acts on the default oracle, whose price is assets.csv's "
                                 "oracle_price_usd");
  }
}

// Where the oracle of the venue at `place` (-1: the default one) stands at the snapshot.
oracle_at_snapshot start_of(const snapshot& snap, const execution_plan& plan, int place,
                            int asset_index) {
  const asset& a = snap.assets[static_cast<std::size_t>(asset_index)];
  for (const venue_oracle& row : snap.venue_oracles) {
    if (place >= 0 && row_place(plan, row) == place && row.asset_index == asset_index) {
      return oracle_at_snapshot{row.oracle_price_usd, row.oracle_age_seconds};
    }
  }
  return oracle_at_snapshot{a.oracle_price_or_spot_usd(), a.oracle_age_seconds};
}

// An asset's rule in the default oracle (own: null) or in venue `venue`'s, and
// the name of the table it comes from.
struct named_rule {
  const oracle_asset_config& rule;
  std::string table;
};

named_rule rule_for(const run_config& config, const oracle_venue_config* own,
                    const std::string& venue, const std::string& asset_id) {
  const std::map<std::string, oracle_asset_config>& assets =
      own ? own->assets : config.oracle.assets;
  const auto found = assets.find(asset_id);
  const std::string prefix = own ? "[oracle.venues." + venue : std::string("[oracle");
  if (found == assets.end()) return {own ? own->defaults : config.oracle.defaults, prefix + "]"};
  return {found->second, prefix + ".assets." + asset_id + "]"};
}

}  // namespace

std::vector<std::string> own_oracle_venues(const run_config& config) {
  std::vector<std::string> ids;
  if (!config.oracle.enabled) return ids;
  for (const auto& entry : config.oracle.venues) ids.push_back(entry.first);
  return ids;
}

void set_oracle(const run_config& config, const snapshot& snap, execution_plan& plan) {
  check_assets_named(config, snap);
  oracle_plan& oracle = plan.oracle;
  const double step_seconds = config.horizon_days * 86400.0 / config.steps;
  oracle.enabled = config.oracle.enabled;
  oracle.rules.clear();
  oracle.feeds.clear();
  oracle.n_groups = 1;
  for (venue_rules& v : plan.venues) v.oracle_group = 0;
  std::vector<int> places;
  if (oracle.enabled) {
    places = set_venue_groups(config, snap, plan);
    check_venue_rows(config, snap, plan);
    oracle.n_groups = static_cast<int>(places.size()) + 1;
  }
  for (int g = 0; g < oracle.n_groups; ++g) {
    const int place = g == 0 ? -1 : places[static_cast<std::size_t>(g - 1)];
    const std::string venue = place < 0 ? "" : plan.venue_ids[static_cast<std::size_t>(place)];
    const oracle_venue_config* own = place < 0 ? nullptr : &config.oracle.venues.at(venue);
    for (std::size_t k = 0; k < snap.assets.size(); ++k) {
      const asset& a = snap.assets[k];
      const named_rule rule = rule_for(config, own, venue, a.id);
      oracle.rules.push_back(rule_of(where_set(config, rule.rule, rule.table), a, rule.rule,
                                     start_of(snap, plan, place, static_cast<int>(k)), step_seconds,
                                     oracle));
    }
  }
}

}  // namespace levrisk
