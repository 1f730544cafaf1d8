#pragma once
// The plain twin of the push oracle (kernels/risk/oracle.hpp), one asset at a
// time in double precision, from the rules as docs/methodology.md ("Oracles")
// states them: at each step 1..S the reading is the median (upper middle for
// an even count) of the feeds, each the market `latency + delay` steps earlier
// (the snapshot's price before step 0) times exp(noise z); the oracle publishes
// it when it moved more than the deviation from the published price, or when
// the heartbeat has passed since the last update. Only the Philox generator and
// its normals are the kernel's; the block address is the documented one.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/rng/normal.hpp"
#include "kernels/rng/philox.hpp"

namespace levrisk::reference {

struct oracle_feed {
  double noise;
  int delay_steps;
};

struct oracle_rule {
  double deviation;
  int heartbeat_steps;
  int latency_steps;
  std::vector<oracle_feed> feeds;  // empty: the market price itself
  double initial_growth;
  int initial_age_steps;
};

struct oracle_history {
  std::vector<int> update_steps;
  std::vector<double> published;  // the published growth after each step 0..S
  // The smallest | |reading / published - 1| - deviation | of the steps the
  // heartbeat did not decide: how near float rounding came to a decision.
  double closest_call = INFINITY;
};

// Feed f's standard normal at (step, asset): docs/methodology.md's Philox
// region table, oracle feed noise from block 3 2^62 + 2^61, two blocks per
// (step, asset) for up to 32 assets, four feeds a block.
inline double feed_normal(std::uint64_t seed, std::uint64_t path, int step, int asset, int f) {
  const std::uint64_t block =
      (3ull << 62) + (1ull << 61) +
      (static_cast<std::uint64_t>(step) * 32u + static_cast<std::uint64_t>(asset)) * 2u +
      static_cast<std::uint64_t>(f / 4);
  const normal4 z = normals_from_block(philox_block(seed, path, block));
  const float lanes[4] = {z.z0, z.z1, z.z2, z.z3};
  return lanes[f % 4];
}

// growth[s], s = 0..S: the asset's market growth factor at step s.
inline double market_growth(const std::vector<double>& growth, int step) {
  return step < 0 ? 1.0 : growth[static_cast<std::size_t>(step)];
}

inline double oracle_reading(const oracle_rule& rule, const std::vector<double>& growth,
                             std::uint64_t seed, std::uint64_t path, int step, int asset) {
  const int seen = step - rule.latency_steps;
  if (rule.feeds.empty()) return market_growth(growth, seen);
  std::vector<double> readings;
  for (std::size_t f = 0; f < rule.feeds.size(); ++f) {
    const oracle_feed& feed = rule.feeds[f];
    double reading = market_growth(growth, seen - feed.delay_steps);
    if (feed.noise > 0) {
      reading *= std::exp(feed.noise * feed_normal(seed, path, step, asset, static_cast<int>(f)));
    }
    readings.push_back(reading);
  }
  std::sort(readings.begin(), readings.end());
  return readings[readings.size() / 2];
}

inline oracle_history oracle_path(const oracle_rule& rule, const std::vector<double>& growth,
                                  std::uint64_t seed, std::uint64_t path, int asset) {
  oracle_history h;
  double published = rule.initial_growth;
  int last_update = -rule.initial_age_steps;
  h.published.push_back(published);
  for (int step = 1; step < static_cast<int>(growth.size()); ++step) {
    const double reading = oracle_reading(rule, growth, seed, path, step, asset);
    bool due = step - last_update >= rule.heartbeat_steps;
    if (!due) {
      const double moved = std::fabs(reading / published - 1.0);
      h.closest_call = std::min(h.closest_call, std::fabs(moved - rule.deviation));
      due = moved > rule.deviation;
    }
    if (due) {
      published = reading;
      last_update = step;
      h.update_steps.push_back(step);
    }
    h.published.push_back(published);
  }
  return h;
}

}  // namespace levrisk::reference
