#include "host/output/result_reader.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "host/output/result_writer.hpp"
#include "tests/host/output/output_fixtures.hpp"

namespace levrisk {
namespace {

namespace fs = std::filesystem;
using test::sample_result;
using test::scratch_directory;

std::string read_error(const fs::path& path) {
  try {
    read_result_file(path);
  } catch (const input_error& error) {
    return error.what();
  }
  return "(no error)";
}

std::string prefix(const fs::path& path) {
  return "cannot read results from '" + path.string() + "': ";
}

// Edits a file with the raw C API, the way another tool (or a damaged copy) would.
void edit(const fs::path& path, const std::function<void(hid_t)>& change) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  change(file);
  H5Fclose(file);
}

void write_double_dataset(hid_t file, const char* name, const std::vector<double>& values) {
  const hsize_t size = values.size();
  const hid_t space = H5Screate_simple(1, &size, nullptr);
  const hid_t dataset =
      H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(dataset);
  H5Sclose(space);
}

void write_int_dataset(hid_t file, const char* name, const std::vector<std::int64_t>& values) {
  const hsize_t size = values.size();
  const hid_t space = H5Screate_simple(1, &size, nullptr);
  const hid_t dataset =
      H5Dcreate2(file, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(dataset);
  H5Sclose(space);
}

void write_string_dataset(hid_t file, const char* name, const std::vector<std::string>& values) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  std::vector<const char*> texts;
  for (const std::string& value : values) texts.push_back(value.c_str());
  const hsize_t size = values.size();
  const hid_t space = H5Screate_simple(1, &size, nullptr);
  const hid_t dataset = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data());
  H5Dclose(dataset);
  H5Sclose(space);
  H5Tclose(type);
}

void write_fixed_string_attribute(hid_t object, const char* name, const std::string& value,
                                  H5T_str_t padding) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, value.size() + 3);
  H5Tset_strpad(type, padding);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  std::string padded = value + std::string(3, padding == H5T_STR_SPACEPAD ? ' ' : '\0');
  H5Awrite(attribute, type, padded.data());
  H5Aclose(attribute);
  H5Sclose(space);
  H5Tclose(type);
}

void write_string_attribute(hid_t object, const char* name, const std::string& value) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* text = value.c_str();
  H5Awrite(attribute, type, &text);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Tclose(type);
}

void write_int_attribute(hid_t object, const char* name, std::int64_t value) {
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute = H5Acreate2(object, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attribute, H5T_NATIVE_INT64, &value);
  H5Aclose(attribute);
  H5Sclose(space);
}

fs::path empty_hdf5_file(const scratch_directory& dir) {
  fs::path path = dir / "empty.h5";
  H5Fclose(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  return path;
}

fs::path valid_file(const scratch_directory& dir) {
  fs::path path = dir / "run.h5";
  write_result_file(sample_result(), path);
  return path;
}

TEST(ResultReader, MissingFile) {
  scratch_directory dir;
  EXPECT_EQ(read_error(dir / "none.h5"), prefix(dir / "none.h5") + "the file does not exist");
}

TEST(ResultReader, DirectoryInsteadOfAFile) {
  scratch_directory dir;
  EXPECT_EQ(read_error(dir.path()), prefix(dir.path()) + "not a regular file");
}

TEST(ResultReader, NonHdf5File) {
  scratch_directory dir;
  test::write_text(dir / "results.csv", "id,probability\nalice,0.1\n");
  EXPECT_EQ(read_error(dir / "results.csv"), prefix(dir / "results.csv") + "not an HDF5 file");
}

TEST(ResultReader, EmptyFile) {
  scratch_directory dir;
  test::write_text(dir / "run.h5", "");
  EXPECT_EQ(read_error(dir / "run.h5"), prefix(dir / "run.h5") + "not an HDF5 file");
}

TEST(ResultReader, Hdf5FileWithoutFormatAttribute) {
  scratch_directory dir;
  const fs::path path = empty_hdf5_file(dir);
  EXPECT_EQ(read_error(path),
            prefix(path) + "not a levrisk result file (root attribute 'format' is missing)");
}

TEST(ResultReader, Hdf5FileOfAnotherFormat) {
  scratch_directory dir;
  const fs::path path = empty_hdf5_file(dir);
  edit(path, [](hid_t file) { write_string_attribute(file, "format", "netcdf4"); });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "not a levrisk result file (root attribute 'format' is "
                                  "'netcdf4', expected 'levrisk-result')");
}

