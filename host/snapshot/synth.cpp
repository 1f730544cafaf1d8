#include "host/snapshot/synth.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace levrisk {

namespace {

// Prices near the start of 2025; lending parameters after Aave v3 Ethereum
// (WBTC, WETH, wstETH, LINK, USDC, USDT, DAI), with lower thresholds and higher
// bonuses for the alts Aave does not list there. collateral_weight: how often
// an account picks the asset as collateral. depth_usd: the +/-2% order-book
// depth, illustrative round figures of the order of the public depth figures
// of early 2025 (tens of millions for BTC and ETH, a few million for the large
// alts, about a million for the small ones, the most for the large stablecoins).
struct asset_spec {
  const char* id;
  double spot_usd;
  double ltv;
  double liquidation_threshold;
  double liquidation_bonus;
  double collateral_weight;
  double depth_usd;
};

const std::array<asset_spec, 10> asset_specs{{
    {"BTC", 95000, 0.73, 0.78, 0.05, 0.20, 40e6},
    {"ETH", 3500, 0.80, 0.83, 0.05, 0.30, 25e6},
    // 0.998 ETH: a liquid staking token trades near par
    {"stETH", 3493, 0.785, 0.81, 0.06, 0.15, 5e6},
    {"SOL", 240, 0.65, 0.72, 0.08, 0.06, 8e6},
    {"LINK", 23, 0.53, 0.68, 0.07, 0.06, 2e6},
    {"AVAX", 38, 0.60, 0.68, 0.10, 0.03, 1e6},
    {"DOGE", 0.38, 0.40, 0.50, 0.12, 0.02, 4e6},
    {"USDC", 1, 0.77, 0.80, 0.045, 0.10, 100e6},
    {"USDT", 1, 0.75, 0.80, 0.045, 0.04, 100e6},
    {"DAI", 1, 0.77, 0.80, 0.045, 0.04, 20e6},
}};
enum asset_slot : int { btc, eth, steth, sol, link, avax, doge, usdc, usdt, dai };

// Margin fractions in the range of dYdX v4 and Hyperliquid; 1 / IMF is the
// highest leverage a position may open with. Liquidation fees (to the insurance
// fund) from 0.5% to 1.25% of the closed notional, the range of published
// exchange liquidation / clearance fees, and at most the maintenance margin, so
// that a position closed at its maintenance requirement can pay its fee.
struct perp_spec {
  const char* id;
  int asset_index;
  double maintenance_margin_fraction;
  double initial_margin_fraction;
  double liquidation_fee;
  double weight;  // share of positions
};
const std::array<perp_spec, 5> perp_specs{{
    {"BTC-PERP", btc, 0.005, 0.02, 0.005, 0.35},
    {"ETH-PERP", eth, 0.0075, 0.02, 0.0075, 0.30},
    {"SOL-PERP", sol, 0.01, 0.05, 0.01, 0.15},
    {"DOGE-PERP", doge, 0.025, 0.10, 0.0125, 0.10},
    {"LINK-PERP", link, 0.02, 0.10, 0.0125, 0.10},
}};

constexpr double close_factor = 0.5;  // Aave v3 default
// The backstops, as shares of what they back at spot: the insurance fund of the
// perp open interest, the lending reserve of the lending debt. Illustrative.
constexpr double insurance_fund_share_of_open_interest = 0.01;
constexpr double lending_reserve_share_of_debt = 0.005;
constexpr double min_position_usd = 100;
constexpr double max_position_usd = 50e6;

constexpr double two_pi = 6.283185307179586;

class random_stream {
 public:
  explicit random_stream(std::uint64_t seed) : engine_(seed) {}

