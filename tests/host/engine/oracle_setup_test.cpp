// set_oracle: the configured oracle in steps of the run, by hand: one day of
// 288 steps is 300 s a step.

#include "host/engine/oracle_setup.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace levrisk {
namespace {

snapshot three_assets() {
  snapshot snap;
  snap.source = "snap";
  snap.assets = {{"BTC", 60000.0}, {"ETH", 2000.0}, {"USDC", 1.0}};
  return snap;
}

run_config five_minute_steps() {
  run_config c;
  c.source = "run.toml";
  c.horizon_days = 1.0;
  c.steps = 288;
  return c;
}

std::string set_oracle_error(const run_config& config, const snapshot& snap) {
  execution_plan plan;
  try {
    set_oracle(config, snap, plan);
  } catch (const input_error& error) {
    return error.what();
  }
  return "accepted";
}

// 3600 s / 300 s = 12 steps; 0.5% stays a fraction; no feeds, no latency.
TEST(OracleSetup, DefaultsAreChainlinksInSteps) {
  execution_plan plan;
  set_oracle(five_minute_steps(), three_assets(), plan);
  EXPECT_FALSE(plan.oracle.enabled);
  ASSERT_EQ(plan.oracle.rules.size(), 3u);
  EXPECT_TRUE(plan.oracle.feeds.empty());
  for (const oracle_rule& r : plan.oracle.rules) {
    EXPECT_EQ(r.deviation, 0.005);
    EXPECT_EQ(r.heartbeat_steps, 12);
    EXPECT_EQ(r.latency_steps, 0);
    EXPECT_EQ(r.n_feeds, 0);
    EXPECT_EQ(r.initial_growth, 1.0f);
    EXPECT_EQ(r.initial_age_steps, 0);
  }
}

TEST(OracleSetup, EnabledIsTheConfigurations) {
  run_config c = five_minute_steps();
  c.oracle.enabled = true;
  execution_plan plan;
  set_oracle(c, three_assets(), plan);
  EXPECT_TRUE(plan.oracle.enabled);
}

// The heartbeat: the first step at or after it. 3601 s is 12.003 steps: 13;
// 100 s is a third of a step: 1, the least.
TEST(OracleSetup, HeartbeatRoundsUpToAStep) {
  run_config c = five_minute_steps();
  c.oracle.assets["BTC"].heartbeat_seconds = 3601.0;
  c.oracle.assets["ETH"].heartbeat_seconds = 100.0;
  c.oracle.assets["USDC"].heartbeat_seconds = 86400.0;
  execution_plan plan;
  set_oracle(c, three_assets(), plan);
  EXPECT_EQ(plan.oracle.rules[0].heartbeat_steps, 13);
  EXPECT_EQ(plan.oracle.rules[1].heartbeat_steps, 1);
  EXPECT_EQ(plan.oracle.rules[2].heartbeat_steps, 288);
}

// 0.7 days in 7 steps: 0.7 * 86400 / 7 is 8639.999999999998 s in binary, and
// 86400 s divided by it 10.000000000000002: a day's heartbeat is 10 steps, not 11.
TEST(OracleSetup, HeartbeatOnAStepIsThatStepDespiteRounding) {
  run_config c = five_minute_steps();
  c.horizon_days = 0.7;
  c.steps = 7;
  c.oracle.defaults.heartbeat_seconds = 86400.0;
  ASSERT_GT(86400.0 / (c.horizon_days * 86400.0 / c.steps), 10.0);
  execution_plan plan;
  set_oracle(c, three_assets(), plan);
  EXPECT_EQ(plan.oracle.rules[0].heartbeat_steps, 10);
}

// To the nearest step: 149 s is 0.497 steps (0), 150 s half a step (1), 400 s
// 1.33 steps (1), 1000 s 3.33 steps (3).
TEST(OracleSetup, LatencyAndDelaysRoundToTheNearestStep) {
  run_config c = five_minute_steps();
  c.oracle.assets["BTC"].latency_seconds = 149.0;
  c.oracle.assets["ETH"].latency_seconds = 150.0;
  c.oracle.assets["USDC"].latency_seconds = 400.0;
  c.oracle.assets["USDC"].feeds =
      std::vector<oracle_feed_config>{{0.0, 12.0}, {0.0, 1000.0}, {0.0, 150.0}};
  execution_plan plan;
  set_oracle(c, three_assets(), plan);
  EXPECT_EQ(plan.oracle.rules[0].latency_steps, 0);
  EXPECT_EQ(plan.oracle.rules[1].latency_steps, 1);
  EXPECT_EQ(plan.oracle.rules[2].latency_steps, 1);
  ASSERT_EQ(plan.oracle.feeds.size(), 3u);
  EXPECT_EQ(plan.oracle.feeds[0].delay_steps, 0);
  EXPECT_EQ(plan.oracle.feeds[1].delay_steps, 3);
  EXPECT_EQ(plan.oracle.feeds[2].delay_steps, 1);
}

// Rules in the snapshot's order (the map orders BTC, ETH, USDC anyway: the
// snapshot here lists USDC first), feeds flattened: USDC's two default feeds,
// ETH's own three, BTC's two default ones.
TEST(OracleSetup, FeedsAreFlattenedInTheSnapshotsOrder) {
  run_config c = five_minute_steps();
  c.oracle.defaults.feeds = std::vector<oracle_feed_config>{{0.001, 0.0}, {0.002, 600.0}};
  c.oracle.assets["ETH"] = c.oracle.defaults;
  c.oracle.assets["ETH"].feeds =
      std::vector<oracle_feed_config>{{0.0, 0.0}, {0.01, 300.0}, {0.02, 900.0}};
  snapshot snap;
  snap.source = "snap";
  snap.assets = {{"USDC", 1.0}, {"ETH", 2000.0}, {"BTC", 60000.0}};
  execution_plan plan;
  set_oracle(c, snap, plan);
  ASSERT_EQ(plan.oracle.rules.size(), 3u);
  EXPECT_EQ(plan.oracle.rules[0].first_feed, 0);
  EXPECT_EQ(plan.oracle.rules[0].n_feeds, 2);
  EXPECT_EQ(plan.oracle.rules[1].first_feed, 2);
  EXPECT_EQ(plan.oracle.rules[1].n_feeds, 3);
  EXPECT_EQ(plan.oracle.rules[2].first_feed, 5);
  EXPECT_EQ(plan.oracle.rules[2].n_feeds, 2);
  ASSERT_EQ(plan.oracle.feeds.size(), 7u);
  const float noise[] = {0.001f, 0.002f, 0.0f, 0.01f, 0.02f, 0.001f, 0.002f};
  const int delay[] = {0, 2, 0, 1, 3, 0, 2};
  for (std::size_t f = 0; f < plan.oracle.feeds.size(); ++f) {
    EXPECT_EQ(plan.oracle.feeds[f].noise, noise[f]) << f;
    EXPECT_EQ(plan.oracle.feeds[f].delay_steps, delay[f]) << f;
  }
}

// 1990 / 2000 = 0.995; ages: 3599 s is 11.997 steps (11), 900 s exactly 3.
TEST(OracleSetup, SnapshotOraclePriceAndAge) {
  snapshot snap = three_assets();
  snap.assets[0].oracle_age_seconds = 3599.0;
  snap.assets[1].oracle_price_usd = 1990.0;
  snap.assets[1].oracle_age_seconds = 900.0;
  execution_plan plan;
  set_oracle(five_minute_steps(), snap, plan);
  EXPECT_EQ(plan.oracle.rules[0].initial_growth, 1.0f);
  EXPECT_EQ(plan.oracle.rules[0].initial_age_steps, 11);
  EXPECT_EQ(plan.oracle.rules[1].initial_growth, static_cast<float>(1990.0 / 2000.0));
  EXPECT_EQ(plan.oracle.rules[1].initial_age_steps, 3);
  EXPECT_EQ(plan.oracle.rules[2].initial_age_steps, 0);
}

// 0.1 day in 3 steps is 2880 s a step, 8640 s three of them, though 8640 / 2880
// may fall a hair below 3 in binary. An age past the heartbeat (12 steps) is
// the heartbeat's: the first step publishes either way.
TEST(OracleSetup, AgeOnAStepAndAgePastTheHeartbeat) {
  run_config c = five_minute_steps();
  c.horizon_days = 0.1;
  c.steps = 3;
  c.oracle.defaults.heartbeat_seconds = 8640.0 * 4;
  snapshot snap = three_assets();
  snap.assets[0].oracle_age_seconds = 8640.0;
  snap.assets[1].oracle_age_seconds = 1e12;
  execution_plan plan;
  set_oracle(c, snap, plan);
  EXPECT_EQ(plan.oracle.rules[0].initial_age_steps, 3);
  EXPECT_EQ(plan.oracle.rules[1].heartbeat_steps, 12);
  EXPECT_EQ(plan.oracle.rules[1].initial_age_steps, 12);
}

// Beyond the run: legal, the oracle reads the snapshot's price.
TEST(OracleSetup, LatencyBeyondTheRunIsLegal) {
  run_config c = five_minute_steps();
  c.oracle.defaults.latency_seconds = 86400.0 * 10;
  c.oracle.defaults.feeds = std::vector<oracle_feed_config>{{0.0, 86400.0 * 5}};
  execution_plan plan;
  set_oracle(c, three_assets(), plan);
  EXPECT_EQ(plan.oracle.rules[0].latency_steps, 2880);
  EXPECT_EQ(plan.oracle.feeds[0].delay_steps, 1440);
}

TEST(OracleSetup, AnAssetTheSnapshotLacksIsNamed) {
  run_config c = five_minute_steps();
  c.oracle.assets["DOGE"].where = "run.toml:14";
  EXPECT_EQ(set_oracle_error(c, three_assets()),
            "run.toml:14: [oracle.assets.DOGE] names asset 'DOGE', which snapshot 'snap' does "
            "not have");
  c.oracle.assets["DOGE"].where.clear();
  EXPECT_EQ(set_oracle_error(c, three_assets()),
            "run.toml: [oracle.assets.DOGE] names asset 'DOGE', which snapshot 'snap' does not "
            "have");
}

// 1e12 s is 3.3e9 steps of 300 s: no int holds it.
TEST(OracleSetup, AHeartbeatOfMoreStepsThanAnIntIsRefused) {
  run_config c = five_minute_steps();
  c.oracle.assets["ETH"].heartbeat_seconds = 1e12;
  c.oracle.assets["ETH"].where = "run.toml:9";
  EXPECT_EQ(set_oracle_error(c, three_assets()),
            "run.toml:9: [oracle.assets.ETH] heartbeat_seconds = 1e+12 is 3.33333e+09 steps of "
            "300 s, more than the 2146483647 a run can count");
}

TEST(OracleSetup, ADelayOfMoreStepsThanAnIntIsRefused) {
  run_config c = five_minute_steps();
  c.oracle.defaults.where = "run.toml:3";
  c.oracle.defaults.feeds = std::vector<oracle_feed_config>{{0.0, 0.0}, {0.0, 1e13}};
  EXPECT_EQ(set_oracle_error(c, three_assets()),
            "run.toml:3: [oracle] feeds delay_seconds = 1e+13 is 3.33333e+10 steps of 300 s, more "
            "than the 2146483647 a run can count");
}

// --- venues with oracles of their own ---------------------------------------

// Lending venues aave and spark, then the perp venue hl (as set_execution lists them).
execution_plan three_venues() {
  execution_plan plan;
  plan.venues = {venue_rules{0, lending_rules{0.5, 0.95, 2000.0}, 0.0},
                 venue_rules{0, lending_rules{0.5, 0.95, 2000.0}, 0.0},
                 venue_rules{1, lending_rules{0.0, 0.0, 0.0}, 0.0}};
  plan.venue_ids = {"aave", "spark", "hl"};
  plan.first_perp_venue = 2;
  return plan;
}

// A venue table of the defaults with one key changed, as the loader lays them.
oracle_venue_config own_oracle(const run_config& c, double heartbeat_seconds) {
  oracle_venue_config own;
  own.defaults = c.oracle.defaults;
  own.defaults.heartbeat_seconds = heartbeat_seconds;
  return own;
}

// Groups in the order of the venues' ids (hl, spark): hl's rules are group 1,
// spark's group 2, aave reads the default oracle.
TEST(OracleSetup, VenuesWithTheirOwnOracleGetGroupsInIdOrder) {
  run_config c = five_minute_steps();
  c.oracle.enabled = true;
  c.oracle.venues["spark"] = own_oracle(c, 1800.0);
  c.oracle.venues["spark"].assets["ETH"] = c.oracle.venues["spark"].defaults;
  c.oracle.venues["spark"].assets["ETH"].deviation = 0.01;
  c.oracle.venues["hl"] = own_oracle(c, 600.0);
  execution_plan plan = three_venues();
  set_oracle(c, three_assets(), plan);
  EXPECT_EQ(own_oracle_venues(c), (std::vector<std::string>{"hl", "spark"}));
  EXPECT_EQ(plan.oracle.n_groups, 3);
  EXPECT_EQ(plan.venues[0].oracle_group, 0);
  EXPECT_EQ(plan.venues[1].oracle_group, 2);
  EXPECT_EQ(plan.venues[2].oracle_group, 1);
  ASSERT_EQ(plan.oracle.rules.size(), 9u);  // 3 groups x BTC, ETH, USDC
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(plan.oracle.rules[static_cast<std::size_t>(k)].heartbeat_steps, 12) << k;
    EXPECT_EQ(plan.oracle.rules[static_cast<std::size_t>(3 + k)].heartbeat_steps, 2) << k;
    EXPECT_EQ(plan.oracle.rules[static_cast<std::size_t>(6 + k)].heartbeat_steps, 6) << k;
  }
  EXPECT_EQ(plan.oracle.rules[7].deviation, 0.01);
  EXPECT_EQ(plan.oracle.rules[6].deviation, 0.005);
}

