// The CUDA backend against the CPU backend: every shipped configuration (every
// market model) on the bundled sample book, bit for bit. Skipped without a GPU
// (and in a CPU-only build); scripts/gpu-check.sh runs it where there is one.

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/engine.hpp"
#include "host/snapshot/load_snapshot.hpp"

namespace levrisk {
namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

class CudaMatchesCpu : public ::testing::TestWithParam<const char*> {};

TEST_P(CudaMatchesCpu, EveryUnitBitForBit) {
  if (!cuda_compiled_in() || cuda_devices().empty()) GTEST_SKIP() << "no CUDA device";
  run_config config = load_run_config(std::string(LEVRISK_SOURCE_DIR "/configs/") + GetParam());
  config.paths = 20000;
  const snapshot snap = load_snapshot(config.snapshot);
  const run_result cpu = run_simulation(config, snap, *make_cpu_backend(0));
  const run_result gpu = run_simulation(config, snap, *make_cuda_backend(0));
  ASSERT_EQ(cpu.units.size(), gpu.units.size());
  std::size_t liquidated_units = 0;
  for (std::size_t u = 0; u < cpu.units.size(); ++u) {
    const unit_result& a = cpu.units[u];
    const unit_result& b = gpu.units[u];
    EXPECT_EQ(a.liquidated_paths, b.liquidated_paths) << a.id;
    EXPECT_TRUE(same_bits(a.time_to_liquidation_days, b.time_to_liquidation_days)) << a.id;
    EXPECT_EQ(a.hf_min_quantile, b.hf_min_quantile) << a.id;
    EXPECT_EQ(a.hf_min_quantile_lo, b.hf_min_quantile_lo) << a.id;
    EXPECT_EQ(a.hf_min_quantile_hi, b.hf_min_quantile_hi) << a.id;
    // The execution stage: the same USD figures, to the bit.
    EXPECT_TRUE(same_bits(a.execution.liquidated_usd.mean, b.execution.liquidated_usd.mean))
        << a.id;
    EXPECT_TRUE(same_bits(a.execution.owner_loss_usd.mean, b.execution.owner_loss_usd.mean))
        << a.id;
    EXPECT_TRUE(same_bits(a.execution.bad_debt_usd.mean, b.execution.bad_debt_usd.mean)) << a.id;
    EXPECT_TRUE(same_bits(a.execution.bad_debt_usd.se, b.execution.bad_debt_usd.se)) << a.id;
    EXPECT_EQ(a.execution.bad_debt_paths, b.execution.bad_debt_paths) << a.id;
    EXPECT_TRUE(same_bits(a.execution.adl_loss_usd.mean, b.execution.adl_loss_usd.mean)) << a.id;
    EXPECT_EQ(a.execution.adl_paths, b.execution.adl_paths) << a.id;
    EXPECT_TRUE(
        same_bits(a.execution.es_contribution_usd.mean, b.execution.es_contribution_usd.mean))
        << a.id;
    liquidated_units += a.liquidated_paths > 0 ? 1 : 0;
  }
  EXPECT_EQ(cpu.system.path_totals, gpu.system.path_totals);
  EXPECT_GT(liquidated_units, 10u) << "the book should exercise liquidations";
}

INSTANTIATE_TEST_SUITE_P(Configurations, CudaMatchesCpu,
                         ::testing::Values("nightly.toml", "nightly_jumps.toml",
                                           "weekly_garch.toml", "weekly_fhs.toml"));

}  // namespace
}  // namespace levrisk