TEST(ResultReader, Hdf5FileWithoutRunGroup) {
  scratch_directory dir;
  const fs::path path = empty_hdf5_file(dir);
  edit(path, [](hid_t file) {
    write_string_attribute(file, "format", "levrisk-result");
    write_int_attribute(file, "format_version", 1);
  });
  EXPECT_EQ(read_error(path), prefix(path) + "group '/run' is missing");
}

TEST(ResultReader, MissingFormatVersion) {
  scratch_directory dir;
  const fs::path path = empty_hdf5_file(dir);
  edit(path, [](hid_t file) { write_string_attribute(file, "format", "levrisk-result"); });
  EXPECT_EQ(read_error(path), prefix(path) + "attribute 'format_version' of '/' is missing");
}

TEST(ResultReader, NewerFormatVersion) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Adelete(file, "format_version");
    write_int_attribute(file, "format_version", 2);
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "format_version 2 was written by a newer levrisk; this build "
                                  "reads format_version 1 and older");
}

TEST(ResultReader, MissingRunAttribute) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) { H5Adelete_by_name(file, "run", "seed", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path), prefix(path) + "attribute 'seed' of '/run' is missing");
}

// model_fit came after format_version 1: a file without it reads, as empty.
TEST(ResultReader, FileWithoutModelFitReads) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) { H5Adelete_by_name(file, "run", "model_fit", H5P_DEFAULT); });
  EXPECT_EQ(read_result_file(path).metadata.model_fit, "");
}

// The snapshot's provenance came after format_version 1: absent, it reads as empty.
TEST(ResultReader, FileWithoutSnapshotProvenanceReads) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    for (const char* name :
         {"snapshot_as_of", "snapshot_block", "snapshot_source", "snapshot_sha256"}) {
      H5Adelete_by_name(file, "run", name, H5P_DEFAULT);
    }
  });
  const run_metadata m = read_result_file(path).metadata;
  EXPECT_EQ(m.snapshot_as_of, "");
  EXPECT_EQ(m.snapshot_block, "");
  EXPECT_EQ(m.snapshot_source, "");
  EXPECT_EQ(m.snapshot_sha256, "");
}

// batch_paths and memory_budget_bytes came after format_version 1: absent, they read as 0.
TEST(ResultReader, FileWithoutBatchAttributesReads) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Adelete_by_name(file, "run", "batch_paths", H5P_DEFAULT);
    H5Adelete_by_name(file, "run", "memory_budget_bytes", H5P_DEFAULT);
  });
  const run_metadata m = read_result_file(path).metadata;
  EXPECT_EQ(m.batch_paths, 0);
  EXPECT_EQ(m.memory_budget_bytes, 0);
}

// The *_bound flags came after format_version 1: a file without them reads as no bounds.
TEST(ResultReader, FileWithoutBoundFlagsReadsAsNoBounds) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    for (const char* group :
         {"lending_accounts", "perp_isolated_positions", "perp_cross_accounts"}) {
      for (const char* name :
           {"hf_min_quantile_bound", "hf_min_quantile_lo_bound", "hf_min_quantile_hi_bound"}) {
        H5Ldelete(file, (std::string(group) + "/" + name).c_str(), H5P_DEFAULT);
      }
    }
  });
  const run_result result = read_result_file(path);
  for (const unit_result& unit : result.units) {
    EXPECT_EQ(unit.hf_min_quantile_bound, std::vector<std::uint8_t>(4, 0)) << unit.id;
    EXPECT_EQ(unit.hf_min_quantile_lo_bound, std::vector<std::uint8_t>(4, 0)) << unit.id;
    EXPECT_EQ(unit.hf_min_quantile_hi_bound, std::vector<std::uint8_t>(4, 0)) << unit.id;
  }
}

