#include "host/engine/oracle_setup.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

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

// "FILE:LINE: [oracle.assets.ETH]": where a rule of `id` was set.
std::string where_set(const run_config& config, const oracle_asset_config& rule,
                      const std::string& id) {
  const bool own = config.oracle.assets.count(id) > 0;
  return (rule.where.empty() ? config.source : rule.where) + ": " +
         (own ? "[oracle.assets." + id + "]" : std::string("[oracle]"));
}

int checked_steps(double steps, double seconds, const std::string& where, const char* key,
                  double step_seconds) {
  LEVRISK_REQUIRE(steps <= static_cast<double>(max_oracle_steps), input_error,
                  where << " " << key << " = " << seconds << " is " << steps << " steps of "
                        << step_seconds << " s, more than the " << max_oracle_steps
                        << " a run can count");
  return static_cast<int>(steps);
}

oracle_rule rule_of(const run_config& config, const asset& a, const oracle_asset_config& rule,
                    double step_seconds, oracle_plan& plan) {
  const std::string where = where_set(config, rule, a.id);
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
  r.initial_growth = static_cast<float>(a.oracle_price_or_spot_usd() / a.spot_usd);
  // An age at or beyond the heartbeat publishes at step 1 whatever its size:
  // held at the heartbeat, so that step - last_update stays an int.
  const double age_steps = std::floor(a.oracle_age_seconds / step_seconds + 1e-9);
  r.initial_age_steps =
      static_cast<int>(std::min(age_steps, static_cast<double>(r.heartbeat_steps)));
  return r;
}

}  // namespace

void set_oracle(const run_config& config, const snapshot& snap, oracle_plan& plan) {
  for (const auto& [id, rule] : config.oracle.assets) {
    LEVRISK_REQUIRE(snap.find_asset(id) >= 0, input_error,
                    (rule.where.empty() ? config.source : rule.where)
                        << ": [oracle.assets." << id << "] names asset '" << id
                        << "', which snapshot '" << snap.source << "' does not have");
  }
  const double step_seconds = config.horizon_days * 86400.0 / config.steps;
  plan.enabled = config.oracle.enabled;
  plan.rules.clear();
  plan.feeds.clear();
  for (const asset& a : snap.assets) {
    const auto own = config.oracle.assets.find(a.id);
    const oracle_asset_config& rule =
        own == config.oracle.assets.end() ? config.oracle.defaults : own->second;
    plan.rules.push_back(rule_of(config, a, rule, step_seconds, plan));
  }
}

}  // namespace levrisk
