// synthesize_snapshot: deterministic from its seed, and realistic in the ways
// the engine relies on: every account solvent at the snapshot, and shares
// (multi-collateral, idle, near-liquidation, cross margin, long) within five
// binomial standard errors of the generator's design probabilities.

#include "host/snapshot/synth.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "host/snapshot/write_snapshot.hpp"
#include "tests/host/snapshot/snapshot_fixtures.hpp"

namespace levrisk {
namespace {

using snapshot_testing::expect_same_snapshot;

snapshot synthesize(std::int64_t lending_accounts, std::int64_t perp_accounts, std::uint64_t seed) {
  synth_options options;
  options.lending_accounts = lending_accounts;
  options.perp_accounts = perp_accounts;
  options.seed = seed;
  return synthesize_snapshot(options);
}

// Five binomial standard errors around the design probability.
void expect_share_near(std::int64_t count, std::int64_t total, double design, const char* what) {
  const double share = static_cast<double>(count) / static_cast<double>(total);
  const double se = std::sqrt(design * (1 - design) / static_cast<double>(total));
  EXPECT_NEAR(share, design, 5 * se) << what << ": " << count << " of " << total;
}

double health_factor(const snapshot& snap, const lending_account& account) {
  double weighted_collateral_usd = 0;
  double debt_usd = 0;
  for (const lending_balance& b : account.balances) {
    const double price = snap.assets[static_cast<std::size_t>(b.asset_index)].spot_usd;
    const lending_market& market = snap.lending_markets[static_cast<std::size_t>(
        snap.find_lending_market(account.venue_index, b.asset_index))];
    weighted_collateral_usd += b.collateral_amount * price * market.liquidation_threshold;
    debt_usd += b.debt_amount * price;
  }
  return debt_usd > 0 ? weighted_collateral_usd / debt_usd : INFINITY;
}

double spot_of_market(const snapshot& snap, int market_index) {
  const perp_market& market = snap.perp_markets[static_cast<std::size_t>(market_index)];
  return snap.assets[static_cast<std::size_t>(market.asset_index)].spot_usd;
}

double pnl_usd(const snapshot& snap, const perp_position& p) {
  const double move = spot_of_market(snap, p.market_index) - p.entry_price_usd;
  return p.size * (p.side == position_side::long_side ? move : -move);
}

double maintenance_usd(const snapshot& snap, const perp_position& p) {
  return snap.perp_markets[static_cast<std::size_t>(p.market_index)].maintenance_margin_fraction *
         p.size * spot_of_market(snap, p.market_index);
}

TEST(Synth, SameSeedGivesTheSameSnapshot) {
  expect_same_snapshot(synthesize(2000, 1000, 42), synthesize(2000, 1000, 42));
}

TEST(Synth, DifferentSeedsGiveDifferentAccounts) {
  const snapshot a = synthesize(50, 50, 1);
  const snapshot b = synthesize(50, 50, 2);
  int same = 0;
  for (std::size_t i = 0; i < a.lending_accounts.size(); ++i) {
    const auto& x = a.lending_accounts[i].balances;
    const auto& y = b.lending_accounts[i].balances;
    same += x.size() == y.size() && x[0].asset_index == y[0].asset_index &&
            x[0].collateral_amount == y[0].collateral_amount;
  }
  EXPECT_EQ(same, 0);
}

TEST(Synth, AnAccountDoesNotDependOnHowManyFollowIt) {
  const snapshot small = synthesize(100, 40, 9);
  const snapshot large = synthesize(300, 120, 9);
  for (std::size_t i = 0; i < small.lending_accounts.size(); ++i) {
    ASSERT_EQ(small.lending_accounts[i].balances.size(), large.lending_accounts[i].balances.size());
    EXPECT_EQ(small.lending_accounts[i].balances.back().debt_amount,
              large.lending_accounts[i].balances.back().debt_amount);
  }
  for (std::size_t i = 0; i < small.perp_positions.size(); ++i) {
    EXPECT_EQ(small.perp_positions[i].account_id, large.perp_positions[i].account_id);
    EXPECT_EQ(small.perp_positions[i].size, large.perp_positions[i].size);
  }
}

TEST(Synth, IdsAreNumberedFromOne) {
  const snapshot snap = synthesize(3, 2, 1);
  EXPECT_EQ(snap.lending_accounts[0].id, "L000001");
  EXPECT_EQ(snap.lending_accounts[2].id, "L000003");
  EXPECT_EQ(snap.perp_accounts[1].id, "P000002");
}

TEST(Synth, NoAccountsGivesMarketsOnly) {
  const snapshot snap = synthesize(0, 0, 1);
  EXPECT_EQ(snap.assets.size(), 10u);
  EXPECT_EQ(snap.perp_markets.size(), 5u);
  EXPECT_TRUE(snap.lending_accounts.empty());
  EXPECT_TRUE(snap.perp_positions.empty());
}

TEST(Synth, MarketsFollowTheDocumentedParameters) {
  const snapshot snap = synthesize(0, 0, 1);
  const auto spot = [&](const char* id) {
    return snap.assets[static_cast<std::size_t>(snap.find_asset(id))].spot_usd;
  };
  EXPECT_EQ(spot("USDC"), 1);
  EXPECT_NEAR(spot("stETH") / spot("ETH"), 0.998, 1e-12);
  EXPECT_GT(spot("BTC"), spot("ETH"));
  EXPECT_EQ(snap.lending_venues[0].close_factor, 0.5);
  const lending_market& eth = snap.lending_markets[static_cast<std::size_t>(
      snap.find_lending_market(0, snap.find_asset("ETH")))];
  EXPECT_EQ(eth.ltv, 0.80);
  EXPECT_EQ(eth.liquidation_threshold, 0.83);
  EXPECT_EQ(eth.liquidation_bonus, 0.05);
  for (const lending_market& m : snap.lending_markets) {
    EXPECT_LE(m.ltv, m.liquidation_threshold);
    EXPECT_LE(m.liquidation_threshold * (1 + m.liquidation_bonus), 1);
  }
  for (const perp_market& m : snap.perp_markets) {
    EXPECT_GE(m.maintenance_margin_fraction, 0.005) << m.id;
    EXPECT_LE(m.maintenance_margin_fraction, 0.03) << m.id;
    EXPECT_GE(m.initial_margin_fraction, 2 * m.maintenance_margin_fraction) << m.id;
  }
}

// Depths of the order of public +/-2% depth figures; fees in the range of
// published liquidation fees and at most the maintenance margin; Aave v3.3's
// close-factor constants.
TEST(Synth, LiquidationParametersFollowTheDocumentedDesign) {
  const snapshot snap = synthesize(0, 0, 1);
  const auto depth = [&](const char* id) {
    return snap.assets[static_cast<std::size_t>(snap.find_asset(id))].depth_usd;
  };
  EXPECT_EQ(depth("BTC"), 40e6);
  EXPECT_EQ(depth("ETH"), 25e6);
  EXPECT_EQ(depth("USDC"), 100e6);
  for (const asset& a : snap.assets) {
    EXPECT_GE(a.depth_usd, 1e6) << a.id;
    EXPECT_LE(a.depth_usd, 100e6) << a.id;
  }
  EXPECT_GT(depth("BTC"), depth("SOL"));
  EXPECT_GT(depth("SOL"), depth("AVAX"));
  for (const perp_market& m : snap.perp_markets) {
    EXPECT_GE(m.liquidation_fee, 0.005) << m.id;
    EXPECT_LE(m.liquidation_fee, 0.0125) << m.id;
    EXPECT_LE(m.liquidation_fee, m.maintenance_margin_fraction) << m.id;
  }
  EXPECT_EQ(snap.lending_venues[0].close_factor_hf_threshold, 0.95);
  EXPECT_EQ(snap.lending_venues[0].small_position_usd, 2000);
  EXPECT_EQ(snap.lending_venues[0].reserve_usd, 0) << "no accounts, no debt to back";
  EXPECT_EQ(snap.perp_venues[0].insurance_fund_usd, 0) << "no positions, no open interest";
}

// Insurance fund 1% of the perp open interest at spot, lending reserve 0.5% of
// the lending debt, to the dollar.
TEST(Synth, BackstopsAreSizedFromTheBook) {
  const snapshot snap = synthesize(2000, 1000, 17);
  double debt_usd = 0;
  for (const lending_account& account : snap.lending_accounts) {
    for (const lending_balance& b : account.balances) {
      debt_usd += b.debt_amount * snap.assets[static_cast<std::size_t>(b.asset_index)].spot_usd;
    }
  }
  double open_interest_usd = 0;
  for (const perp_position& p : snap.perp_positions) {
    open_interest_usd += p.size * spot_of_market(snap, p.market_index);
  }
  const double reserve_usd = snap.lending_venues[0].reserve_usd;
  const double fund_usd = snap.perp_venues[0].insurance_fund_usd;
  EXPECT_NEAR(reserve_usd, 0.005 * debt_usd, 0.5);
  EXPECT_NEAR(fund_usd, 0.01 * open_interest_usd, 0.5);
  EXPECT_EQ(fund_usd, std::round(fund_usd));
  EXPECT_GT(fund_usd, 0);
  EXPECT_GT(reserve_usd, 0);
}

TEST(Synth, EveryLendingAccountIsSolventAtTheSnapshot) {
  const snapshot snap = synthesize(20000, 0, 11);
  for (const lending_account& account : snap.lending_accounts) {
    EXPECT_GT(health_factor(snap, account), 1.0) << account.id;
  }
}

// Design: 8% idle; indebted accounts sized to a target HF, 3% of them in
// [1.001, 1.05), stETH loops (14% of accounts) log-normal around 1.18 with
// sigma 0.08, so 0.78 * 0.03 + 0.14 * N(ln(1.05 / 1.18) / 0.08) = 3.35% of
// accounts below 1.05.
TEST(Synth, HealthFactorsSpreadAsDesigned) {
  const snapshot snap = synthesize(20000, 0, 12);
  std::int64_t idle = 0;
  std::int64_t near_one = 0;
  std::int64_t buffered = 0;  // [1.05, 3]
  for (const lending_account& account : snap.lending_accounts) {
    const double hf = health_factor(snap, account);
    idle += std::isinf(hf);
    near_one += hf < 1.05;
    buffered += hf >= 1.05 && hf <= 3;
  }
  const auto total = static_cast<std::int64_t>(snap.lending_accounts.size());
  expect_share_near(idle, total, 0.08, "idle accounts");
  const double loop_near_one = 0.5 * std::erfc(-std::log(1.05 / 1.18) / 0.08 / std::sqrt(2.0));
  expect_share_near(near_one, total, 0.78 * 0.03 + 0.14 * loop_near_one, "HF below 1.05");
  EXPECT_GT(static_cast<double>(buffered) / static_cast<double>(total - idle), 0.75);
}

TEST(Synth, FortyPercentOfLendingAccountsHoldSeveralCollaterals) {
  const snapshot snap = synthesize(20000, 0, 13);
  std::int64_t multi = 0;
  std::int64_t debts_in_stablecoins = 0;
  std::int64_t debtors = 0;
  const int usdc = snap.find_asset("USDC");
  const int usdt = snap.find_asset("USDT");
  const int dai = snap.find_asset("DAI");
  for (const lending_account& account : snap.lending_accounts) {
    int collaterals = 0;
    bool stable_debt = false;
    bool any_debt = false;
    for (const lending_balance& b : account.balances) {
      collaterals += b.collateral_amount > 0;
      if (b.debt_amount > 0) {
        any_debt = true;
        stable_debt |= b.asset_index == usdc || b.asset_index == usdt || b.asset_index == dai;
      }
    }
    multi += collaterals > 1;
    debtors += any_debt;
    debts_in_stablecoins += stable_debt;
  }
  expect_share_near(multi, static_cast<std::int64_t>(snap.lending_accounts.size()), 0.40,
                    "multi-collateral");
  EXPECT_GT(static_cast<double>(debts_in_stablecoins) / static_cast<double>(debtors), 0.6);
}

TEST(Synth, EveryPerpPositionIsAboveMaintenanceAtSpot) {
  const snapshot snap = synthesize(0, 20000, 14);
  std::map<std::string, double> cross_equity_usd;
  std::map<std::string, double> cross_maintenance_usd;
  for (const perp_account& a : snap.perp_accounts) cross_equity_usd[a.id] = a.cross_collateral_usd;
  for (const perp_position& p : snap.perp_positions) {
    if (p.mode == margin_mode::isolated) {
      EXPECT_GT(p.isolated_margin_usd + pnl_usd(snap, p), maintenance_usd(snap, p)) << p.account_id;
    } else {
      cross_equity_usd[p.account_id] += pnl_usd(snap, p);
      cross_maintenance_usd[p.account_id] += maintenance_usd(snap, p);
    }
  }
  for (const auto& [id, maintenance] : cross_maintenance_usd) {
    EXPECT_GT(cross_equity_usd[id], maintenance) << id;
  }
}

TEST(Synth, IsolatedLeverageRespectsTheInitialMargin) {
  const snapshot snap = synthesize(0, 5000, 15);
  std::int64_t isolated = 0;
  std::int64_t two_to_ten = 0;
  for (const perp_position& p : snap.perp_positions) {
    if (p.mode != margin_mode::isolated) continue;
    const perp_market& market = snap.perp_markets[static_cast<std::size_t>(p.market_index)];
    const double leverage = p.size * p.entry_price_usd / p.isolated_margin_usd;
    EXPECT_LE(leverage, (1 + 1e-12) / market.initial_margin_fraction) << p.account_id;
    EXPECT_GE(leverage, 0.5) << p.account_id;
    ++isolated;
    two_to_ten += leverage >= 2 && leverage <= 10;
  }
  EXPECT_GT(static_cast<double>(two_to_ten) / static_cast<double>(isolated), 0.6);
}

// Design: 20% of perp accounts on cross margin with 2-4 positions; 60% of positions long.
TEST(Synth, CrossAccountsAndSidesFollowTheDesign) {
  const snapshot snap = synthesize(0, 20000, 16);
  std::map<std::string, int> cross_positions;
  std::int64_t longs = 0;
  for (const perp_position& p : snap.perp_positions) {
    if (p.mode == margin_mode::cross) ++cross_positions[p.account_id];
    longs += p.side == position_side::long_side;
  }
  std::int64_t cross_accounts = 0;
  for (const perp_account& a : snap.perp_accounts) {
    const auto found = cross_positions.find(a.id);
    if (found == cross_positions.end()) {
      EXPECT_EQ(a.cross_collateral_usd, 0) << a.id;
      continue;
    }
    ++cross_accounts;
    EXPECT_GE(found->second, 2) << a.id;
    EXPECT_LE(found->second, 4) << a.id;
    EXPECT_GT(a.cross_collateral_usd, 0) << a.id;
  }
  expect_share_near(cross_accounts, static_cast<std::int64_t>(snap.perp_accounts.size()), 0.20,
                    "cross-margin accounts");
  expect_share_near(longs, static_cast<std::int64_t>(snap.perp_positions.size()), 0.60,
                    "long positions");
}

TEST(Synth, SampleStaysSmall) {
  std::uintmax_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LEVRISK_SOURCE_DIR "/data/sample")) {
    bytes += entry.file_size();
  }
  EXPECT_LT(bytes, 3u << 20);
}

