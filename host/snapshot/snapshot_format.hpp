#pragma once
// File and column names of the on-disk snapshot (docs/snapshot-format.md),
// shared by the loader and the writer so the two cannot drift apart.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv_reader.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk::snapshot_format {

inline constexpr const char* assets_file = "assets.csv";
inline constexpr const char* lending_markets_file = "lending_markets.csv";
inline constexpr const char* protocol_file = "protocol.csv";
inline constexpr const char* venues_file = "venues.csv";
inline constexpr const char* lending_balances_file = "lending_balances.csv";
inline constexpr const char* perp_markets_file = "perp_markets.csv";
inline constexpr const char* perp_accounts_file = "perp_accounts.csv";
inline constexpr const char* perp_positions_file = "perp_positions.csv";
inline constexpr const char* venue_oracles_file = "venue_oracles.csv";
inline constexpr const char* manifest_file = "manifest.toml";

// The files snapshot_sha256 covers, in its order: the tables, then the manifest.
// venues.csv and venue_oracles.csv came later: last of the tables, so that an
// absent one (skipped) leaves the hash of every snapshot written before it
// unchanged.
inline constexpr std::array<const char*, 10> hashed_files{
    assets_file,        lending_markets_file, protocol_file,       lending_balances_file,
    perp_markets_file,  perp_accounts_file,   perp_positions_file, venues_file,
    venue_oracles_file, manifest_file};

// Optional trailing columns (csv_reader): added after the first snapshots were
// written, so a header without them still loads, with the documented defaults.
// write_snapshot writes them, the oracle's only when some asset has a value.
inline constexpr const char* depth_usd_column = "depth_usd";
inline constexpr const char* oracle_price_usd_column = "oracle_price_usd";
inline constexpr const char* oracle_age_seconds_column = "oracle_age_seconds";
inline constexpr const char* liquidation_fee_column = "liquidation_fee";
// The row's venue, in every table that belongs to one; without it, the rows
// belong to the snapshot's only venue of the table's kind.
inline constexpr const char* venue_id_column = "venue_id";

inline const std::vector<std::string> assets_columns{"asset_id", "spot_usd"};
inline const std::vector<std::string> assets_optional_columns{
    depth_usd_column, oracle_price_usd_column, oracle_age_seconds_column};
inline const std::vector<std::string> lending_markets_columns{
    "asset_id", "ltv", "liquidation_threshold", "liquidation_bonus"};
inline const std::vector<std::string> protocol_columns{"parameter", "value"};
inline const std::vector<std::string> venues_columns{"venue_id", "kind", "fund_usd"};
inline const std::vector<std::string> lending_balances_columns{"account_id", "asset_id",
                                                               "collateral_amount", "debt_amount"};
inline const std::vector<std::string> perp_markets_columns{
    "market_id", "asset_id", "maintenance_margin_fraction", "initial_margin_fraction"};
inline const std::vector<std::string> perp_markets_optional_columns{liquidation_fee_column,
                                                                    venue_id_column};
inline const std::vector<std::string> perp_accounts_columns{"account_id", "cross_collateral_usd"};
inline const std::vector<std::string> perp_positions_columns{
    "account_id",  "market_id",          "side", "size", "entry_price_usd",
    "margin_mode", "isolated_margin_usd"};
inline const std::vector<std::string> venue_id_optional_columns{venue_id_column};
// A venue's own oracle per asset, for venues that read their own feed.
inline const std::vector<std::string> venue_oracles_columns{venue_id_column, "asset_id",
                                                            oracle_price_usd_column};
inline const std::vector<std::string> venue_oracles_optional_columns{oracle_age_seconds_column};

// venues.csv's kind column, in the order of venue_kind.
enum class venue_kind : std::uint8_t { lending, perp };
inline const std::vector<std::string_view> venue_kinds{"lending", "perp"};

// A lending venue's liquidation rules, in the order write_snapshot writes them:
// rows of protocol.csv, optional columns of venues.csv. Absent, empty or NULL
// in venues.csv: the venue's default.
struct lending_rule {
  const char* name;
  double lending_venue::*value;
  number_bounds bounds;
};
inline const std::array<lending_rule, 3> lending_rules{{
    {"close_factor", &lending_venue::close_factor, number_bounds::range(0, false, 1, true)},
    {"close_factor_hf_threshold", &lending_venue::close_factor_hf_threshold,
     number_bounds::range(0, false, 1, true)},
    {"small_position_usd", &lending_venue::small_position_usd, number_bounds::at_least(0)},
}};
inline const std::vector<std::string> venues_optional_columns{
    lending_rules[0].name, lending_rules[1].name, lending_rules[2].name};

// The parameters of protocol.csv, in the order write_snapshot writes them: the
// one lending venue's rules and backstop, the one perp venue's fund. Exactly
// one of `lending` and `perp` is set. An absent parameter keeps the default.
struct protocol_parameter {
  const char* name;
  double lending_venue::*lending;
  double perp_venue::*perp;
  number_bounds bounds;
};
inline const std::array<protocol_parameter, 5> protocol_parameters{{
    {lending_rules[0].name, lending_rules[0].value, nullptr, lending_rules[0].bounds},
    {lending_rules[1].name, lending_rules[1].value, nullptr, lending_rules[1].bounds},
    {lending_rules[2].name, lending_rules[2].value, nullptr, lending_rules[2].bounds},
    {"lending_reserve_usd", &lending_venue::reserve_usd, nullptr, number_bounds::at_least(0)},
    {"insurance_fund_usd", nullptr, &perp_venue::insurance_fund_usd, number_bounds::at_least(0)},
}};
// venues.csv's fund_usd: the lending venue's reserve_usd or the perp venue's insurance_fund_usd.
inline const number_bounds fund_usd_bounds = number_bounds::at_least(0);

}  // namespace levrisk::snapshot_format