  // 53 random bits: uniform on [0, 1).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1), safe for log.
  double uniform_open() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }
  double uniform(double lower, double upper) { return lower + (upper - lower) * uniform(); }
  bool chance(double probability) { return uniform() < probability; }
  double exponential() { return -std::log(uniform_open()); }
  // Box-Muller; the second variate is discarded to keep the draw count fixed.
  double normal() {
    const double radius = std::sqrt(-2 * std::log(uniform_open()));
    return radius * std::cos(two_pi * uniform());
  }
  double log_normal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  // Log-normal restricted to [lower, upper] by rejection; the median falls inside.
  double log_normal_within(double median, double sigma, double lower, double upper) {
    while (true) {
      const double value = log_normal(median, sigma);
      if (value >= lower && value <= upper) return value;
    }
  }
  double log_uniform(double lower, double upper) {
    return lower * std::exp(std::log(upper / lower) * uniform());
  }
  // Index drawn with probability proportional to weights[i]; zero weights are never drawn.
  int pick(const std::vector<double>& weights) {
    double total = 0;
    for (const double w : weights) total += w;
    double target = uniform() * total;
    int last_positive = -1;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] <= 0) continue;
      last_positive = static_cast<int>(i);
      if (target < weights[i]) return last_positive;
      target -= weights[i];
    }
    return last_positive;
  }

 private:
  std::mt19937_64 engine_;
};

// SplitMix64 finalizer: independent-looking seeds for the two streams.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + stream * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double power_of_ten(int exponent) {
  double value = 1;
  for (int i = 0; i < std::abs(exponent); ++i) value *= 10;
  return value;
}

// Rounding to decimal places keeps the sample's text short: dividing by an
// exact power of ten yields the double nearest to the decimal.
double round_to_places(double value, int places) {
  if (places >= 0) return std::round(value * power_of_ten(places)) / power_of_ten(places);
  return std::round(value / power_of_ten(-places)) * power_of_ten(-places);
}
double floor_to_places(double value, int places) {
  return std::floor(value * power_of_ten(places)) / power_of_ten(places);
}
double ceil_to_places(double value, int places) {
  return std::ceil(value * power_of_ten(places)) / power_of_ten(places);
}

constexpr int amount_places = 6;  // token amounts
constexpr int usd_places = 2;     // margins and collateral in USD

// Five significant digits, as exchanges quote prices.
double round_price(double price_usd, double spot_usd) {
  const int magnitude = static_cast<int>(std::floor(std::log10(spot_usd)));
  return round_to_places(price_usd, 4 - magnitude);
}

std::string make_id(char prefix, std::int64_t number) {
  char text[32];
  std::snprintf(text, sizeof text, "%c%06lld", prefix, static_cast<long long>(number));
  return text;
}

double position_usd(random_stream& random, double median_usd) {
  return std::clamp(random.log_normal(median_usd, 1.9), min_position_usd, max_position_usd);
}

// Splits 1 into `count` shares of at least `floor_share`, the first one larger on average.
std::vector<double> draw_shares(random_stream& random, std::size_t count, double floor_share) {
  std::vector<double> shares(count);
  double total = 0;
  for (std::size_t i = 0; i < count; ++i) {
    shares[i] = random.exponential() * (i == 0 ? 2 : 1);
    total += shares[i];
  }
  const double free_share = 1 - floor_share * static_cast<double>(count);
  for (double& share : shares) share = floor_share + free_share * share / total;
  return shares;
}

enum class lending_archetype { idle, steth_loop, btc_eth, short_volatile, stable_debt };

lending_archetype draw_archetype(random_stream& random) {
  const double u = random.uniform();
  if (u < 0.08) return lending_archetype::idle;
  if (u < 0.22) return lending_archetype::steth_loop;  // stETH collateral, ETH debt
  if (u < 0.28) return lending_archetype::btc_eth;
  if (u < 0.33) return lending_archetype::short_volatile;  // stable collateral, volatile debt
  return lending_archetype::stable_debt;
}

int draw_stable(random_stream& random, const std::vector<bool>& taken) {
  std::vector<double> weights(asset_specs.size(), 0);
  weights[usdc] = taken[usdc] ? 0 : 0.55;
  weights[usdt] = taken[usdt] ? 0 : 0.30;
  weights[dai] = taken[dai] ? 0 : 0.15;
  return random.pick(weights);
}