// Without the oracle, venue tables make no groups.
TEST(OracleSetup, VenueTablesWithoutTheOracleMakeOneGroup) {
  run_config c = five_minute_steps();
  c.oracle.venues["spark"] = own_oracle(c, 1800.0);
  execution_plan plan = three_venues();
  set_oracle(c, three_assets(), plan);
  EXPECT_TRUE(own_oracle_venues(c).empty());
  EXPECT_EQ(plan.oracle.n_groups, 1);
  EXPECT_EQ(plan.oracle.rules.size(), 3u);
  for (const venue_rules& v : plan.venues) EXPECT_EQ(v.oracle_group, 0);
}

// spark's ETH oracle starts from its venue_oracles.csv row (1980, 900 s); its
// BTC one, without a row, from assets.csv's columns, as the default oracle does.
TEST(OracleSetup, AVenuesOracleStartsFromItsOwnRow) {
  run_config c = five_minute_steps();
  c.oracle.enabled = true;
  c.oracle.venues["spark"] = own_oracle(c, 3600.0);
  snapshot snap = three_assets();
  snap.assets[0].oracle_price_usd = 59400.0;
  snap.assets[0].oracle_age_seconds = 600.0;
  snap.assets[1].oracle_price_usd = 1990.0;
  snap.venue_oracles = {venue_oracle{false, 1, 1, 1980.0, 900.0, "snap/venue_oracles.csv:2"}};
  execution_plan plan = three_venues();
  set_oracle(c, snap, plan);
  ASSERT_EQ(plan.oracle.rules.size(), 6u);
  EXPECT_EQ(plan.oracle.rules[1].initial_growth, static_cast<float>(1990.0 / 2000.0));
  EXPECT_EQ(plan.oracle.rules[4].initial_growth, static_cast<float>(1980.0 / 2000.0));
  EXPECT_EQ(plan.oracle.rules[4].initial_age_steps, 3);
  EXPECT_EQ(plan.oracle.rules[3].initial_growth, static_cast<float>(59400.0 / 60000.0));
  EXPECT_EQ(plan.oracle.rules[3].initial_age_steps, 2);
}

