// The screen (kernels/risk/screen.hpp) run through simulate_paths on a
// three-asset GBM market and a book of lending and perp units
// (tests/kernels/risk/gbm_book_fixture.hpp). It may flag units that were never
// liquidated, but never miss one: every (path, unit) the exact twin
// (tests/reference/exact_check_reference.hpp) finds liquidated must be flagged.
// The flags are integers and the same for any lane count; sample paths flag
// every unit; lanes past active_lanes write nothing.

#include "kernels/risk/screen.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/risk/simulate.hpp"
#include "tests/kernels/risk/gbm_book_fixture.hpp"
#include "tests/reference/exact_check_reference.hpp"

namespace levrisk {
namespace {

using risk_test::book_max_assets;
using risk_test::exact_storage;
using risk_test::forms_storage;
using risk_test::linear_health;

constexpr int n_steps = 40;
constexpr std::uint64_t seed = 99;
constexpr int n_paths = 397;  // the last block of 16 has 13 active lanes
constexpr std::int64_t sample_paths = 40;

// simulate_paths over the batch [e.batch_first_path, + paths) in blocks of Lanes,
// as the CPU backend runs it.
template <int Lanes>
void screen_batch(const risk_test::gbm_market& market, const forms_storage& forms, exact_storage& e,
                  int paths) {
  const simulation_view v = risk_test::make_view(market, seed, n_steps, e.view(forms));
  auto state = std::make_unique<path_state<Lanes, book_max_assets, 8>>();
  for (int first = 0; first < paths; first += Lanes) {
    const int active = std::min(Lanes, paths - first);
    simulate_paths(v, e.batch_first_path + static_cast<std::uint64_t>(first), active, *state);
  }
}

TEST(Screen, FlagsEveryUnitTheExactTwinLiquidates) {
  const risk_test::book_case c(n_steps);
  exact_storage wide(c.forms.n_units(), sample_paths, n_paths);
  exact_storage narrow(c.forms.n_units(), sample_paths, n_paths);
  screen_batch<16>(c.market, c.forms, wide, n_paths);
  screen_batch<1>(c.market, c.forms, narrow, n_paths);
  EXPECT_EQ(wide.flags, narrow.flags);

  const simulation_view v = risk_test::make_view(c.market, seed, n_steps, wide.view(c.forms));
  int liquidated = 0, flagged_alive = 0, cleared = 0;
  for (std::uint64_t path = 0; path < static_cast<std::uint64_t>(n_paths); ++path) {
    const auto growth = reference::path_growth<book_max_assets>(v.model, v.stream, path, n_steps);
    const bool sample_path = path < static_cast<std::uint64_t>(sample_paths);
    for (int u = 0; u < wide.n_units; ++u) {
      const bool flagged = wide.flagged(path, u);
      if (sample_path) {
        EXPECT_TRUE(flagged) << "sample path " << path << " unit " << u;
        continue;
      }
      const bool is_liquidated = reference::exact_outcome(c.book[u], growth).liquidation_step >= 0;
      EXPECT_TRUE(flagged || !is_liquidated) << "path " << path << " unit " << u;
      liquidated += is_liquidated;
      flagged_alive += flagged && !is_liquidated;
      cleared += !flagged;
    }
  }
  // The test means something only if both happen often: liquidations that must
  // be flagged, and survivors the screen clears.
  EXPECT_GT(liquidated, 1000);
  EXPECT_GT(cleared, 1000);
  // The box over-flags (its worst corner is rarely visited), but it is a
  // screen: most survivors must be cleared.
  EXPECT_LT(flagged_alive, cleared);
}

// A batch starting past the sample paths: flags are batch-relative, and the
// screen's result for a path does not depend on where its batch starts.
TEST(Screen, FlagsDoNotDependOnTheBatch) {
  const risk_test::book_case c(n_steps);
  exact_storage whole(c.forms.n_units(), sample_paths, n_paths);
  screen_batch<16>(c.market, c.forms, whole, n_paths);
  constexpr std::uint64_t first_path = 100;  // not a multiple of 16
  const int paths = n_paths - static_cast<int>(first_path);
  exact_storage tail(c.forms.n_units(), sample_paths, paths, first_path);
  screen_batch<16>(c.market, c.forms, tail, paths);
  for (std::uint64_t path = first_path; path < static_cast<std::uint64_t>(n_paths); ++path) {
    for (int u = 0; u < c.forms.n_units(); ++u) {
      ASSERT_EQ(tail.flagged(path, u), whole.flagged(path, u)) << "path " << path << " unit " << u;
    }
  }
}

// One block of 16 with 5 active lanes: lanes 5 .. 15 write no flag, even where
// they would be sample paths; lanes 0 .. 4 flag what one-lane blocks flag.
TEST(Screen, InactiveLanesWriteNoFlags) {
  const risk_test::book_case c(n_steps);
  for (const std::uint64_t first_path : {std::uint64_t{0}, std::uint64_t{200}}) {
    const int active = 5;
    exact_storage block(c.forms.n_units(), sample_paths, 16, first_path);
    const simulation_view v = risk_test::make_view(c.market, seed, n_steps, block.view(c.forms));
    path_state<16, book_max_assets, 8> state{};
    simulate_paths(v, first_path, active, state);
    exact_storage single(c.forms.n_units(), sample_paths, active, first_path);
    screen_batch<1>(c.market, c.forms, single, active);
    for (int lane = 0; lane < 16; ++lane) {
      for (int u = 0; u < c.forms.n_units(); ++u) {
        const std::uint64_t path = first_path + static_cast<std::uint64_t>(lane);
        const bool expected = lane < active && single.flagged(path, u);
        EXPECT_EQ(block.flagged(path, u), expected) << "lane " << lane << " unit " << u;
      }
    }
    // No write beyond what simulate_paths was asked for: the multi-unit tallies
    // are the exact check's alone.
    EXPECT_EQ(std::count(block.liquidated.begin(), block.liquidated.end(), 0ull),
              static_cast<std::ptrdiff_t>(block.liquidated.size()));
  }
}

// A box that stays at the snapshot: a unit liquidatable there is flagged, one
// at HF exactly 1 is not liquidatable and is cleared only when the margin
// (screen_relative_margin) allows; one far from 1 is cleared.
TEST(Screen, SnapshotBoxFlagsUnitsBelowOne) {
  const std::vector<linear_health> book = {
      {0.0, 1000.0, {{0, 999.0f, 0.0f}}},   // HF 0.999
      {0.0, 1000.0, {{0, 2000.0f, 0.0f}}},  // HF 2
      {0.0, 1000.0, {{0, 1000.0f, 0.0f}}},  // HF 1: inside the margin, flagged
      {0.0, 1000.0, {{0, 1000.1f, 0.0f}}},  // HF 1.0001: beyond the margin of 1e-5
  };
  const forms_storage forms(book);
  exact_storage e(forms.n_units(), 0, 1);
  price_box<1, book_max_assets> box{};
  box_begin(1, box);
  box_close(1, box);
  screen_paths(forms.view(), e.view(forms).flags, 0, 0, 1, box);
  EXPECT_TRUE(e.flagged(0, 0));
  EXPECT_FALSE(e.flagged(0, 1));
  EXPECT_TRUE(e.flagged(0, 2));
  EXPECT_FALSE(e.flagged(0, 3));
}

// A negative worst-case denominator (no real book has one, but the forms allow
// it): the margin must still widen the test, so a unit liquidatable at the
// snapshot (numerator -100.0005 < denominator -100) is flagged.
TEST(Screen, MarginWidensTheTestForANegativeDenominator) {
  const std::vector<linear_health> book = {{-100.0005, -100.0, {{0, 0.0f, 0.0f}}}};
  const forms_storage forms(book);
  exact_storage e(forms.n_units(), 0, 1);
  price_box<1, book_max_assets> box{};
  box_begin(1, box);
  box_close(1, box);
  screen_paths(forms.view(), e.view(forms).flags, 0, 0, 1, box);
  EXPECT_TRUE(e.flagged(0, 0));
}

}  // namespace
}  // namespace levrisk