// The margin_ratio_max columns came after format_version 1: a file without them reads
// as NaN margin ratios without bounds, and everything else as before.
TEST(ResultReader, FileWithoutMarginRatiosReadsAsNan) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    for (const char* group :
         {"lending_accounts", "perp_isolated_positions", "perp_cross_accounts"}) {
      for (const char* name :
           {"margin_ratio_max_quantile", "margin_ratio_max_quantile_lo",
            "margin_ratio_max_quantile_hi", "margin_ratio_max_quantile_bound",
            "margin_ratio_max_quantile_lo_bound", "margin_ratio_max_quantile_hi_bound"}) {
        H5Ldelete(file, (std::string(group) + "/" + name).c_str(), H5P_DEFAULT);
      }
    }
  });
  const run_result result = read_result_file(path);
  const run_result written = sample_result();
  ASSERT_EQ(result.units.size(), written.units.size());
  for (std::size_t i = 0; i < result.units.size(); ++i) {
    const unit_result& unit = result.units[i];
    for (const auto* values : {&unit.margin_ratio_max_quantile, &unit.margin_ratio_max_quantile_lo,
                               &unit.margin_ratio_max_quantile_hi}) {
      ASSERT_EQ(values->size(), 4u) << unit.id;
      for (const double value : *values) EXPECT_TRUE(std::isnan(value)) << unit.id;
    }
    EXPECT_EQ(unit.margin_ratio_max_quantile_bound, std::vector<std::uint8_t>(4, 0)) << unit.id;
    EXPECT_EQ(unit.margin_ratio_max_quantile_lo_bound, std::vector<std::uint8_t>(4, 0)) << unit.id;
    EXPECT_EQ(unit.margin_ratio_max_quantile_hi_bound, std::vector<std::uint8_t>(4, 0)) << unit.id;
    EXPECT_EQ(unit.hf_min_quantile, written.units[i].hf_min_quantile) << unit.id;
  }
}

TEST(ResultReader, MarginRatiosOfTheWrongRank) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "perp_cross_accounts/margin_ratio_max_quantile", H5P_DEFAULT);
    write_double_dataset(file, "perp_cross_accounts/margin_ratio_max_quantile", {1, 1, 1, 1});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/perp_cross_accounts/margin_ratio_max_quantile' must "
                                  "have rank 2, but has rank 1");
}

TEST(ResultReader, BoundFlagsOfTheWrongRank) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "lending_accounts/hf_min_quantile_bound", H5P_DEFAULT);
    write_int_dataset(file, "lending_accounts/hf_min_quantile_bound", {0, 0, 1});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/lending_accounts/hf_min_quantile_bound' must have "
                                  "rank 2, but has rank 1");
}

TEST(ResultReader, RunAttributeOfTheWrongType) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    const hid_t run = H5Gopen2(file, "run", H5P_DEFAULT);
    H5Adelete(run, "paths");
    write_string_attribute(run, "paths", "a million");
    H5Gclose(run);
  });
  EXPECT_EQ(read_error(path), prefix(path) + "attribute 'paths' of '/run' must be an integer");
}

TEST(ResultReader, StringAttributeOfTheWrongType) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    const hid_t run = H5Gopen2(file, "run", H5P_DEFAULT);
    H5Adelete(run, "model");
    write_int_attribute(run, "model", 3);
    H5Gclose(run);
  });
  EXPECT_EQ(read_error(path), prefix(path) + "attribute 'model' of '/run' must be a string");
}

TEST(ResultReader, MissingAssetsGroup) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "assets", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path), prefix(path) + "group '/assets' is missing");
}

TEST(ResultReader, MissingDataset) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "assets/spot_usd", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path), prefix(path) + "dataset '/assets/spot_usd' is missing");
}

TEST(ResultReader, MissingUnitGroup) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "perp_cross_accounts", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path), prefix(path) + "group '/perp_cross_accounts' is missing");
}

TEST(ResultReader, ColumnOfTheWrongLength) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "lending_accounts/liquidation_probability_se", H5P_DEFAULT);
    write_double_dataset(file, "lending_accounts/liquidation_probability_se", {0.1, 0.2});
  });
  EXPECT_EQ(read_error(path),
            prefix(path) +
                "dataset '/lending_accounts/liquidation_probability_se' has 2 rows, expected 3 "
                "(one per unit in '/lending_accounts/id')");
}

TEST(ResultReader, IntegerColumnHoldingNumbers) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "lending_accounts/liquidated_paths", H5P_DEFAULT);
    write_double_dataset(file, "lending_accounts/liquidated_paths", {1, 2, 3});
  });
  EXPECT_EQ(read_error(path),
            prefix(path) + "dataset '/lending_accounts/liquidated_paths' must be an integer");
}

