#pragma once
// The price a protocol acts on (docs/methodology.md, "Oracles"): per asset, a
// push oracle publishes a new price when its reading has moved more than a
// deviation threshold from the last published one, or when the heartbeat has
// elapsed since the last update (Chainlink's data feed rules; ETH/USD on
// Ethereum: 0.5% and 3600 s). An update carries the reading from `latency`
// steps earlier. The reading is the median of the asset's feeds, each the
// market price `delay` steps before the reading, times a log-normal error of
// its own; with no feeds the reading is the market price itself.
//
// A run holds one oracle per group (kernels/rng/stream_layout.hpp,
// max_oracle_groups): group 0 the default, and one per venue that reads an
// oracle of its own (execution_view's venue_rules::oracle_group), each with its
// own rules, state and feed errors over the one shared market.
//
// The market rows are read at steps before the current one and at the current
// one; rows before the snapshot read as the snapshot's price (growth 1). The
// rules run at every step from the first on; at the snapshot the oracle holds
// its input price and age. A step may be evaluated again after a cascade round
// moved the current market row: a second publication at the same step needs
// the deviation rule (the heartbeat is then 0 steps old).

#include <cstdint>

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"
#include "kernels/rng/normal.hpp"
#include "kernels/rng/philox.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk {

struct oracle_feed {
  float noise;      // standard deviation of the reading's log error
  int delay_steps;  // the reading is the market price this many steps earlier
};

struct oracle_rule {
  double deviation;       // publish when |reading / published - 1| > deviation, in [0, 1)
  int heartbeat_steps;    // publish when this many steps passed since the last update, >= 1
  int latency_steps;      // an update carries the reading from this many steps earlier, >= 0
  int first_feed;         // into oracle_view::feeds
  int n_feeds;            // 0: the market price itself
  float initial_growth;   // the oracle's price at the snapshot over the spot price
  int initial_age_steps;  // steps since its last update, at the snapshot
};

struct oracle_view {
  int enabled;               // 0: the protocol acts on the market price
  const oracle_rule* rules;  // per group and asset: rules[group * n_assets + asset]
  const oracle_feed* feeds;
  std::uint64_t seed;
  int n_groups;  // 1 to max_oracle_groups
};

LEVRISK_HD LEVRISK_FORCEINLINE const oracle_rule* group_rules(const oracle_view& o, int group,
                                                              int n_assets) {
  return o.rules + static_cast<std::ptrdiff_t>(group) * n_assets;
}

// The market a path has made so far: its log-prices and growth factors per
// step, (n_steps + 1) x n_assets, valid up to the current step.
struct market_rows {
  const float* x;
  const float* growth;
  int n_assets;
};

// One asset's published price: its log (the ladders' factor) and growth factor.
template <int MaxAssets>
struct oracle_state {
  float x[MaxAssets];
  float growth[MaxAssets];
  int last_update[MaxAssets];
  int updates;  // publications on the path, all assets
};

template <int MaxAssets>
LEVRISK_HD inline void oracle_begin(const oracle_view& o, int n_assets, int group,
                                    oracle_state<MaxAssets>& s) {
  const oracle_rule* rules = group_rules(o, group, n_assets);
  for (int k = 0; k < n_assets; ++k) {
    s.growth[k] = rules[k].initial_growth;
    s.x[k] = log_float(rules[k].initial_growth);
    s.last_update[k] = -rules[k].initial_age_steps;
  }
  s.updates = 0;
}

struct oracle_reading {
  float x;
  float growth;
};

// The market at `step` (the snapshot's price before it).
LEVRISK_HD LEVRISK_FORCEINLINE oracle_reading market_at(const market_rows& m, int step, int asset) {
  if (step < 0) return oracle_reading{0.0f, 1.0f};
  const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(step) * m.n_assets + asset;
  return oracle_reading{m.x[at], m.growth[at]};
}

// Feed f's log error at `step`: a normal of the path's Philox subsequence at
// block (group, step, asset, f / 4) of the oracle region
// (kernels/rng/stream_layout.hpp).
LEVRISK_HD inline float feed_error(const oracle_view& o, std::uint64_t path, int group, int step,
                                   int asset, int f) {
  const std::uint64_t group_step =
      static_cast<std::uint64_t>(group) * (static_cast<std::uint64_t>(max_steps) + 1) +
      static_cast<std::uint64_t>(step);
  const std::uint64_t block =
      oracle_block_base +
      (group_step * max_assets + static_cast<std::uint64_t>(asset)) * oracle_blocks_per_asset +
      static_cast<std::uint64_t>(f / 4);
  const normal4 z = normals_from_block(philox_block(o.seed, path, block));
  const int lane = f % 4;
  return lane == 0 ? z.z0 : (lane == 1 ? z.z1 : (lane == 2 ? z.z2 : z.z3));
}

// The median of the feeds' readings at `step`: with n readings sorted by
// price, the one at n / 2 (for even n the upper middle one, as Chainlink's
// off-chain reporting takes observations[n / 2]).
LEVRISK_HD inline oracle_reading oracle_reading_at(const oracle_view& o, const market_rows& m,
                                                   std::uint64_t path, int group, int step,
                                                   int asset) {
  const oracle_rule& rule = group_rules(o, group, m.n_assets)[asset];
  const int seen = step - rule.latency_steps;
  if (rule.n_feeds == 0) return market_at(m, seen, asset);
  oracle_reading sorted[max_oracle_feeds];
  for (int f = 0; f < rule.n_feeds; ++f) {
    const oracle_feed& feed = o.feeds[rule.first_feed + f];
    oracle_reading r = market_at(m, seen - feed.delay_steps, asset);
    if (feed.noise > 0.0f) {
      const float error = feed.noise * feed_error(o, path, group, step, asset, f);
      r.x += error;
      r.growth *= exp_float(error);
    }
    int i = f;
    for (; i > 0 && sorted[i - 1].x > r.x; --i) sorted[i] = sorted[i - 1];
    sorted[i] = r;
  }
  return sorted[rule.n_feeds / 2];
}

LEVRISK_HD LEVRISK_FORCEINLINE bool oracle_due(const oracle_rule& rule, double published,
                                               double reading, int steps_since_update) {
  if (steps_since_update >= rule.heartbeat_steps) return true;
  const double moved = reading / published - 1.0;
  return (moved < 0.0 ? -moved : moved) > rule.deviation;
}

// Group `group`'s push rules at `step` for every asset; true when some asset published.
template <int MaxAssets>
LEVRISK_HD inline bool oracle_step(const oracle_view& o, const market_rows& m, std::uint64_t path,
                                   int group, int step, oracle_state<MaxAssets>& s) {
  const oracle_rule* rules = group_rules(o, group, m.n_assets);
  bool published = false;
  for (int k = 0; k < m.n_assets; ++k) {
    const oracle_reading r = oracle_reading_at(o, m, path, group, step, k);
    if (!oracle_due(rules[k], s.growth[k], r.growth, step - s.last_update[k])) continue;
    s.x[k] = r.x;
    s.growth[k] = r.growth;
    s.last_update[k] = step;
    ++s.updates;
    published = true;
  }
  return published;
}

}  // namespace levrisk
