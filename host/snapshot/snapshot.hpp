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

// The ids of the venues of a snapshot without venues.csv: its one lending
// protocol and its one perp exchange (docs/snapshot-format.md, "Venues").
inline constexpr const char* default_lending_venue_id = "lending";
inline constexpr const char* default_perp_venue_id = "perp";

// A lending protocol: its liquidation rules (Aave v3.3 LiquidationLogic) and its backstop.
struct lending_venue {
  std::string id;
  double close_factor = 0.5;  // share of the debt a liquidator may repay at once
  // At or below this health factor the whole debt may be repaid at once
  // (CLOSE_FACTOR_HF_THRESHOLD), in (0, 1].
  double close_factor_hf_threshold = 0.95;
  // MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD: a reserve whose collateral or debt is
  // worth less than this (USD) may be liquidated fully, >= 0.
  double small_position_usd = 2000.0;
  // The protocol's reserve / safety module: covers bad debt before it counts
  // as shortfall (USD, >= 0).
  double reserve_usd = 0.0;
};

// A perp exchange and its insurance fund balance at the snapshot (USD, >= 0).
struct perp_venue {
  std::string id;
  double insurance_fund_usd = 0.0;
};

// Aave-style per-asset lending parameters of one venue. An asset without a
// lending market in a venue cannot appear in that venue's lending accounts.
struct lending_market {
  int asset_index;
  double ltv;                    // max borrow per unit of collateral value
  double liquidation_threshold;  // LT: weight of the collateral in the health factor
  double liquidation_bonus;      // LB: liquidator's premium on seized collateral, 0.05 = 5%
  int venue_index = 0;           // into snapshot::lending_venues
};

struct lending_balance {
  int asset_index;
  double collateral_amount;  // units of the asset, >= 0
  double debt_amount;        // units of the asset, >= 0
};

// An account is an (id, venue) pair: the same id in two venues is two accounts.
struct lending_account {
  std::string id;
  std::vector<lending_balance> balances;  // one entry per asset held or owed
  int venue_index = 0;                    // into snapshot::lending_venues
};

struct perp_market {
  std::string id;                      // "BTC-PERP"
  int asset_index;                     // underlying whose price marks the market
  double maintenance_margin_fraction;  // MMF: liquidated when equity < MMF * |size| * price
  double initial_margin_fraction;      // IMF: 1 / max leverage at opening
  // Share of the closed notional a liquidated position pays to the venue's
  // insurance fund, in [0, 1).
  double liquidation_fee = 0.0;
  int venue_index = 0;  // into snapshot::perp_venues; market ids are unique per venue
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
  // Into snapshot::perp_venues: the venue of its market and of its account.
  int venue_index = 0;
};

// Collateral shared by all cross-margin positions of one account of one venue.
struct perp_account {
  std::string id;
  double cross_collateral_usd;
  int venue_index = 0;  // into snapshot::perp_venues
};

// Where the snapshot came from: its optional manifest.toml and a hash of its
// files (docs/snapshot-format.md, "Manifest and content hash").
struct snapshot_provenance {
  std::string as_of;   // RFC 3339 date-time of the data; empty when not stated
  std::string block;   // "21525000", or per chain "arbitrum:285000000,ethereum:21525000"
  std::string source;  // free text: warehouse, query, exporter
  std::string sha256;  // lower-case hex over the files read, in the documented order
};

// A venue's own oracle at the snapshot (venue_oracles.csv): read where the run
// gives that venue an oracle of its own ([oracle.venues.ID]); other venues read
// the default oracle, whose price and age are assets.csv's.
struct venue_oracle {
  bool perp;        // the venue is a perp exchange (index into perp_venues), else lending
  int venue_index;  // into lending_venues or perp_venues
  int asset_index;
  double oracle_price_usd;
  double oracle_age_seconds;
  std::string where;  // "FILE:LINE" of its row, for the errors that need the run's configuration
};

struct snapshot {
  std::string source;  // directory it was loaded from, for messages and metadata
  snapshot_provenance provenance;
  std::vector<asset> assets;
  // The venues share the assets; each holds its own markets, accounts and backstop.
  std::vector<lending_venue> lending_venues{lending_venue{default_lending_venue_id}};
  std::vector<perp_venue> perp_venues{perp_venue{default_perp_venue_id}};
  std::vector<lending_market> lending_markets;
  std::vector<lending_account> lending_accounts;
  std::vector<perp_market> perp_markets;
  std::vector<perp_account> perp_accounts;
  std::vector<perp_position> perp_positions;
  std::vector<venue_oracle> venue_oracles;  // in file order
  // What loading tolerated and a user should know (ignored columns), one line
  // each, "<file>:<line>: ..."; the CLI prints them.
  std::vector<std::string> notices;

  // Index of the asset with this id, or -1.
  int find_asset(const std::string& id) const;
  // Index into lending_markets of the venue's market in the asset, or -1 when
  // the venue does not lend it.
  int find_lending_market(int venue_index, int asset_index) const;
  // Index of the venue with this id, or -1.
  int find_lending_venue(const std::string& id) const;
  int find_perp_venue(const std::string& id) const;
};

}  // namespace levrisk
