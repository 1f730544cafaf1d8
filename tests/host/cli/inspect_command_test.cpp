// levrisk inspect end to end on real runs of the bundled sample: the default output
// fits the terminal, the flags' bad values are refused before the file is read,
// CSV and JSON list what --kind and --top select, and --config prints a
// configuration that runs again to the same result.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "host/cli/commands.hpp"
#include "host/output/inspect.hpp"
#include "host/output/result_reader.hpp"
#include "tests/host/cli/cli_support.hpp"

namespace levrisk {
namespace {

using namespace cli_testing;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int exit_ok = 0;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t perp_units(const run_result& result) {
  return static_cast<std::size_t>(std::count_if(
      result.units.begin(), result.units.end(),
      [](const unit_result& u) { return u.kind != risk_unit_kind::lending_account; }));
}

// One small executed run of the sample per test program, inspected by every test.
class InspectCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Unique per process: other people run the same tests on the same machine.
    run_dir = new fs::path(fs::path(::testing::TempDir()) /
                           ("levrisk_inspect_" + std::to_string(::getpid())));
    fs::remove_all(*run_dir);
    fs::create_directories(*run_dir);
    const command_result run = run_levrisk(small_run(*run_dir, "sample", 400, 8), *run_dir);
    ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(*run_dir, ignored);
    delete run_dir;
  }
  void SetUp() override { dir = fresh_test_directory(); }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir, ignored);
  }
  static fs::path sample() { return *run_dir / "sample.h5"; }
  command_result inspect(const std::string& flags) {
    return run_levrisk("inspect " + quoted(sample()) + " " + flags, dir);
  }

  static fs::path* run_dir;
  fs::path dir;
};

fs::path* InspectCommand::run_dir = nullptr;

TEST_F(InspectCommand, DefaultOutputFitsIn120Columns) {
  const command_result shown = inspect("");
  ASSERT_EQ(shown.exit_code, exit_ok) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("\nriskiest 20 of "));
  EXPECT_THAT(shown.out, HasSubstr("shortfall: USD per path"));
  for (const std::string& line : lines_of(shown.out)) {
    EXPECT_LE(display_width(line), inspect_table_width) << line;
  }
}

// The nightly configuration with the oracle and permanent impact: the cascades and the
// amplification table fit the terminal too.
TEST_F(InspectCommand, FeedbackOutputFitsIn120Columns) {
  std::string config = read_text(nightly_config);
  const std::string relative = "snapshot = \"../data/sample\"";
  ASSERT_NE(config.find(relative), std::string::npos);
  config.replace(config.find(relative), relative.size(),
                 "snapshot = \"" + sample_dir.string() + "\"");
  config += "\n[oracle]\nenabled = true\n\n[cascade]\npermanent_impact_share = 0.6667\n";
  write_text(dir / "feedback.toml", config);
  const command_result run =
      run_levrisk("run --config " + quoted(dir / "feedback.toml") + " --paths 400 --steps 8 " +
                      "--output-dir " + quoted(dir) + " --name feedback --quiet",
                  dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  const command_result shown = run_levrisk("inspect " + quoted(dir / "feedback.h5"), dir);
  ASSERT_EQ(shown.exit_code, exit_ok) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("\ncascades: oracle on, permanent impact share 0.667"));
  EXPECT_THAT(shown.out, HasSubstr("\nrounds: 1: "));
  EXPECT_THAT(shown.out, HasSubstr("\namplification: "));
  for (const std::string& line : lines_of(shown.out)) {
    EXPECT_LE(display_width(line), inspect_table_width) << line;
  }
}

TEST_F(InspectCommand, TopAllListsEveryUnitOfTheKind) {
  const run_result result = read_result_file(sample());
  const command_result shown = inspect("--top all --kind perp");
  ASSERT_EQ(shown.exit_code, exit_ok) << shown.err;
  const std::string count = std::to_string(perp_units(result));
  EXPECT_THAT(shown.out, HasSubstr("\nriskiest " + count + " of " + count + " perp units ("));
}

TEST_F(InspectCommand, TopZeroIsTheSummaryOnly) {
  const command_result shown = inspect("--top 0");
  ASSERT_EQ(shown.exit_code, exit_ok) << shown.err;
  EXPECT_THAT(shown.out, Not(HasSubstr("riskiest")));
  EXPECT_THAT(shown.out, HasSubstr("lending accounts"));
}

TEST_F(InspectCommand, NegativeTopIsRefused) {
  const command_result shown = inspect("--top -1");
  EXPECT_EQ(shown.exit_code, cli::exit_input_error);
  EXPECT_EQ(shown.err,
            "levrisk: error: --top must be an integer >= 0 (0: the summary only) or 'all', got "
            "'-1'\n");
  EXPECT_EQ(shown.out, "");
}

TEST_F(InspectCommand, UnknownKindIsRefused) {
  const command_result shown = inspect("--kind perps");
  EXPECT_EQ(shown.exit_code, cli::exit_input_error);
  EXPECT_EQ(shown.err,
            "levrisk: error: --kind must be one of lending, perp_isolated, perp_cross, perp, all; "
            "got 'perps'\n");
}

TEST_F(InspectCommand, SortByUsdWithoutExecutionIsRefused) {
  ASSERT_EQ(run_levrisk(small_run(dir, "plain", 200, 8) + " --no-liquidation", dir).exit_code,
            exit_ok);
  const fs::path file = dir / "plain.h5";
  const command_result shown = run_levrisk("inspect " + quoted(file) + " --sort usd", dir);
  EXPECT_EQ(shown.exit_code, cli::exit_input_error);
  EXPECT_EQ(shown.err, "levrisk: error: --sort usd: '" + file.string() +
                           "' has no execution results (bad debt) to sort by: the run had "
                           "[liquidation] execute = false or predates liquidation execution; "
                           "use --sort probability or --sort hf0\n");
}

