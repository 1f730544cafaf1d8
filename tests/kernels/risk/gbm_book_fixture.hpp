#pragma once
// A small market and book shared by the stage tests of kernels/risk/: three
// correlated GBM assets over 30 days, a book of multi-asset health forms
// (lending- and perp-style, signed coefficients), factors with their ladders
// and histograms, and the storage behind a simulation_view, all in std::vector
// memory and built by hand, so that the tests depend on the kernels only.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <utility>
#include <vector>

#include "kernels/paths/market_step.hpp"
#include "kernels/risk/simulation_view.hpp"
#include "tests/kernels/risk/forms_storage.hpp"
#include "tests/reference/health_box_reference.hpp"
#include "tests/reference/ladder_reference.hpp"

namespace levrisk::risk_test {

using reference::linear_health;
using reference::linear_term;

constexpr int book_assets = 3;
constexpr int book_max_assets = 4;  // the smallest kernel shape (host/backend/shapes.hpp)

struct gbm_market {
  int n_assets = 0;
  std::vector<float> drift_dt, vol_sqrt_dt, cholesky;

  market_view view() const {
    market_view m{};
    m.kind = market_kind::gbm;
    m.diffusion = gbm_view{n_assets, drift_dt.data(), vol_sqrt_dt.data(), cholesky.data()};
    return m;
  }
};

// Crypto-like volatilities (80%, 60%, 35% a year) and correlations 0.4 to 0.7,
// so that ratio factors move less than their legs. Exact GBM discretisation:
// drift_dt = (mu - sigma^2 / 2) dt, vol_sqrt_dt = sigma sqrt(dt).
inline gbm_market three_asset_market(int n_steps) {
  const double horizon_years = 30.0 / 365.0;
  const double dt = horizon_years / n_steps;
  const double mu[book_assets] = {0.0, 0.05, -0.1};
  const double sigma[book_assets] = {0.8, 0.6, 0.35};
  const double rho[book_assets][book_assets] = {{1.0, 0.7, 0.4}, {0.7, 1.0, 0.5}, {0.4, 0.5, 1.0}};
  gbm_market m;
  m.n_assets = book_assets;
  for (int k = 0; k < book_assets; ++k) {
    m.drift_dt.push_back(static_cast<float>((mu[k] - 0.5 * sigma[k] * sigma[k]) * dt));
    m.vol_sqrt_dt.push_back(static_cast<float>(sigma[k] * std::sqrt(dt)));
  }
  // Cholesky-Banachiewicz, row-major lower triangle: rho = L L^T.
  double l[book_assets][book_assets] = {};
  for (int i = 0; i < book_assets; ++i) {
    for (int j = 0; j <= i; ++j) {
      double sum = rho[i][j];
      for (int p = 0; p < j; ++p) sum -= l[i][p] * l[j][p];
      l[i][j] = i == j ? std::sqrt(sum) : sum / l[j][j];
    }
  }
  for (int i = 0; i < book_assets; ++i) {
    for (int j = 0; j < book_assets; ++j) m.cholesky.push_back(static_cast<float>(l[i][j]));
  }
  return m;
}

// Hand-written units first (indices named below), then random ones. Coefficients
// are USD at the snapshot (amount times spot), so growth 1 is the snapshot.
enum book_unit : int {
  lending_close_to_one = 0,  // one collateral, USD debt, HF 1.15: liquidated on many paths
  lending_debt_in_asset,     // two collaterals, debt partly in asset 2, HF 1.54: few paths
  lending_liquidatable_now,  // HF 0.95 at the snapshot: liquidated at step 0 on every path
  perp_spread,               // long asset 0, short asset 1, HF 1.33: a correlated spread
  perp_short,                // short asset 2, HF 2.0: liquidated on a rise of 9%
  lending_safe,              // HF 4: never liquidated in 30 days
  perp_basket,               // long 0 and 2, short 1
  hand_units
};

inline std::vector<linear_health> hand_book() {
  std::vector<linear_health> book(hand_units);
  // HF = 0.825 * 30000 g0 / 21500.
  book[lending_close_to_one] = {0.0, 21500.0, {{0, 24750.0f, 0.0f}}};
  // HF = (16000 g0 + 22500 g1) / (5000 + 20000 g2).
  book[lending_debt_in_asset] = {
      0.0, 5000.0, {{0, 16000.0f, 0.0f}, {1, 22500.0f, 0.0f}, {2, 0.0f, 20000.0f}}};
  book[lending_liquidatable_now] = {0.0, 8400.0, {{0, 8000.0f, 0.0f}}};
  // Perps: equity C + sum s_k (P_k - E_k) over maintenance sum m_k |s_k| P_k.
  // C = 5000, +20 of asset 0 entered at 2900 (spot 3000), -1 of asset 1 entered
  // at 61000 (spot 60000), m = 5%: 8000 over 6000.
  book[perp_spread] = {
      5000.0 - 20 * 2900.0 + 61000.0, 0.0, {{0, 60000.0f, 3000.0f}, {1, -60000.0f, 3000.0f}}};
  // C = 3000, -100 of asset 2 entered at spot 150, m = 10%: 3000 over 1500.
  book[perp_short] = {3000.0 + 15000.0, 0.0, {{2, -15000.0f, 1500.0f}}};
  book[lending_safe] = {0.0, 10000.0, {{0, 25000.0f, 0.0f}, {2, 15000.0f, 0.0f}}};
  // C = 4000, +10 of asset 0 at 3050, -0.5 of asset 1 at 59000, +200 of asset 2
  // at 148, m = 2.5%: equity 4000 - 500 - 500 + 400 = 3400 over 2250.
  book[perp_basket] = {4000.0 - 30500.0 + 29500.0 - 29600.0,
                       0.0,
                       {{0, 30000.0f, 750.0f}, {1, -30000.0f, 750.0f}, {2, 30000.0f, 750.0f}}};
  return book;
}

// Random lending and perp units with snapshot HF uniform in [0.97, 1.6], over
// one to three assets in random order.
inline std::vector<linear_health> random_book(std::uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> target_hf(0.97, 1.6);
  std::uniform_real_distribution<double> notional(1000.0, 50000.0);
  std::uniform_int_distribution<int> asset_count(1, book_assets);
  std::bernoulli_distribution perp(0.5), negative(0.5), debt_in_asset(0.5);
  std::vector<linear_health> book;
  for (int i = 0; i < count; ++i) {
    int assets[book_assets] = {0, 1, 2};
    std::shuffle(assets, assets + book_assets, rng);
    const int n = asset_count(rng);
    const double hf = target_hf(rng);
    linear_health u{0.0, 0.0, {}};
    if (perp(rng)) {
      // Equity at the snapshot set to hf times the maintenance margin (5%).
      double maintenance = 0.0, exposure = 0.0;
      for (int j = 0; j < n; ++j) {
        const double size_usd = (negative(rng) ? -1.0 : 1.0) * notional(rng);
        const float margin = static_cast<float>(0.05 * std::abs(size_usd));
        u.terms.push_back({assets[j], static_cast<float>(size_usd), margin});
        maintenance += margin;
        exposure += static_cast<float>(size_usd);
      }
      u.numerator_const_usd = hf * maintenance - exposure;
    } else {
      // Collateral on the first asset(s) at LT 0.8; debt in USD, or partly in
      // the last asset when there are two or more.
      double collateral = 0.0;
      const int collateral_assets = n > 1 ? n - 1 : 1;
      for (int j = 0; j < collateral_assets; ++j) {
        const float value = static_cast<float>(0.8 * notional(rng));
        u.terms.push_back({assets[j], value, 0.0f});
        collateral += value;
      }
      const double debt = collateral / hf;
      if (n > 1 && debt_in_asset(rng)) {
        u.terms.push_back({assets[n - 1], 0.0f, static_cast<float>(0.5 * debt)});
        u.denominator_const_usd = debt - static_cast<float>(0.5 * debt);
      } else {
        u.denominator_const_usd = debt;
      }
    }
    book.push_back(u);
  }
  return book;
}

// The hand units then `random_units` random ones: 82 units by default, so the
// flags span three words and exact groups of 64 split in two.
inline std::vector<linear_health> test_book(int random_units = 75) {
  std::vector<linear_health> book = hand_book();
  const std::vector<linear_health> more = random_book(97, random_units);
  book.insert(book.end(), more.begin(), more.end());
  return book;
}

// Tallies, HF samples and flags of the exact units, for a batch of batch_paths
// paths starting at batch_first_path.
struct exact_storage {
  int n_units;
  std::int64_t sample_paths;
  int words;
  std::uint64_t batch_first_path;
  std::vector<tally_t> liquidated, step_sum, step_sq_sum;
  std::vector<float> hf_min_sample;
  std::vector<std::uint32_t> flags;