TEST(ResultReader, QuantilesOfTheWrongRank) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "perp_cross_accounts/hf_min_quantile", H5P_DEFAULT);
    write_double_dataset(file, "perp_cross_accounts/hf_min_quantile", {1, 2, 3, 4});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/perp_cross_accounts/hf_min_quantile' must have rank "
                                  "2, but has rank 1");
}

TEST(ResultReader, LevelsDifferingBetweenGroups) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Adelete_by_name(file, "perp_isolated_positions", "levels", H5P_DEFAULT);
    const hid_t group = H5Gopen2(file, "perp_isolated_positions", H5P_DEFAULT);
    const hsize_t size = 4;
    const double levels[4] = {0.001, 0.01, 0.05, 0.25};
    const hid_t space = H5Screate_simple(1, &size, nullptr);
    const hid_t attribute =
        H5Acreate2(group, "levels", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attribute, H5T_NATIVE_DOUBLE, levels);
    H5Aclose(attribute);
    H5Sclose(space);
    H5Gclose(group);
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "attribute 'levels' of '/perp_isolated_positions' differs from "
                                  "that of '/lending_accounts'; all unit groups must share the "
                                  "hf_min levels");
}

TEST(ResultReader, DuplicateUnitIndex) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "perp_cross_accounts/unit_index", H5P_DEFAULT);
    write_int_dataset(file, "perp_cross_accounts/unit_index", {0});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/perp_cross_accounts/unit_index' holds 0 at row 0; "
                                  "unit_index must number the 6 units 0 to 5 once each");
}

TEST(ResultReader, WithoutUnitIndexUnitsComeInGroupOrder) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    for (const char* group :
         {"lending_accounts", "perp_isolated_positions", "perp_cross_accounts"}) {
      H5Ldelete(file, (std::string(group) + "/unit_index").c_str(), H5P_DEFAULT);
    }
  });
  const run_result read = read_result_file(path);
  std::vector<std::string> ids;
  for (const unit_result& u : read.units) ids.push_back(u.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"alice", "dave", "frank", "bob/BTC-PERP",
                                           "erin/ETH-PERP", "carol"}));
}

TEST(ResultReader, AcceptsFixedLengthStrings) {
  scratch_directory dir;
  const fs::path path = valid_file(dir);
  edit(path, [](hid_t file) {
    const hid_t run = H5Gopen2(file, "run", H5P_DEFAULT);
    H5Adelete(run, "run_name");
    write_fixed_string_attribute(run, "run_name", "weekly", H5T_STR_NULLPAD);
    H5Adelete(run, "model");
    write_fixed_string_attribute(run, "model", "merton", H5T_STR_SPACEPAD);
    H5Gclose(run);
  });
  const run_result read = read_result_file(path);
  EXPECT_EQ(read.metadata.run_name, "weekly");
  EXPECT_EQ(read.metadata.model, "merton");
}

// --- liquidation execution ---

fs::path executed_file(const scratch_directory& dir) {
  fs::path path = dir / "run.h5";
  write_result_file(test::executed_result(), path);
  return path;
}

TEST(ResultReader, FileOfARunWithoutExecutionReadsAsNotExecuted) {
  scratch_directory dir;
  const run_result read = read_result_file(valid_file(dir));
  EXPECT_FALSE(read.system.executed);
  EXPECT_TRUE(read.system.totals.empty());
  EXPECT_TRUE(std::isnan(read.units[0].execution.bad_debt_usd.mean));
}

// /system came after format_version 1: a file without it (older, or edited) reads as a
// run that did not execute liquidations, whatever execution columns it still has.
TEST(ResultReader, FileWithoutSystemGroupReadsAsNotExecuted) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "system", H5P_DEFAULT); });
  const run_result read = read_result_file(path);
  EXPECT_FALSE(read.system.executed);
  EXPECT_TRUE(read.system.total_names.empty());
  const unit_execution_result defaults;
  test::expect_same_execution(read.units[3].execution, defaults);
}

TEST(ResultReader, ExecutedFileMissingAnExecutionColumn) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "perp_cross_accounts/pending_paths", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path),
            prefix(path) + "dataset '/perp_cross_accounts/pending_paths' is missing");
}