std::string venue_error(const run_config& config, const snapshot& snap) {
  execution_plan plan = three_venues();
  try {
    set_oracle(config, snap, plan);
  } catch (const input_error& error) {
    return error.what();
  }
  return "accepted";
}

TEST(OracleSetup, AVenueTheSnapshotLacksIsNamed) {
  run_config c = five_minute_steps();
  c.oracle.enabled = true;
  c.oracle.venues["compound"] = own_oracle(c, 3600.0);
  c.oracle.venues["compound"].where = "run.toml:21";
  EXPECT_EQ(venue_error(c, three_assets()),
            "run.toml:21: [oracle.venues.compound] names venue 'compound', which snapshot 'snap' "
            "does not have (its venues: 'aave', 'spark', 'hl')");
  c.oracle.venues.erase("compound");
  c.oracle.venues["hl"] = own_oracle(c, 3600.0);
  c.oracle.venues["hl"].assets["DOGE"].where = "run.toml:30";
  c.oracle.venues["hl"].assets["DOGE"].table = "[oracle.venues.hl.assets.DOGE]";
  EXPECT_EQ(venue_error(c, three_assets()),
            "run.toml:30: [oracle.venues.hl.assets.DOGE] names asset 'DOGE', which snapshot "
            "'snap' does not have");
}

// A row for a venue that acts on the default oracle would be silently unused.
TEST(OracleSetup, ARowForAVenueOnTheDefaultOracleIsRefused) {
  run_config c = five_minute_steps();
  c.oracle.enabled = true;
  snapshot snap = three_assets();
  snap.venue_oracles = {venue_oracle{true, 0, 1, 1980.0, 0.0, "snap/venue_oracles.csv:3"}};
  EXPECT_EQ(venue_error(c, snap),
            "snap/venue_oracles.csv:3: gives venue 'hl' an oracle price, but run.toml has no "
            "[oracle.venues.hl]: 'hl' acts on the default oracle, whose price is assets.csv's "
            "oracle_price_usd");
  c.oracle.enabled = false;  // no oracle: nothing reads it
  EXPECT_EQ(venue_error(c, snap), "accepted");
}

}  // namespace
}  // namespace levrisk
