#pragma once
// Shared by the tests of host/output: a scratch directory, hand-made results, and a
// field-by-field comparison of two results.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "host/engine/margin_ratio.hpp"
#include "host/engine/results.hpp"
#include "host/engine/tail_statistics.hpp"

namespace levrisk::test {

// A fresh directory per test, removed with everything in it at the end.
class scratch_directory {
 public:
  scratch_directory() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = std::string(info->test_suite_name()) + "." + info->name();
    path_ = std::filesystem::temp_directory_path() /
            ("levrisk_output_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  scratch_directory(const scratch_directory&) = delete;
  scratch_directory& operator=(const scratch_directory&) = delete;
  ~scratch_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline unit_result make_unit(const std::string& id, risk_unit_kind kind, double hf0,
                             std::int64_t liquidated, std::int64_t paths, std::size_t levels) {
  unit_result u{};
  u.id = id;
  u.kind = kind;
  u.health_factor_initial = hf0;
  u.liquidated_paths = liquidated;
  const double n = static_cast<double>(paths);
  const double p = static_cast<double>(liquidated) / n;
  u.liquidation_probability = p;
  u.liquidation_probability_se = std::sqrt(p * (1 - p) / n);
  // Not a real Wilson interval: the writer and reader only move numbers.
  u.liquidation_probability_lo = std::max(0.0, p - 2 * u.liquidation_probability_se);
  u.liquidation_probability_hi = std::min(1.0, p + 2 * u.liquidation_probability_se);
  u.time_to_liquidation_days = liquidated > 0 ? 1.5 + hf0 : std::nan("");
  u.time_to_liquidation_se_days = liquidated > 1 ? 0.125 : std::nan("");
  u.hf_min_paths = paths;
  for (std::size_t l = 0; l < levels; ++l) {
    const double q = hf0 * (0.7 + 0.05 * static_cast<double>(l));
    u.hf_min_quantile.push_back(q);
    u.hf_min_quantile_lo.push_back(q - 0.01);
    u.hf_min_quantile_hi.push_back(q + 0.01);
  }
  u.hf_min_quantile_bound.assign(levels, 0);
  u.hf_min_quantile_lo_bound.assign(levels, 0);
  u.hf_min_quantile_hi_bound.assign(levels, 0);
  set_margin_ratio_quantiles(u);  // perps: from the HF quantiles; lending: NaN
  return u;
}

// Units of all three kinds interleaved, a unit never liquidated (NaN times), a unit
// without debt (infinite HF), a seed above the int64 range, a long configuration.
inline run_result sample_result() {
  run_result r;
  run_metadata& m = r.metadata;
  m.engine_version = "0.1.0";
  m.git_revision = "0123456789ab-dirty";
  m.run_name = "nightly";
  m.seed = std::numeric_limits<std::uint64_t>::max() - 6;
  m.paths = 1'000'000;
  m.steps = 96;
  m.horizon_days = 7.0;
  m.backend = "cpu";
  m.device = "2 OpenMP threads";
  m.model = "gbm";
  m.snapshot = "data/snapshot.json";
  m.snapshot_as_of = "2025-01-01T00:00:00Z";
  m.snapshot_block = "arbitrum:285000000,ethereum:21525000";
  m.snapshot_source = "snowflake risk.positions_v3";
  m.snapshot_sha256 = std::string(64, 'a');
  m.resolved_config = "[run]\nname = \"nightly\"\nseed = 42\n";
  m.model_fit =
      "[fhs]\nfilter = \"garch\"\ndates = 8760\nwindow_start = \"2024-11-24T01:00:00Z\"\n"
      "window_end = \"2025-11-24T00:00:00Z\"\n";
  m.created_utc = "2024-06-01T02:00:00Z";
  m.wall_time_s = 12.375;
  m.batch_paths = 16384;
  m.memory_budget_bytes = 12'000'000'000;
  r.assets = {{"BTC", 67000.5, 0.0, 0.55}, {"ETH", 3500.25, 0.01, 0.7}, {"SOL", 160.0, 0.02, 0.9}};
  r.correlation = {1.0, 0.8, 0.7, 0.8, 1.0, 0.75, 0.7, 0.75, 1.0};
  r.hf_min_levels = {0.001, 0.01, 0.05, 0.5};
  const std::size_t levels = r.hf_min_levels.size();
  r.units = {
      make_unit("alice", risk_unit_kind::lending_account, 1.25, 1234, 1'000'000, levels),
      make_unit("bob/BTC-PERP", risk_unit_kind::perp_isolated, 1.8, 0, 1'000'000, levels),
      make_unit("carol", risk_unit_kind::perp_cross, 1.05, 250'000, 1'000'000, levels),
      make_unit("dave", risk_unit_kind::lending_account, std::numeric_limits<double>::infinity(), 0,
                1'000'000, levels),
      make_unit("erin/ETH-PERP", risk_unit_kind::perp_isolated, 1.1, 1, 1'000'000, levels),
      make_unit("frank", risk_unit_kind::lending_account, 1.01, 480'000, 1'000'000, levels),
  };
  // frank's lowest quantile and its interval's lower end lie beyond the histogram.
  r.units[5].hf_min_quantile_bound[0] = 1;
  r.units[5].hf_min_quantile_lo_bound[0] = 1;
  // One lending protocol and one perp exchange, which the kinds already tell apart.
  for (unit_result& u : r.units) {
    u.venue = u.kind == risk_unit_kind::lending_account ? "aave-v3" : "hyperliquid";
  }
  return r;
}

// The execution figures of unit number `i`: distinct per unit, with NaN where the
// engine writes NaN (a unit driven by several prices, a unit never executed).
inline unit_execution_result make_execution(std::size_t i) {
  const double x = static_cast<double>(i + 1);
  unit_execution_result e;
  e.collateral_usd = 125'000.5 * x;
  e.debt_usd = 80'000.25 * x;
  e.notional_usd = i % 2 == 0 ? 0.0 : 310'000.0 * x;
  e.equity_usd = e.collateral_usd - e.debt_usd;
  e.liquidation_price = i % 3 == 2 ? std::nan("") : 1'850.125 + x;
  e.liquidated_usd = {4'200.5 * x, 37.25 * x};
  e.owner_loss_usd = {210.0625 * x, 1.875 * x};
  e.bad_debt_usd = {i == 0 ? 0.0 : 12.5 * x, i == 0 ? 0.0 : 0.75 * x};
  e.bad_debt_paths = i == 0 ? 0 : static_cast<std::int64_t>(17 * i);
  e.bad_debt_probability = static_cast<double>(e.bad_debt_paths) / 1e6;
  e.bad_debt_probability_lo = e.bad_debt_probability * 0.9;
  e.bad_debt_probability_hi = e.bad_debt_probability * 1.1 + 1e-6;
  e.executed_paths = static_cast<std::int64_t>(1000 * i);
  e.calls_per_executed_path = i == 0 ? std::nan("") : 1.0 + 0.25 * x;
  e.calls_exhausted_paths = static_cast<std::int64_t>(i);
  e.pending_paths = static_cast<std::int64_t>(2 * i);
  e.es_contribution_usd = {i == 0 ? 0.0 : 3.5 * x, i == 0 ? std::nan("") : 0.125 * x};
  e.adl_loss_usd = {0.75 * x, 0.0625 * x};
  e.adl_notional_usd = {20.0 * x, 1.5 * x};
  e.adl_paths = static_cast<std::int64_t>(3 * i);
  e.adl_probability = 0.001 * i;
  e.adl_probability_lo = 0.0005 * i;
  e.adl_probability_hi = 0.002 * i;
  return e;
}

inline constexpr std::int64_t system_paths = 5;

// A distribution over system_paths paths at the levels 0.95, 0.99 and 0.999 with a
// histogram of `bins` bins (0: none), its figures scaled by `scale`; scale 0 gives a
// total that is 0 on every path.
inline loss_distribution make_distribution(double scale, std::size_t bins) {
  loss_distribution d;
  d.paths = system_paths;
  d.mean = 1'234'567.0 * scale;
  d.mean_se = 12'345.0 * scale;
  d.probability_positive = scale == 0 ? 0.0 : 0.125;
  d.probability_positive_lo = scale == 0 ? 0.0 : 0.1;
  d.probability_positive_hi = scale == 0 ? 0.0 : 0.15;
  const double levels[3] = {0.95, 0.99, 0.999};
  for (std::size_t l = 0; l < 3; ++l) {
    const double step = static_cast<double>(l + 1) * scale;
    tail_level t;
    t.level = levels[l];
    t.var = 4'560'000.0 * step;
    t.var_lo = 4'400'000.0 * step;
    t.var_hi = 4'710'000.0 * step;
    t.es = 5'800'000.0 * step;
    // The last level's tail has one path: no standard error.
    t.es_se = l == 2 ? std::nan("") : 120'000.0 * step;
    t.tail_paths = static_cast<std::int64_t>(3 - l);
    d.tail.push_back(t);
  }
  for (std::size_t b = 0; b < bins; ++b) {
    d.histogram.edges.push_back(1000.0 * scale * static_cast<double>(b));
    d.histogram.counts.push_back(static_cast<std::int64_t>(b % 2 == 0 ? system_paths : 0));
  }
  if (bins > 0) d.histogram.edges.push_back(1000.0 * scale * static_cast<double>(bins));
  return d;
}

// The figures venue_result keeps in make_venue's results, a subset of the system's
// names in their order.
inline const std::vector<std::string>& venue_total_names() {
  static const std::vector<std::string> names = {
      "book_loss_usd", "lending_bad_debt_usd", "lending_reserve_draw_usd", "lending_shortfall_usd",
      "perp_loss_usd", "fund_draw_usd",        "perp_deficit_usd",         "adl_usd",
      "liquidated_usd"};
  return names;
}

// A venue whose totals, in the order of venue_total_names(), are make_distribution at
// the scales given (0: 0 on every path, one bin).
inline venue_result make_venue(const std::string& id, const std::string& kind, double fund_usd,
                               const std::vector<double>& scales) {
  venue_result v;
  v.id = id;
  v.kind = kind;
  v.fund_usd = fund_usd;
  v.total_names = venue_total_names();
  for (const double scale : scales)
    v.totals.push_back(make_distribution(scale, scale == 0 ? 1 : 4));
  return v;
}

// sample_result() as a run that executed liquidations: execution figures for every
// unit, six totals (one 0 on every path; histograms of 4 bins and of 1), per-asset sold and
// bought USD, the per-path totals of system_paths paths, and the two venues' own
// figures (a lending protocol's and a perp exchange's).
inline run_result executed_result() {
  run_result r = sample_result();
  for (std::size_t i = 0; i < r.units.size(); ++i) r.units[i].execution = make_execution(i);
  system_result& s = r.system;
  s.executed = true;
  s.lending_reserve_usd = 5'000'000.0;
  s.insurance_fund_usd = 20'000'000.0;
  s.keeper_delay_steps = 2;
  s.impact_exponent = 0.5;
  s.contribution_level = 0.99;
  s.contribution_tail_paths = 1;
  s.total_names = {"lending_bad_debt_usd", "lending_shortfall_usd", "perp_loss_usd",
                   "fund_draw_usd",        "perp_deficit_usd",      "liquidated_usd"};
  // The reserve covers all bad debt: no shortfall. The fund runs out on 0.4% of paths.
  s.totals = {make_distribution(1.0, 4),  make_distribution(0.0, 1),  make_distribution(2.0, 4),
              make_distribution(0.75, 4), make_distribution(0.01, 4), make_distribution(10.0, 4)};
  s.totals[4].probability_positive = 0.004;
  s.totals[4].probability_positive_lo = 0.0031;
  s.totals[4].probability_positive_hi = 0.0052;
  for (std::size_t k = 0; k < r.assets.size(); ++k) {
    s.asset_sold.push_back(make_distribution(0.25 * static_cast<double>(k + 1), 4));
    s.asset_bought.push_back(make_distribution(k == 1 ? 0.0 : 0.125, k == 1 ? 1 : 4));
  }
  for (std::int64_t p = 0; p < system_paths; ++p) {
    for (std::size_t t = 0; t < s.total_names.size(); ++t) {
      s.path_totals.push_back(t == 1 ? 0.0 : 1000.5 * static_cast<double>(p * 7 + t));
    }
  }
  s.venues = {
      make_venue("aave-v3", "lending", 5'000'000.0, {1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0}),
      make_venue("hyperliquid", "perp", 20'000'000.0,
                 {2.0, 0.0, 0.0, 0.0, 2.0, 0.75, 0.01, 0.005, 6.0})};
  return r;
}

// executed_result() with a second lending protocol: dave's account is on spark, whose
// reserve covers its bad debt of half the scale of aave's.
inline run_result venues_run_result() {
  run_result r = executed_result();
  r.units[3].venue = "spark";
  system_result& s = r.system;
  s.venues.insert(s.venues.begin() + 1, make_venue("spark", "lending", 1'000'000.0,
                                                   {0.5, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0}));
  s.lending_reserve_usd = 6'000'000.0;
  return r;
}

// executed_result() with the step-synchronous stage: the four count totals, a rounds
// histogram of up to 4 rounds, drawdowns (fractions) of SOL, BTC and none of ETH, and
// both amplification rows, one with an undefined ratio (no loss without permanent
// impact).
inline run_result feedback_run_result() {
  run_result r = executed_result();
  system_result& s = r.system;
  const std::vector<std::pair<const char*, usd_estimate>> counts = {
      {"cascade_steps", {3.02, 0.0302}},
      {"unconverged_steps", {0.8, 0.4}},
      {"max_cascade_rounds", {3.6, 0.24}},
      {"oracle_updates", {41.5, 1.5}}};
  for (const auto& [name, estimate] : counts) {
    loss_distribution d = make_distribution(1e-5, 4);
    d.mean = estimate.mean;
    d.mean_se = estimate.se;
    s.total_names.push_back(name);
    s.totals.push_back(d);
  }
  s.path_totals.clear();
  for (std::int64_t p = 0; p < system_paths; ++p) {
    for (std::size_t t = 0; t < s.total_names.size(); ++t) {
      s.path_totals.push_back(t == 1 ? 0.0 : 1000.5 * static_cast<double>(p * 11 + t));
    }
  }
  feedback_result& f = s.feedback;
  f.enabled = true;
  f.oracle = true;
  f.permanent_impact_share = 0.6667;
  f.max_cascade_rounds = 4;
  f.amplification = true;
  f.amplification_paths = system_paths - 1;
  f.rounds_histogram = {0, 1380, 12, 3, 5};
  f.asset_drawdown = {make_distribution(1e-8, 4), make_distribution(0.0, 1),
                      make_distribution(1e-7, 4)};
  amplification_row book;
  book.figure = "book_loss_usd";
  book.full = {1.5e6, 2e4};
  book.no_permanent = {1.0e6, 1.5e4};
  book.perfect_oracle = {1.2e6, 1.8e4};
  book.permanent_amplification = {1.5, 0.02};
  book.oracle_effect = {1.25, 0.01};
  amplification_row uncovered;
  uncovered.figure = "uncovered_usd";
  uncovered.full = {2.0e5, 5e3};
  uncovered.no_permanent = {0.0, 0.0};
  uncovered.perfect_oracle = {1.6e5, 4e3};
  uncovered.oracle_effect = {1.25, 0.03};  // permanent_amplification stays NaN: 0 / 0
  f.amplification_rows = {book, uncovered};
  return r;
}

inline bool same_double(double a, double b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

inline void expect_same_doubles(const std::vector<double>& a, const std::vector<double>& b,
                                const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(same_double(a[i], b[i])) << what << "[" << i << "]: " << a[i] << " vs " << b[i];
  }
}

inline void expect_same_execution(const unit_execution_result& a, const unit_execution_result& b) {
  EXPECT_TRUE(same_double(a.collateral_usd, b.collateral_usd));
  EXPECT_TRUE(same_double(a.debt_usd, b.debt_usd));
  EXPECT_TRUE(same_double(a.notional_usd, b.notional_usd));
  EXPECT_TRUE(same_double(a.equity_usd, b.equity_usd));
  EXPECT_TRUE(same_double(a.liquidation_price, b.liquidation_price));
  EXPECT_TRUE(same_double(a.liquidated_usd.mean, b.liquidated_usd.mean));
  EXPECT_TRUE(same_double(a.liquidated_usd.se, b.liquidated_usd.se));
  EXPECT_TRUE(same_double(a.owner_loss_usd.mean, b.owner_loss_usd.mean));
  EXPECT_TRUE(same_double(a.owner_loss_usd.se, b.owner_loss_usd.se));
  EXPECT_TRUE(same_double(a.bad_debt_usd.mean, b.bad_debt_usd.mean));
  EXPECT_TRUE(same_double(a.bad_debt_usd.se, b.bad_debt_usd.se));
  EXPECT_EQ(a.bad_debt_paths, b.bad_debt_paths);
  EXPECT_TRUE(same_double(a.bad_debt_probability, b.bad_debt_probability));
  EXPECT_TRUE(same_double(a.bad_debt_probability_lo, b.bad_debt_probability_lo));
  EXPECT_TRUE(same_double(a.bad_debt_probability_hi, b.bad_debt_probability_hi));
  EXPECT_EQ(a.executed_paths, b.executed_paths);
  EXPECT_TRUE(same_double(a.calls_per_executed_path, b.calls_per_executed_path));
  EXPECT_EQ(a.calls_exhausted_paths, b.calls_exhausted_paths);
  EXPECT_EQ(a.pending_paths, b.pending_paths);
  EXPECT_TRUE(same_double(a.es_contribution_usd.mean, b.es_contribution_usd.mean));
  EXPECT_TRUE(same_double(a.es_contribution_usd.se, b.es_contribution_usd.se));
  EXPECT_TRUE(same_double(a.adl_loss_usd.mean, b.adl_loss_usd.mean));
  EXPECT_TRUE(same_double(a.adl_loss_usd.se, b.adl_loss_usd.se));
  EXPECT_TRUE(same_double(a.adl_notional_usd.mean, b.adl_notional_usd.mean));
  EXPECT_TRUE(same_double(a.adl_notional_usd.se, b.adl_notional_usd.se));
  EXPECT_EQ(a.adl_paths, b.adl_paths);
  EXPECT_TRUE(same_double(a.adl_probability, b.adl_probability));
  EXPECT_TRUE(same_double(a.adl_probability_lo, b.adl_probability_lo));
  EXPECT_TRUE(same_double(a.adl_probability_hi, b.adl_probability_hi));
}

inline void expect_same_distribution(const loss_distribution& a, const loss_distribution& b,
                                     const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.paths, b.paths);
  EXPECT_TRUE(same_double(a.mean, b.mean));
  EXPECT_TRUE(same_double(a.mean_se, b.mean_se));
  EXPECT_TRUE(same_double(a.probability_positive, b.probability_positive));
  EXPECT_TRUE(same_double(a.probability_positive_lo, b.probability_positive_lo));
  EXPECT_TRUE(same_double(a.probability_positive_hi, b.probability_positive_hi));
  ASSERT_EQ(a.tail.size(), b.tail.size());
  for (std::size_t l = 0; l < a.tail.size(); ++l) {
    const tail_level& x = a.tail[l];
    const tail_level& y = b.tail[l];
    EXPECT_TRUE(same_double(x.level, y.level)) << "level " << l;
    EXPECT_TRUE(same_double(x.var, y.var)) << "level " << l;
    EXPECT_TRUE(same_double(x.var_lo, y.var_lo)) << "level " << l;
    EXPECT_TRUE(same_double(x.var_hi, y.var_hi)) << "level " << l;
    EXPECT_TRUE(same_double(x.es, y.es)) << "level " << l;
    EXPECT_TRUE(same_double(x.es_se, y.es_se)) << "level " << l;
    EXPECT_EQ(x.tail_paths, y.tail_paths) << "level " << l;
  }
  expect_same_doubles(a.histogram.edges, b.histogram.edges, "histogram edges");
  EXPECT_EQ(a.histogram.counts, b.histogram.counts);
}

inline void expect_same_distributions(const std::vector<loss_distribution>& a,
                                      const std::vector<loss_distribution>& b,
                                      const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    expect_same_distribution(a[i], b[i], what + "[" + std::to_string(i) + "]");
  }
}

inline void expect_same_estimate(const usd_estimate& a, const usd_estimate& b,
                                 const std::string& what) {
  EXPECT_TRUE(same_double(a.mean, b.mean)) << what << " mean: " << a.mean << " vs " << b.mean;
  EXPECT_TRUE(same_double(a.se, b.se)) << what << " se: " << a.se << " vs " << b.se;
}

inline void expect_same_ratio(const ratio_estimate& a, const ratio_estimate& b,
                              const std::string& what) {
  EXPECT_TRUE(same_double(a.ratio, b.ratio)) << what << ": " << a.ratio << " vs " << b.ratio;
  EXPECT_TRUE(same_double(a.se, b.se)) << what << " se: " << a.se << " vs " << b.se;
}

inline void expect_same_feedback(const feedback_result& a, const feedback_result& b) {
  EXPECT_EQ(a.enabled, b.enabled);
  EXPECT_EQ(a.oracle, b.oracle);
  EXPECT_TRUE(same_double(a.permanent_impact_share, b.permanent_impact_share));
  EXPECT_EQ(a.max_cascade_rounds, b.max_cascade_rounds);
  EXPECT_EQ(a.amplification, b.amplification);
  EXPECT_EQ(a.amplification_paths, b.amplification_paths);
  EXPECT_EQ(a.rounds_histogram, b.rounds_histogram);
  expect_same_distributions(a.asset_drawdown, b.asset_drawdown, "asset_drawdown");
  ASSERT_EQ(a.amplification_rows.size(), b.amplification_rows.size());
  for (std::size_t i = 0; i < a.amplification_rows.size(); ++i) {
    const amplification_row& x = a.amplification_rows[i];
    const amplification_row& y = b.amplification_rows[i];
    SCOPED_TRACE("amplification row " + std::to_string(i));
    EXPECT_EQ(x.figure, y.figure);
    expect_same_estimate(x.full, y.full, "full");
    expect_same_estimate(x.no_permanent, y.no_permanent, "no_permanent");
    expect_same_estimate(x.perfect_oracle, y.perfect_oracle, "perfect_oracle");
    expect_same_ratio(x.permanent_amplification, y.permanent_amplification,
                      "permanent_amplification");
    expect_same_ratio(x.oracle_effect, y.oracle_effect, "oracle_effect");
  }
}

inline void expect_same_system(const system_result& a, const system_result& b) {
  EXPECT_EQ(a.executed, b.executed);
  EXPECT_TRUE(same_double(a.lending_reserve_usd, b.lending_reserve_usd));
  EXPECT_TRUE(same_double(a.insurance_fund_usd, b.insurance_fund_usd));
  EXPECT_EQ(a.keeper_delay_steps, b.keeper_delay_steps);
  EXPECT_TRUE(same_double(a.impact_exponent, b.impact_exponent));
  EXPECT_TRUE(same_double(a.contribution_level, b.contribution_level));
  EXPECT_EQ(a.contribution_tail_paths, b.contribution_tail_paths);
  EXPECT_EQ(a.total_names, b.total_names);
  expect_same_distributions(a.totals, b.totals, "totals");
  expect_same_distributions(a.asset_sold, b.asset_sold, "asset_sold");
  expect_same_distributions(a.asset_bought, b.asset_bought, "asset_bought");
  expect_same_doubles(a.path_totals, b.path_totals, "path_totals");
  expect_same_feedback(a.feedback, b.feedback);
  ASSERT_EQ(a.venues.size(), b.venues.size());
  for (std::size_t v = 0; v < a.venues.size(); ++v) {
    SCOPED_TRACE("venue " + std::to_string(v));
    EXPECT_EQ(a.venues[v].id, b.venues[v].id);
    EXPECT_EQ(a.venues[v].kind, b.venues[v].kind);
    EXPECT_TRUE(same_double(a.venues[v].fund_usd, b.venues[v].fund_usd));
    EXPECT_EQ(a.venues[v].total_names, b.venues[v].total_names);
    expect_same_distributions(a.venues[v].totals, b.venues[v].totals, "totals");
  }
}

inline void expect_same_result(const run_result& a, const run_result& b) {
  const run_metadata& x = a.metadata;
  const run_metadata& y = b.metadata;
  EXPECT_EQ(x.engine_version, y.engine_version);
  EXPECT_EQ(x.git_revision, y.git_revision);
  EXPECT_EQ(x.run_name, y.run_name);
  EXPECT_EQ(x.seed, y.seed);
  EXPECT_EQ(x.paths, y.paths);
  EXPECT_EQ(x.steps, y.steps);
  EXPECT_TRUE(same_double(x.horizon_days, y.horizon_days));
  EXPECT_EQ(x.backend, y.backend);
  EXPECT_EQ(x.device, y.device);
  EXPECT_EQ(x.model, y.model);
  EXPECT_EQ(x.snapshot, y.snapshot);
  EXPECT_EQ(x.snapshot_as_of, y.snapshot_as_of);
  EXPECT_EQ(x.snapshot_block, y.snapshot_block);
  EXPECT_EQ(x.snapshot_source, y.snapshot_source);
  EXPECT_EQ(x.snapshot_sha256, y.snapshot_sha256);
  EXPECT_EQ(x.resolved_config, y.resolved_config);
  EXPECT_EQ(x.model_fit, y.model_fit);
  EXPECT_EQ(x.created_utc, y.created_utc);
  EXPECT_TRUE(same_double(x.wall_time_s, y.wall_time_s));
  EXPECT_EQ(x.batch_paths, y.batch_paths);
  EXPECT_EQ(x.memory_budget_bytes, y.memory_budget_bytes);

  ASSERT_EQ(a.assets.size(), b.assets.size());
  for (std::size_t i = 0; i < a.assets.size(); ++i) {
    EXPECT_EQ(a.assets[i].id, b.assets[i].id);
    EXPECT_TRUE(same_double(a.assets[i].spot_usd, b.assets[i].spot_usd));
    EXPECT_TRUE(same_double(a.assets[i].drift_annual, b.assets[i].drift_annual));
    EXPECT_TRUE(same_double(a.assets[i].vol_annual, b.assets[i].vol_annual));
  }
  expect_same_doubles(a.correlation, b.correlation, "correlation");
  expect_same_doubles(a.hf_min_levels, b.hf_min_levels, "hf_min_levels");

  ASSERT_EQ(a.units.size(), b.units.size());
  for (std::size_t i = 0; i < a.units.size(); ++i) {
    const unit_result& u = a.units[i];
    const unit_result& v = b.units[i];
    SCOPED_TRACE("unit " + std::to_string(i) + " '" + u.id + "'");
    EXPECT_EQ(u.id, v.id);
    EXPECT_EQ(u.venue, v.venue);
    EXPECT_EQ(u.kind, v.kind);
    EXPECT_TRUE(same_double(u.health_factor_initial, v.health_factor_initial));
    EXPECT_EQ(u.liquidated_paths, v.liquidated_paths);
    EXPECT_TRUE(same_double(u.liquidation_probability, v.liquidation_probability));
    EXPECT_TRUE(same_double(u.liquidation_probability_se, v.liquidation_probability_se));
    EXPECT_TRUE(same_double(u.liquidation_probability_lo, v.liquidation_probability_lo));
    EXPECT_TRUE(same_double(u.liquidation_probability_hi, v.liquidation_probability_hi));
    EXPECT_TRUE(same_double(u.time_to_liquidation_days, v.time_to_liquidation_days));
    EXPECT_TRUE(same_double(u.time_to_liquidation_se_days, v.time_to_liquidation_se_days));
    expect_same_doubles(u.hf_min_quantile, v.hf_min_quantile, "hf_min_quantile");
    expect_same_doubles(u.hf_min_quantile_lo, v.hf_min_quantile_lo, "hf_min_quantile_lo");
    expect_same_doubles(u.hf_min_quantile_hi, v.hf_min_quantile_hi, "hf_min_quantile_hi");
    EXPECT_EQ(u.hf_min_quantile_bound, v.hf_min_quantile_bound);
    EXPECT_EQ(u.hf_min_quantile_lo_bound, v.hf_min_quantile_lo_bound);
    EXPECT_EQ(u.hf_min_quantile_hi_bound, v.hf_min_quantile_hi_bound);
    expect_same_doubles(u.margin_ratio_max_quantile, v.margin_ratio_max_quantile,
                        "margin_ratio_max_quantile");
    expect_same_doubles(u.margin_ratio_max_quantile_lo, v.margin_ratio_max_quantile_lo,
                        "margin_ratio_max_quantile_lo");
    expect_same_doubles(u.margin_ratio_max_quantile_hi, v.margin_ratio_max_quantile_hi,
                        "margin_ratio_max_quantile_hi");
    EXPECT_EQ(u.margin_ratio_max_quantile_bound, v.margin_ratio_max_quantile_bound);
    EXPECT_EQ(u.margin_ratio_max_quantile_lo_bound, v.margin_ratio_max_quantile_lo_bound);
    EXPECT_EQ(u.margin_ratio_max_quantile_hi_bound, v.margin_ratio_max_quantile_hi_bound);
    EXPECT_EQ(u.hf_min_paths, v.hf_min_paths);
    expect_same_execution(u.execution, v.execution);
  }
  expect_same_system(a.system, b.system);
}

}  // namespace levrisk::test
