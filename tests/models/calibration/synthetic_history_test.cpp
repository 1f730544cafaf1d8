#include "models/calibration/synthetic_history.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "tests/models/calibration/test_files.hpp"

namespace levrisk::calibration {
namespace {

const std::string committed = LEVRISK_SOURCE_DIR "/data/history/synthetic_hourly.csv";
const std::string committed_sample = LEVRISK_SOURCE_DIR "/data/history/sample_assets_hourly.csv";

std::vector<std::string> ids(const synthetic_history_options& o) {
  std::vector<std::string> out;
  for (const synthetic_asset& a : o.assets) out.push_back(a.id);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The committed file is exactly what the generator writes.
void expect_generator_output(const std::string& committed_path,
                             const synthetic_history_options& o) {
  const std::string path = testing::write_test_file("generated.csv", "");
  write_wide_csv(path, simulate_history(o), ids(o));
  const std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty());
  EXPECT_TRUE(read_file(committed_path) == expected)
      << committed_path << " differs from the generator; regenerate it (DISABLED_WriteHourly)";
}

// Regenerates data/history/synthetic_hourly.csv and sample_assets_hourly.csv:
//   test_models_calibration --gtest_also_run_disabled_tests
//                           --gtest_filter=SyntheticHistory.DISABLED_WriteHourly
TEST(SyntheticHistory, DISABLED_WriteHourly) {
  const synthetic_history_options o = synthetic_hourly_options();
  write_wide_csv(committed, simulate_history(o), ids(o));
  const synthetic_history_options sample = sample_assets_hourly_options();
  write_wide_csv(committed_sample, simulate_history(sample), ids(sample));
}

TEST(SyntheticHistory, CommittedFileIsTheGeneratorOutput) {
  expect_generator_output(committed, synthetic_hourly_options());
}

TEST(SyntheticHistory, CommittedSampleAssetsFileIsTheGeneratorOutput) {
  expect_generator_output(committed_sample, sample_assets_hourly_options());
}

TEST(SyntheticHistory, InnovationsAreStandardizedStudentT) {
  synthetic_history_options o;
  synthetic_asset a;
  a.id = "X";
  a.omega = 1.0;
  o.assets = {a};
  o.nu = 5.0;
  o.periods = 200000;
  o.seed = 3;
  const synthetic_history h = simulate_history(o);
  double m2 = 0, m4 = 0;
  for (const double z : h.innovation[0]) {
    m2 += z * z;
    m4 += z * z * z * z;
  }
  m2 /= o.periods;
  m4 /= o.periods;
  // Var 1 (SE sqrt((kurtosis - 1) / n) = sqrt(8 / 2e5) = 0.0063).
  EXPECT_NEAR(m2, 1.0, 3 * 0.0063);
  // Kurtosis of t_5 is 9; its sample estimate converges slowly (infinite 8th
  // moment), so only heavy tails are checked.
  EXPECT_GT(m4, 5.0);
}

TEST(SyntheticHistory, IsDeterministicForASeed) {
  synthetic_history_options o = synthetic_hourly_options();
  o.periods = 100;
  const synthetic_history a = simulate_history(o);
  const synthetic_history b = simulate_history(o);
  EXPECT_EQ(a.log_return, b.log_return);
}

}  // namespace
}  // namespace levrisk::calibration