TEST_F(InspectCommand, SortByUsdPutsTheLargestBadDebtFirst) {
  const run_result result = read_result_file(sample());
  const command_result shown = inspect("--sort usd --format csv --top all");
  ASSERT_EQ(shown.exit_code, exit_ok) << shown.err;
  const std::vector<std::string> lines = lines_of(shown.out);
  ASSERT_EQ(lines.size(), result.units.size() + 1);
  double previous = 1e300;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::size_t index = std::stoul(lines[i].substr(0, lines[i].find(',')));
    const double usd = usd_at_risk(result.units.at(index));
    EXPECT_LE(usd, previous) << lines[i];
    previous = usd;
  }
}

TEST_F(InspectCommand, CsvListsTheSelectedUnits) {
  const run_result result = read_result_file(sample());
  const command_result shown = inspect("--format csv --kind perp --top all");
  ASSERT_EQ(shown.exit_code, exit_ok) << shown.err;
  const std::vector<std::string> lines = lines_of(shown.out);
  ASSERT_EQ(lines.size(), perp_units(result) + 1);
  const auto fields = [](const std::string& line) {
    return std::count(line.begin(), line.end(), ',');
  };
  for (const std::string& line : lines) {
    EXPECT_EQ(line.back(), '\r') << "CRLF";
    EXPECT_EQ(fields(line), fields(lines[0])) << line;  // the sample's ids hold no comma
    EXPECT_THAT(line, Not(HasSubstr("lending_account")));
  }
  EXPECT_EQ(lines[0].rfind("unit_index,id,kind,venue,health_factor_initial,", 0), 0u) << lines[0];
}

TEST_F(InspectCommand, JsonParses) {
  const run_result result = read_result_file(sample());
  const command_result shown = inspect("--format json --top 5 --sort hf0");
  ASSERT_EQ(shown.exit_code, exit_ok) << shown.err;
  const nlohmann::json j = nlohmann::json::parse(shown.out);
  EXPECT_EQ(j["run"]["run_name"], "sample");
  EXPECT_EQ(j["counts"]["units"], result.units.size());
  ASSERT_EQ(j["units"].size(), 5u);
  double lowest = 0.0;
  for (const nlohmann::json& unit : j["units"]) {
    const double hf0 = unit["health_factor_initial"].get<double>();
    EXPECT_GE(hf0, lowest) << unit.dump();
    lowest = hf0;
    EXPECT_EQ(unit["id"], result.units.at(unit["unit_index"].get<std::size_t>()).id);
  }
}

// The printed configuration, saved in another folder, runs again: the same
// configuration, and with the same seed the same result.
TEST_F(InspectCommand, PrintedConfigurationRunsAgain) {
  const run_result first = read_result_file(sample());
  const command_result printed = inspect("--config");
  ASSERT_EQ(printed.exit_code, exit_ok) << printed.err;
  EXPECT_THAT(printed.out, HasSubstr(first.metadata.resolved_config));
  fs::create_directories(dir / "saved");
  const fs::path config = dir / "saved" / "printed.toml";
  write_text(config, printed.out);
  const fs::path again = dir / "again";
  const command_result run = run_levrisk(
      "run --config " + quoted(config) + " --paths 400 --quiet --output-dir " + quoted(again), dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  const run_result second = read_result_file(again / "sample.h5");
  // --output-dir is the one difference, made to keep the first file.
  std::string expected = first.metadata.resolved_config;
  const std::string old_dir = "output_dir = \"" + run_dir->string() + "\"";
  ASSERT_NE(expected.find(old_dir), std::string::npos) << expected;
  expected.replace(expected.find(old_dir), old_dir.size(),
                   "output_dir = \"" + again.string() + "\"");
  EXPECT_EQ(second.metadata.resolved_config, expected);
  ASSERT_EQ(second.units.size(), first.units.size());
  for (std::size_t i = 0; i < first.units.size(); ++i) {
    EXPECT_EQ(second.units[i].id, first.units[i].id);
    EXPECT_EQ(second.units[i].liquidated_paths, first.units[i].liquidated_paths)
        << first.units[i].id;
  }
}

// Without --output-dir, as printed: the run writes where the first did.
TEST_F(InspectCommand, PrintedConfigurationAsIsHasTheSameResolvedConfiguration) {
  const fs::path copy_dir = dir / "copy";
  fs::create_directories(copy_dir);
  ASSERT_EQ(run_levrisk(small_run(copy_dir, "copy", 200, 8), dir).exit_code, exit_ok);
  const run_result first = read_result_file(copy_dir / "copy.h5");
  const command_result printed =
      run_levrisk("inspect " + quoted(copy_dir / "copy.h5") + " --config", dir);
  ASSERT_EQ(printed.exit_code, exit_ok) << printed.err;
  fs::create_directories(dir / "elsewhere");
  const fs::path config = dir / "elsewhere" / "printed.toml";
  write_text(config, printed.out);
  const command_result run =
      run_levrisk("run --config " + quoted(config) + " --paths 200 --quiet", dir);
  ASSERT_EQ(run.exit_code, exit_ok) << run.err;
  EXPECT_EQ(read_result_file(copy_dir / "copy.h5").metadata.resolved_config,
            first.metadata.resolved_config);
}

}  // namespace
}  // namespace levrisk
