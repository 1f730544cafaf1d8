#include "host/output/result_writer.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "host/engine/margin_ratio.hpp"
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
  double double_attribute(const std::string& object, const std::string& name) const {
    return doubles_attribute(object, name).at(0);
  }
  std::vector<double> doubles_attribute(const std::string& object, const std::string& name) const {
    const hid_t a = H5Aopen_by_name(id, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    const hid_t s = H5Aget_space(a);
    std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
    H5Aread(a, H5T_NATIVE_DOUBLE, values.data());
    H5Sclose(s);
    H5Aclose(a);
    return values;
  }
  std::vector<std::string> strings(const std::string& dataset) const {
    const hid_t d = H5Dopen2(id, dataset.c_str(), H5P_DEFAULT);
    const hid_t t = H5Dget_type(d);
    const hid_t s = H5Dget_space(d);
    std::vector<char*> texts(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)), nullptr);
    H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data());
    std::vector<std::string> values;
    for (char* text : texts) {
      values.emplace_back(text ? text : "");
      H5free_memory(text);
    }
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
    return values;
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
    set_margin_ratio_quantiles(u);
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
        "hf_min_quantile_lo", "hf_min_quantile_hi", "margin_ratio_max_quantile",
        "margin_ratio_max_quantile_lo", "margin_ratio_max_quantile_hi",
        "margin_ratio_max_quantile_bound", "margin_ratio_max_quantile_lo_bound",
        "margin_ratio_max_quantile_hi_bound"}) {
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

constexpr const char* margin_ratio_names[6] = {
    "margin_ratio_max_quantile",          "margin_ratio_max_quantile_lo",
    "margin_ratio_max_quantile_hi",       "margin_ratio_max_quantile_bound",
    "margin_ratio_max_quantile_lo_bound", "margin_ratio_max_quantile_hi_bound"};

TEST(ResultWriter, MarginRatiosBesideTheQuantilesInEveryGroup) {
  scratch_directory dir;
  write_result_file(sample_result(), dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  for (const auto& [group, rows] :
       {std::pair{"/lending_accounts", 3}, std::pair{"/perp_isolated_positions", 2},
        std::pair{"/perp_cross_accounts", 1}}) {
    for (const char* name : margin_ratio_names) {
      const std::string path = std::string(group) + "/" + name;
      ASSERT_TRUE(raw.exists(path)) << path;
      EXPECT_EQ(raw.dims(path), (std::vector<hsize_t>{static_cast<hsize_t>(rows), 4})) << path;
      const hid_t d = H5Dopen2(raw.id, path.c_str(), H5P_DEFAULT);
      const hid_t t = H5Dget_type(d);
      const bool flags = std::string(name).find("_bound") != std::string::npos;
      EXPECT_GT(H5Tequal(t, flags ? H5T_STD_U8LE : H5T_IEEE_F64LE), 0) << path;
      H5Tclose(t);
      H5Dclose(d);
    }
  }
  // Lending accounts have no margin ratio.
  for (const char* name : {"margin_ratio_max_quantile", "margin_ratio_max_quantile_lo",
                           "margin_ratio_max_quantile_hi"}) {
    for (const double value : raw.doubles(std::string("/lending_accounts/") + name)) {
      EXPECT_TRUE(std::isnan(value)) << name;
    }
  }
  // bob (isolated row 0): 1 / HF at the first level, 1.8 x 0.7, its interval turned
  // over; erin (row 1): HF 1.1 x 0.7 < 1, a margin ratio of 1.
  const std::vector<double> point =
      raw.doubles("/perp_isolated_positions/margin_ratio_max_quantile");
  const std::vector<double> lo =
      raw.doubles("/perp_isolated_positions/margin_ratio_max_quantile_lo");
  const std::vector<double> hi =
      raw.doubles("/perp_isolated_positions/margin_ratio_max_quantile_hi");
  ASSERT_EQ(point.size(), 8u);
  EXPECT_EQ(point[0], 1.0 / (1.8 * 0.7));
  EXPECT_EQ(lo[0], 1.0 / (1.8 * 0.7 + 0.01));
  EXPECT_EQ(hi[0], 1.0 / (1.8 * 0.7 - 0.01));
  EXPECT_EQ(point[4], 1.0);
  EXPECT_EQ(raw.doubles("/perp_cross_accounts/margin_ratio_max_quantile"),
            std::vector<double>(4, 1.0));  // carol: HF 1.05 x 0.85 at most
}

TEST(ResultWriter, RoundTripKeepsMarginRatioBounds) {
  scratch_directory dir;
  run_result written = sample_result();
  unit_result& bob = written.units[1];
  bob.hf_min_quantile_bound[0] = 1;
  bob.hf_min_quantile_lo_bound[0] = 1;
  set_margin_ratio_quantiles(bob);
  ASSERT_EQ(bob.margin_ratio_max_quantile_bound[0], 1);
  ASSERT_EQ(bob.margin_ratio_max_quantile_hi_bound[0], 1);  // from the HF's lower end
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
  const raw_file raw(dir / "run.h5");
  EXPECT_EQ(raw.doubles("/perp_isolated_positions/margin_ratio_max_quantile_bound"),
            (std::vector<double>{1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(raw.doubles("/perp_isolated_positions/margin_ratio_max_quantile_lo_bound"),
            std::vector<double>(8, 0.0));
  EXPECT_EQ(raw.doubles("/perp_isolated_positions/margin_ratio_max_quantile_hi_bound"),
            (std::vector<double>{1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(ResultWriter, UnitWithoutMarginRatiosIsWrittenAsNan) {
  scratch_directory dir;
  run_result result = sample_result();
  unit_result& bob = result.units[1];
  for (auto* values : {&bob.margin_ratio_max_quantile, &bob.margin_ratio_max_quantile_lo,
                       &bob.margin_ratio_max_quantile_hi}) {
    values->clear();
  }
  bob.margin_ratio_max_quantile_bound.clear();
  write_result_file(result, dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  const std::vector<double> point =
      raw.doubles("/perp_isolated_positions/margin_ratio_max_quantile");
  ASSERT_EQ(point.size(), 8u);
  for (std::size_t l = 0; l < 4; ++l) EXPECT_TRUE(std::isnan(point[l])) << l;
  EXPECT_EQ(point[4], 1.0);  // erin's row is untouched
  EXPECT_EQ(raw.doubles("/perp_isolated_positions/margin_ratio_max_quantile_bound"),
            std::vector<double>(8, 0.0));
}

TEST(ResultWriter, MismatchedMarginRatioCountIsAnError) {
  scratch_directory dir;
  run_result bad = sample_result();
  bad.units[4].margin_ratio_max_quantile_hi.pop_back();
  const std::string message =
      message_of<runtime_failure>([&] { write_result_file(bad, dir / "run.h5"); });
  EXPECT_EQ(message, "cannot write results to '" + (dir / "run.h5").string() +
                         "': unit 'erin/ETH-PERP' has 3 margin_ratio_max values or flags, "
                         "expected 4 (one per hf_min level) or none");
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

// --- liquidation execution: the unit columns and /system ---

std::string write_error(const run_result& result, const fs::path& path) {
  return message_of<runtime_failure>([&] { write_result_file(result, path); });
}

std::uint64_t bits_of(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

TEST(ResultWriter, RoundTripKeepsExecutionAndSystemBitForBit) {
  scratch_directory dir;
  run_result written = test::executed_result();
  // A NaN with a payload and a negative zero: the file holds the bits, not just the values.
  written.units[4].execution.calls_per_executed_path = std::nan("42");
  written.system.totals[2].tail[1].es_se = -0.0;
  write_result_file(written, dir / "run.h5");
  const run_result read = read_result_file(dir / "run.h5");
  expect_same_result(written, read);
  EXPECT_EQ(bits_of(read.units[4].execution.calls_per_executed_path), bits_of(std::nan("42")));
  EXPECT_EQ(bits_of(read.system.totals[2].tail[1].es_se), bits_of(-0.0));
  // NaN survives: a unit driven by several prices, a tail of one path.
  EXPECT_TRUE(std::isnan(read.units[2].execution.liquidation_price));
  EXPECT_TRUE(std::isnan(read.system.totals[0].tail[2].es_se));
  // Histograms of 4 and 1 bins come back with their own sizes, not the padded width.
  EXPECT_EQ(read.system.totals[0].histogram.counts.size(), 4u);
  EXPECT_EQ(read.system.totals[1].histogram.edges, (std::vector<double>{0.0, 0.0}));
  EXPECT_EQ(read.system.totals[1].histogram.counts, std::vector<std::int64_t>{5});
}

TEST(ResultWriter, RoundTripOfExecutionWithoutPathTotals) {
  scratch_directory dir;
  run_result written = test::executed_result();
  written.system.path_totals.clear();
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
  EXPECT_FALSE(raw_file(dir / "run.h5").exists("/system/path_totals"));
}

TEST(ResultWriter, RoundTripOfEmptyHistogramsAndNoAssets) {
  scratch_directory dir;
  run_result written = test::executed_result();
  written.assets.clear();
  written.correlation.clear();
  written.system.asset_sold.clear();
  written.system.asset_bought.clear();
  for (loss_distribution& d : written.system.totals) d.histogram = loss_histogram{};
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
}

TEST(ResultWriter, ExecutionLayoutMatchesTheDocumentation) {
  scratch_directory dir;
  const run_result written = test::executed_result();
  write_result_file(written, dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  // Unit columns: alice, dave, frank (units 0, 3, 5) in /lending_accounts.
  EXPECT_EQ(raw.dims("/lending_accounts/bad_debt_usd"), std::vector<hsize_t>{3});
  EXPECT_EQ(raw.doubles("/lending_accounts/bad_debt_usd"),
            (std::vector<double>{0.0, 12.5 * 4, 12.5 * 6}));
  EXPECT_EQ(raw.doubles("/perp_cross_accounts/executed_paths"), std::vector<double>{2000});
  for (const char* name : {"collateral_usd",
                           "debt_usd",
                           "notional_usd",
                           "equity_usd",
                           "liquidation_price",
                           "liquidated_usd",
                           "liquidated_usd_se",
                           "owner_loss_usd",
                           "owner_loss_usd_se",
                           "bad_debt_usd",
                           "bad_debt_usd_se",
                           "bad_debt_paths",
                           "bad_debt_probability",
                           "bad_debt_probability_lo",
                           "bad_debt_probability_hi",
                           "executed_paths",
                           "calls_per_executed_path",
                           "calls_exhausted_paths",
                           "pending_paths",
                           "es_contribution_usd",
                           "es_contribution_usd_se"}) {
    EXPECT_TRUE(raw.exists(std::string("/perp_isolated_positions/") + name)) << name;
  }
  // /system attributes.
  EXPECT_EQ(raw.double_attribute("/system", "lending_reserve_usd"), 5'000'000.0);
  EXPECT_EQ(raw.double_attribute("/system", "insurance_fund_usd"), 20'000'000.0);
  EXPECT_EQ(raw.integer_attribute("/system", "keeper_delay_steps"), 2);
  EXPECT_EQ(raw.double_attribute("/system", "impact_exponent"), 0.5);
  EXPECT_EQ(raw.doubles_attribute("/system", "levels"), (std::vector<double>{0.95, 0.99, 0.999}));
  EXPECT_EQ(raw.integer_attribute("/system", "paths"), test::system_paths);
  // Totals: [total], [total][level], histograms padded to the widest (4 bins).
  EXPECT_EQ(raw.strings("/system/total_names"), written.system.total_names);
  EXPECT_EQ(raw.dims("/system/mean"), std::vector<hsize_t>{6});
  EXPECT_EQ(raw.dims("/system/probability_positive_hi"), std::vector<hsize_t>{6});
  for (const char* name : {"var", "var_lo", "var_hi", "es", "es_se", "tail_paths"}) {
    EXPECT_EQ(raw.dims(std::string("/system/") + name), (std::vector<hsize_t>{6, 3})) << name;
  }
  EXPECT_EQ(raw.doubles("/system/histogram_bins"), (std::vector<double>{4, 1, 4, 4, 4, 4}));
  EXPECT_EQ(raw.dims("/system/histogram_edges"), (std::vector<hsize_t>{6, 5}));
  EXPECT_EQ(raw.dims("/system/histogram_counts"), (std::vector<hsize_t>{6, 4}));
  const std::vector<double> edges = raw.doubles("/system/histogram_edges");
  // lending_shortfall_usd (row 1): one bin {0, 0}, then NaN; its counts padded with 0.
  EXPECT_EQ(edges[5], 0.0);
  EXPECT_EQ(edges[6], 0.0);
  EXPECT_TRUE(std::isnan(edges[7]) && std::isnan(edges[8]) && std::isnan(edges[9]));
  const std::vector<double> counts = raw.doubles("/system/histogram_counts");
  EXPECT_EQ(std::vector<double>(counts.begin() + 4, counts.begin() + 8),
            (std::vector<double>{5, 0, 0, 0}));
  // path_totals [paths][totals], compressed like the other numeric datasets.
  EXPECT_EQ(raw.dims("/system/path_totals"), (std::vector<hsize_t>{5, 6}));
  EXPECT_EQ(raw.doubles("/system/path_totals"), written.system.path_totals);
  EXPECT_EQ(raw.filters("/system/path_totals"), 2);
  // /system/assets: id and the sold_ / bought_ columns [asset] and [asset][level].
  EXPECT_EQ(raw.strings("/system/assets/id"), (std::vector<std::string>{"BTC", "ETH", "SOL"}));
  EXPECT_EQ(raw.dims("/system/assets/sold_mean"), std::vector<hsize_t>{3});
  EXPECT_EQ(raw.dims("/system/assets/sold_var"), (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(raw.dims("/system/assets/bought_es_se"), (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(raw.doubles("/system/assets/bought_histogram_bins"), (std::vector<double>{4, 1, 4}));
  EXPECT_EQ(raw.dims("/system/assets/bought_histogram_edges"), (std::vector<hsize_t>{3, 5}));
}

TEST(ResultWriter, RunWithoutExecutionHasNoSystemNorExecutionColumns) {
  scratch_directory dir;
  write_result_file(sample_result(), dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  EXPECT_FALSE(raw.exists("/system"));
  EXPECT_FALSE(raw.exists("/lending_accounts/bad_debt_usd"));
  EXPECT_FALSE(raw.exists("/perp_cross_accounts/collateral_usd"));
}

TEST(ResultWriter, ReportsTheSystemStageWhenExecuted) {
  scratch_directory dir;
  std::vector<std::string> stages;
  write_result_file(test::executed_result(), dir / "run.h5",
                    [&](const std::string& stage) { stages.push_back(stage); });
  EXPECT_EQ(stages, (std::vector<std::string>{"run", "assets", "lending_accounts",
                                              "perp_isolated_positions", "perp_cross_accounts",
                                              "system", "closed"}));
}

TEST(ResultWriter, FailureAfterTheSystemGroupKeepsTheEarlierFile) {
  scratch_directory dir;
  const fs::path target = dir / "run.h5";
  const run_result old_result = sample_result();
  write_result_file(old_result, target);
  const auto fail_after_system = [](const std::string& stage) {
    if (stage == "system") throw std::runtime_error("disk full (simulated)");
  };
  EXPECT_THROW(write_result_file(test::executed_result(), target, fail_after_system),
               std::runtime_error);
  expect_same_result(old_result, read_result_file(target));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST(ResultWriter, TotalNamesNotMatchingTheTotalsIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.total_names.pop_back();
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the system result has 5 total names for 6 totals");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(ResultWriter, AssetDistributionsNotOnePerAssetIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.asset_bought.pop_back();
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the system result has 3 sold and 2 bought distributions, expected 3 of "
                "each (one per asset)");
}

TEST(ResultWriter, DistributionsOverDifferentPathsIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.asset_sold[1].paths = 4;
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the distribution of USD sold of 'ETH' is over 4 paths, that of "
                "'lending_bad_debt_usd' over 5; all must share one number of paths");
}

TEST(ResultWriter, DistributionsAtDifferentTailLevelsIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.totals[2].tail.pop_back();
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the distribution of 'perp_loss_usd' has tail levels differing from those "
                "of 'lending_bad_debt_usd'; all must share the tail levels");
}

TEST(ResultWriter, HistogramEdgesNotOneMoreThanBinsIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.totals[5].histogram.edges.pop_back();
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the histogram of 'liquidated_usd' has 4 edges for 4 bins, expected bins + 1 "
                "edges (or none)");
}

TEST(ResultWriter, PathTotalsOfTheWrongSizeIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.path_totals.pop_back();
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the system result keeps 29 per-path totals, expected none or 30 (5 paths x 6 "
                "totals)");
}

// --- venues (/system/venues and the units' venue column) ---

TEST(ResultWriter, RoundTripKeepsTheVenuesAndEachUnitsVenue) {
  scratch_directory dir;
  run_result written = test::venues_run_result();
  // Ids may hold '/' and '.': the subgroups are named by index, not by id.
  written.system.venues[1].id = "spark/v1.2";
  written.units[3].venue = "spark/v1.2";
  write_result_file(written, dir / "run.h5");
  const run_result read = read_result_file(dir / "run.h5");
  expect_same_result(written, read);
  ASSERT_EQ(read.system.venues.size(), 3u);
  EXPECT_EQ(read.system.venues[1].id, "spark/v1.2");
  EXPECT_EQ(read.units[3].venue, "spark/v1.2");
}

TEST(ResultWriter, VenuesLayoutMatchesTheDocumentation) {
  scratch_directory dir;
  const run_result written = test::venues_run_result();
  write_result_file(written, dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  // The units' venue beside their id: alice, dave, frank; bob, erin; carol.
  EXPECT_EQ(raw.strings("/lending_accounts/venue"),
            (std::vector<std::string>{"aave-v3", "spark", "aave-v3"}));
  EXPECT_EQ(raw.strings("/perp_isolated_positions/venue"),
            (std::vector<std::string>{"hyperliquid", "hyperliquid"}));
  EXPECT_EQ(raw.strings("/perp_cross_accounts/venue"), std::vector<std::string>{"hyperliquid"});
  // /system/venues: the ids in order, one subgroup per venue named by its index.
  EXPECT_EQ(raw.strings("/system/venues/id"),
            (std::vector<std::string>{"aave-v3", "spark", "hyperliquid"}));
  EXPECT_EQ(raw.string_attribute("/system/venues/1", "id"), "spark");
  EXPECT_EQ(raw.string_attribute("/system/venues/1", "kind"), "lending");
  EXPECT_EQ(raw.double_attribute("/system/venues/1", "fund_usd"), 1'000'000.0);
  EXPECT_EQ(raw.string_attribute("/system/venues/2", "kind"), "perp");
  EXPECT_EQ(raw.double_attribute("/system/venues/2", "fund_usd"), 20'000'000.0);
  // Each subgroup holds its totals as /system holds the system's.
  const std::string venue = "/system/venues/2";
  EXPECT_EQ(raw.doubles_attribute(venue, "levels"), (std::vector<double>{0.95, 0.99, 0.999}));
  EXPECT_EQ(raw.integer_attribute(venue, "paths"), test::system_paths);
  EXPECT_EQ(raw.strings(venue + "/total_names"), test::venue_total_names());
  EXPECT_EQ(raw.dims(venue + "/mean"), std::vector<hsize_t>{9});
  for (const char* name : {"var", "var_lo", "var_hi", "es", "es_se", "tail_paths"}) {
    EXPECT_EQ(raw.dims(venue + "/" + name), (std::vector<hsize_t>{9, 3})) << name;
  }
  // hyperliquid's perp_deficit_usd (row 6): make_distribution at scale 0.01.
  EXPECT_EQ(raw.doubles(venue + "/mean")[6], 1'234'567.0 * 0.01);
  // Its lending figures are 0 on every path: one bin each, padded to the widest (4).
  EXPECT_EQ(raw.doubles(venue + "/histogram_bins"),
            (std::vector<double>{4, 1, 1, 1, 4, 4, 4, 4, 4}));
  EXPECT_EQ(raw.dims(venue + "/histogram_edges"), (std::vector<hsize_t>{9, 5}));
}

TEST(ResultWriter, ResultWithoutVenuesWritesAnEmptyVenuesGroup) {
  scratch_directory dir;
  run_result written = test::executed_result();
  written.system.venues.clear();
  write_result_file(written, dir / "run.h5");
  EXPECT_TRUE(raw_file(dir / "run.h5").strings("/system/venues/id").empty());
  EXPECT_TRUE(read_result_file(dir / "run.h5").system.venues.empty());
}

TEST(ResultWriter, VenueOfAnUnknownKindIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.venues[1].kind = "dex";
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': venue 'hyperliquid' has kind 'dex', expected 'lending' or 'perp'");
}

TEST(ResultWriter, VenueNamesNotMatchingItsTotalsIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.venues[0].totals.pop_back();
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': venue 'aave-v3' has 9 total names for 8 totals");
}

TEST(ResultWriter, VenueDistributionOverOtherPathsIsAnError) {
  scratch_directory dir;
  run_result bad = test::executed_result();
  bad.system.venues[1].totals[6].paths = 4;
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the distribution of 'perp_deficit_usd' of venue 'hyperliquid' is over 4 "
                "paths, that of 'lending_bad_debt_usd' over 5; all must share one number of "
                "paths");
}

// --- feedback (/system/feedback) ---

TEST(ResultWriter, RoundTripKeepsFeedback) {
  scratch_directory dir;
  const run_result written = test::feedback_run_result();
  write_result_file(written, dir / "run.h5");
  const run_result read = read_result_file(dir / "run.h5");
  expect_same_result(written, read);
  ASSERT_TRUE(read.system.feedback.enabled);
  EXPECT_TRUE(std::isnan(read.system.feedback.amplification_rows[1].permanent_amplification.ratio));
}

TEST(ResultWriter, RoundTripOfFeedbackWithoutAmplificationNorOracle) {
  scratch_directory dir;
  run_result written = test::feedback_run_result();
  written.system.feedback.oracle = false;
  written.system.feedback.amplification = false;
  written.system.feedback.amplification_paths = 0;
  written.system.feedback.amplification_rows.clear();
  write_result_file(written, dir / "run.h5");
  expect_same_result(written, read_result_file(dir / "run.h5"));
  EXPECT_EQ(raw_file(dir / "run.h5").dims("/system/feedback/amplification/full_mean"),
            std::vector<hsize_t>{0});
}

// The dimension scale `name` of the group at `group` is attached to `dataset`'s axis 0.
bool scale_attached(const raw_file& raw, const std::string& group, const std::string& name,
                    const std::string& dataset) {
  const hid_t scale = H5Dopen2(raw.id, (group + "/" + name).c_str(), H5P_DEFAULT);
  const hid_t data = H5Dopen2(raw.id, (group + "/" + dataset).c_str(), H5P_DEFAULT);
  const bool attached = H5DSis_scale(scale) > 0 && H5DSis_attached(data, scale, 0) > 0;
  H5Dclose(data);
  H5Dclose(scale);
  return attached;
}

TEST(ResultWriter, FeedbackLayoutMatchesTheDocumentation) {
  scratch_directory dir;
  const run_result written = test::feedback_run_result();
  write_result_file(written, dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  EXPECT_EQ(raw.integer_attribute("/system/feedback", "oracle"), 1);
  EXPECT_EQ(raw.double_attribute("/system/feedback", "permanent_impact_share"), 0.6667);
  EXPECT_EQ(raw.integer_attribute("/system/feedback", "max_cascade_rounds"), 4);
  EXPECT_EQ(raw.integer_attribute("/system/feedback", "amplification"), 1);
  EXPECT_EQ(raw.integer_attribute("/system/feedback", "amplification_paths"),
            written.system.feedback.amplification_paths);
  // Entry r: steps that took r rounds; entry 0 unused.
  EXPECT_EQ(raw.doubles("/system/feedback/rounds_histogram"),
            (std::vector<double>{0, 1380, 12, 3, 5}));
  EXPECT_EQ(raw.doubles("/system/feedback/rounds"), (std::vector<double>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(scale_attached(raw, "/system/feedback", "rounds", "rounds_histogram"));
  // The drawdown columns beside sold_ and bought_, one row per asset.
  EXPECT_EQ(raw.dims("/system/assets/drawdown_mean"), std::vector<hsize_t>{3});
  EXPECT_EQ(raw.dims("/system/assets/drawdown_var"), (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(raw.doubles("/system/assets/drawdown_histogram_bins"), (std::vector<double>{4, 1, 4}));
  EXPECT_EQ(raw.doubles("/system/assets/drawdown_mean")[2], 1'234'567.0 * 1e-7);
  // The amplification table: one row per figure, `figure` labelling the rows.
  const std::string table = "/system/feedback/amplification";
  EXPECT_EQ(raw.strings(table + "/figure"),
            (std::vector<std::string>{"book_loss_usd", "uncovered_usd"}));
  const std::vector<std::pair<const char*, std::vector<double>>> columns = {
      {"full_mean", {1.5e6, 2.0e5}},           {"full_se", {2e4, 5e3}},
      {"no_permanent_mean", {1.0e6, 0.0}},     {"no_permanent_se", {1.5e4, 0.0}},
      {"perfect_oracle_mean", {1.2e6, 1.6e5}}, {"perfect_oracle_se", {1.8e4, 4e3}},
      {"oracle_effect", {1.25, 1.25}},         {"oracle_effect_se", {0.01, 0.03}}};
  for (const auto& [name, values] : columns) {
    EXPECT_EQ(raw.doubles(table + "/" + name), values) << name;
    EXPECT_TRUE(scale_attached(raw, table, "figure", name)) << name;
  }
  const std::vector<double> ratio = raw.doubles(table + "/permanent_amplification");
  ASSERT_EQ(ratio.size(), 2u);
  EXPECT_EQ(ratio[0], 1.5);
  EXPECT_TRUE(std::isnan(ratio[1]));
  EXPECT_TRUE(raw.exists(table + "/permanent_amplification_se"));
}

TEST(ResultWriter, RunWithoutFeedbackWritesNoFeedback) {
  scratch_directory dir;
  write_result_file(test::executed_result(), dir / "run.h5");
  const raw_file raw(dir / "run.h5");
  EXPECT_FALSE(raw.exists("/system/feedback"));
  EXPECT_FALSE(raw.exists("/system/assets/drawdown_mean"));
}

TEST(ResultWriter, RoundsHistogramNotMaxRoundsPlusOneIsAnError) {
  scratch_directory dir;
  run_result bad = test::feedback_run_result();
  bad.system.feedback.rounds_histogram.pop_back();
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the feedback result has a rounds histogram of 4 entries for "
                "max_cascade_rounds 4, expected max_cascade_rounds + 1");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(ResultWriter, DrawdownsNotOnePerAssetIsAnError) {
  scratch_directory dir;
  run_result bad = test::feedback_run_result();
  bad.system.feedback.asset_drawdown.pop_back();
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the feedback result has 2 drawdown distributions, expected 3 (one per "
                "asset)");
}

TEST(ResultWriter, DrawdownOverDifferentPathsIsAnError) {
  scratch_directory dir;
  run_result bad = test::feedback_run_result();
  bad.system.feedback.asset_drawdown[2].paths = 4;
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the distribution of the drawdown of 'SOL' is over 4 paths, that of "
                "'lending_bad_debt_usd' over 5; all must share one number of paths");
}

TEST(ResultWriter, AmplificationRowsWithoutTheirPassesIsAnError) {
  scratch_directory dir;
  run_result bad = test::feedback_run_result();
  bad.system.feedback.amplification = false;
  EXPECT_EQ(write_error(bad, dir / "run.h5"),
            "cannot write results to '" + (dir / "run.h5").string() +
                "': the feedback result has 2 amplification rows but no amplification passes "
                "ran");
}

TEST(ResultWriter, SystemIsIgnoredWhenNotExecuted) {
  scratch_directory dir;
  run_result result = test::executed_result();
  result.system.executed = false;
  result.system.total_names.clear();  // inconsistent, but not written
  write_result_file(result, dir / "run.h5");
  EXPECT_FALSE(read_result_file(dir / "run.h5").system.executed);
}

// Every identifier of every file HDF5 has open in this process.
ssize_t open_hdf5_objects() {
  return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
}

TEST(ResultWriter, FailedWritesLeaveNoHdf5ObjectOpen) {
  scratch_directory dir;
  const fs::path target = dir / "run.h5";
  ASSERT_EQ(open_hdf5_objects(), 0);
  for (const std::string failing : {"run", "assets", "perp_isolated_positions", "closed"}) {
    const auto fail_at = [&](const std::string& stage) {
      if (stage == failing) throw std::runtime_error("simulated");
    };
    EXPECT_THROW(write_result_file(sample_result(), target, fail_at), std::runtime_error);
    EXPECT_EQ(open_hdf5_objects(), 0) << "after a failure at " << failing;
  }
  run_result bad = sample_result();
  bad.units[2].id = std::string("car\0ol", 6);
  EXPECT_THROW(write_result_file(bad, target), runtime_failure);
  EXPECT_EQ(open_hdf5_objects(), 0);
  EXPECT_TRUE(dir.entries().empty());
}

// A full disk, made by a file size limit (write fails with EFBIG; SIGXFSZ ignored), in a
// child process: the failure names the temporary and its errno, no HDF5 object stays
// open, and the library then shuts down cleanly (a file id left behind by a failed
// H5Fclose crashes H5close). The child reports through a pipe, which the limit spares.
TEST(ResultWriter, FullDiskIsAClearErrorAndLeavesHdf5Clean) {
  scratch_directory dir;
  const fs::path target = dir / "run.h5";
  write_result_file(sample_result(), target);
  const std::string before = test::read_text(target);
  constexpr rlim_t limit = 2048;
  ASSERT_GT(before.size(), limit) << "the limit must stop the write";

  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(report[0]);
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit file_size{limit, limit};
    ::setrlimit(RLIMIT_FSIZE, &file_size);
    std::string text =
        message_of<runtime_failure>([&] { write_result_file(sample_result(), target); });
    text += "|" + std::to_string(open_hdf5_objects());
    text += "|" + std::to_string(H5close());
    static_cast<void>(::write(report[1], text.data(), text.size()));
    ::_exit(0);
  }
  ::close(report[1]);
  std::string text;
  char buffer[512];
  for (ssize_t n; (n = ::read(report[0], buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  ::close(report[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status)) << "signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  const std::string temporary = target.string() + ".tmp." + std::to_string(child);
  EXPECT_EQ(text, "cannot write results to '" + target.string() + "': writing '" + temporary +
                      "' failed: " + std::strerror(EFBIG) + "|0|0");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
  EXPECT_EQ(test::read_text(target), before);
}

}  // namespace
}  // namespace levrisk
