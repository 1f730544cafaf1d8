#pragma once
// Synthetic portfolio snapshots for tests, benchmarks and the bundled sample
// (data/sample): ten assets with Aave-v3-like lending parameters and
// illustrative order-book depths, five perp markets with liquidation fees, and
// accounts drawn from a fixed seed; the lending reserve and the insurance fund
// are sized from the accounts. Several lending or perp venues list the same
// markets and share the accounts out. Nothing here is market data.

#include <cstdint>

#include "host/snapshot/snapshot.hpp"

namespace levrisk {

struct synth_options {
  std::int64_t lending_accounts = 7000;
  std::int64_t perp_accounts = 3000;
  std::uint64_t seed = 20250101;
  // Venues of each kind, >= 1. One: the venue "lending" / "perp", and the
  // snapshot is the one written before venues existed. More: "lending-1" ...
  // "lending-N", "perp-1" ... "perp-N".
  int lending_venues = 1;
  int perp_venues = 1;
};

// The seed data/sample was generated with (see data/README.md).
inline constexpr std::uint64_t sample_snapshot_seed = 20250101;

// Deterministic from the options, on every platform with an IEEE-754 libm:
// std::mt19937_64 (fully specified by the standard) with inverse-CDF and
// Box-Muller transforms written here, since the std distributions differ
// between standard libraries. Lending accounts and perp accounts use separate
// streams, and account k does not depend on how many accounts follow it. Each
// account's venue comes from a stream of its own (one per kind), so that the
// accounts are the same for any number of venues.
//
// Every account is solvent at the snapshot: lending health factors > 1 and perp
// equity above the maintenance requirement at spot.
snapshot synthesize_snapshot(const synth_options& options);

}  // namespace levrisk
