// levrisk calibrate end to end on small hand-made histories: the model file is
// replaced whole or not at all, bad prices fail (or warn) naming the row, and
// --pegged assets are listed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "host/cli/commands.hpp"
#include "tests/host/cli/cli_support.hpp"

namespace levrisk {
namespace {

using namespace cli_testing;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class CalibrateCommand : public ::testing::Test {
 protected:
  void SetUp() override { dir = fresh_test_directory(); }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir, ignored);
  }

  // 150 daily BTC prices, the one of day `odd_day` replaced by `odd_price` when given.
  fs::path write_history(const std::string& odd_price = "", int odd_day = 40) {
    std::ostringstream text;
    text << "timestamp,BTC\n";
    for (int day = 0; day < 150; ++day) {
      text << 1704067200 + day * 86400 << ",";
      if (day == odd_day && !odd_price.empty()) {
        text << odd_price;
      } else {
        text << 100.0 + day % 7 + (day % 3) * 0.5;
      }
      text << "\n";
    }
    const fs::path path = dir / "history.csv";
    write_text(path, text.str());
    return path;
  }

  fs::path dir;
};

TEST_F(CalibrateCommand, OutReplacesAnEarlierModelFileWhole) {
  const fs::path model = dir / "model.toml";
  write_text(model, "# an earlier model\n");
  const command_result run =
      run_levrisk("calibrate --history " + quoted(write_history()) + " -o " + quoted(model), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(read_text(model), StartsWith("# Written by `levrisk calibrate`"));
  std::vector<std::string> names = file_names(dir);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"history.csv", "model.toml"}))
      << "a temporary was left behind";
}

// A full disk, simulated by a file-size limit (ulimit -f, with SIGXFSZ ignored so
// that the write fails with EFBIG instead of killing the process): the earlier
// model file stays byte-identical, and the error names it.
TEST_F(CalibrateCommand, AFailedWriteLeavesTheEarlierModelFile) {
  const fs::path history = write_history();
  const fs::path model = dir / "model.toml";
  const std::string earlier = "# an earlier model\n[model]\ntype = \"gbm\"\n";
  write_text(model, earlier);
  const fs::path err = dir / "stderr.txt";
  const std::string command = "sh -c \"ulimit -f 1; trap '' XFSZ; exec " + quoted(LEVRISK_BINARY) +
                              " calibrate --history " + quoted(history) + " -o " + quoted(model) +
                              " >/dev/null 2>" + quoted(err) + "\"";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), cli::exit_runtime_failure);
  const std::string message = read_text(err);
  fs::remove(err);
  // After the fit's warnings, if any.
  EXPECT_THAT(message, HasSubstr("levrisk: error: cannot write the model file '" + model.string() +
                                 "': writing '" + model.string() + ".tmp."));
  EXPECT_THAT(message, HasSubstr("File too large"));
  EXPECT_EQ(read_text(model), earlier);
  std::vector<std::string> names = file_names(dir);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"history.csv", "model.toml"}));
}

TEST_F(CalibrateCommand, AnImpossiblePriceFailsNamingTheRow) {
  const fs::path history = write_history("1e308");
  const fs::path model = dir / "model.toml";
  const command_result run =
      run_levrisk("calibrate --history " + quoted(history) + " -o " + quoted(model), dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  // Day 40 is on line 42; day 39 costs 100 + 4.
  EXPECT_THAT(run.err, StartsWith("levrisk: error: " + history.string() +
                                  ":42: asset 'BTC': price 1e+308 after 104 on line 41 is a "
                                  "log return of 704.6"));
  EXPECT_FALSE(fs::exists(model));
}

TEST_F(CalibrateCommand, AnOutlierIsAWarningOnStderr) {
  const command_result run =
      run_levrisk("calibrate --history " + quoted(write_history("1000")), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("levrisk: warning: BTC: 2 return(s) between consecutive rows"));
  EXPECT_THAT(run.err, HasSubstr("line 42 (log return 2.263 from line 41"));
  EXPECT_THAT(run.out, HasSubstr("BTC: 2 return(s)"));
}

TEST_F(CalibrateCommand, AConstantPriceNamesTheFileAndAsset) {
  std::ostringstream text;
  text << "timestamp,BTC\n";
  for (int day = 0; day < 150; ++day) text << 1704067200 + day * 86400 << ",100\n";
  const fs::path history = dir / "flat.csv";
  write_text(history, text.str());
  const command_result run = run_levrisk("calibrate --history " + quoted(history), dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_EQ(run.err, "levrisk: error: " + history.string() +
                         ": asset 'BTC' at frequency 1d: GARCH: the returns are all zero (a "
                         "constant price)\n");
}

// --pegged is written as [model] pegged; an asset both pegged and calibrated is
// refused, and no model file is written.
TEST_F(CalibrateCommand, PeggedAssetsAreWrittenAsTheList) {
  const fs::path model = dir / "model.toml";
  const command_result run = run_levrisk(
      "calibrate --history " + quoted(write_history()) + " --pegged USDC,DAI -o " + quoted(model),
      dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(read_text(model), HasSubstr("\npegged = [\"USDC\", \"DAI\"]"));
}

TEST_F(CalibrateCommand, AnAssetBothPeggedAndCalibratedIsRefused) {
  const fs::path model = dir / "model.toml";
  const command_result run = run_levrisk(
      "calibrate --history " + quoted(write_history()) + " --pegged BTC -o " + quoted(model), dir);
  EXPECT_EQ(run.exit_code, cli::exit_input_error);
  EXPECT_EQ(run.err,
            "levrisk: error: --pegged: 'BTC' has a price history and is calibrated: an asset is "
            "either pegged or calibrated (name the others in --assets)\n");
  EXPECT_FALSE(fs::exists(model));
}

}  // namespace
}  // namespace levrisk
