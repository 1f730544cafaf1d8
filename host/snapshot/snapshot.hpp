#pragma once
// A portfolio snapshot as the engine sees it once loaded and validated: plain
// data, asset and market references resolved to indices. The on-disk format is
// documented in docs/snapshot-format.md.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace levrisk {

struct asset {
  std::string id;   // "BTC", "ETH", "USDC", ...
  double spot_usd;  // market price at the snapshot time
  // USD amount of a sale that moves the price by 2% (the +/-2% order-book depth);
  // infinity: no price impact.
  double depth_usd = std::numeric_limits<double>::infinity();
  // The protocol's oracle at the snapshot (docs/snapshot-format.md): its price,
  // NaN when the snapshot does not give one (then the spot price), and the age
  // of its last update in seconds, >= 0.
  double oracle_price_usd = std::numeric_limits<double>::quiet_NaN();
  double oracle_age_seconds = 0.0;

  double oracle_price_or_spot_usd() const {
    return std::isnan(oracle_price_usd) ? spot_usd : oracle_price_usd;
  }
};

// Aave-style per-asset lending parameters. An asset without a lending market
// cannot appear in a lending account.
struct lending_venue { std::string id; double close_factor = 0.5; double close_factor_hf_threshold = 0.95; double small_position_usd = 2000.0; double reserve_usd = 0.0; };
struct perp_venue { std::string id; double insurance_fund_usd = 0.0; };
struct lending_market {
  int asset_index;
  double ltv;                    // max borrow per unit of collateral value
  double liquidation_threshold;  // LT: weight of the collateral in the health factor
  double liquidation_bonus;      // LB: liquidator's premium on seized collateral, 0.05 = 5%
  int venue_index = 0;
};

struct lending_balance {
  int asset_index;
  double collateral_amount;  // units of the asset, >= 0
  double debt_amount;        // units of the asset, >= 0
};

struct lending_account {
  std::string id;
  std::vector<lending_balance> balances;  // one entry per asset held or owed
  int venue_index = 0;
};

struct perp_market {
  std::string id;                      // "BTC-PERP"
  int asset_index;                     // underlying whose price marks the market
  double maintenance_margin_fraction;  // MMF: liquidated when equity < MMF * |size| * price
  double initial_margin_fraction;      // IMF: 1 / max leverage at opening
  // Share of the closed notional a liquidated position pays to the venue's
  // insurance fund, in [0, 1).
  double liquidation_fee = 0.0;
  int venue_index = 0;
};

enum class position_side : std::uint8_t { long_side, short_side };
enum class margin_mode : std::uint8_t { isolated, cross };

struct perp_position {
  std::string account_id;
  int market_index;
  position_side side;
  double size;             // units of the underlying, > 0
  double entry_price_usd;  // > 0
  margin_mode mode;
  double isolated_margin_usd;  // margin posted to this position; 0 for cross positions
  int venue_index = 0;
};

// Collateral shared by all cross-margin positions of one account.
struct perp_account {
  std::string id;
  double cross_collateral_usd;
  int venue_index = 0;
};

// Where the snapshot came from: its optional manifest.toml and a hash of its
// files (docs/snapshot-format.md, "Manifest and content hash").
struct snapshot_provenance {
  std::string as_of;   // RFC 3339 date-time of the data; empty when not stated
  std::string block;   // "21525000", or per chain "arbitrum:285000000,ethereum:21525000"
  std::string source;  // free text: warehouse, query, exporter
  std::string sha256;  // lower-case hex over the files read, in the documented order
};

struct snapshot {
  std::string source;  // directory it was loaded from, for messages and metadata
  snapshot_provenance provenance;
  std::vector<asset> assets;
  std::vector<lending_market> lending_markets;
  double close_factor = 0.5;  // share of the debt a liquidator may repay at once
  // Aave v3.3 LiquidationLogic: at or below this health factor the whole debt may
  // be repaid at once (CLOSE_FACTOR_HF_THRESHOLD), in (0, 1].
  double close_factor_hf_threshold = 0.95;
  // Aave v3.3 MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD: a reserve whose collateral or
  // debt is worth less than this (USD) may be liquidated fully, >= 0.
  double small_position_usd = 2000.0;
  // The lending protocol's reserve / safety module: covers bad debt before it
  // counts as shortfall (USD, >= 0).
  double lending_reserve_usd = 0.0;
  // The perp venue's insurance fund balance at the snapshot (USD, >= 0).
  double insurance_fund_usd = 0.0;
  std::vector<lending_venue> lending_venues{lending_venue{"lending"}};
  std::vector<perp_venue> perp_venues{perp_venue{"perp"}};
  std::vector<lending_account> lending_accounts;
  std::vector<perp_market> perp_markets;
  std::vector<perp_account> perp_accounts;
  std::vector<perp_position> perp_positions;
  // What loading tolerated and a user should know (ignored columns), one line
  // each, "<file>:<line>: ..."; the CLI prints them.
  std::vector<std::string> notices;

  // Index of the asset with this id, or -1.
  int find_asset(const std::string& id) const;
  // Index into lending_markets for an asset, or -1 when the asset cannot be lent.
  int find_lending_market(int asset_index) const;
  int find_lending_market(int venue, int asset_index) const {
    for (std::size_t i = 0; i < lending_markets.size(); ++i)
      if (lending_markets[i].venue_index == venue && lending_markets[i].asset_index == asset_index) return static_cast<int>(i);
    return -1;
  }
};

}  // namespace levrisk