int draw_collateral_asset(random_stream& random, const std::vector<bool>& taken) {
  std::vector<double> weights(asset_specs.size());
  for (std::size_t i = 0; i < asset_specs.size(); ++i) {
    weights[i] = taken[i] ? 0 : asset_specs[i].collateral_weight;
  }
  return random.pick(weights);
}

// Health factor the account's debt is sized to. Most accounts keep a buffer
// between 1.05 and 3, a few run close to 1; stETH/ETH loops run tight because
// the two prices move together.
double draw_health_factor(random_stream& random, lending_archetype archetype) {
  if (archetype == lending_archetype::steth_loop) {
    return random.log_normal_within(1.18, 0.08, 1.001, 1.8);
  }
  const double u = random.uniform();
  if (u < 0.03) return random.uniform(1.001, 1.05);
  if (u < 0.88) return random.log_normal_within(1.6, 0.35, 1.05, 3.0);
  return random.log_uniform(3.0, 20.0);
}

lending_account make_lending_account(random_stream& random, std::int64_t number) {
  const lending_archetype archetype = draw_archetype(random);
  std::vector<bool> taken(asset_specs.size(), false);
  std::vector<int> debt_assets;
  const auto add_debt = [&](int asset_index) {
    debt_assets.push_back(asset_index);
    taken[static_cast<std::size_t>(asset_index)] = true;
  };
  switch (archetype) {
    case lending_archetype::idle:
      break;
    case lending_archetype::steth_loop:
    case lending_archetype::btc_eth:
      add_debt(eth);
      if (random.chance(0.2)) add_debt(draw_stable(random, taken));
      break;
    case lending_archetype::short_volatile: {
      std::vector<double> weights(asset_specs.size(), 0);
      weights[btc] = 0.3;
      weights[eth] = 0.5;
      weights[sol] = 0.2;
      add_debt(random.pick(weights));
      break;
    }
    case lending_archetype::stable_debt:
      add_debt(draw_stable(random, taken));
      if (random.chance(0.2)) add_debt(draw_stable(random, taken));
      break;
  }

  // 60% single collateral, as on Aave where most positions are one asset.
  const double count_draw = random.uniform();
  const std::size_t collateral_count = count_draw < 0.60   ? 1
                                       : count_draw < 0.85 ? 2
                                       : count_draw < 0.95 ? 3
                                                           : 4;
  std::vector<int> collateral_assets;
  for (std::size_t i = 0; i < collateral_count; ++i) {
    int asset_index = -1;
    if (i == 0 && archetype == lending_archetype::steth_loop) {
      asset_index = steth;
    } else if (i == 0 && archetype == lending_archetype::btc_eth) {
      asset_index = btc;
    } else if (i == 0 && archetype == lending_archetype::short_volatile) {
      asset_index = draw_stable(random, taken);
    } else {
      asset_index = draw_collateral_asset(random, taken);
    }
    collateral_assets.push_back(asset_index);
    taken[static_cast<std::size_t>(asset_index)] = true;
  }

  lending_account account{make_id('L', number), {}};
  const double collateral_usd = std::clamp(random.log_normal(25000, 2.0), 100.0, 50e6);
  const std::vector<double> collateral_shares = draw_shares(random, collateral_count, 0.05);
  double weighted_collateral_usd = 0;
  for (std::size_t i = 0; i < collateral_count; ++i) {
    const asset_spec& spec = asset_specs[static_cast<std::size_t>(collateral_assets[i])];
    const double amount = std::max(
        round_to_places(collateral_usd * collateral_shares[i] / spec.spot_usd, amount_places),
        1e-6);
    weighted_collateral_usd += amount * spec.spot_usd * spec.liquidation_threshold;
    account.balances.push_back(lending_balance{collateral_assets[i], amount, 0});
  }
  if (debt_assets.empty()) return account;

  const double debt_usd = weighted_collateral_usd / draw_health_factor(random, archetype);
  const std::vector<double> debt_shares = draw_shares(random, debt_assets.size(), 0.1);
  for (std::size_t j = 0; j < debt_assets.size(); ++j) {
    const asset_spec& spec = asset_specs[static_cast<std::size_t>(debt_assets[j])];
    // Rounding down keeps the health factor at or above its target.
    const double amount = floor_to_places(debt_usd * debt_shares[j] / spec.spot_usd, amount_places);
    if (amount > 0) account.balances.push_back(lending_balance{debt_assets[j], 0, amount});
  }
  return account;
}