// Auto-deleveraging's columns came after the execution's: a file without them
// reads with its figures undefined (NaN, no paths), every other figure as written.
TEST(ResultReader, ExecutedFileFromBeforeAutoDeleveraging) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    for (const char* group :
         {"lending_accounts", "perp_isolated_positions", "perp_cross_accounts"}) {
      for (const char* name :
           {"adl_loss_usd", "adl_loss_usd_se", "adl_notional_usd", "adl_notional_usd_se",
            "adl_paths", "adl_probability", "adl_probability_lo", "adl_probability_hi"}) {
        H5Ldelete(file, (std::string(group) + "/" + name).c_str(), H5P_DEFAULT);
      }
    }
  });
  const run_result read = read_result_file(path);
  const run_result written = test::executed_result();
  ASSERT_TRUE(read.system.executed);
  EXPECT_EQ(read.units[3].execution.adl_paths, 0);
  EXPECT_TRUE(std::isnan(read.units[3].execution.adl_loss_usd.mean));
  EXPECT_EQ(read.units[3].execution.bad_debt_paths, written.units[3].execution.bad_debt_paths);
}

TEST(ResultReader, ExecutionColumnOfTheWrongLength) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "lending_accounts/bad_debt_usd", H5P_DEFAULT);
    write_double_dataset(file, "lending_accounts/bad_debt_usd", {1, 2});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/lending_accounts/bad_debt_usd' has 2 rows, expected 3 "
                                  "(one per unit in '/lending_accounts/id')");
}

// /system/feedback came after /system: a file without it reads as a run without
// feedback, every other figure as written.
TEST(ResultReader, FileWithoutFeedbackReadsWithFeedbackDisabled) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  const run_result read = read_result_file(path);
  ASSERT_TRUE(read.system.executed);
  EXPECT_FALSE(read.system.feedback.enabled);
  EXPECT_TRUE(read.system.feedback.rounds_histogram.empty());
  EXPECT_TRUE(read.system.feedback.asset_drawdown.empty());
  EXPECT_TRUE(read.system.feedback.amplification_rows.empty());
  test::expect_same_system(read.system, test::executed_result().system);
}

// /system/venues came after /system: a file without it reads with no venues, every
// other figure as written.
TEST(ResultReader, FileWithoutVenuesReadsWithNone) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "system/venues", H5P_DEFAULT); });
  const run_result read = read_result_file(path);
  ASSERT_TRUE(read.system.executed);
  EXPECT_TRUE(read.system.venues.empty());
  run_result expected = test::executed_result();
  expected.system.venues.clear();
  test::expect_same_system(read.system, expected.system);
}

// So did the units' venue column: a file without it reads with every venue "".
TEST(ResultReader, FileWithoutUnitVenuesReadsWithEmptyVenues) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    for (const char* group :
         {"lending_accounts", "perp_isolated_positions", "perp_cross_accounts"}) {
      H5Ldelete(file, (std::string(group) + "/venue").c_str(), H5P_DEFAULT);
    }
  });
  const run_result read = read_result_file(path);
  ASSERT_EQ(read.units.size(), 6u);
  for (const unit_result& u : read.units) EXPECT_EQ(u.venue, "") << u.id;
  EXPECT_EQ(read.units[5].id, "frank");
}

TEST(ResultReader, UnitVenueColumnOfTheWrongLength) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "lending_accounts/venue", H5P_DEFAULT);
    write_string_dataset(file, "lending_accounts/venue", {"aave-v3", "aave-v3"});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/lending_accounts/venue' has 2 rows, expected 3 "
                                  "(one per unit in '/lending_accounts/id')");
}

TEST(ResultReader, VenueOfAnUnknownKind) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Adelete_by_name(file, "system/venues/1", "kind", H5P_DEFAULT);
    const hid_t venue = H5Gopen2(file, "system/venues/1", H5P_DEFAULT);
    write_string_attribute(venue, "kind", "dex");
    H5Gclose(venue);
  });
  EXPECT_EQ(read_error(path),
            prefix(path) +
                "attribute 'kind' of '/system/venues/1' is 'dex', expected 'lending' or 'perp'");
}

TEST(ResultReader, VenueIdNotTheListsEntry) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "system/venues/id", H5P_DEFAULT);
    write_string_dataset(file, "system/venues/id", {"hyperliquid", "aave-v3"});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "attribute 'id' of '/system/venues/0' is 'aave-v3', but row 0 "
                                  "of '/system/venues/id' is 'hyperliquid'");
}

TEST(ResultReader, VenueListedWithoutItsSubgroup) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "system/venues/1", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path), prefix(path) + "group '/system/venues/1' is missing");
}

