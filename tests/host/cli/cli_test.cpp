// The levrisk executable end to end: the nightly batch on the bundled sample,
// inspect and version, and one test per kind of bad input checking the exit
// code (2: input error, 1: runtime failure) and that the message names the
// file, line and field. Small path and step counts keep the suite fast.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/cli/commands.hpp"
#include "host/config/run_config.hpp"
#include "host/output/result_reader.hpp"
#include "host/snapshot/load_snapshot.hpp"
#include "tests/host/cli/cli_support.hpp"

namespace levrisk {
namespace {

using namespace cli_testing;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int exit_ok = 0;

// The unit ids a run must report, derived from the snapshot's own records:
// every lending account, every isolated position, every cross account with a position.
std::vector<std::string> expected_unit_ids(const snapshot& snap) {
  std::vector<std::string> ids;
  for (const lending_account& a : snap.lending_accounts) ids.push_back(a.id);
  std::map<std::string, bool> has_cross;
  for (const perp_position& p : snap.perp_positions) {
    if (p.mode == margin_mode::isolated) {
      ids.push_back(p.account_id + "/" +
                    snap.perp_markets[static_cast<std::size_t>(p.market_index)].id);
    } else {
      has_cross[p.account_id] = true;
    }
  }
  for (const auto& [id, unused] : has_cross) ids.push_back(id);
  return ids;
}

// A fresh directory per test, removed afterwards unless the test failed.
class Cli : public ::testing::Test {
 protected:
  void SetUp() override { dir = fresh_test_directory(); }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir, ignored);
  }
  fs::path dir;
};