struct position_draw {
  int market;
  position_side side;
  double notional_usd;
};

position_draw draw_position(random_stream& random, int market) {
  const position_side side =
      random.chance(0.6) ? position_side::long_side : position_side::short_side;
  return position_draw{market, side, position_usd(random, 8000)};
}

std::vector<int> draw_markets(random_stream& random, std::size_t count, std::vector<bool>& taken) {
  std::vector<int> markets;
  for (std::size_t i = 0; i < count; ++i) {
    std::vector<double> weights(perp_specs.size());
    for (std::size_t m = 0; m < perp_specs.size(); ++m) {
      weights[m] = taken[m] ? 0 : perp_specs[m].weight;
    }
    const int market = random.pick(weights);
    taken[static_cast<std::size_t>(market)] = true;
    markets.push_back(market);
  }
  return markets;
}

double spot_of(int market) {
  return asset_specs[static_cast<std::size_t>(
                         perp_specs[static_cast<std::size_t>(market)].asset_index)]
      .spot_usd;
}

double signed_pnl_usd(const perp_position& p, double spot_usd) {
  const double move = spot_usd - p.entry_price_usd;
  return p.size * (p.side == position_side::long_side ? move : -move);
}

// Entry within 5% of spot, redrawn while the position would be liquidatable at
// spot (survivors of a market that has moved); after a few tries, at spot,
// where the initial margin alone keeps it above maintenance.
constexpr int entry_attempts = 20;

double draw_entry(random_stream& random, double spot_usd, int attempt) {
  if (attempt + 1 >= entry_attempts) return spot_usd;
  return round_price(spot_usd * random.uniform(0.95, 1.05), spot_usd);
}

perp_position make_isolated_position(random_stream& random, const std::string& account_id,
                                     const position_draw& draw) {
  const perp_spec& market = perp_specs[static_cast<std::size_t>(draw.market)];
  const double spot_usd = spot_of(draw.market);
  // Leverage skewed to 2-10x, capped by the market's initial margin.
  const double leverage =
      std::clamp(random.log_normal(5, 0.7), 1.0, 1 / market.initial_margin_fraction);
  perp_position p{account_id, draw.market, draw.side, 0, 0, margin_mode::isolated, 0};
  for (int attempt = 0; attempt < entry_attempts; ++attempt) {
    p.entry_price_usd = draw_entry(random, spot_usd, attempt);
    p.size = std::max(round_to_places(draw.notional_usd / p.entry_price_usd, amount_places), 1e-6);
    p.isolated_margin_usd = ceil_to_places(p.size * p.entry_price_usd / leverage, usd_places);
    const double equity_usd = p.isolated_margin_usd + signed_pnl_usd(p, spot_usd);
    if (equity_usd > market.maintenance_margin_fraction * p.size * spot_usd) break;
  }
  return p;
}