TEST(ResultReader, VenueOverOtherPathsThanTheSystem) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Adelete_by_name(file, "system/venues/0", "paths", H5P_DEFAULT);
    const hid_t venue = H5Gopen2(file, "system/venues/0", H5P_DEFAULT);
    write_int_attribute(venue, "paths", 4);
    H5Gclose(venue);
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "attributes 'paths' and 'levels' of '/system/venues/0' differ "
                                  "from those of '/system'; every venue's totals are over the "
                                  "system's paths and levels");
}

TEST(ResultReader, VenueTotalsOfTheWrongLength) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "system/venues/1/mean_se", H5P_DEFAULT);
    write_double_dataset(file, "system/venues/1/mean_se", {1, 2});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/system/venues/1/mean_se' has 2 rows, expected 9 "
                                  "(one per total in '/system/venues/1/total_names')");
}

fs::path feedback_file(const scratch_directory& dir) {
  fs::path path = dir / "run.h5";
  write_result_file(test::feedback_run_result(), path);
  return path;
}

TEST(ResultReader, FeedbackWithoutTheDrawdowns) {
  scratch_directory dir;
  const fs::path path = feedback_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "system/assets/drawdown_es", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path), prefix(path) + "dataset '/system/assets/drawdown_es' is missing");
}

TEST(ResultReader, RoundsHistogramNotMaxRoundsPlusOne) {
  scratch_directory dir;
  const fs::path path = feedback_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "system/feedback/rounds_histogram", H5P_DEFAULT);
    write_int_dataset(file, "system/feedback/rounds_histogram", {0, 1, 2});
  });
  EXPECT_EQ(read_error(path),
            prefix(path) +
                "dataset '/system/feedback/rounds_histogram' has 3 rows, expected 5 (entry r: "
                "steps that took r rounds, r = 0..attribute 'max_cascade_rounds')");
}

TEST(ResultReader, FeedbackFlagNeitherZeroNorOne) {
  scratch_directory dir;
  const fs::path path = feedback_file(dir);
  edit(path, [](hid_t file) {
    H5Adelete_by_name(file, "system/feedback", "oracle", H5P_DEFAULT);
    const hid_t group = H5Gopen2(file, "system/feedback", H5P_DEFAULT);
    write_int_attribute(group, "oracle", 2);
    H5Gclose(group);
  });
  EXPECT_EQ(read_error(path),
            prefix(path) + "attribute 'oracle' of '/system/feedback' is 2, expected 0 or 1");
}

TEST(ResultReader, AmplificationPathsBeyondTheRun) {
  scratch_directory dir;
  const fs::path path = feedback_file(dir);
  const std::int64_t paths = test::system_paths;  // the system figures' paths
  edit(path, [&](hid_t file) {
    H5Adelete_by_name(file, "system/feedback", "amplification_paths", H5P_DEFAULT);
    const hid_t group = H5Gopen2(file, "system/feedback", H5P_DEFAULT);
    write_int_attribute(group, "amplification_paths", paths + 1);
    H5Gclose(group);
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "attribute 'amplification_paths' of "
                                  "'/system/feedback' is " +
                                  std::to_string(paths + 1) +
                                  ", expected a number of paths in [1, " + std::to_string(paths) +
                                  "]");
}

// A file written before the passes took a sample of paths ran them on every path.
TEST(ResultReader, AmplificationWithoutItsPathsRanOnEveryPath) {
  scratch_directory dir;
  const fs::path path = feedback_file(dir);
  edit(path, [](hid_t file) {
    H5Adelete_by_name(file, "system/feedback", "amplification_paths", H5P_DEFAULT);
  });
  const run_result read = read_result_file(path);
  EXPECT_EQ(read.system.feedback.amplification_paths, test::system_paths);
}

TEST(ResultReader, AmplificationColumnOfTheWrongLength) {
  scratch_directory dir;
  const fs::path path = feedback_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "system/feedback/amplification/oracle_effect_se", H5P_DEFAULT);
    write_double_dataset(file, "system/feedback/amplification/oracle_effect_se", {1});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/system/feedback/amplification/oracle_effect_se' has 1 "
                                  "rows, expected 2 (one per figure in "
                                  "'/system/feedback/amplification/figure')");
}