TEST(SynthErrors, NegativeAccountCount) {
  synth_options options;
  options.lending_accounts = -1;
  try {
    synthesize_snapshot(options);
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "synthesize_snapshot: lending_accounts must be >= 0, got -1");
  }
}

// --- venues ---

snapshot synthesize_venues(std::int64_t lending_accounts, std::int64_t perp_accounts,
                           std::uint64_t seed, int lending_venues, int perp_venues) {
  synth_options options;
  options.lending_accounts = lending_accounts;
  options.perp_accounts = perp_accounts;
  options.seed = seed;
  options.lending_venues = lending_venues;
  options.perp_venues = perp_venues;
  return synthesize_snapshot(options);
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// One venue of each kind is the generator as it was before venues: data/sample,
// written then, file for file and byte for byte.
TEST(Synth, OneVenueOfEachKindWritesTheSampleByteForByte) {
  const snapshot snap = synthesize_venues(7000, 3000, sample_snapshot_seed, 1, 1);
  EXPECT_EQ(snap.lending_venues[0].id, "lending");
  EXPECT_EQ(snap.perp_venues[0].id, "perp");
  const snapshot_testing::test_directory temp;
  write_snapshot(snap, temp.path());
  const std::filesystem::path sample = LEVRISK_SOURCE_DIR "/data/sample";
  std::vector<std::string> written;
  for (const auto& entry : std::filesystem::directory_iterator(temp.path())) {
    written.push_back(entry.path().filename().string());
  }
  std::vector<std::string> expected;
  for (const auto& entry : std::filesystem::directory_iterator(sample)) {
    expected.push_back(entry.path().filename().string());
  }
  std::sort(written.begin(), written.end());
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(written, expected);
  for (const std::string& file : written) {
    EXPECT_TRUE(file_text(temp.path() / file) == file_text(sample / file)) << file;
  }
}

TEST(Synth, SeveralVenuesAreNumberedAndListTheSameMarkets) {
  const snapshot snap = synthesize_venues(0, 0, 1, 3, 2);
  ASSERT_EQ(snap.lending_venues.size(), 3u);
  EXPECT_EQ(snap.lending_venues[0].id, "lending-1");
  EXPECT_EQ(snap.lending_venues[2].id, "lending-3");
  ASSERT_EQ(snap.perp_venues.size(), 2u);
  EXPECT_EQ(snap.perp_venues[0].id, "perp-1");
  EXPECT_EQ(snap.perp_venues[1].id, "perp-2");
  const snapshot one = synthesize(0, 0, 1);
  ASSERT_EQ(snap.lending_markets.size(), 3 * one.lending_markets.size());
  for (int v = 0; v < 3; ++v) {
    EXPECT_EQ(snap.lending_venues[static_cast<std::size_t>(v)].close_factor, 0.5);
    for (const lending_market& m : one.lending_markets) {
      const int found = snap.find_lending_market(v, m.asset_index);
      ASSERT_GE(found, 0) << "venue " << v << " asset " << m.asset_index;
      const lending_market& copy = snap.lending_markets[static_cast<std::size_t>(found)];
      EXPECT_EQ(copy.ltv, m.ltv);
      EXPECT_EQ(copy.liquidation_threshold, m.liquidation_threshold);
      EXPECT_EQ(copy.liquidation_bonus, m.liquidation_bonus);
    }
  }
  ASSERT_EQ(snap.perp_markets.size(), 2 * one.perp_markets.size());
  for (std::size_t i = 0; i < snap.perp_markets.size(); ++i) {
    const perp_market& m = snap.perp_markets[i];
    const perp_market& original = one.perp_markets[i % one.perp_markets.size()];
    EXPECT_EQ(m.venue_index, static_cast<int>(i / one.perp_markets.size()));
    EXPECT_EQ(m.id, original.id);
    EXPECT_EQ(m.asset_index, original.asset_index);
    EXPECT_EQ(m.maintenance_margin_fraction, original.maintenance_margin_fraction);
    EXPECT_EQ(m.initial_margin_fraction, original.initial_margin_fraction);
    EXPECT_EQ(m.liquidation_fee, original.liquidation_fee);
  }
}

// The venues share out the accounts of one venue: the same accounts and
// positions, each position in a market of its account's venue, about a third
// of the accounts in each of three venues (five binomial standard errors).
TEST(Synth, VenuesShareOutTheSameAccounts) {
  const snapshot one = synthesize(3000, 3000, 21);
  const snapshot snap = synthesize_venues(3000, 3000, 21, 3, 3);
  ASSERT_EQ(snap.lending_accounts.size(), one.lending_accounts.size());
  std::vector<std::int64_t> lending_count(3, 0);
  for (std::size_t i = 0; i < snap.lending_accounts.size(); ++i) {
    const lending_account& a = snap.lending_accounts[i];
    EXPECT_EQ(a.id, one.lending_accounts[i].id);
    ASSERT_EQ(a.balances.size(), one.lending_accounts[i].balances.size());
    EXPECT_EQ(a.balances.back().debt_amount, one.lending_accounts[i].balances.back().debt_amount);
    ASSERT_GE(a.venue_index, 0);
    ASSERT_LT(a.venue_index, 3);
    ++lending_count[static_cast<std::size_t>(a.venue_index)];
  }
  std::map<std::string, int> venue_of_account;
  std::vector<std::int64_t> perp_count(3, 0);
  for (const perp_account& a : snap.perp_accounts) {
    ASSERT_GE(a.venue_index, 0);
    ASSERT_LT(a.venue_index, 3);
    venue_of_account[a.id] = a.venue_index;
    ++perp_count[static_cast<std::size_t>(a.venue_index)];
  }
  ASSERT_EQ(snap.perp_positions.size(), one.perp_positions.size());
  for (std::size_t i = 0; i < snap.perp_positions.size(); ++i) {
    const perp_position& p = snap.perp_positions[i];
    const perp_position& q = one.perp_positions[i];
    EXPECT_EQ(p.account_id, q.account_id);
    EXPECT_EQ(p.size, q.size);
    EXPECT_EQ(p.venue_index, venue_of_account[p.account_id]) << p.account_id;
    const perp_market& market = snap.perp_markets[static_cast<std::size_t>(p.market_index)];
    EXPECT_EQ(market.venue_index, p.venue_index) << p.account_id;
    EXPECT_EQ(market.id, one.perp_markets[static_cast<std::size_t>(q.market_index)].id);
  }
  for (int v = 0; v < 3; ++v) {
    expect_share_near(lending_count[static_cast<std::size_t>(v)], 3000, 1.0 / 3,
                      "lending accounts in a venue");
    expect_share_near(perp_count[static_cast<std::size_t>(v)], 3000, 1.0 / 3,
                      "perp accounts in a venue");
  }
}

TEST(Synth, VenuesAreDeterministicFromTheSeed) {
  expect_same_snapshot(synthesize_venues(500, 500, 8, 2, 4), synthesize_venues(500, 500, 8, 2, 4));
  const snapshot a = synthesize_venues(200, 0, 8, 2, 1);
  const snapshot b = synthesize_venues(200, 0, 9, 2, 1);
  int same = 0;
  for (std::size_t i = 0; i < a.lending_accounts.size(); ++i) {
    same += a.lending_accounts[i].venue_index == b.lending_accounts[i].venue_index;
  }
  EXPECT_LT(same, 150) << "another seed, other venues";
}

// Each venue's backstop by the one-venue rule, from its own book: 0.5% of its
// lending debt, 1% of its open interest, at spot, to the dollar.
TEST(Synth, EachVenuesBackstopIsSizedFromItsOwnBook) {
  const snapshot snap = synthesize_venues(2000, 1000, 17, 2, 3);
  std::vector<double> debt_usd(2, 0.0);
  for (const lending_account& account : snap.lending_accounts) {
    for (const lending_balance& b : account.balances) {
      debt_usd[static_cast<std::size_t>(account.venue_index)] +=
          b.debt_amount * snap.assets[static_cast<std::size_t>(b.asset_index)].spot_usd;
    }
  }
  std::vector<double> open_interest_usd(3, 0.0);
  for (const perp_position& p : snap.perp_positions) {
    open_interest_usd[static_cast<std::size_t>(p.venue_index)] +=
        p.size * spot_of_market(snap, p.market_index);
  }
  for (std::size_t v = 0; v < 2; ++v) {
    EXPECT_NEAR(snap.lending_venues[v].reserve_usd, 0.005 * debt_usd[v], 0.5) << v;
    EXPECT_GT(snap.lending_venues[v].reserve_usd, 0) << v;
  }
  for (std::size_t v = 0; v < 3; ++v) {
    const double fund_usd = snap.perp_venues[v].insurance_fund_usd;
    EXPECT_NEAR(fund_usd, 0.01 * open_interest_usd[v], 0.5) << v;
    EXPECT_EQ(fund_usd, std::round(fund_usd)) << v;
    EXPECT_GT(fund_usd, 0) << v;
  }
}

TEST(SynthErrors, ZeroVenues) {
  synth_options options;
  options.perp_venues = 0;
  try {
    synthesize_snapshot(options);
    ADD_FAILURE() << "no input_error";
  } catch (const input_error& error) {
    EXPECT_EQ(std::string(error.what()), "synthesize_snapshot: perp_venues must be >= 1, got 0");
  }
}

// Regenerates data/sample:
//   test_host_snapshot --gtest_also_run_disabled_tests --gtest_filter=Synth.DISABLED_WriteSample
// (the same as `levrisk synth -o data/sample` with its default options).
TEST(Synth, DISABLED_WriteSample) {
  write_snapshot(synthesize(7000, 3000, sample_snapshot_seed), LEVRISK_SOURCE_DIR "/data/sample");
}

}  // namespace
}  // namespace levrisk
