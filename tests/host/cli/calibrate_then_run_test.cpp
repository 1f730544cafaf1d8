// The calibration's model file drives a run: levrisk calibrate on the bundled
// synthetic history, then levrisk run with the file as the model (jump model,
// then GARCH), inlined into a configuration or laid over one with --model;
// pegged assets; flags that supply what the configuration leaves out.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "host/config/run_config.hpp"
#include "host/output/result_reader.hpp"
#include "tests/host/cli/cli_support.hpp"

namespace levrisk {
namespace {

using namespace cli_testing;

TEST(CalibrateThenRun, ModelFileLoadsIntoARun) {
  const fs::path dir = fresh_test_directory();
  const fs::path model = dir / "model.toml";
  const command_result calibrated = run_levrisk(
      "calibrate --history " + quoted(source_dir / "data" / "history" / "synthetic_hourly.csv") +
          " --frequency 1h -o " + quoted(model),
      dir);
  ASSERT_EQ(calibrated.exit_code, 0) << calibrated.err;

  // A three-asset snapshot matching the history's assets.
  const fs::path snap = dir / "snapshot";
  fs::create_directories(snap);
  write_text(snap / "assets.csv", "asset_id,spot_usd\nBTC,95000\nETH,3500\nSOL,240\n");
  write_text(snap / "lending_markets.csv",
             "asset_id,ltv,liquidation_threshold,liquidation_bonus\n"
             "BTC,0.73,0.78,0.05\nETH,0.8,0.83,0.05\nSOL,0.65,0.72,0.08\n");
  write_text(snap / "lending_balances.csv",
             "account_id,asset_id,collateral_amount,debt_amount\n"
             "A1,ETH,10,0\nA1,BTC,0,0.29\nA2,SOL,100,0\nA2,ETH,0,4\nA2,BTC,0.1,0\n");
  std::string text = read_text(model);
  const std::string gbm = "type = \"gbm\"";
  ASSERT_NE(text.find(gbm), std::string::npos);
  text.replace(text.find(gbm), gbm.size(), "type = \"merton\"");
  write_text(dir / "run.toml",
             "[run]\nname = \"calibrated\"\nsnapshot = \"snapshot\"\n"
             "output_dir = \"out\"\npaths = 2000\nsteps = 48\n"
             "horizon_days = 7.0\n\n" +
                 text);
  const command_result run = run_levrisk("run --quiet --config " + quoted(dir / "run.toml"), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const run_result result = read_result_file(dir / "out" / "calibrated.h5");
  EXPECT_EQ(result.metadata.model, "merton");
  ASSERT_EQ(result.units.size(), 2u);
  EXPECT_GT(result.units[0].liquidated_paths, 0);  // HF 1.05 over a week: liquidated on some paths

  // The same file under GARCH(1,1)-t, stepping once per hour: its period.
  std::string garch_text = text;
  garch_text.replace(garch_text.find("type = \"merton\""), 15, "type = \"garch\"");
  write_text(dir / "garch.toml",
             "[run]\nname = \"garch\"\nsnapshot = \"snapshot\"\n"
             "output_dir = \"out\"\npaths = 1000\nsteps = 168\n"
             "horizon_days = 7.0\n\n" +
                 garch_text);
  const command_result garch_run =
      run_levrisk("run --quiet --config " + quoted(dir / "garch.toml"), dir);
  ASSERT_EQ(garch_run.exit_code, 0) << garch_run.err;
  EXPECT_EQ(read_result_file(dir / "out" / "garch.h5").metadata.model, "garch");
  fs::remove_all(dir);
}

// `levrisk calibrate --out`, then `levrisk run --model`: the base configuration
// (configs/nightly.toml) gives the run, the model file the model; the
// stablecoins of the sample snapshot are pegged by calibrate --pegged.
TEST(CalibrateThenRun, ModelFlagRunsTheSampleSnapshot) {
  const fs::path dir = fresh_test_directory();
  const fs::path model = dir / "model.toml";
  const command_result calibrated =
      run_levrisk("calibrate --history " +
                      quoted(source_dir / "data" / "history" / "sample_assets_hourly.csv") +
                      " --frequency 1h --pegged USDC,USDT,DAI -o " + quoted(model),
                  dir);
  ASSERT_EQ(calibrated.exit_code, 0) << calibrated.err;
  EXPECT_NE(read_text(model).find("pegged = [\"USDC\", \"USDT\", \"DAI\"]"), std::string::npos);

  const command_result run =
      run_levrisk("run --quiet --config " + quoted(nightly_config) + " --model " + quoted(model) +
                      " --snapshot " + quoted(sample_dir) +
                      " --paths 2000 --steps 24 --output-dir " + quoted(dir / "out"),
                  dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const run_result result = read_result_file(dir / "out" / "nightly.h5");
  EXPECT_EQ(result.metadata.paths, 2000);
  EXPECT_EQ(result.metadata.model, "gbm");
  // The model as used: the calibrated BTC volatility, not nightly.toml's 0.55.
  const run_config calibrated_model = [&] {
    run_config c = read_run_config(nightly_config);
    apply_model_file(c, model);
    return c;
  }();
  const auto& ids = calibrated_model.gbm.asset_ids;
  const std::size_t btc =
      static_cast<std::size_t>(std::find(ids.begin(), ids.end(), "BTC") - ids.begin());
  ASSERT_LT(btc, ids.size());
  ASSERT_EQ(result.assets.size(), 10u);
  for (const asset_result& a : result.assets) {
    // Within float rounding: the kernels' tables are single precision.
    const double vol = calibrated_model.gbm.assets[btc].vol_annual;
    if (a.id == "BTC") {
      EXPECT_NEAR(a.vol_annual, vol, 1e-6 * vol);
    }
    if (a.id == "USDC") {
      EXPECT_EQ(a.vol_annual, 0.0);
    }
  }
  EXPECT_NE(calibrated_model.gbm.assets[btc].vol_annual, 0.55);
  // The resolved configuration re-runs as is.
  const fs::path resolved = dir / "resolved.toml";
  write_text(resolved, result.metadata.resolved_config);
  EXPECT_NE(result.metadata.resolved_config.find("# [model] from " + model.string()),
            std::string::npos);
  const command_result rerun =
      run_levrisk("run --quiet --config " + quoted(resolved) + " --name again", dir);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(read_result_file(dir / "out" / "again.h5").system.path_totals,
            result.system.path_totals);
  fs::remove_all(dir);
}

// nightly.toml's model with its stablecoins pegged instead of given zero rows.
const std::string pegged_nightly_model =
    "[model]\ntype = \"gbm\"\npegged = [\"USDC\", \"USDT\", \"DAI\"]\n"
    "[model.assets.BTC]\ndrift_annual = 0.0\nvol_annual = 0.55\n"
    "[model.assets.ETH]\ndrift_annual = 0.0\nvol_annual = 0.7\n"
    "[model.assets.SOL]\ndrift_annual = 0.0\nvol_annual = 0.95\n"
    "[model.assets.stETH]\ndrift_annual = 0.0\nvol_annual = 0.7\n"
    "[model.assets.AVAX]\ndrift_annual = 0.0\nvol_annual = 1.0\n"
    "[model.assets.LINK]\ndrift_annual = 0.0\nvol_annual = 0.9\n"
    "[model.assets.DOGE]\ndrift_annual = 0.0\nvol_annual = 1.1\n"
    "[model.correlation]\n"
    "assets = [\"BTC\", \"ETH\", \"SOL\", \"stETH\", \"AVAX\", \"LINK\", \"DOGE\"]\n"
    "matrix = [\n"
    "  [1.0000, 0.7920, 0.7200, 0.7920, 0.7020, 0.6750, 0.5850],\n"
    "  [0.7920, 1.0000, 0.7040, 0.9860, 0.6864, 0.6600, 0.5720],\n"
    "  [0.7200, 0.7040, 1.0000, 0.7040, 0.7290, 0.7050, 0.6100],\n"
    "  [0.7920, 0.9860, 0.7040, 1.0000, 0.6864, 0.6600, 0.5720],\n"
    "  [0.7020, 0.6864, 0.7290, 0.6864, 1.0000, 0.7075, 0.6120],\n"
    "  [0.6750, 0.6600, 0.7050, 0.6600, 0.7075, 1.0000, 0.5925],\n"
    "  [0.5850, 0.5720, 0.6100, 0.5720, 0.6120, 0.5925, 1.0000],\n"
    "]\n";

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_bit_identical(const run_result& a, const run_result& b) {
  ASSERT_EQ(a.units.size(), b.units.size());
  for (std::size_t u = 0; u < a.units.size(); ++u) {
    const unit_result& x = a.units[u];
    const unit_result& y = b.units[u];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.liquidated_paths, y.liquidated_paths) << x.id;
    EXPECT_TRUE(same_bits(x.time_to_liquidation_days, y.time_to_liquidation_days)) << x.id;
    ASSERT_EQ(x.hf_min_quantile.size(), y.hf_min_quantile.size());
    for (std::size_t i = 0; i < x.hf_min_quantile.size(); ++i) {
      EXPECT_TRUE(same_bits(x.hf_min_quantile[i], y.hf_min_quantile[i])) << x.id << " " << i;
    }
  }
  ASSERT_EQ(a.system.path_totals.size(), b.system.path_totals.size());
  ASSERT_FALSE(a.system.path_totals.empty());
  EXPECT_EQ(std::memcmp(a.system.path_totals.data(), b.system.path_totals.data(),
                        a.system.path_totals.size() * sizeof(double)),
            0);
  EXPECT_EQ(a.correlation, b.correlation);
}

// Pegged USDC, USDT and DAI give the numbers of explicit zero-volatility rows with
// zero correlations (nightly.toml's own [model]), bit for bit.
TEST(CalibrateThenRun, PeggedAssetsMatchExplicitZeroVolatilityRows) {
  const fs::path dir = fresh_test_directory();
  write_text(dir / "pegged.toml", pegged_nightly_model);
  const std::string run_flags = " --quiet --config " + quoted(nightly_config) + " --paths 2000" +
                                " --steps 24 --backend cpu --output-dir " + quoted(dir);
  const command_result explicit_rows = run_levrisk("run --name explicit" + run_flags, dir);
  ASSERT_EQ(explicit_rows.exit_code, 0) << explicit_rows.err;
  const command_result pegged =
      run_levrisk("run --name pegged --model " + quoted(dir / "pegged.toml") + run_flags, dir);
  ASSERT_EQ(pegged.exit_code, 0) << pegged.err;
  expect_bit_identical(read_result_file(dir / "explicit.h5"), read_result_file(dir / "pegged.h5"));
  fs::remove_all(dir);
}

// Without the pegged mark, a snapshot asset absent from the model is refused,
// naming the asset and the model file, before any simulation.
TEST(CalibrateThenRun, UnpeggedAssetMissingFromTheModelIsRefused) {
  const fs::path dir = fresh_test_directory();
  std::string text = pegged_nightly_model;
  const std::string pegged_line = "pegged = [\"USDC\", \"USDT\", \"DAI\"]\n";
  text.erase(text.find(pegged_line), pegged_line.size());
  const fs::path model = dir / "model.toml";
  write_text(model, text);
  const command_result run =
      run_levrisk("run --quiet --config " + quoted(nightly_config) + " --model " + quoted(model) +
                      " --paths 2000 --output-dir " + quoted(dir),
                  dir);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find(model.string() + ": asset 'USDC' of snapshot"), std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(dir / "nightly.h5"));
  fs::remove_all(dir);
}

// A configuration without [run] snapshot runs on --snapshot: the flags apply
// before the run's rules are checked.
TEST(CalibrateThenRun, SnapshotFlagSuppliesWhatTheFileLeavesOut) {
  const fs::path dir = fresh_test_directory();
  std::string text = read_text(nightly_config);
  const std::string snapshot_line = "snapshot = \"../data/sample\"\n";
  ASSERT_NE(text.find(snapshot_line), std::string::npos);
  text.erase(text.find(snapshot_line), snapshot_line.size());
  write_text(dir / "no_snapshot.toml", text);
  const std::string config = " --quiet --config " + quoted(dir / "no_snapshot.toml");
  const command_result without = run_levrisk("run" + config, dir);
  EXPECT_NE(without.exit_code, 0);
  EXPECT_NE(without.err.find((dir / "no_snapshot.toml").string() +
                             ": no snapshot given ([run] snapshot or --snapshot)"),
            std::string::npos)
      << without.err;
  const command_result with =
      run_levrisk("run" + config + " --snapshot " + quoted(sample_dir) +
                      " --paths 2000 --steps 24 --output-dir " + quoted(dir),
                  dir);
  ASSERT_EQ(with.exit_code, 0) << with.err;
  EXPECT_TRUE(fs::exists(dir / "nightly.h5"));
  fs::remove_all(dir);
}

// The model file's own errors name it and its line, before any simulation.
TEST(CalibrateThenRun, ModelFileErrorsNameTheModelFile) {
  const fs::path dir = fresh_test_directory();
  std::string text = pegged_nightly_model;
  text.replace(text.find("vol_annual = 0.95"), 17, "vol_annual = -0.95");
  const fs::path model = dir / "model.toml";
  write_text(model, text);
  const command_result run = run_levrisk(
      "run --quiet --config " + quoted(nightly_config) + " --model " + quoted(model), dir);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find(model.string() + ":12: [model.assets.SOL] vol_annual"), std::string::npos)
      << run.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace levrisk
