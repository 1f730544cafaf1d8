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
#include <string>
#include <vector>

#include "host/engine/results.hpp"

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
    EXPECT_EQ(u.hf_min_paths, v.hf_min_paths);
  }
}

}  // namespace levrisk::test