void add_perp_account(random_stream& random, std::int64_t number, snapshot& snap) {
  const std::string id = make_id('P', number);
  std::vector<bool> taken(perp_specs.size(), false);
  if (!random.chance(0.2)) {
    snap.perp_accounts.push_back(perp_account{id, 0});
    const std::size_t count = random.chance(0.7) ? 1 : 2;
    for (const int market : draw_markets(random, count, taken)) {
      snap.perp_positions.push_back(
          make_isolated_position(random, id, draw_position(random, market)));
    }
    return;
  }

  // Cross margin: 2-4 positions sharing one collateral balance.
  const std::size_t count = 2 + static_cast<std::size_t>(random.uniform() * 3);
  std::vector<position_draw> draws;
  for (const int market : draw_markets(random, count, taken)) {
    draws.push_back(draw_position(random, market));
  }
  const double account_leverage = std::clamp(random.log_normal(3, 0.6), 1.0, 20.0);
  std::vector<perp_position> positions;
  double collateral_usd = 0;
  for (int attempt = 0; attempt < entry_attempts; ++attempt) {
    positions.clear();
    double notional_usd = 0;
    double initial_margin_usd = 0;
    for (const position_draw& draw : draws) {
      const perp_spec& market = perp_specs[static_cast<std::size_t>(draw.market)];
      const double entry = draw_entry(random, spot_of(draw.market), attempt);
      const double size = std::max(round_to_places(draw.notional_usd / entry, amount_places), 1e-6);
      positions.push_back(
          perp_position{id, draw.market, draw.side, size, entry, margin_mode::cross, 0});
      notional_usd += size * entry;
      initial_margin_usd += market.initial_margin_fraction * size * entry;
    }
    collateral_usd =
        ceil_to_places(std::max(notional_usd / account_leverage, initial_margin_usd), usd_places);
    double equity_usd = collateral_usd;
    double maintenance_usd = 0;
    for (const perp_position& p : positions) {
      const double spot_usd = spot_of(p.market_index);
      equity_usd += signed_pnl_usd(p, spot_usd);
      maintenance_usd +=
          perp_specs[static_cast<std::size_t>(p.market_index)].maintenance_margin_fraction *
          p.size * spot_usd;
    }
    if (equity_usd > maintenance_usd) break;
  }
  snap.perp_accounts.push_back(perp_account{id, collateral_usd});
  snap.perp_positions.insert(snap.perp_positions.end(), positions.begin(), positions.end());
  // Some cross accounts also hold one isolated position in another market.
  if (random.chance(0.15) && count < perp_specs.size()) {
    const int market = draw_markets(random, 1, taken).front();
    snap.perp_positions.push_back(
        make_isolated_position(random, id, draw_position(random, market)));
  }
}

double lending_debt_usd(const snapshot& snap, int venue_index) {
  double total = 0;
  for (const lending_account& account : snap.lending_accounts) {
    if (account.venue_index != venue_index) continue;
    for (const lending_balance& b : account.balances) {
      total += b.debt_amount * snap.assets[static_cast<std::size_t>(b.asset_index)].spot_usd;
    }
  }
  return total;
}

double open_interest_usd(const snapshot& snap, int venue_index) {
  double total = 0;
  for (const perp_position& p : snap.perp_positions) {
    if (p.venue_index != venue_index) continue;
    const perp_market& market = snap.perp_markets[static_cast<std::size_t>(p.market_index)];
    total += p.size * snap.assets[static_cast<std::size_t>(market.asset_index)].spot_usd;
  }
  return total;
}

// One venue keeps the id of a snapshot without venues.csv; several are numbered from 1.
std::string venue_id(const char* single_id, int count, int index) {
  return count == 1 ? std::string(single_id)
                    : std::string(single_id) + "-" + std::to_string(index + 1);
}

int draw_venue(random_stream& random, int count) {
  return std::min(static_cast<int>(random.uniform() * count), count - 1);
}

