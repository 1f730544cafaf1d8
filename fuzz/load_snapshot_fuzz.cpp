// libFuzzer target: load_snapshot (host/snapshot/load_snapshot.hpp) on a snapshot
// folder made from the input. Framing (docs/hardening.md): the input is split at
// NUL bytes into the files of snapshot_format in this order: assets,
// lending_markets, protocol, lending_balances, perp_markets, perp_accounts,
// perp_positions, venues, venue_oracles (the last two added later, so that
// older inputs keep their meaning); an empty or missing part is an absent file.
// input_error is the documented answer to bad input; anything else is a finding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "fuzz/scratch_folder.hpp"
#include "host/snapshot/load_snapshot.hpp"
#include "host/snapshot/snapshot_format.hpp"

namespace {

namespace format = levrisk::snapshot_format;

const std::vector<std::string> file_order{
    format::assets_file,           format::lending_markets_file, format::protocol_file,
    format::lending_balances_file, format::perp_markets_file,    format::perp_accounts_file,
    format::perp_positions_file,   format::venues_file,          format::venue_oracles_file};

void write_parts(const levrisk::fuzz::scratch_folder& folder, const std::uint8_t* data,
                 std::size_t size) {
  std::size_t start = 0;
  for (const std::string& name : file_order) {
    std::size_t end = start;
    while (end < size && data[end] != 0) ++end;
    const std::size_t length = start < size ? end - start : 0;
    if (length > 0) {
      folder.write(name, data + start, length);
    } else {
      folder.remove(name);
    }
    start = end + 1;
  }
}

bool index_in(int index, std::size_t size) {
  return index >= 0 && static_cast<std::size_t>(index) < size;
}

// What the engine relies on after a successful load: every reference resolved.
void check_references(const levrisk::snapshot& snap) {
  using levrisk::fuzz::invariant_broken;
  if (snap.assets.empty()) invariant_broken("no assets");
  const std::size_t lending_venues = snap.lending_venues.size();
  const std::size_t perp_venues = snap.perp_venues.size();
  for (const auto& market : snap.lending_markets) {
    if (!index_in(market.asset_index, snap.assets.size())) invariant_broken("lending market asset");
    if (!index_in(market.venue_index, lending_venues)) invariant_broken("lending market venue");
  }
  for (const auto& account : snap.lending_accounts) {
    if (!index_in(account.venue_index, lending_venues)) invariant_broken("lending account venue");
    for (const auto& balance : account.balances) {
      if (!index_in(balance.asset_index, snap.assets.size())) invariant_broken("balance asset");
      if (snap.find_lending_market(account.venue_index, balance.asset_index) < 0) {
        invariant_broken("balance market");
      }
    }
  }
  for (const auto& market : snap.perp_markets) {
    if (!index_in(market.asset_index, snap.assets.size())) invariant_broken("perp market asset");
    if (!index_in(market.venue_index, perp_venues)) invariant_broken("perp market venue");
  }
  for (const auto& account : snap.perp_accounts) {
    if (!index_in(account.venue_index, perp_venues)) invariant_broken("perp account venue");
  }
  for (const auto& position : snap.perp_positions) {
    if (!index_in(position.market_index, snap.perp_markets.size())) {
      invariant_broken("position market");
    }
    const auto& market = snap.perp_markets[static_cast<std::size_t>(position.market_index)];
    if (market.venue_index != position.venue_index) invariant_broken("position venue");
  }
  for (const auto& row : snap.venue_oracles) {
    if (!index_in(row.asset_index, snap.assets.size())) invariant_broken("venue oracle asset");
    if (!index_in(row.venue_index, row.perp ? perp_venues : lending_venues)) {
      invariant_broken("venue oracle venue");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const levrisk::fuzz::scratch_folder folder;
  write_parts(folder, data, size);
  try {
    check_references(levrisk::load_snapshot(folder.path()));
  } catch (const levrisk::input_error&) {
  }
  return 0;
}