TEST(ResultReader, SystemWithoutAnAttribute) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path,
       [](hid_t file) { H5Adelete_by_name(file, "system", "insurance_fund_usd", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path),
            prefix(path) + "attribute 'insurance_fund_usd' of '/system' is missing");
}

TEST(ResultReader, SystemTotalsOfTheWrongLength) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "system/mean_se", H5P_DEFAULT);
    write_double_dataset(file, "system/mean_se", {1, 2, 3});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/system/mean_se' has 3 rows, expected 6 (one per "
                                  "total in '/system/total_names')");
}

TEST(ResultReader, NegativeHistogramBins) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "system/histogram_bins", H5P_DEFAULT);
    write_int_dataset(file, "system/histogram_bins", {4, 1, -1, 4, 4, 4});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/system/histogram_bins' holds -1 at row 2; a number "
                                  "of bins is >= 0");
}

TEST(ResultReader, HistogramNarrowerThanItsBins) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "system/histogram_bins", H5P_DEFAULT);
    write_int_dataset(file, "system/histogram_bins", {4, 1, 5, 4, 4, 4});
  });
  EXPECT_EQ(read_error(path),
            prefix(path) + "dataset '/system/histogram_edges' has 5 columns, expected 6");
}

TEST(ResultReader, PathTotalsNotOnePerPath) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Adelete_by_name(file, "system", "paths", H5P_DEFAULT);
    const hid_t system = H5Gopen2(file, "system", H5P_DEFAULT);
    write_int_attribute(system, "paths", 4);
    H5Gclose(system);
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/system/path_totals' has 5 rows, expected 4 (one per "
                                  "path: attribute 'paths' of '/system')");
}

TEST(ResultReader, SystemAssetsNotTheRunsAssets) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) {
    H5Ldelete(file, "system/assets/id", H5P_DEFAULT);
    write_string_dataset(file, "system/assets/id", {"BTC", "SOL", "ETH"});
  });
  EXPECT_EQ(read_error(path), prefix(path) +
                                  "dataset '/system/assets/id' differs from '/assets/id'; it must "
                                  "list the run's assets in the same order");
}

TEST(ResultReader, SystemWithoutAssetsGroup) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  edit(path, [](hid_t file) { H5Ldelete(file, "system/assets", H5P_DEFAULT); });
  EXPECT_EQ(read_error(path), prefix(path) + "group '/system/assets' is missing");
}

// A read that fails part-way closes every group, dataset and attribute it opened, and
// the file: nothing stays open in HDF5 for the rest of the process.
TEST(ResultReader, FailedReadsLeaveNoHdf5ObjectOpen) {
  scratch_directory dir;
  const fs::path path = executed_file(dir);
  const std::vector<std::function<void(hid_t)>> breakages = {
      [](hid_t file) { H5Ldelete(file, "assets/spot_usd", H5P_DEFAULT); },
      [](hid_t file) {
        H5Ldelete(file, "lending_accounts/liquidation_probability_se", H5P_DEFAULT);
        write_double_dataset(file, "lending_accounts/liquidation_probability_se", {0.1, 0.2});
      },
      [](hid_t file) { H5Adelete_by_name(file, "system", "insurance_fund_usd", H5P_DEFAULT); },
      [](hid_t file) { H5Ldelete(file, "lending_accounts/bad_debt_usd", H5P_DEFAULT); },
  };
  for (std::size_t i = 0; i < breakages.size(); ++i) {
    const fs::path broken = dir / ("broken" + std::to_string(i) + ".h5");
    fs::copy_file(path, broken);
    edit(broken, breakages[i]);
    EXPECT_NE(read_error(broken), "(no error)") << i;
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0) << "after breakage " << i;
  }
}

// --- a few units in full (read_result_file with a unit_chooser) ---