void add_venues(const synth_options& options, snapshot& snap) {
  snap.lending_venues.clear();
  for (int v = 0; v < options.lending_venues; ++v) {
    lending_venue venue{venue_id(default_lending_venue_id, options.lending_venues, v)};
    venue.close_factor = close_factor;
    snap.lending_venues.push_back(venue);
    for (std::size_t i = 0; i < asset_specs.size(); ++i) {
      const asset_spec& spec = asset_specs[i];
      snap.lending_markets.push_back(lending_market{
          static_cast<int>(i), spec.ltv, spec.liquidation_threshold, spec.liquidation_bonus, v});
    }
  }
  snap.perp_venues.clear();
  for (int v = 0; v < options.perp_venues; ++v) {
    snap.perp_venues.push_back(perp_venue{venue_id(default_perp_venue_id, options.perp_venues, v)});
    for (const perp_spec& spec : perp_specs) {
      snap.perp_markets.push_back(
          perp_market{spec.id, spec.asset_index, spec.maintenance_margin_fraction,
                      spec.initial_margin_fraction, spec.liquidation_fee, v});
    }
  }
}

// The account's positions were drawn against venue 0's markets.
void move_perp_account(int venue_index, std::size_t first_position, snapshot& snap) {
  snap.perp_accounts.back().venue_index = venue_index;
  for (std::size_t i = first_position; i < snap.perp_positions.size(); ++i) {
    perp_position& p = snap.perp_positions[i];
    p.venue_index = venue_index;
    p.market_index += venue_index * static_cast<int>(perp_specs.size());
  }
}

}  // namespace

snapshot synthesize_snapshot(const synth_options& options) {
  LEVRISK_REQUIRE(
      options.lending_accounts >= 0, input_error,
      "synthesize_snapshot: lending_accounts must be >= 0, got " << options.lending_accounts);
  LEVRISK_REQUIRE(options.perp_accounts >= 0, input_error,
                  "synthesize_snapshot: perp_accounts must be >= 0, got " << options.perp_accounts);
  LEVRISK_REQUIRE(
      options.lending_venues >= 1, input_error,
      "synthesize_snapshot: lending_venues must be >= 1, got " << options.lending_venues);
  LEVRISK_REQUIRE(options.perp_venues >= 1, input_error,
                  "synthesize_snapshot: perp_venues must be >= 1, got " << options.perp_venues);
  snapshot snap;
  snap.source = "synthetic (seed " + std::to_string(options.seed) + ", " +
                std::to_string(options.lending_accounts) + " lending accounts, " +
                std::to_string(options.perp_accounts) + " perp accounts)";
  for (const asset_spec& spec : asset_specs) {
    snap.assets.push_back(asset{spec.id, spec.spot_usd, spec.depth_usd});
  }
  add_venues(options, snap);

  random_stream lending_random(mix_seed(options.seed, 1));
  random_stream lending_venue_random(mix_seed(options.seed, 3));
  snap.lending_accounts.reserve(static_cast<std::size_t>(options.lending_accounts));
  for (std::int64_t k = 1; k <= options.lending_accounts; ++k) {
    snap.lending_accounts.push_back(make_lending_account(lending_random, k));
    snap.lending_accounts.back().venue_index =
        draw_venue(lending_venue_random, options.lending_venues);
  }
  random_stream perp_random(mix_seed(options.seed, 2));
  random_stream perp_venue_random(mix_seed(options.seed, 4));
  snap.perp_accounts.reserve(static_cast<std::size_t>(options.perp_accounts));
  for (std::int64_t k = 1; k <= options.perp_accounts; ++k) {
    const std::size_t first_position = snap.perp_positions.size();
    add_perp_account(perp_random, k, snap);
    move_perp_account(draw_venue(perp_venue_random, options.perp_venues), first_position, snap);
  }
  // Sized from each venue's book after the accounts, with no random draw: the
  // accounts stay what they were before these parameters existed.
  for (std::size_t v = 0; v < snap.lending_venues.size(); ++v) {
    snap.lending_venues[v].reserve_usd = round_to_places(
        lending_reserve_share_of_debt * lending_debt_usd(snap, static_cast<int>(v)), 0);
  }
  for (std::size_t v = 0; v < snap.perp_venues.size(); ++v) {
    snap.perp_venues[v].insurance_fund_usd = round_to_places(
        insurance_fund_share_of_open_interest * open_interest_usd(snap, static_cast<int>(v)), 0);
  }
  return snap;
}

}  // namespace levrisk
