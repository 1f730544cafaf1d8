#include "host/output/result_writer.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "host/output/result_reader.hpp"
#include "tests/host/output/output_fixtures.hpp"

namespace levrisk {
namespace {

namespace fs = std::filesystem;
using test::expect_same_result;
using test::sample_result;
using test::scratch_directory;

template <typename Error, typename F>
std::string message_of(F&& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

// The value of a 1-D dataset or attribute read with the raw C API, so that the layout is
// checked against the documentation, not against our own reader.
struct raw_file {
  explicit raw_file(const fs::path& path)
      : id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~raw_file() {
    if (id >= 0) H5Fclose(id);
  }
  raw_file(const raw_file&) = delete;
  raw_file& operator=(const raw_file&) = delete;

  std::vector<hsize_t> dims(const std::string& dataset) const {
    const hid_t d = H5Dopen2(id, dataset.c_str(), H5P_DEFAULT);
    const hid_t s = H5Dget_space(d);
    std::vector<hsize_t> result(static_cast<std::size_t>(H5Sget_simple_extent_ndims(s)));
    H5Sget_simple_extent_dims(s, result.data(), nullptr);
    H5Sclose(s);
    H5Dclose(d);
    return result;
  }
  std::vector<double> doubles(const std::string& dataset) const {
    const hid_t d = H5Dopen2(id, dataset.c_str(), H5P_DEFAULT);
    const hid_t s = H5Dget_space(d);
    std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
    H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Sclose(s);
    H5Dclose(d);
    return values;
  }
  int filters(const std::string& dataset) const {
    const hid_t d = H5Dopen2(id, dataset.c_str(), H5P_DEFAULT);
    const hid_t p = H5Dget_create_plist(d);
    const int n = H5Pget_nfilters(p);
    H5Pclose(p);
    H5Dclose(d);
    return n;
  }
  std::string string_attribute(const std::string& object, const std::string& name) const {
    const hid_t a = H5Aopen_by_name(id, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    const hid_t t = H5Aget_type(a);
    char* text = nullptr;
    H5Aread(a, t, &text);
    std::string value = text ? text : "";
    H5free_memory(text);
    H5Tclose(t);
    H5Aclose(a);
    return value;
  }
  long long integer_attribute(const std::string& object, const std::string& name) const {
    const hid_t a = H5Aopen_by_name(id, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    long long value = 0;
    H5Aread(a, H5T_NATIVE_LLONG, &value);
    H5Aclose(a);
    return value;
  }
  bool exists(const std::string& object) const {
    return H5Lexists(id, object.c_str(), H5P_DEFAULT) > 0;
  }

  hid_t id;
};

TEST(ResultWriter, RoundTripKeepsEveryField) {
  scratch_directory dir;
  const run_result written = sample_result();
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
}

TEST(ResultWriter, RoundTripKeepsNanTimesOfUnitsNeverLiquidated) {
  scratch_directory dir;
  const run_result written = sample_result();
  ASSERT_TRUE(std::isnan(written.units[1].time_to_liquidation_days));
  write_result_file(written, dir / "run.h5");
  const run_result read = read_result_file(dir / "run.h5");
  EXPECT_TRUE(std::isnan(read.units[1].time_to_liquidation_days));
  EXPECT_TRUE(std::isnan(read.units[1].time_to_liquidation_se_days));
  EXPECT_TRUE(std::isinf(read.units[3].health_factor_initial));
}

TEST(ResultWriter, RoundTripKeepsRunOrderOfInterleavedKinds) {
  scratch_directory dir;
  const run_result written = sample_result();
  write_result_file(written, dir / "run.h5");
  const run_result read = read_result_file(dir / "run.h5");
  ASSERT_EQ(read.units.size(), written.units.size());
  for (std::size_t i = 0; i < written.units.size(); ++i) {
    EXPECT_EQ(read.units[i].id, written.units[i].id);
    EXPECT_EQ(read.units[i].kind, written.units[i].kind);
  }
}

TEST(ResultWriter, RoundTripWithEmptyKinds) {
  scratch_directory dir;
  run_result written = sample_result();
  std::vector<unit_result> lending_only;
  for (const unit_result& u : written.units) {
    if (u.kind == risk_unit_kind::lending_account) lending_only.push_back(u);
  }
  written.units = lending_only;
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
  const raw_file raw(dir / "run.h5");
  EXPECT_EQ(raw.dims("/perp_isolated_positions/id"), std::vector<hsize_t>{0});
  EXPECT_EQ(raw.dims("/perp_cross_accounts/hf_min_quantile"), (std::vector<hsize_t>{0, 4}));
}

TEST(ResultWriter, RoundTripOfAnEmptyResult) {
  scratch_directory dir;
  run_result written = sample_result();
  written.assets.clear();
  written.correlation.clear();
  written.hf_min_levels.clear();
  written.units.clear();
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
}

TEST(ResultWriter, RoundTripWithoutQuantileLevels) {
  scratch_directory dir;
  run_result written = sample_result();
  written.hf_min_levels.clear();
  for (unit_result& u : written.units) {
    u.hf_min_quantile.clear();
    u.hf_min_quantile_lo.clear();
    u.hf_min_quantile_hi.clear();
    u.hf_min_quantile_bound.clear();
    u.hf_min_quantile_lo_bound.clear();
    u.hf_min_quantile_hi_bound.clear();
  }
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
}

TEST(ResultWriter, RoundTripOfALongResolvedConfig) {
  scratch_directory dir;
  run_result written = sample_result();
  std::string config;
  // 200 KB: well past the 64 KiB an object header can hold.
  for (int i = 0; config.size() < 200'000; ++i) {
    config += "[accounts.a" + std::to_string(i) + "]\nstrategy = \"buffer\"\ntarget_hf = 1.5\n";
  }
  written.metadata.resolved_config = config;
  write_result_file(written, dir / "run.h5");
  EXPECT_EQ(read_result_file(dir / "run.h5").metadata.resolved_config, config);
}

TEST(ResultWriter, RoundTripOfManyUnitsAcrossChunks) {
  scratch_directory dir;
  run_result written = sample_result();
  written.units.clear();
  for (int i = 0; i < 40'000; ++i) {
    const auto kind = static_cast<risk_unit_kind>(i % 3);
    written.units.push_back(test::make_unit("u" + std::to_string(i), kind, 1.0 + i * 1e-4, i % 97,
                                            100'000, written.hf_min_levels.size()));
  }
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
}

TEST(ResultWriter, LayoutMatchesTheDocumentation) {
  scratch_directory dir;
  const run_result written = sample_result();
  write_result_file(written, dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  ASSERT_GE(raw.id, 0);
  EXPECT_EQ(raw.string_attribute("/", "format"), "levrisk-result");
  EXPECT_EQ(raw.integer_attribute("/", "format_version"), 1);
  EXPECT_EQ(raw.string_attribute("/run", "run_name"), "nightly");
  EXPECT_EQ(raw.integer_attribute("/run", "steps"), 96);
  EXPECT_EQ(raw.dims("/assets/id"), std::vector<hsize_t>{3});
  EXPECT_EQ(raw.dims("/assets/correlation"), (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(raw.doubles("/assets/vol_annual"), (std::vector<double>{0.55, 0.7, 0.9}));
  // alice, dave, frank in run order.
  EXPECT_EQ(raw.doubles("/lending_accounts/unit_index"), (std::vector<double>{0, 3, 5}));
  EXPECT_EQ(raw.dims("/lending_accounts/hf_min_quantile"), (std::vector<hsize_t>{3, 4}));
  EXPECT_EQ(raw.doubles("/perp_cross_accounts/liquidation_probability"), std::vector<double>{0.25});
  for (const char* name :
       {"id", "health_factor_initial", "liquidated_paths", "liquidation_probability",
        "liquidation_probability_se", "liquidation_probability_lo", "liquidation_probability_hi",
        "time_to_liquidation_days", "time_to_liquidation_se_days", "hf_min_paths",
        "hf_min_quantile_lo", "hf_min_quantile_hi"}) {
    EXPECT_TRUE(raw.exists(std::string("/perp_isolated_positions/") + name)) << name;
  }
}

TEST(ResultWriter, BoundFlagsAreUint8BesideTheQuantiles) {
  scratch_directory dir;
  write_result_file(sample_result(), dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  for (const char* name :
       {"hf_min_quantile_bound", "hf_min_quantile_lo_bound", "hf_min_quantile_hi_bound"}) {
    const std::string path = std::string("/lending_accounts/") + name;
    EXPECT_EQ(raw.dims(path), (std::vector<hsize_t>{3, 4})) << name;
    const hid_t d = H5Dopen2(raw.id, path.c_str(), H5P_DEFAULT);
    const hid_t t = H5Dget_type(d);
    EXPECT_GT(H5Tequal(t, H5T_STD_U8LE), 0) << name;
    H5Tclose(t);
    H5Dclose(d);
  }
  // frank (lending row 2): levels[0] and its interval's lower end are bounds.
  EXPECT_EQ(raw.doubles("/lending_accounts/hf_min_quantile_bound"),
            (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(raw.doubles("/lending_accounts/hf_min_quantile_lo_bound"),
            (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(raw.doubles("/lending_accounts/hf_min_quantile_hi_bound"),
            std::vector<double>(12, 0.0));
}

TEST(ResultWriter, UnitWithoutBoundFlagsIsWrittenAsNoBounds) {
  scratch_directory dir;
  run_result result = sample_result();
  result.units[5].hf_min_quantile_bound.clear();
  result.units[5].hf_min_quantile_lo_bound.clear();
  write_result_file(result, dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  EXPECT_EQ(raw.doubles("/lending_accounts/hf_min_quantile_bound"), std::vector<double>(12, 0.0));
}

TEST(ResultWriter, MismatchedBoundFlagCountIsAnError) {
  scratch_directory dir;
  run_result bad = sample_result();
  bad.units[4].hf_min_quantile_lo_bound.pop_back();
  const std::string message =
      message_of<runtime_failure>([&] { write_result_file(bad, dir / "run.h5"); });
  EXPECT_EQ(message, "cannot write results to '" + (dir / "run.h5").string() +
                         "': unit 'erin/ETH-PERP' has 3 hf_min bound flags, expected 4 (one per "
                         "hf_min level) or none");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(ResultWriter, CompressesNumericColumnsWithShuffleAndDeflate) {
  scratch_directory dir;
  write_result_file(sample_result(), dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  EXPECT_EQ(raw.filters("/lending_accounts/liquidation_probability"), 2);
  EXPECT_EQ(raw.filters("/assets/spot_usd"), 2);
  EXPECT_EQ(raw.filters("/lending_accounts/id"), 0);
}

TEST(ResultWriter, ReplacesAnEarlierFile) {
  scratch_directory dir;
  run_result first = sample_result();
  write_result_file(first, dir / "run.h5");
  run_result second = sample_result();
  second.metadata.run_name = "stress";
  second.units.pop_back();
  write_result_file(second, dir / "run.h5");
  expect_same_result(second, read_result_file(dir / "run.h5"));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST(ResultWriter, ReportsEveryStageInOrder) {
  scratch_directory dir;
  std::vector<std::string> stages;
  write_result_file(sample_result(), dir / "run.h5",
                    [&](const std::string& stage) { stages.push_back(stage); });
  EXPECT_EQ(stages,
            (std::vector<std::string>{"run", "assets", "lending_accounts",
                                      "perp_isolated_positions", "perp_cross_accounts", "closed"}));
}

TEST(ResultWriter, WritesToATemporaryFileUntilComplete) {
  scratch_directory dir;
  const fs::path target = dir / "run.h5";
  const run_result old_result = sample_result();
  write_result_file(old_result, target);
  run_result new_result = sample_result();
  new_result.metadata.run_name = "new";
  bool checked = false;
  write_result_file(new_result, target, [&](const std::string& stage) {
    if (stage != "assets") return;
    EXPECT_TRUE(fs::exists(temporary_result_path(target)));
    EXPECT_EQ(read_result_file(target).metadata.run_name, "nightly");
    checked = true;
  });
  EXPECT_TRUE(checked);
  EXPECT_EQ(read_result_file(target).metadata.run_name, "new");
}

TEST(ResultWriter, FailureMidwayKeepsTheEarlierFileAndRemovesTheTemporary) {
  scratch_directory dir;
  const fs::path target = dir / "run.h5";
  const run_result old_result = sample_result();
  write_result_file(old_result, target);
  run_result new_result = sample_result();
  new_result.metadata.run_name = "new";
  const auto fail_in_perps = [](const std::string& stage) {
    if (stage == "perp_isolated_positions") throw std::runtime_error("disk full (simulated)");
  };
  EXPECT_THROW(write_result_file(new_result, target, fail_in_perps), std::runtime_error);
  expect_same_result(old_result, read_result_file(target));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST(ResultWriter, FailureAfterCloseKeepsTheEarlierFileAndRemovesTheTemporary) {
  scratch_directory dir;
  const fs::path target = dir / "run.h5";
  const run_result old_result = sample_result();
  write_result_file(old_result, target);
  const auto fail_before_rename = [](const std::string& stage) {
    if (stage == "closed") throw std::runtime_error("killed (simulated)");
  };
  EXPECT_THROW(write_result_file(sample_result(), target, fail_before_rename), std::runtime_error);
  expect_same_result(old_result, read_result_file(target));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST(ResultWriter, HdfFailureMidwayKeepsTheEarlierFile) {
  scratch_directory dir;
  const fs::path target = dir / "run.h5";
  const run_result old_result = sample_result();
  write_result_file(old_result, target);
  run_result bad = sample_result();
  bad.units[2].id = std::string("car\0ol", 6);  // a perp cross account: the last group
  const std::string message = message_of<runtime_failure>([&] { write_result_file(bad, target); });
  EXPECT_EQ(message, "cannot write results to '" + target.string() +
                         "': a value of dataset '/perp_cross_accounts/id' contains a NUL "
                         "character, which HDF5 strings cannot hold");
  expect_same_result(old_result, read_result_file(target));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST(ResultWriter, DirectoryUnderARegularFileIsAClearError) {
  scratch_directory dir;
  test::write_text(dir / "afile", "not a directory");
  const fs::path target = dir / "afile" / "results.h5";
  const std::string message =
      message_of<runtime_failure>([&] { write_result_file(sample_result(), target); });
  EXPECT_EQ(message.rfind("cannot write results to '" + target.string() + "': ", 0), 0u) << message;
  EXPECT_NE(message.find("afile"), std::string::npos) << message;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"afile"});
}

TEST(CheckOutputWritable, DirectoryUnderARegularFileIsAClearError) {
  scratch_directory dir;
  test::write_text(dir / "afile", "not a directory");
  const fs::path target = dir / "afile" / "results.h5";
  const std::string message = message_of<runtime_failure>([&] { check_output_writable(target); });
  EXPECT_EQ(message, "cannot write results to '" + target.string() +
                         "': cannot create directory '" + (dir / "afile").string() +
                         "': " + std::make_error_code(std::errc::not_a_directory).message())
      << message;
}

TEST(CheckOutputWritable, NestedDirectoryUnderARegularFileIsAClearError) {
  scratch_directory dir;
  test::write_text(dir / "afile", "not a directory");
  const fs::path target = dir / "afile" / "nightly" / "results.h5";
  const std::string message = message_of<runtime_failure>([&] { check_output_writable(target); });
  EXPECT_EQ(
      message.rfind("cannot write results to '" + target.string() + "': cannot create directory '" +
                        (dir / "afile" / "nightly").string() + "': ",
                    0),
      0u)
      << message;
}

TEST(CheckOutputWritable, TargetThatIsADirectoryIsAClearError) {
  scratch_directory dir;
  fs::create_directories(dir / "run.h5");
  const std::string message =
      message_of<runtime_failure>([&] { check_output_writable(dir / "run.h5"); });
  EXPECT_EQ(message,
            "cannot write results to '" + (dir / "run.h5").string() + "': it is a directory");
}

TEST(CheckOutputWritable, CreatesMissingDirectoriesAndLeavesNoProbe) {
  scratch_directory dir;
  const fs::path target = dir / "results" / "2024-06-01" / "run.h5";
  check_output_writable(target);
  EXPECT_TRUE(fs::is_directory(dir / "results" / "2024-06-01"));
  EXPECT_TRUE(fs::is_empty(dir / "results" / "2024-06-01"));
}

TEST(CheckOutputWritable, LeavesAnExistingFileAlone) {
  scratch_directory dir;
  test::write_text(dir / "run.h5", "yesterday");
  check_output_writable(dir / "run.h5");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
  EXPECT_EQ(fs::file_size(dir / "run.h5"), 9u);
}

TEST(ResultWriter, MismatchedQuantileCountIsAnError) {
  scratch_directory dir;
  run_result bad = sample_result();
  bad.units[4].hf_min_quantile_hi.pop_back();
  const std::string message =
      message_of<runtime_failure>([&] { write_result_file(bad, dir / "run.h5"); });
  EXPECT_EQ(message, "cannot write results to '" + (dir / "run.h5").string() +
                         "': unit 'erin/ETH-PERP' has 3 hf_min quantile values, expected 4 (one "
                         "per hf_min level)");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(ResultWriter, MismatchedCorrelationSizeIsAnError) {
  scratch_directory dir;
  run_result bad = sample_result();
  bad.correlation.pop_back();
  const std::string message =
      message_of<runtime_failure>([&] { write_result_file(bad, dir / "run.h5"); });
  EXPECT_EQ(message, "cannot write results to '" + (dir / "run.h5").string() +
                         "': the correlation matrix has 8 entries, expected 9 (3 assets squared)");
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace levrisk