TEST_F(Cli, RunOnTheSampleWritesAResultThatReadsBack) {
  const command_result run = run_levrisk(small_run(dir, "e2e"), dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  EXPECT_EQ(run.out, "");  // --quiet: nothing on stdout for a cron job
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(file_names(dir), std::vector<std::string>{"e2e.h5"}) << "no temporary file left";

  const run_result result = read_result_file(dir / "e2e.h5");
  EXPECT_EQ(result.metadata.run_name, "e2e");
  EXPECT_EQ(result.metadata.paths, 2000);
  EXPECT_EQ(result.metadata.steps, 48);
  EXPECT_EQ(result.metadata.horizon_days, 1.0);
  EXPECT_EQ(result.metadata.seed, 20261124u);
  EXPECT_EQ(result.metadata.backend, cuda_devices().empty() ? "cpu" : "cuda");  // backend auto
  EXPECT_EQ(result.metadata.model, "gbm");
  EXPECT_GT(result.metadata.wall_time_s, 0.0);
  EXPECT_FALSE(result.metadata.created_utc.empty());

  // The stored configuration is the resolved one, flags included, and loads again.
  const fs::path resolved = dir / "resolved.toml";
  write_text(resolved, result.metadata.resolved_config);
  const run_config config = load_run_config(resolved);
  EXPECT_EQ(config.paths, 2000);
  EXPECT_EQ(config.steps, 48);
  EXPECT_EQ(config.output_dir, dir);
  EXPECT_EQ(config.snapshot, sample_dir.lexically_normal());

  const snapshot snap = load_snapshot(sample_dir);
  EXPECT_EQ(result.assets.size(), snap.assets.size());
  std::vector<std::string> ids;
  for (const unit_result& u : result.units) ids.push_back(u.id);
  std::vector<std::string> expected = expected_unit_ids(snap);
  ASSERT_EQ(ids.size(), expected.size());
  std::sort(ids.begin(), ids.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
  EXPECT_TRUE(std::adjacent_find(ids.begin(), ids.end()) == ids.end()) << "unit ids repeat";

  std::int64_t liquidated_units = 0;
  for (const unit_result& u : result.units) {
    const double p = u.liquidation_probability;
    ASSERT_GE(p, 0.0) << u.id;
    ASSERT_LE(p, 1.0) << u.id;
    EXPECT_EQ(p, static_cast<double>(u.liquidated_paths) / 2000.0) << u.id;
    EXPECT_LE(u.liquidation_probability_lo, p) << u.id;
    EXPECT_GE(u.liquidation_probability_hi, p) << u.id;
    EXPECT_GE(u.liquidation_probability_lo, 0.0) << u.id;
    EXPECT_LE(u.liquidation_probability_hi, 1.0) << u.id;
    EXPECT_GE(u.liquidation_probability_se, 0.0) << u.id;
    EXPECT_GT(u.health_factor_initial, 1.0) << u.id << ": the sample is solvent at the snapshot";
    liquidated_units += u.liquidated_paths > 0;
  }
  EXPECT_GT(liquidated_units, 0) << "a day of crypto volatility liquidates someone";
}

// Without --quiet the run says on stderr which batch it chose; the file records it.
TEST_F(Cli, RunSaysWhichBatchItChose) {
  std::string arguments = small_run(dir, "batch", 1000, 8);
  arguments.erase(arguments.find(" --quiet"));
  const command_result run =
      run_levrisk(arguments + " --backend cpu --batch-paths 300 --memory-budget 2GiB", dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  EXPECT_THAT(run.err, StartsWith("batch: 300 paths (memory budget 2 GiB: plan "));
  EXPECT_THAT(run.err, HasSubstr(" per path; as batch_paths asks)\n"));
  const run_result result = read_result_file(dir / "batch.h5");
  EXPECT_EQ(result.metadata.batch_paths, 300);
  EXPECT_EQ(result.metadata.memory_budget_bytes, 2LL << 30);
}

TEST_F(Cli, MemoryBudgetThatIsNoSizeIsAnInputError) {
  const command_result run = run_levrisk(small_run(dir, "x") + " --memory-budget lots", dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_EQ(run.err,
            "levrisk: error: --memory-budget must be a size such as 8GiB, 500MB or a number of "
            "bytes, got 'lots'\n");
}

TEST_F(Cli, MemoryBudgetBelowThePlanIsAnInputError) {
  const command_result run =
      run_levrisk(small_run(dir, "x") + " --backend cpu --memory-budget 1KiB", dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_THAT(run.err, StartsWith("levrisk: error: the run needs "));
  EXPECT_THAT(run.err, HasSubstr(" before its first batch (the plan and its tallies), more than "
                                 "the memory budget of 1 KiB (--memory-budget)\n"));
  EXPECT_TRUE(file_names(dir).empty()) << "nothing written";
}

// Hourly GARCH parameters at 15-minute steps run (m = 4); 100 steps over the
// week divide no hour, so the run is refused before simulating, naming the
// keys and the step counts that would do.
TEST_F(Cli, GarchRunsAtAStepThatDividesItsPeriodOnly) {
  const std::string garch = "run --config " + quoted(source_dir / "configs" / "weekly_garch.toml") +
                            " --paths 200 --output-dir " + quoted(dir) + " --quiet --steps ";
  const command_result quarter_hourly = run_levrisk(garch + "672 --name quarter", dir);
  ASSERT_EQ(quarter_hourly.exit_code, exit_ok) << quarter_hourly.err;
  EXPECT_EQ(read_result_file(dir / "quarter.h5").metadata.model, "garch");

  const command_result refused = run_levrisk(garch + "100 --name refused", dir);
  EXPECT_EQ(refused.exit_code, cli::exit_input_error);
  EXPECT_THAT(refused.err, StartsWith("levrisk: error: "));
  EXPECT_THAT(refused.err,
              HasSubstr("weekly_garch.toml: model: [model.assets.BTC.garch] parameters are per "
                        "0.0416667 days but the run's step, [run] horizon_days / steps = 7 / 100 "
                        "= 0.07 days, does not divide the period: GARCH needs period_days = m * "
                        "horizon_days / steps for a whole m >= 1; nearest valid: steps = 168 (m = "
                        "1)\n"));
  EXPECT_FALSE(fs::exists(dir / "refused.h5"));
}

// Every configuration in configs/ runs as shipped (with 200 paths), under its model.
TEST_F(Cli, EveryShippedConfigurationRuns) {
  const std::map<std::string, std::string> models = {{"nightly", "gbm"},
                                                     {"nightly_jumps", "merton"},
                                                     {"nightly_cascades", "gbm"},
                                                     {"weekly_garch", "garch"},
                                                     {"weekly_fhs", "fhs"}};
  std::size_t ran = 0;
  for (const auto& entry : fs::directory_iterator(source_dir / "configs")) {
    const std::string name = entry.path().stem().string();
    ASSERT_EQ(models.count(name), 1u) << name << ": a new configuration needs its model here";
    const command_result run =
        run_levrisk("run --config " + quoted(entry.path()) + " --paths 200 --output-dir " +
                        quoted(dir) + " --name " + name + " --quiet",
                    dir);
    ASSERT_EQ(run.exit_code, exit_ok) << name << ": " << run.err;
    const run_result result = read_result_file(dir / (name + ".h5"));
    EXPECT_EQ(result.metadata.model, models.at(name));
    EXPECT_EQ(result.system.feedback.enabled, name == "nightly_cascades") << name;
    std::int64_t liquidated = 0;
    for (const unit_result& u : result.units) liquidated += u.liquidated_paths;
    EXPECT_GT(liquidated, 0) << name;
    ++ran;
  }
  EXPECT_EQ(ran, models.size());
}

TEST_F(Cli, InspectListsTheUnits) {
  ASSERT_EQ(run_levrisk(small_run(dir, "e2e", 400, 8), dir).exit_code, exit_ok);
  const run_result result = read_result_file(dir / "e2e.h5");
  const command_result inspect = run_levrisk("inspect " + quoted(dir / "e2e.h5"), dir);
  ASSERT_EQ(inspect.exit_code, exit_ok) << inspect.err;
  const std::string units = std::to_string(result.units.size());
  EXPECT_THAT(inspect.out, HasSubstr("riskiest 20 of " + units + " units"));
  EXPECT_THAT(inspect.out, HasSubstr("lending accounts"));
  EXPECT_THAT(inspect.out, HasSubstr("e2e"));
  // The riskiest unit is listed.
  const auto riskiest = std::max_element(
      result.units.begin(), result.units.end(), [](const unit_result& a, const unit_result& b) {
        return a.liquidation_probability < b.liquidation_probability;
      });
  EXPECT_THAT(inspect.out, HasSubstr(riskiest->id));
}

TEST_F(Cli, InspectOfAMissingFileIsAnInputError) {
  const command_result inspect = run_levrisk("inspect " + quoted(dir / "absent.h5"), dir);
  EXPECT_EQ(inspect.exit_code, cli::exit_input_error);
  EXPECT_THAT(inspect.err, HasSubstr((dir / "absent.h5").string()));
}

TEST_F(Cli, VersionListsTheCpuBackend) {
  const command_result version = run_levrisk("version", dir);
  ASSERT_EQ(version.exit_code, exit_ok) << version.err;
  EXPECT_THAT(version.out, StartsWith("levrisk "));
  EXPECT_THAT(version.out, HasSubstr("backends compiled in: cpu"));
}

TEST_F(Cli, UnknownCommandIsNamed) {
  const command_result simulate = run_levrisk("simulate --paths 10", dir);
  EXPECT_EQ(simulate.exit_code, cli::exit_input_error);
  EXPECT_EQ(simulate.err,
            "levrisk: error: unknown command 'simulate'; the commands are run, inspect, synth, "
            "version, calibrate\n");
}

TEST_F(Cli, MissingSnapshotDirectory) {
  const fs::path absent = dir / "no-such-snapshot";
  const command_result run =
      run_levrisk(small_run(dir / "out", "x") + " --snapshot " + quoted(absent), dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_EQ(run.err, "levrisk: error: " + absent.string() + ": snapshot directory not found\n");
}

TEST_F(Cli, MalformedRowNamesFileAndLine) {
  const fs::path snap = copy_sample(dir / "snap");
  const fs::path csv = snap / "lending_balances.csv";
  const int line = first_data_line(csv) + 2;
  replace_line(csv, line, "L000002,ETH,1.5");
  const command_result run =
      run_levrisk(small_run(dir / "out", "x") + " --snapshot " + quoted(snap), dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_THAT(run.err, HasSubstr(csv.string() + ":" + std::to_string(line) +
                                 ": expected 4 fields (account_id,asset_id,collateral_amount,"
                                 "debt_amount), got 3"));
}

TEST_F(Cli, UnknownAssetInABalanceNamesFileLineAndField) {
  const fs::path snap = copy_sample(dir / "snap");
  const fs::path csv = snap / "lending_balances.csv";
  const int line = first_data_line(csv) + 1;
  replace_line(csv, line, with_field(line_at(csv, line), 1, "XRP"));
  const command_result run =
      run_levrisk(small_run(dir / "out", "x") + " --snapshot " + quoted(snap), dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_THAT(run.err, HasSubstr(csv.string() + ":" + std::to_string(line) +
                                 ": field 'asset_id' names an unknown asset 'XRP' (not in "
                                 "assets.csv)"));
}

// Breaks the first asset's spot_usd in a copy of the sample; returns the message.
command_result run_with_spot(const fs::path& dir, const std::string& spot, std::string* where) {
  const fs::path snap = copy_sample(dir / "snap");
  const fs::path csv = snap / "assets.csv";
  const int line = first_data_line(csv);
  replace_line(csv, line, with_field(line_at(csv, line), 1, spot));
  *where = csv.string() + ":" + std::to_string(line) + ": field 'spot_usd' must be a finite number";
  return run_levrisk(small_run(dir / "out", "x") + " --snapshot " + quoted(snap), dir);
}

TEST_F(Cli, NegativePriceNamesFileLineAndField) {
  std::string where;
  const command_result run = run_with_spot(dir, "-3500", &where);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_THAT(run.err, HasSubstr(where));
  EXPECT_THAT(run.err, HasSubstr("-3500"));
}

TEST_F(Cli, NanPriceNamesFileLineAndField) {
  std::string where;
  const command_result run = run_with_spot(dir, "nan", &where);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_THAT(run.err, HasSubstr(where));
  EXPECT_THAT(run.err, HasSubstr("nan"));
}

// BTC, ETH and SOL given pairwise correlations 0.9, 0.9 and -0.9: no joint
// distribution has them (the 3 x 3 block alone has eigenvalue 1 - 2 * 0.9 < 0).
TEST_F(Cli, NonPsdCorrelationNamesTheConfigAndTheRepairOption) {
  run_config config = load_run_config(nightly_config);
  const auto& ids = config.gbm.asset_ids;
  const auto index = [&ids](const char* id) {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
  };
  const std::size_t n = ids.size(), b = index("BTC"), e = index("ETH"), s = index("SOL");
  auto set = [&](std::size_t i, std::size_t j, double value) {
    config.gbm.correlation[i * n + j] = config.gbm.correlation[j * n + i] = value;
  };
  set(b, e, 0.9);
  set(e, s, 0.9);
  set(b, s, -0.9);
  const fs::path bad = dir / "bad_correlation.toml";
  write_text(bad, to_toml(config));

  const command_result run =
      run_levrisk("run --config " + quoted(bad) + " --paths 100 --steps 4 --output-dir " +
                      quoted(dir / "out") + " --name x --quiet",
                  dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  // Refused at load, at the line of the table's header.
  EXPECT_THAT(run.err, HasSubstr(bad.string() + ":"));
  EXPECT_THAT(run.err, HasSubstr(": [model.correlation]: correlation matrix is not positive "
                                 "semi-definite: smallest eigenvalue -"));
  EXPECT_THAT(run.err, HasSubstr("repair_correlation"));
}

TEST_F(Cli, ZeroPathsIsAnInputError) {
  const command_result run =
      run_levrisk("run --config " + quoted(nightly_config) + " --paths 0 --output-dir " +
                      quoted(dir) + " --name x --quiet",
                  dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_THAT(run.err, HasSubstr("--paths must be an integer in [1, 1000000000000], got '0'"));
}

TEST_F(Cli, AnEmptyFolderFlagIsAnInputError) {
  for (const char* flag : {"--snapshot", "--output-dir"}) {
    const command_result run = run_levrisk(
        "run --config " + quoted(nightly_config) + " " + flag + " '' --name x --quiet", dir);
    EXPECT_EQ(run.exit_code, cli::exit_input_error) << flag;
    EXPECT_EQ(run.err, std::string("levrisk: error: ") + flag + " must name a folder, got ''\n");
  }
}

// Integer flags are read exactly and named when out of range; none saturates
// into a run that never ends, and a count in scientific notation is read.
TEST_F(Cli, IntegerFlagsAreReadExactly) {
  const struct {
    const char* flags;
    const char* message;
  } cases[] = {
      {"--paths 99999999999999999999",
       "--paths must be an integer in [1, 1000000000000], got '99999999999999999999'"},
      {"--threads 5000", "--threads must be an integer in [0, 1024], got '5000'"},
      {"--seed -1", "--seed must be an integer in [0, 9223372036854775807], got '-1'"},
      {"--steps 4294967320", "--steps must be an integer in [1, 1000000], got '4294967320'"},
      {"--paths 1.5", "--paths must be an integer in [1, 1000000000000], got '1.5'"},
  };
  for (const auto& c : cases) {
    const command_result run =
        run_levrisk("run --config " + quoted(nightly_config) + " " + c.flags + " --output-dir " +
                        quoted(dir) + " --name x --quiet",
                    dir);
    EXPECT_EQ(run.exit_code, cli::exit_input_error) << c.flags;
    EXPECT_THAT(run.err, HasSubstr(c.message)) << c.flags;
    EXPECT_THAT(run.err, Not(HasSubstr("nightly.toml"))) << "the flag is to blame: " << c.flags;
  }
  const command_result run =
      run_levrisk("run --config " + quoted(nightly_config) +
                      " --paths 2e2 --steps 4 --output-dir " + quoted(dir) + " --name e --quiet",
                  dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

// The liquidation flags override [liquidation] and are recorded in the resolved configuration.
TEST_F(Cli, LiquidationFlagsReachTheResolvedConfiguration) {
  const command_result run = run_levrisk(
      small_run(dir, "flags", 200, 8) + " --keeper-delay-steps 3 --no-liquidation", dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  const fs::path resolved = dir / "resolved.toml";
  write_text(resolved, read_result_file(dir / "flags.h5").metadata.resolved_config);
  const run_config config = load_run_config(resolved);
  EXPECT_EQ(config.liquidation.keeper_delay_steps, 3);
  EXPECT_FALSE(config.liquidation.execute);
}

TEST_F(Cli, NegativeKeeperDelayIsAnInputError) {
  const command_result run = run_levrisk(small_run(dir, "x") + " --keeper-delay-steps -1", dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_EQ(run.err,
            "levrisk: error: --keeper-delay-steps must be an integer in [0, 1000000], got '-1'\n");
}

TEST_F(Cli, KeeperDelayBeyondTheStepsIsAnInputError) {
  const command_result run =
      run_levrisk(small_run(dir, "x", 200, 8) + " --keeper-delay-steps 9", dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_THAT(run.err, HasSubstr("[liquidation] keeper_delay_steps must be <= steps (8), got 9"));
}

TEST_F(Cli, UnknownBackendNameIsAnInputError) {
  const command_result run = run_levrisk(small_run(dir, "x") + " --backend gpu", dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_THAT(run.err, HasSubstr("--backend"));
  EXPECT_THAT(run.err, HasSubstr("gpu"));
}

TEST_F(Cli, MissingConfigFileIsAnInputError) {
  const command_result run =
      run_levrisk("run --config " + quoted(dir / "absent.toml") + " --quiet", dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_EQ(run.err, "levrisk: error: " + (dir / "absent.toml").string() +
                         ": configuration file not found\n");
}

// The output check runs before the simulation: with a billion paths the run
// could not end within the time limit if it simulated first.
TEST_F(Cli, UnwritableOutputFailsBeforeSimulating) {
  write_text(dir / "a-file", "not a directory\n");
  const fs::path output_dir = dir / "a-file" / "results";
  const command_result run =
      run_levrisk("run --config " + quoted(nightly_config) + " --paths 1000000000 --output-dir " +
                      quoted(output_dir) + " --name x --quiet",
                  dir, 60);
  EXPECT_EQ(run.exit_code, cli::exit_runtime_failure) << run.err;
  EXPECT_THAT(run.err, HasSubstr("cannot write results to '" + (output_dir / "x.h5").string()));
  EXPECT_LT(run.seconds, 20.0);
}

// A later run that fails must leave the earlier result file as it was.
TEST_F(Cli, FailedRunLeavesTheEarlierResultIntact) {
  const fs::path out = dir / "out";
  ASSERT_EQ(run_levrisk(small_run(out, "keep", 400, 8), dir).exit_code, exit_ok);
  const run_result before = read_result_file(out / "keep.h5");

  const fs::path snap = copy_sample(dir / "snap");
  const fs::path csv = snap / "lending_balances.csv";
  replace_line(csv, first_data_line(csv), "broken");
  const command_result failed =
      run_levrisk(small_run(out, "keep", 400, 8) + " --snapshot " + quoted(snap), dir);
  EXPECT_EQ(failed.exit_code, cli::exit_input_error);

  EXPECT_EQ(file_names(out), std::vector<std::string>{"keep.h5"});
  const run_result after = read_result_file(out / "keep.h5");
  EXPECT_EQ(after.metadata.created_utc, before.metadata.created_utc);
  EXPECT_EQ(after.metadata.snapshot, before.metadata.snapshot);
  ASSERT_EQ(after.units.size(), before.units.size());
  for (std::size_t u = 0; u < before.units.size(); ++u) {
    EXPECT_EQ(after.units[u].id, before.units[u].id);
    EXPECT_EQ(after.units[u].liquidated_paths, before.units[u].liquidated_paths);
  }
}

// ---- Habits from other tools: --version, help COMMAND, did-you-mean. ----

TEST_F(Cli, VersionFlagIsTheVersionCommand) {
  const command_result flag = run_levrisk("--version", dir);
  const command_result command = run_levrisk("version", dir);
  ASSERT_EQ(flag.exit_code, exit_ok) << flag.err;
  EXPECT_EQ(flag.out, command.out);
}

// Without a GPU the CUDA line gives the reason in a few words, on one line.
TEST_F(Cli, VersionSaysWhyThereIsNoGpu) {
  if (!cuda_devices().empty()) GTEST_SKIP() << "a CUDA device is present";
  const command_result version = run_levrisk("version", dir);
  ASSERT_EQ(version.exit_code, exit_ok) << version.err;
  if (cuda_compiled_in()) {
    EXPECT_THAT(version.out, HasSubstr("\ncuda: compiled in, no GPU ("));
  } else {
    EXPECT_THAT(version.out,
                HasSubstr("\ncuda: not compiled in (configured without the CUDA toolkit)\n"));
  }
  EXPECT_EQ(std::count(version.out.begin(), version.out.end(), '\n'), 4) << version.out;
}

TEST_F(Cli, HelpCommandIsTheCommandsHelp) {
  const command_result help = run_levrisk("help run", dir);
  const command_result flag = run_levrisk("run --help", dir);
  ASSERT_EQ(help.exit_code, exit_ok) << help.err;
  EXPECT_EQ(help.out, flag.out);
  EXPECT_THAT(help.out, HasSubstr("--paths"));
}

TEST_F(Cli, HelpAloneIsTheProgramsHelp) {
  const command_result help = run_levrisk("help", dir);
  const command_result flag = run_levrisk("--help", dir);
  ASSERT_EQ(help.exit_code, exit_ok) << help.err;
  EXPECT_EQ(help.out, flag.out);
  EXPECT_THAT(help.out, HasSubstr("levrisk help COMMAND"));
}

// The usage line names the program, not the path it was started by.
TEST_F(Cli, UsageNamesLevriskNotTheBinarysPath) {
  const command_result help = run_levrisk("run --help", dir);
  EXPECT_THAT(help.out, StartsWith("Simulate a snapshot"));
  EXPECT_THAT(help.out, HasSubstr("Usage: levrisk run [OPTIONS]"));
  EXPECT_THAT(help.out, Not(HasSubstr(std::string(LEVRISK_BINARY))));
}

TEST_F(Cli, UnknownCommandNearACommandIsSuggested) {
  const command_result runn = run_levrisk("runn --paths 10", dir);
  EXPECT_EQ(runn.exit_code, cli::exit_input_error);
  EXPECT_EQ(runn.err, "levrisk: error: unknown command 'runn'; did you mean 'run'?\n");
  const command_result help = run_levrisk("help runn", dir);
  EXPECT_EQ(help.exit_code, cli::exit_input_error);
  EXPECT_EQ(help.err, runn.err);
}

TEST_F(Cli, UnknownConfigKeyNearAKeyIsSuggested) {
  // nightly.toml with "path = 5" added after its [run] header.
  std::string text;
  int line = 0, path_line = 0;
  for (const std::string& row : read_lines(nightly_config)) {
    text += row + "\n";
    ++line;
    if (row == "[run]") {
      text += "path = 5\n";
      path_line = ++line;
    }
  }
  ASSERT_GT(path_line, 0);
  const fs::path config = dir / "typo.toml";
  write_text(config, text);
  const command_result run = run_levrisk("run --config " + quoted(config) + " --quiet", dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_EQ(run.err, "levrisk: error: " + config.string() + ":" + std::to_string(path_line) +
                         ": unknown key 'path' in [run]; did you mean 'paths'?\n");
}

// Run from a folder without configs/ (a cron job's home), the default
// configuration is the source tree's: the nightly batch still runs.
TEST_F(Cli, DefaultConfigIsFoundFromAnyFolder) {
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  const command_result run = run_levrisk(
      "run --paths 2000 --steps 48 --output-dir " + quoted(dir / "out") + " --quiet", dir);
  fs::current_path(before);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  const run_result result = read_result_file(dir / "out" / "nightly.h5");
  EXPECT_EQ(result.metadata.paths, 2000);
  EXPECT_EQ(result.metadata.run_name, "nightly");
}

TEST_F(Cli, SynthRefusesAnExistingFolderWithoutForce) {
  const fs::path out = dir / "snap";
  const std::string synth =
      "synth -o " + quoted(out) + " --lending-accounts 5 --perp-accounts 5 --seed 3";
  ASSERT_EQ(run_levrisk(synth, dir).exit_code, exit_ok);
  const std::string first = read_text(out / "assets.csv");
  write_text(out / "assets.csv", "an export worth keeping\n");

  const command_result again = run_levrisk(synth, dir);
  EXPECT_EQ(again.exit_code, cli::exit_input_error);
  EXPECT_EQ(again.err, "levrisk: error: synth: " + out.string() +
                           " already exists; pass --force to write the snapshot into it\n");
  EXPECT_EQ(read_text(out / "assets.csv"), "an export worth keeping\n");

  const command_result forced = run_levrisk(synth + " --force", dir);
  EXPECT_EQ(forced.exit_code, exit_ok) << forced.err;
  EXPECT_EQ(read_text(out / "assets.csv"), first);
}

// One venue of each kind is the default: the same files, byte for byte.
TEST_F(Cli, SynthWithOneVenueOfEachKindWritesTheSameFiles) {
  const std::string counts = " --lending-accounts 30 --perp-accounts 30 --seed 4";
  const fs::path plain = dir / "plain";
  const fs::path venues = dir / "venues";
  ASSERT_EQ(run_levrisk("synth -o " + quoted(plain) + counts, dir).exit_code, exit_ok);
  const command_result run = run_levrisk(
      "synth -o " + quoted(venues) + counts + " --lending-venues 1 --perp-venues 1", dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  const std::vector<std::string> files = file_names(plain);
  ASSERT_EQ(file_names(venues), files);
  EXPECT_EQ(std::count(files.begin(), files.end(), "protocol.csv"), 1);
  for (const std::string& file : files) {
    EXPECT_TRUE(read_text(venues / file) == read_text(plain / file)) << file;
  }
}

TEST_F(Cli, SynthWithSeveralVenuesWritesTheVenuesFile) {
  const fs::path out = dir / "snap";
  const command_result run = run_levrisk(
      "synth -o " + quoted(out) +
          " --lending-accounts 40 --perp-accounts 40 --lending-venues 2 --perp-venues 3",
      dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  EXPECT_FALSE(fs::exists(out / "protocol.csv"));
  const snapshot snap = load_snapshot(out);
  ASSERT_EQ(snap.lending_venues.size(), 2u);
  EXPECT_EQ(snap.lending_venues[1].id, "lending-2");
  ASSERT_EQ(snap.perp_venues.size(), 3u);
  EXPECT_EQ(snap.perp_venues[2].id, "perp-3");
  EXPECT_EQ(snap.lending_accounts.size(), 40u);
  EXPECT_EQ(snap.perp_accounts.size(), 40u);
}

TEST_F(Cli, ASnapshotOfSeveralVenuesRunsWithCascadesAndReportsEachVenue) {
  const fs::path snap_dir = dir / "snap";
  ASSERT_EQ(run_levrisk("synth -o " + quoted(snap_dir) +
                            " --lending-accounts 300 --perp-accounts 150 --lending-venues 2"
                            " --perp-venues 2",
                        dir)
                .exit_code,
            exit_ok);
  const command_result run = run_levrisk(
      "run --config " + quoted(source_dir / "configs" / "nightly_cascades.toml") + " --snapshot " +
          quoted(snap_dir) + " --paths 200 --output-dir " + quoted(dir) + " --name venues --quiet",
      dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  const run_result result = read_result_file(dir / "venues.h5");
  ASSERT_EQ(result.system.venues.size(), 4u);
  EXPECT_EQ(result.system.venues[0].id, "lending-1");
  EXPECT_EQ(result.system.venues[3].kind, "perp");
  // The venues' means add up to the book's (each path's figures do).
  for (const int t : {total_book_loss, total_liquidated, total_lending_bad_debt, total_perp_loss}) {
    double sum = 0.0;
    for (const venue_result& v : result.system.venues) sum += v.totals[t].mean;
    EXPECT_NEAR(sum, result.system.totals[t].mean, 1e-6 * (1.0 + std::fabs(sum))) << t;
  }
  const command_result shown = run_levrisk("inspect " + quoted(dir / "venues.h5"), dir);
  ASSERT_EQ(shown.exit_code, exit_ok) << shown.err;
  EXPECT_NE(shown.out.find("perp-2"), std::string::npos) << shown.out;
}

// venue_oracles.csv end to end: a row for a venue the run gives no oracle of its
// own stops the run before it simulates, naming the row; with
// [oracle.venues.perp-2] the same snapshot runs.
TEST_F(Cli, AVenueOracleRowNeedsTheVenuesOwnOracle) {
  const fs::path snap_dir = dir / "snap";
  ASSERT_EQ(run_levrisk("synth -o " + quoted(snap_dir) +
                            " --lending-accounts 200 --perp-accounts 100 --perp-venues 2",
                        dir)
                .exit_code,
            exit_ok);
  write_text(snap_dir / "venue_oracles.csv",
             "venue_id,asset_id,oracle_price_usd,oracle_age_seconds\nperp-2,ETH,3400,120\n");
  const std::string config = read_text(source_dir / "configs" / "nightly_cascades.toml");
  write_text(dir / "default_oracle.toml", config);
  write_text(dir / "own_oracle.toml",
             config + "\n[oracle.venues.\"perp-2\"]\ndeviation = 0.001\nheartbeat_seconds = 600\n");
  const auto run_with = [&](const char* name) {
    return run_levrisk("run --config " + quoted(dir / (std::string(name) + ".toml")) +
                           " --snapshot " + quoted(snap_dir) + " --paths 100 --output-dir " +
                           quoted(dir) + " --name " + name + " --quiet",
                       dir);
  };
  const command_result refused = run_with("default_oracle");
  EXPECT_EQ(refused.exit_code, cli::exit_input_error);
  EXPECT_THAT(refused.err, HasSubstr((snap_dir / "venue_oracles.csv").string() +
                                     ":2: gives venue 'perp-2' an oracle price, but "));
  EXPECT_FALSE(fs::exists(dir / "default_oracle.h5"));
  const command_result run = run_with("own_oracle");
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  EXPECT_EQ(read_result_file(dir / "own_oracle.h5").system.venues.size(), 3u);
}

TEST_F(Cli, SynthRefusesZeroVenues) {
  const command_result run =
      run_levrisk("synth -o " + quoted(dir / "snap") + " --lending-venues 0", dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_EQ(run.err, "levrisk: error: synth: venue counts must be >= 1\n");
  EXPECT_FALSE(fs::exists(dir / "snap"));
}

// This machine has no GPU (or the build no CUDA backend): asking for one is a
// runtime failure with a message that says so, not a silent CPU run.
TEST_F(Cli, CudaBackendWithoutADeviceFailsClearly) {
  if (!cuda_devices().empty()) GTEST_SKIP() << "a CUDA device is present";
  const command_result run = run_levrisk(small_run(dir, "x") + " --backend cuda", dir);
  EXPECT_EQ(run.exit_code, cli::exit_runtime_failure);
  EXPECT_THAT(run.err, StartsWith("levrisk: error: "));
  EXPECT_THAT(run.err, HasSubstr("cuda"));
  EXPECT_THAT(run.err, HasSubstr("--backend cpu"));
  EXPECT_FALSE(fs::exists(dir / "x.h5"));
}

// A full disk while the result is written (here a file size limit: write fails with
// EFBIG) is a runtime failure naming the file, not a crash at exit, and leaves the
// earlier result byte for byte.
TEST_F(Cli, FullDiskDuringTheWriteIsARuntimeFailure) {
  const fs::path out = dir / "out";
  const fs::path result = out / "full.h5";
  ASSERT_EQ(run_levrisk(small_run(out, "full", 400, 8), dir).exit_code, exit_ok);
  const std::string before = read_text(result);
  constexpr rlim_t limit = 64 * 1024;
  ASSERT_GT(before.size(), limit) << "the limit must stop the write";

  const pid_t pid = start_levrisk(small_run(out, "full", 400, 8), dir, "", limit);
  const finished_run run = wait_for_levrisk(pid, dir);
  EXPECT_EQ(run.signal_number, 0) << run.err;
  EXPECT_EQ(run.exit_code, cli::exit_runtime_failure) << run.err;
  const fs::path temporary = result.string() + ".tmp." + std::to_string(pid);
  EXPECT_EQ(run.err, "levrisk: error: cannot write results to '" + result.string() +
                         "': writing '" + temporary.string() + "' failed: " + std::strerror(EFBIG) +
                         "\n");
  EXPECT_EQ(file_names(out), std::vector<std::string>{"full.h5"});
  EXPECT_EQ(read_text(result), before);
}

// Temporaries of processes that are gone are removed by the next run to the same
// output; those of running processes (here this test and its parent) are kept.
TEST_F(Cli, RunRemovesTheTemporariesOfDeadProcessesOnly) {
  const fs::path out = dir / "out";
  fs::create_directories(out);
  const std::string dead = std::to_string(dead_pid());
  const std::string self = std::to_string(::getpid());
  const std::string parent = std::to_string(::getppid());
  for (const std::string& name :
       {"night.h5.tmp." + dead, "night.h5.probe." + dead, "night.h5.tmp." + self,
        "night.h5.probe." + parent, "other.h5.tmp." + dead, "night.h5.tmp." + dead + "x"}) {
    write_text(out / name, "partial");
  }
  ASSERT_EQ(run_levrisk(small_run(out, "night", 400, 8), dir).exit_code, exit_ok);
  std::vector<std::string> expected = {"night.h5", "night.h5.probe." + parent,
                                       "night.h5.tmp." + self, "night.h5.tmp." + dead + "x",
                                       "other.h5.tmp." + dead};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(file_names(out), expected);
}

// Each output check fails before the first path is simulated: with a billion paths the
// run could not end within the limit otherwise, and no batch line is printed.
TEST_F(Cli, OutputThatIsADirectoryFailsBeforeSimulating) {
  const fs::path out = dir / "out";
  fs::create_directories(out / "x.h5");
  const command_result run =
      run_levrisk("run --config " + quoted(nightly_config) + " --paths 1000000000 --output-dir " +
                      quoted(out) + " --name x",
                  dir, 60);
  EXPECT_EQ(run.exit_code, cli::exit_runtime_failure) << run.err;
  EXPECT_EQ(run.err, "levrisk: error: cannot write results to '" + (out / "x.h5").string() +
                         "': it is a directory\n");
  EXPECT_LT(run.seconds, 20.0);
}

TEST_F(Cli, OutputFolderWithoutWritePermissionFailsBeforeSimulating) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write in any folder";
  const fs::path out = dir / "out";
  fs::create_directories(out);
  fs::permissions(out, fs::perms::owner_read | fs::perms::owner_exec);
  const command_result run =
      run_levrisk("run --config " + quoted(nightly_config) + " --paths 1000000000 --output-dir " +
                      quoted(out) + " --name x",
                  dir, 60);
  fs::permissions(out, fs::perms::owner_all);
  EXPECT_EQ(run.exit_code, cli::exit_runtime_failure) << run.err;
  EXPECT_EQ(run.err, "levrisk: error: cannot write results to '" + (out / "x.h5").string() +
                         "': cannot create a file in '" + out.string() +
                         "': " + std::strerror(EACCES) + "\n");
  EXPECT_TRUE(fs::is_empty(out));
  EXPECT_LT(run.seconds, 20.0);
}

}  // namespace
}  // namespace levrisk
