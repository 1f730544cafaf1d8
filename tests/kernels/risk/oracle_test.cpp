// The push oracle (kernels/risk/oracle.hpp) on scripted market paths, against
// hand computations, and against its plain twin (tests/reference/oracle_reference.hpp)
// on random paths, rules and feeds.

#include "kernels/risk/oracle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "tests/reference/oracle_reference.hpp"

namespace levrisk {
namespace {

constexpr int max_assets_here = 4;
using state = oracle_state<max_assets_here>;

// A market of growth factors per step (row 0 the snapshot's), as the kernel
// reads it: x = log growth, both in float.
class scripted_market {
 public:
  explicit scripted_market(const std::vector<std::vector<double>>& growth_by_step)
      : n_assets_(static_cast<int>(growth_by_step.front().size())) {
    for (const auto& row : growth_by_step) {
      for (const double g : row) {
        growth_.push_back(static_cast<float>(g));
        x_.push_back(std::log(static_cast<float>(g)));
      }
    }
  }
  // One asset's path.
  static scripted_market of(const std::vector<double>& growth) {
    std::vector<std::vector<double>> rows;
    for (const double g : growth) rows.push_back({g});
    return scripted_market(rows);
  }
  market_rows rows() const { return market_rows{x_.data(), growth_.data(), n_assets_}; }
  int n_steps() const { return static_cast<int>(growth_.size()) / n_assets_ - 1; }
  float growth(int step, int asset) const {
    return growth_[static_cast<std::size_t>(step * n_assets_ + asset)];
  }
  float x(int step, int asset) const {
    return x_[static_cast<std::size_t>(step * n_assets_ + asset)];
  }
  void set(int step, int asset, double g) {
    growth_[static_cast<std::size_t>(step * n_assets_ + asset)] = static_cast<float>(g);
    x_[static_cast<std::size_t>(step * n_assets_ + asset)] = std::log(static_cast<float>(g));
  }

