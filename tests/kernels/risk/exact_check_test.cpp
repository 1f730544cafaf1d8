// The exact check against its plain twin (tests/reference/exact_check_reference.hpp)
// on a three-asset GBM market and a book of lending and perp units
// (tests/kernels/risk/gbm_book_fixture.hpp): for every flagged (path, unit)
// the liquidation count, step sum and step-square sum, and on sample paths the
// HF minimum, must be the twin's exactly, whether the path is stored in
// scratch or regenerated for each group, and whatever the group size. Integer
// tallies and the same float growth values: no tolerance.

#include "kernels/risk/exact_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "tests/kernels/risk/gbm_book_fixture.hpp"
#include "tests/reference/exact_check_reference.hpp"

namespace levrisk {
namespace {

using risk_test::book_max_assets;
using risk_test::exact_storage;
using risk_test::forms_storage;
using risk_test::linear_health;

// 50 steps: not a multiple of four, so the last chunk of normals is partial.
constexpr int n_steps = 50;
constexpr std::uint64_t seed = 20240611;
constexpr int n_paths = 300;
constexpr std::int64_t sample_paths = 100;

enum class path_source { stored, regenerated };

// The exact check over paths [first_path, first_path + n_paths) as the CPU
// backend runs it: one state and one scratch reused by every path. Scratch
// starts as NaN so that a step read before it is written would show.
template <int Group>
void run_exact_check(const simulation_view& v, std::uint64_t first_path, int paths,
                     path_source source) {
  std::vector<float> scratch(static_cast<std::size_t>(v.n_steps + 1) * v.model.diffusion.n_assets,
                             NAN);
  exact_state<book_max_assets, Group> state{};
  for (int p = 0; p < paths; ++p) {
    exact_check_path(v, first_path + static_cast<std::uint64_t>(p),
                     source == path_source::stored ? scratch.data() : nullptr, state);
  }
}

// The twin's tallies over the (path, unit) pairs flagged in `flags`.
exact_storage twin_tallies(const std::vector<linear_health>& book, const simulation_view& v,
                           const exact_storage& flags, int paths) {
  exact_storage out(static_cast<int>(book.size()), flags.sample_paths, paths,
                    flags.batch_first_path);
  for (int p = 0; p < paths; ++p) {
    const std::uint64_t path = flags.batch_first_path + static_cast<std::uint64_t>(p);
    const auto growth = reference::path_growth<book_max_assets>(v.model, v.stream, path, v.n_steps);
    for (int u = 0; u < out.n_units; ++u) {
      if (!flags.flagged(path, u)) continue;
      const reference::unit_outcome_on_path o = reference::exact_outcome(book[u], growth);
      if (o.liquidation_step >= 0) {
        const tally_t s = static_cast<tally_t>(o.liquidation_step);
        out.liquidated[u] += 1;
        out.step_sum[u] += s;
        out.step_sq_sum[u] += s * s;
      }
      if (path < static_cast<std::uint64_t>(out.sample_paths)) {
        out.hf_min_sample[static_cast<std::size_t>(u * out.sample_paths) + path] = o.hf_min;
      }
    }
  }
  return out;
}

std::vector<std::uint32_t> bits_of(const std::vector<float>& values) {
  std::vector<std::uint32_t> bits;
  for (const float x : values) bits.push_back(float_bits(x));
  return bits;
}

void expect_same_results(const exact_storage& got, const exact_storage& expected,
                         const char* what) {
  for (int u = 0; u < got.n_units; ++u) {
    EXPECT_EQ(got.liquidated[u], expected.liquidated[u]) << what << ", unit " << u;
    EXPECT_EQ(got.step_sum[u], expected.step_sum[u]) << what << ", unit " << u;
    EXPECT_EQ(got.step_sq_sum[u], expected.step_sq_sum[u]) << what << ", unit " << u;
  }
  // Bit patterns, so that an infinity (a zero denominator) compares too.
  const std::vector<std::uint32_t> got_bits = bits_of(got.hf_min_sample);
  const std::vector<std::uint32_t> expected_bits = bits_of(expected.hf_min_sample);
  for (std::size_t i = 0; i < got_bits.size(); ++i) {
    EXPECT_EQ(got_bits[i], expected_bits[i])
        << what << ", unit " << i / got.sample_paths << " path " << i % got.sample_paths << ": "
        << got.hf_min_sample[i] << " vs " << expected.hf_min_sample[i];
  }
}

struct book_case {
  std::vector<linear_health> book = risk_test::test_book();
  forms_storage forms{book};
  risk_test::gbm_market market = risk_test::three_asset_market(n_steps);
};

// Results of the exact check for one group size and source, every unit of
// every path flagged.
template <int Group>
exact_storage all_flagged_results(book_case& c, path_source source) {
  exact_storage e(c.forms.n_units(), sample_paths, n_paths);
  for (int p = 0; p < n_paths; ++p) {
    for (int u = 0; u < e.n_units; ++u) e.flag(static_cast<std::uint64_t>(p), u);
  }
  const simulation_view v = risk_test::make_view(c.market, seed, n_steps, e.view(c.forms));
  run_exact_check<Group>(v, 0, n_paths, source);
  return e;
}

exact_storage all_flagged_twin(book_case& c) {
  exact_storage flags(c.forms.n_units(), sample_paths, n_paths);
  for (int p = 0; p < n_paths; ++p) {
    for (int u = 0; u < flags.n_units; ++u) flags.flag(static_cast<std::uint64_t>(p), u);
  }
  const simulation_view v = risk_test::make_view(c.market, seed, n_steps, flags.view(c.forms));
  return twin_tallies(c.book, v, flags, n_paths);
}

// The book exercises what it is meant to: a unit liquidated at the snapshot on
// every path, one never liquidated, and units liquidated on many and on few paths.
TEST(ExactCheck, BookCoversEveryKindOfOutcome) {
  book_case c;
  const exact_storage twin = all_flagged_twin(c);
  EXPECT_EQ(twin.liquidated[risk_test::lending_liquidatable_now], tally_t{n_paths});
  EXPECT_EQ(twin.step_sum[risk_test::lending_liquidatable_now], 0u);
  EXPECT_EQ(twin.liquidated[risk_test::lending_safe], 0u);
  EXPECT_GT(twin.liquidated[risk_test::lending_close_to_one], tally_t{n_paths / 3});
  EXPECT_GT(twin.liquidated[risk_test::perp_spread], tally_t{n_paths / 10});
  int few = 0, many = 0;
  for (int u = 0; u < twin.n_units; ++u) {
    few += twin.liquidated[u] > 0 && twin.liquidated[u] < tally_t{n_paths / 10};
    many += twin.liquidated[u] > tally_t{n_paths / 2} && twin.liquidated[u] < tally_t{n_paths};
  }
  EXPECT_GT(few, 3);
  EXPECT_GT(many, 3);
}

// (a) and (b): the stored and the regenerated path give the twin's results.
TEST(ExactCheck, StoredAndRegeneratedPathsEqualTheTwin) {
  book_case c;
  const exact_storage twin = all_flagged_twin(c);
  expect_same_results(all_flagged_results<64>(c, path_source::stored), twin, "stored");
  expect_same_results(all_flagged_results<64>(c, path_source::regenerated), twin, "regenerated");
}

// (c): groups of 1 and 3 (many passes over a regenerated path, each restarting
// it, the last group short) and 64 (82 units: a full group and a short one).
TEST(ExactCheck, GroupSizeDoesNotChangeResults) {
  book_case c;
  const exact_storage reference_run = all_flagged_results<64>(c, path_source::stored);
  expect_same_results(all_flagged_results<1>(c, path_source::stored), reference_run, "stored, 1");
  expect_same_results(all_flagged_results<1>(c, path_source::regenerated), reference_run,
                      "regenerated, 1");
  expect_same_results(all_flagged_results<3>(c, path_source::stored), reference_run, "stored, 3");
  expect_same_results(all_flagged_results<3>(c, path_source::regenerated), reference_run,
                      "regenerated, 3");
}

// Random flag patterns in a batch that does not start at path 0 (flags are
// batch-relative, HF samples absolute): only flagged pairs are tallied, a
// sample path's unflagged units keep their HF slot untouched, and a path with
// no flag writes nothing.
TEST(ExactCheck, OnlyFlaggedUnitsAreEvaluated) {
  book_case c;
  constexpr std::uint64_t first_path = 64;  // paths 64 .. 99 are sample paths
  std::mt19937_64 rng(5);
  std::bernoulli_distribution flagged(0.3), empty_path(0.1);
  exact_storage flags(c.forms.n_units(), sample_paths, n_paths, first_path);
  int empty_sample_paths = 0;
  for (int p = 0; p < n_paths; ++p) {
    const std::uint64_t path = first_path + static_cast<std::uint64_t>(p);
    if (empty_path(rng)) {
      empty_sample_paths += path < static_cast<std::uint64_t>(sample_paths);
      continue;
    }
    for (int u = 0; u < flags.n_units; ++u) {
      if (flagged(rng)) flags.flag(path, u);
    }
  }
  EXPECT_GT(empty_sample_paths, 0);
  const simulation_view twin_view =
      risk_test::make_view(c.market, seed, n_steps, flags.view(c.forms));
  const exact_storage twin = twin_tallies(c.book, twin_view, flags, n_paths);
  for (const path_source source : {path_source::stored, path_source::regenerated}) {
    exact_storage e = flags;
    const simulation_view v = risk_test::make_view(c.market, seed, n_steps, e.view(c.forms));
    run_exact_check<3>(v, first_path, n_paths, source);
    expect_same_results(e, twin, source == path_source::stored ? "stored" : "regenerated");
    EXPECT_EQ(e.flags, flags.flags);  // the check reads the flags, never clears them
  }
}

// (d): the next set bit at or after `unit`, by the obvious scan.
int next_flagged_by_scan(const std::vector<std::uint32_t>& flags, int n_units, int unit) {
  for (; unit < n_units; ++unit) {
    if ((flags[unit / 32] >> (unit % 32)) & 1u) return unit;
  }
  return n_units;
}

TEST(ExactCheck, NextFlaggedUnitEqualsLinearScan) {
  std::mt19937_64 rng(77);
  std::uniform_real_distribution<double> density(0.0, 1.0);
  const int unit_counts[] = {1, 2, 31, 32, 33, 63, 64, 65, 96, 127, 128, 129, 200};
  // Bits next to word boundaries and the end of the units.
  const int special[] = {0, 30, 31, 32, 33, 62, 63, 64, 65, 95, 96, 127, 128};
  for (const int n_units : unit_counts) {
    const int words = (n_units + 31) / 32;
    for (int trial = 0; trial < 60; ++trial) {
      // Sparse, dense, empty, full, and only the special bits.
      const double p = trial == 0 ? 0.0 : trial == 1 ? 1.0 : density(rng) * density(rng);
      std::bernoulli_distribution bit(p);
      std::vector<std::uint32_t> flags(static_cast<std::size_t>(words), 0u);
      for (int u = 0; u < n_units; ++u) {
        const bool is_special =
            std::find(std::begin(special), std::end(special), u) != std::end(special);
        if (trial == 2 ? is_special : bit(rng)) flags[u / 32] |= 1u << (u % 32);
      }
      for (int start = 0; start <= n_units; ++start) {
        ASSERT_EQ(next_flagged_unit(flags.data(), n_units, start),
                  next_flagged_by_scan(flags, n_units, start))
            << "n_units " << n_units << " trial " << trial << " start " << start;
      }
    }
  }
}

// Bits past the last unit (the screen never sets them) are not units.
TEST(ExactCheck, NextFlaggedUnitIgnoresBitsPastTheEnd) {
  const std::uint32_t flags[2] = {0u, 1u << 5};  // bit 37
  EXPECT_EQ(next_flagged_unit(flags, 33, 0), 33);
  EXPECT_EQ(next_flagged_unit(flags, 38, 0), 37);
}

// Walking the flags as exact_check_path does visits every set bit once, in order.
TEST(ExactCheck, WalkingTheFlagsVisitsEverySetUnit) {
  const int n_units = 130;
  std::vector<std::uint32_t> flags(5, 0u);
  const std::vector<int> set = {0, 31, 32, 63, 64, 65, 127, 128, 129};
  for (const int u : set) flags[u / 32] |= 1u << (u % 32);
  std::vector<int> visited;
  for (int u = next_flagged_unit(flags.data(), n_units, 0); u < n_units;
       u = next_flagged_unit(flags.data(), n_units, u + 1)) {
    visited.push_back(u);
  }
  EXPECT_EQ(visited, set);
}

}  // namespace
}  // namespace levrisk