  exact_storage(int units, std::int64_t samples, std::int64_t batch_paths,
                std::uint64_t first_path = 0)
      : n_units(units),
        sample_paths(samples),
        words((units + 31) / 32),
        batch_first_path(first_path),
        liquidated(static_cast<std::size_t>(units), 0ull),
        step_sum(static_cast<std::size_t>(units), 0ull),
        step_sq_sum(static_cast<std::size_t>(units), 0ull),
        hf_min_sample(static_cast<std::size_t>(units * samples), -1.0f),
        flags(static_cast<std::size_t>(batch_paths * words), 0u) {}

  exact_units_view view(const forms_storage& forms) {
    return exact_units_view{
        forms.view(),
        multi_unit_tallies{liquidated.data(), step_sum.data(), step_sq_sum.data(), sample_paths,
                           hf_min_sample.data()},
        path_flags{words, flags.data(), batch_first_path}};
  }

  bool flagged(std::uint64_t path, int unit) const {
    const std::size_t word = static_cast<std::size_t>(path - batch_first_path) * words + unit / 32;
    return (flags[word] >> (unit % 32)) & 1u;
  }

  void flag(std::uint64_t path, int unit) {
    const std::size_t word = static_cast<std::size_t>(path - batch_first_path) * words + unit / 32;
    flags[word] |= 1u << (unit % 32);
  }
};

// A simulation of `market` with no factors (ladders empty) and `exact` units.
inline simulation_view make_view(const gbm_market& market, std::uint64_t seed, int n_steps,
                                 const exact_units_view& exact) {
  simulation_view v{};
  v.model = market.view();
  v.stream = normal_stream{seed, normals_per_step(v.model)};
  v.n_steps = n_steps;
  v.ladders = factor_ladders_view{0, nullptr, 1, 1.0f};
  v.exact = exact;
  return v;
}

// Factors (kernels/risk/factor_ladders.hpp) on the same market: ladders of 24
// units each way and histograms of 40 bins of 0.01, so that the widest paths
// land in the last bin.
constexpr int factor_histogram_bins = 40;
constexpr float factor_histogram_width = 0.01f;

struct factor_spec {
  int numerator_asset;
  int denominator_asset;  // -1: a USD factor
};

// USD factors on two assets and ratios in both orders of correlated pairs.
inline const std::vector<factor_spec> test_factors = {{0, -1}, {1, 0}, {2, -1}, {0, 2}};

// One ladder in kernel order: falling thresholds descending, rising ones
// stored negated and descending (kernels/risk/ladder.hpp). `unit_threshold`
// keeps the un-negated thresholds in the same order, for the scan.
struct ladder_storage {
  std::vector<float> unit_threshold, stored;
  std::vector<tally_t> crossed_diff, step_sum_diff, step_sq_sum_diff;

