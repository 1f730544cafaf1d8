// The calibration's model file drives a run: levrisk calibrate on the bundled
// synthetic history, then levrisk run with the file as the model (jump model,
// then GARCH).

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace levrisk