TEST(ResultReaderChosenUnits, RankingColumnsForAllAndEveryColumnForTheChosen) {
  const scratch_directory dir;
  // Groups of hundreds of units, so that the chosen rows are read as a point selection.
  run_result written = test::executed_result();
  for (std::size_t i = 6; i < 600; ++i) {
    const risk_unit_kind kind =
        i % 3 == 0 ? risk_unit_kind::perp_isolated : risk_unit_kind::lending_account;
    written.units.push_back(test::make_unit("u" + std::to_string(i), kind, 1.0 + 0.001 * i,
                                            static_cast<std::int64_t>(i), 1'000'000, 4));
    written.units.back().execution = test::make_execution(i);
  }
  write_result_file(written, dir / "r.h5");
  std::size_t ranked_units = 0;
  const run_result read = read_result_file(dir / "r.h5", [&](const run_result& ranked) {
    ranked_units = ranked.units.size();
    EXPECT_TRUE(ranked.system.executed);
    // Repeats and positions beyond the units are ignored.
    return std::vector<std::size_t>{5, 2, 5, 301, 599, 4000};
  });
  EXPECT_EQ(ranked_units, written.units.size());
  ASSERT_EQ(read.units.size(), written.units.size());
  test::expect_same_system(read.system, written.system);
  EXPECT_EQ(read.metadata.resolved_config, written.metadata.resolved_config);
  test::expect_same_doubles(read.hf_min_levels, written.hf_min_levels, "levels");
  for (std::size_t i = 0; i < written.units.size(); ++i) {
    const unit_result& u = read.units[i];
    const unit_result& w = written.units[i];
    SCOPED_TRACE(w.id);
    EXPECT_EQ(u.kind, w.kind);
    EXPECT_TRUE(test::same_double(u.health_factor_initial, w.health_factor_initial));
    EXPECT_EQ(u.liquidated_paths, w.liquidated_paths);
    EXPECT_EQ(u.liquidation_probability, w.liquidation_probability);
    EXPECT_EQ(u.execution.bad_debt_usd.mean, w.execution.bad_debt_usd.mean);
    EXPECT_EQ(u.execution.adl_loss_usd.mean, w.execution.adl_loss_usd.mean);
    EXPECT_EQ(u.execution.adl_paths, w.execution.adl_paths);
    const bool chosen = i == 5 || i == 2 || i == 301 || i == 599;
    EXPECT_EQ(u.id, chosen ? w.id : "");
    EXPECT_EQ(u.venue, chosen ? w.venue : "");
    EXPECT_EQ(u.hf_min_quantile.size(), chosen ? w.hf_min_quantile.size() : 0u);
    if (chosen) {
      test::expect_same_doubles(u.hf_min_quantile_lo, w.hf_min_quantile_lo, "quantile_lo");
      EXPECT_EQ(u.hf_min_quantile_bound, w.hf_min_quantile_bound);
      test::expect_same_doubles(u.margin_ratio_max_quantile, w.margin_ratio_max_quantile, "mr");
      test::expect_same_execution(u.execution, w.execution);
      EXPECT_TRUE(test::same_double(u.time_to_liquidation_days, w.time_to_liquidation_days));
    }
  }
}

TEST(ResultReaderChosenUnits, ChoosingEveryUnitReadsTheWholeResult) {
  const scratch_directory dir;
  const run_result written = test::executed_result();
  write_result_file(written, dir / "r.h5");
  const run_result read = read_result_file(dir / "r.h5", [](const run_result& ranked) {
    std::vector<std::size_t> all(ranked.units.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    return all;
  });
  test::expect_same_result(read, written);
}

TEST(ResultReaderChosenUnits, ChoosingNoneReadsTheMetadata) {
  const scratch_directory dir;
  write_result_file(test::sample_result(), dir / "r.h5");
  const run_result read =
      read_result_file(dir / "r.h5", [](const run_result&) { return std::vector<std::size_t>(); });
  EXPECT_EQ(read.metadata.run_name, "nightly");
  EXPECT_EQ(read.units.size(), 6u);
  EXPECT_FALSE(read.system.executed);
  EXPECT_EQ(read.units[0].kind, risk_unit_kind::lending_account);
  EXPECT_EQ(read.units[2].kind, risk_unit_kind::perp_cross);
}

TEST(ResultReaderMetadata, ReadsTheRunGroupAlone) {
  const scratch_directory dir;
  const run_result written = test::executed_result();
  write_result_file(written, dir / "r.h5");
  const run_metadata read = read_result_metadata(dir / "r.h5");
  EXPECT_EQ(read.run_name, written.metadata.run_name);
  EXPECT_EQ(read.seed, written.metadata.seed);
  EXPECT_EQ(read.resolved_config, written.metadata.resolved_config);
}

TEST(ResultReaderMetadata, MissingFileIsAnInputError) {
  const scratch_directory dir;
  EXPECT_THROW(read_result_metadata(dir / "absent.h5"), input_error);
}

}  // namespace
}  // namespace levrisk