  ladder_storage(std::vector<float> thresholds, bool rising)
      : unit_threshold(std::move(thresholds)) {
    if (rising) {
      std::sort(unit_threshold.begin(), unit_threshold.end());
      for (const float t : unit_threshold) stored.push_back(-t);
    } else {
      std::sort(unit_threshold.begin(), unit_threshold.end(), std::greater<float>());
      stored = unit_threshold;
    }
    crossed_diff.assign(stored.size() + 1, 0ull);
    step_sum_diff.assign(stored.size() + 1, 0ull);
    step_sq_sum_diff.assign(stored.size() + 1, 0ull);
  }

  ladder_view view() {
    return ladder_view{stored.data(),
                       nullptr,
                       static_cast<int>(stored.size()),
                       crossed_diff.data(),
                       step_sum_diff.data(),
                       step_sq_sum_diff.data()};
  }

  // Prefix sums, wrapping modulo 2^64 as host/engine/summarize.cpp does.
  std::vector<reference::crossing_tally> tallies() const {
    std::vector<reference::crossing_tally> out(stored.size());
    tally_t crossed = 0, step_sum = 0, step_sq_sum = 0;
    for (std::size_t i = 0; i < stored.size(); ++i) {
      crossed += crossed_diff[i];
      step_sum += step_sum_diff[i];
      step_sq_sum += step_sq_sum_diff[i];
      out[i] = {static_cast<std::int64_t>(crossed), step_sum, step_sq_sum};
    }
    return out;
  }
};

// Thresholds on both sides of 0 (a falling unit above 0 or a rising one below
// is crossed at step 0), one at exactly 0 (not crossed at step 0) and repeats.
inline std::vector<float> factor_thresholds(std::uint64_t rng_seed, bool rising) {
  std::mt19937_64 rng(rng_seed);
  std::uniform_real_distribution<float> level(-0.25f, 0.05f);
  std::vector<float> t(24);
  for (float& x : t) x = rising ? -level(rng) : level(rng);
  t[0] = 0.0f;
  t[1] = t[2] = t[3];
  t[4] = rising ? -0.01f : 0.01f;
  return t;
}

struct factor_book {
  std::vector<ladder_storage> falling, rising;
  std::vector<std::vector<tally_t>> min_histogram, max_histogram;
  std::vector<factor_view> views;

  // The views point into the storage: no copies.
  factor_book(const factor_book&) = delete;
  factor_book& operator=(const factor_book&) = delete;

  factor_book() {
    for (std::size_t f = 0; f < test_factors.size(); ++f) {
      falling.emplace_back(factor_thresholds(10 + f, false), false);
      rising.emplace_back(factor_thresholds(20 + f, true), true);
      min_histogram.emplace_back(factor_histogram_bins, 0ull);
      max_histogram.emplace_back(factor_histogram_bins, 0ull);
    }
    for (std::size_t f = 0; f < test_factors.size(); ++f) {
      views.push_back(factor_view{
          test_factors[f].numerator_asset, test_factors[f].denominator_asset, 0, falling[f].view(),
          rising[f].view(), min_histogram[f].data(), max_histogram[f].data()});
    }
  }

  factor_ladders_view view() const {
    return factor_ladders_view{static_cast<int>(views.size()), views.data(), factor_histogram_bins,
                               1.0f / factor_histogram_width};
  }
};

// The test book, its forms and the three-asset market over n_steps steps.
struct book_case {
  explicit book_case(int n_steps) : market(three_asset_market(n_steps)) {}
  std::vector<linear_health> book = test_book();
  forms_storage forms{book};
  gbm_market market;
};

}  // namespace levrisk::risk_test