 private:
  int n_assets_;
  std::vector<float> x_;
  std::vector<float> growth_;
};

oracle_rule rule_of(double deviation, int heartbeat_steps, int latency_steps = 0) {
  return oracle_rule{deviation, heartbeat_steps, latency_steps, 0, 0, 1.0f, 0};
}

oracle_view view_of(const std::vector<oracle_rule>& rules, const std::vector<oracle_feed>& feeds,
                    std::uint64_t seed = 7) {
  return oracle_view{1, rules.data(), feeds.data(), seed, 1};
}

// The steps at which asset 0 published, running the rules at steps 1..S.
struct run_record {
  std::vector<int> updates;
  std::vector<float> published;  // asset 0's published growth after each step 0..S
  int publications = 0;
};

run_record run_rules(const oracle_view& o, const scripted_market& m, std::uint64_t path = 0) {
  run_record r;
  state s{};
  oracle_begin(o, m.rows().n_assets, 0, s);
  r.published.push_back(s.growth[0]);
  for (int step = 1; step <= m.n_steps(); ++step) {
    oracle_step(o, m.rows(), path, 0, step, s);
    if (s.last_update[0] == step) r.updates.push_back(step);
    r.published.push_back(s.growth[0]);
  }
  r.publications = s.updates;
  return r;
}

// Moves of 0.3%, 0.49%, 0.6%: the first above 0.5% from 1 is at step 3 (1.006);
// from there 1.008 is +0.2% and 1.0115 is +0.547% (step 5); from 1.0115, 1.0065
// is -0.494% and 1.006 is -0.544% (step 7).
const std::vector<double> deviation_path{1.0,   1.003, 1.0049, 1.006, 1.008, 1.0115, 1.0065,
                                         1.006, 1.006, 1.006,  1.006, 1.006, 1.006};

TEST(Oracle, PublishesExactlyAtTheDeviationEvents) {
  const std::vector<oracle_rule> rules{rule_of(0.005, 1000)};
  const scripted_market m = scripted_market::of(deviation_path);
  const run_record r = run_rules(view_of(rules, {}), m);
  EXPECT_EQ(r.updates, (std::vector<int>{3, 5, 7}));
  EXPECT_EQ(r.publications, 3);
  EXPECT_EQ(r.published[2], 1.0f);
  EXPECT_EQ(r.published[3], m.growth(3, 0));
  EXPECT_EQ(r.published[4], m.growth(3, 0));
  EXPECT_EQ(r.published[5], m.growth(5, 0));
  EXPECT_EQ(r.published[12], m.growth(7, 0));
}

TEST(Oracle, PublishesEveryHeartbeatOnAFlatPath) {
  const std::vector<oracle_rule> rules{rule_of(0.005, 12)};
  const scripted_market m = scripted_market::of(std::vector<double>(51, 1.0));
  EXPECT_EQ(run_rules(view_of(rules, {}), m).updates, (std::vector<int>{12, 24, 36, 48}));
}

// The deviation events of the path, seen 3 steps late: an update at step t
// carries the market at t - 3.
TEST(Oracle, LatencyShiftsThePublishedValues) {
  std::vector<double> path = deviation_path;
  path.insert(path.end(), 3, path.back());
  const scripted_market m = scripted_market::of(path);
  const std::vector<oracle_rule> rules{rule_of(0.005, 1000, 3)};
  const run_record r = run_rules(view_of(rules, {}), m);
  ASSERT_EQ(r.updates, (std::vector<int>{6, 8, 10}));
  for (const int t : r.updates) {
    EXPECT_EQ(r.published[static_cast<std::size_t>(t)], m.growth(t - 3, 0)) << t;
  }
}

// Before the snapshot the market reads as the snapshot's price: growth 1, x 0,
// whatever the oracle's own price at the snapshot.
TEST(Oracle, ReadingBeforeTheSnapshotIsGrowthOne) {
  scripted_market m = scripted_market::of({1.0, 0.9, 0.8, 0.7, 0.6});
  std::vector<oracle_rule> rules{rule_of(0.005, 2, 3)};
  rules[0].initial_growth = 0.98f;
  const oracle_view o = view_of(rules, {});
  for (int step = 0; step < 3; ++step) {
    const oracle_reading r = oracle_reading_at(o, m.rows(), 0, 0, step, 0);
    EXPECT_EQ(r.growth, 1.0f) << step;
    EXPECT_EQ(r.x, 0.0f) << step;
  }
  EXPECT_EQ(oracle_reading_at(o, m.rows(), 0, 0, 4, 0).growth, m.growth(1, 0));
  // 1 / 0.98 - 1 = 2% at step 1: published at once, the snapshot's price.
  const run_record r = run_rules(o, m);
  EXPECT_EQ(r.updates.front(), 1);
  EXPECT_EQ(r.published[1], 1.0f);
}

// Feeds delayed by 0, 2 and 4 steps on a monotone path: the middle one is the
// market 2 steps back, rising or falling.
TEST(Oracle, MedianOfThreeFeedsIsTheMiddleDelay) {
  std::vector<double> rising;
  std::vector<double> falling;
  for (int s = 0; s <= 10; ++s) {
    rising.push_back(1.0 + 0.01 * s);
    falling.push_back(1.0 - 0.01 * s);
  }
  std::vector<oracle_rule> rules{rule_of(0.005, 1000)};
  rules[0].n_feeds = 3;
  const std::vector<oracle_feed> feeds{{0.0f, 4}, {0.0f, 0}, {0.0f, 2}};
  const oracle_view o = view_of(rules, feeds);
  for (const auto& path : {rising, falling}) {
    const scripted_market m = scripted_market::of(path);
    for (int step = 4; step <= 10; ++step) {
      const oracle_reading r = oracle_reading_at(o, m.rows(), 0, 0, step, 0);
      EXPECT_EQ(r.growth, m.growth(step - 2, 0)) << step;
      EXPECT_EQ(r.x, m.x(step - 2, 0)) << step;
    }
  }
}

// Delays 0..3: sorted by price, index 4 / 2 = 2 is the upper middle: the market
// 1 step back on a rising path (t-3 < t-2 < t-1 < t), 2 steps back on a falling one.
TEST(Oracle, MedianOfFourFeedsIsTheUpperMiddle) {
  std::vector<double> rising;
  std::vector<double> falling;
  for (int s = 0; s <= 10; ++s) {
    rising.push_back(1.0 + 0.01 * s);
    falling.push_back(1.0 - 0.01 * s);
  }
  std::vector<oracle_rule> rules{rule_of(0.005, 1000)};
  rules[0].n_feeds = 4;
  const std::vector<oracle_feed> feeds{{0.0f, 2}, {0.0f, 0}, {0.0f, 3}, {0.0f, 1}};
  const oracle_view o = view_of(rules, feeds);
  const scripted_market up = scripted_market::of(rising);
  const scripted_market down = scripted_market::of(falling);
  for (int step = 3; step <= 10; ++step) {
    EXPECT_EQ(oracle_reading_at(o, up.rows(), 0, 0, step, 0).growth, up.growth(step - 1, 0))
        << step;
    EXPECT_EQ(oracle_reading_at(o, down.rows(), 0, 0, step, 0).growth, down.growth(step - 2, 0))
        << step;
  }
}

// Feed f of asset k at step t draws lane f % 4 of Philox block
// 3 2^62 + 2^61 + (t 32 + k) 2 + f / 4 of the path's subsequence (docs/methodology.md).
float documented_normal(std::uint64_t seed, std::uint64_t path, int step, int asset, int f,
                        int group = 0) {
  // Groups after the first start 10^6 + 1 steps (max_steps + 1) further on.
  const std::uint64_t group_step =
      static_cast<std::uint64_t>(group) * 1000001u + static_cast<std::uint64_t>(step);
  const std::uint64_t block = (3ull << 62) + (1ull << 61) +
                              (group_step * 32u + static_cast<std::uint64_t>(asset)) * 2u +
                              static_cast<std::uint64_t>(f / 4);
  const normal4 z = normals_from_block(philox_block(seed, path, block));
  const float lanes[4] = {z.z0, z.z1, z.z2, z.z3};
  return lanes[f % 4];
}

std::uint32_t bits(float value) {
  std::uint32_t b = 0;
  std::memcpy(&b, &value, sizeof b);
  return b;
}

// Asset 0: six feeds, all 2 steps late on a flat market, each with its own
// error: the reading is the error of rank 6 / 2 = 3 (lanes 0..3 of the first
// block, 0..1 of the second). Asset 1: one feed on a moving market, its reading
// market(t - 2) exp(0.01 z), the log error's mean and deviation those of 0.01 z.
TEST(Oracle, NoiseIsTheDocumentedPhiloxNormal) {
  constexpr int n_steps = 200000;
  constexpr float noise = 0.01f;
  constexpr std::uint64_t seed = 12345;
  constexpr std::uint64_t path = 9;
  std::vector<std::vector<double>> rows;
  std::mt19937_64 random(1);
  std::normal_distribution<double> move(0.0, 0.003);
  double g = 1.0;
  for (int s = 0; s <= n_steps; ++s) {
    rows.push_back({1.0, g});
    g *= std::exp(move(random));
  }
  const scripted_market m(rows);
  std::vector<oracle_rule> rules{rule_of(0.005, 1000), rule_of(0.005, 1000)};
  rules[0].n_feeds = 6;
  rules[1].first_feed = 6;
  rules[1].n_feeds = 1;
  const std::vector<oracle_feed> feeds(7, oracle_feed{noise, 2});
  const oracle_view o = view_of(rules, feeds, seed);

  double sum = 0.0;
  double sum_sq = 0.0;
  for (int step = 3; step <= n_steps; ++step) {
    std::vector<float> errors;
    for (int f = 0; f < 6; ++f) errors.push_back(noise * documented_normal(seed, path, step, 0, f));
    std::sort(errors.begin(), errors.end());
    const oracle_reading six = oracle_reading_at(o, m.rows(), path, 0, step, 0);
    ASSERT_EQ(bits(six.x), bits(errors[3])) << step;
    ASSERT_EQ(bits(six.growth), bits(exp_float(errors[3]))) << step;

    const float error = noise * documented_normal(seed, path, step, 1, 0);
    const oracle_reading one = oracle_reading_at(o, m.rows(), path, 0, step, 1);
    ASSERT_EQ(bits(one.x), bits(m.x(step - 2, 1) + error)) << step;
    ASSERT_EQ(bits(one.growth), bits(m.growth(step - 2, 1) * exp_float(error))) << step;
    const oracle_reading again = oracle_reading_at(o, m.rows(), path, 0, step, 1);
    ASSERT_EQ(bits(again.x), bits(one.x));
    ASSERT_EQ(bits(again.growth), bits(one.growth));
    const double log_error = std::log(static_cast<double>(one.growth)) -
                             std::log(static_cast<double>(m.growth(step - 2, 1)));
    sum += log_error;
    sum_sq += log_error * log_error;
  }
  const double n = n_steps - 2;
  const double mean = sum / n;
  const double sd = std::sqrt(sum_sq / n - mean * mean);
  // Standard errors of the mean and of the standard deviation of n normals.
  EXPECT_LT(std::fabs(mean), 4.0 * noise / std::sqrt(n));
  EXPECT_LT(std::fabs(sd - noise), 4.0 * noise / std::sqrt(2.0 * n));
  // Another path draws other normals.
  EXPECT_NE(bits(oracle_reading_at(o, m.rows(), path + 1, 0, 3, 1).x),
            bits(oracle_reading_at(o, m.rows(), path, 0, 3, 1).x));
}

// A second oracle group (a venue reading its own oracle) has its own rules
// and feeds, and draws its errors from its own blocks: the same feed settings
// in two groups give two different readings.
TEST(Oracle, EachGroupReadsItsOwnRulesAndErrors) {
  constexpr std::uint64_t seed = 5;
  constexpr std::uint64_t path = 3;
  constexpr float noise = 0.01f;
  const scripted_market m = scripted_market::of({1.0, 1.01, 0.99, 1.02, 0.98, 1.03, 0.97, 1.0});
  // Group 0: one asset, one noisy feed; group 1: the same feed, and a latency.
  std::vector<oracle_rule> rules{rule_of(0.005, 1000), rule_of(0.005, 1000, 2)};
  rules[0].n_feeds = rules[1].n_feeds = 1;
  rules[1].first_feed = 1;
  const std::vector<oracle_feed> feeds(2, oracle_feed{noise, 0});
  oracle_view o = view_of(rules, feeds, seed);
  o.n_groups = 2;
  for (int step = 2; step <= 7; ++step) {
    const float own = noise * documented_normal(seed, path, step, 0, 0, 1);
    const oracle_reading r = oracle_reading_at(o, m.rows(), path, 1, step, 0);
    ASSERT_EQ(bits(r.x), bits(m.x(step - 2, 0) + own)) << step;
    const oracle_reading first = oracle_reading_at(o, m.rows(), path, 0, step, 0);
    ASSERT_EQ(bits(first.x),
              bits(m.x(step, 0) + noise * documented_normal(seed, path, step, 0, 0)));
    EXPECT_NE(bits(first.x), bits(r.x)) << step;
  }
  // Each group starts from its own snapshot price.
  rules[1].initial_growth = 0.97f;
  state zero{};
  state one{};
  oracle_begin(o, 1, 0, zero);
  oracle_begin(o, 1, 1, one);
  EXPECT_EQ(zero.growth[0], 1.0f);
  EXPECT_EQ(one.growth[0], 0.97f);
}

// After a heartbeat update at step 12, a cascade round moves the row of step 12
// again: 0.3% publishes nothing (the heartbeat is 0 steps old), 0.8% publishes.
TEST(Oracle, RepeatedStepPublishesAgainOnlyOnDeviation) {
  const std::vector<oracle_rule> rules{rule_of(0.005, 12)};
  scripted_market m = scripted_market::of(std::vector<double>(13, 1.0));
  const oracle_view o = view_of(rules, {});
  state s{};
  oracle_begin(o, 1, 0, s);
  for (int step = 1; step <= 11; ++step) EXPECT_FALSE(oracle_step(o, m.rows(), 0, 0, step, s));
  EXPECT_TRUE(oracle_step(o, m.rows(), 0, 0, 12, s));
  EXPECT_EQ(s.updates, 1);
  EXPECT_FALSE(oracle_step(o, m.rows(), 0, 0, 12, s));
  m.set(12, 0, 0.997);
  EXPECT_FALSE(oracle_step(o, m.rows(), 0, 0, 12, s));
  EXPECT_EQ(s.growth[0], 1.0f);
  m.set(12, 0, 0.992);
  EXPECT_TRUE(oracle_step(o, m.rows(), 0, 0, 12, s));
  EXPECT_EQ(s.updates, 2);
  EXPECT_EQ(s.growth[0], m.growth(12, 0));
  EXPECT_EQ(s.x[0], m.x(12, 0));
  EXPECT_EQ(s.last_update[0], 12);
}

// Age 11 steps at the snapshot, heartbeat 12: due at step 1, then every 12.
TEST(Oracle, InitialAgeCountsTowardTheHeartbeat) {
  std::vector<oracle_rule> rules{rule_of(0.005, 12)};
  rules[0].initial_age_steps = 11;
  const scripted_market m = scripted_market::of(std::vector<double>(30, 1.0));
  EXPECT_EQ(run_rules(view_of(rules, {}), m).updates, (std::vector<int>{1, 13, 25}));
}

TEST(Oracle, BeginHoldsTheSnapshotsPriceAndAge) {
  std::vector<oracle_rule> rules{rule_of(0.005, 12), rule_of(0.005, 12)};
  rules[0].initial_growth = 0.99f;
  rules[1].initial_age_steps = 5;
  state s{};
  oracle_begin(view_of(rules, {}), 2, 0, s);
  EXPECT_EQ(s.growth[0], 0.99f);
  EXPECT_EQ(s.x[0], log_float(0.99f));
  EXPECT_EQ(s.last_update[0], 0);
  EXPECT_EQ(s.growth[1], 1.0f);
  EXPECT_EQ(s.last_update[1], -5);
  EXPECT_EQ(s.updates, 0);
}

// Random rules, feeds and paths (four assets, jumps included) against the
// plain twin: the same update steps, and published prices within float
// rounding. Without noise both compare the same floats; with it the readings
// differ by float rounding (about 2e-7), so a path on which a noisy asset's
// deviation test fell within 1e-6 of its threshold is left out: there float
// and double may decide either way.
TEST(Oracle, MatchesThePlainTwinOnRandomPaths) {
  constexpr int n_paths = 400;
  constexpr int n_steps = 150;
  constexpr int n_assets = max_assets_here;
  constexpr std::uint64_t seed = 99;
  std::mt19937_64 random(2024);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(random);
  };
  auto integer = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(random); };
  int compared = 0;
  std::size_t updates = 0;
  for (int p = 0; p < n_paths; ++p) {
    std::vector<oracle_rule> rules;
    std::vector<oracle_feed> feeds;
    std::vector<reference::oracle_rule> twins;
    for (int k = 0; k < n_assets; ++k) {
      oracle_rule r = rule_of(uniform(0.0, 0.02), integer(1, 40), integer(0, 5));
      r.first_feed = static_cast<int>(feeds.size());
      r.n_feeds = integer(0, max_oracle_feeds);
      r.initial_growth = static_cast<float>(uniform(0.97, 1.03));
      r.initial_age_steps = integer(0, r.heartbeat_steps + 2);
      reference::oracle_rule twin{r.deviation, r.heartbeat_steps, r.latency_steps,
                                  {},          r.initial_growth,  r.initial_age_steps};
      for (int f = 0; f < r.n_feeds; ++f) {
        const double noises[3] = {0.0, 0.002, 0.01};
        const oracle_feed feed{static_cast<float>(noises[integer(0, 2)]), integer(0, 6)};
        feeds.push_back(feed);
        twin.feeds.push_back(reference::oracle_feed{feed.noise, feed.delay_steps});
      }
      rules.push_back(r);
      twins.push_back(twin);
    }
    std::vector<std::vector<double>> rows{std::vector<double>(n_assets, 1.0)};
    for (int s = 1; s <= n_steps; ++s) {
      std::vector<double> row = rows.back();
      for (double& g : row) {
        g *= std::exp(uniform(-0.008, 0.008) + (integer(0, 30) == 0 ? uniform(-0.1, 0.1) : 0.0));
      }
      rows.push_back(row);
    }
    const scripted_market m(rows);
    const oracle_view o = view_of(rules, feeds, seed);
    std::vector<reference::oracle_history> expected;
    bool clear_calls = true;
    for (int k = 0; k < n_assets; ++k) {
      std::vector<double> growth;
      for (int s = 0; s <= n_steps; ++s) growth.push_back(m.growth(s, k));
      expected.push_back(reference::oracle_path(twins[static_cast<std::size_t>(k)], growth, seed,
                                                static_cast<std::uint64_t>(p), k));
      bool noisy = false;
      for (const auto& feed : twins[static_cast<std::size_t>(k)].feeds) noisy |= feed.noise > 0;
      clear_calls = clear_calls && (!noisy || expected.back().closest_call > 1e-6);
    }
    if (!clear_calls) continue;
    ++compared;
    state s{};
    oracle_begin(o, n_assets, 0, s);
    std::vector<std::vector<int>> steps(n_assets);
    for (int step = 1; step <= n_steps; ++step) {
      oracle_step(o, m.rows(), static_cast<std::uint64_t>(p), 0, step, s);
      for (int k = 0; k < n_assets; ++k) {
        const double want = expected[static_cast<std::size_t>(k)].published[step];
        if (s.last_update[k] == step) steps[static_cast<std::size_t>(k)].push_back(step);
        ASSERT_NEAR(s.growth[k], want, 1e-6 * want)
            << "path " << p << " asset " << k << " step " << step;
      }
    }
    for (int k = 0; k < n_assets; ++k) {
      ASSERT_EQ(steps[static_cast<std::size_t>(k)],
                expected[static_cast<std::size_t>(k)].update_steps)
          << "path " << p << " asset " << k;
      updates += steps[static_cast<std::size_t>(k)].size();
    }
  }
  EXPECT_GE(compared, n_paths * 3 / 4);
  EXPECT_GT(updates, static_cast<std::size_t>(compared) * n_assets * 5);
}

}  // namespace
}  // namespace levrisk
