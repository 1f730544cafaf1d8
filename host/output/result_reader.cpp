#include "host/output/result_reader.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "host/output/execution_reader.hpp"
#include "host/output/hdf5_reader.hpp"
#include "host/output/result_format.hpp"

namespace levrisk {

namespace fs = std::filesystem;

namespace {

void check_format(const hdf5_reader& reader, hid_t file) {
  const hdf5::error_context& context = reader.context();
  if (!reader.has_attribute(file, "/", result_format::format_attribute)) {
    context.fail(std::string("not a levrisk result file (root attribute '") +
                 result_format::format_attribute + "' is missing)");
  }
  const std::string format = reader.string_attribute(file, "/", result_format::format_attribute);
  if (format != result_format::format_name) {
    context.fail(std::string("not a levrisk result file (root attribute 'format' is '") + format +
                 "', expected '" + result_format::format_name + "')");
  }
  const auto version =
      reader.scalar_attribute<std::int64_t>(file, "/", result_format::format_version_attribute);
  if (version > result_format::format_version) {
    context.fail("format_version " + std::to_string(version) +
                 " was written by a newer levrisk; this build reads format_version " +
                 std::to_string(result_format::format_version) + " and older");
  }
  if (version < 1) {
    context.fail("root attribute 'format_version' is " + std::to_string(version) +
                 ", expected a version >= 1");
  }
}

run_metadata read_run_group(const hdf5_reader& reader, hid_t file) {
  const hdf5::group_handle group = reader.open_group(file, result_format::run_group);
  const hid_t g = group.get();
  const std::string at = "/run";
  run_metadata m;
  m.engine_version = reader.string_attribute(g, at, "engine_version");
  m.git_revision = reader.string_attribute(g, at, "git_revision");
  m.run_name = reader.string_attribute(g, at, "run_name");
  m.seed = reader.scalar_attribute<std::uint64_t>(g, at, "seed");
  m.paths = reader.scalar_attribute<std::int64_t>(g, at, "paths");
  const auto steps = reader.scalar_attribute<std::int64_t>(g, at, "steps");
  if (steps < std::numeric_limits<int>::min() || steps > std::numeric_limits<int>::max()) {
    reader.context().fail("attribute 'steps' of '/run' is " + std::to_string(steps) +
                          ", outside the range of a step count");
  }
  m.steps = static_cast<int>(steps);
  m.horizon_days = reader.scalar_attribute<double>(g, at, "horizon_days");
  m.backend = reader.string_attribute(g, at, "backend");
  m.device = reader.string_attribute(g, at, "device");
  m.model = reader.string_attribute(g, at, "model");
  m.snapshot = reader.string_attribute(g, at, "snapshot");
  // Added after format_version 1 was fixed: absent from older files, read as empty.
  for (auto [name, field] : {std::pair{"snapshot_as_of", &m.snapshot_as_of},
                             std::pair{"snapshot_block", &m.snapshot_block},
                             std::pair{"snapshot_source", &m.snapshot_source},
                             std::pair{"snapshot_sha256", &m.snapshot_sha256}}) {
    if (reader.has_attribute(g, at, name)) *field = reader.string_attribute(g, at, name);
  }
  m.resolved_config = reader.string_attribute(g, at, "resolved_config");
  // Added after format_version 1 was fixed: absent from older files.
  if (reader.has_attribute(g, at, "model_fit")) {
    m.model_fit = reader.string_attribute(g, at, "model_fit");
  }
  m.created_utc = reader.string_attribute(g, at, "created_utc");
  m.wall_time_s = reader.scalar_attribute<double>(g, at, "wall_time_s");
  // Added after format_version 1 was fixed: absent from older files, read as 0.
  for (auto [name, field] : {std::pair{"batch_paths", &m.batch_paths},
                             std::pair{"memory_budget_bytes", &m.memory_budget_bytes},
                             std::pair{"planned_memory_bytes", &m.planned_memory_bytes},
                             std::pair{"peak_memory_bytes", &m.peak_memory_bytes}}) {
    if (reader.has_attribute(g, at, name))
      *field = reader.scalar_attribute<std::int64_t>(g, at, name);
  }
  return m;
}

void read_assets_group(const hdf5_reader& reader, hid_t file, run_result& result) {
  const hdf5::group_handle group = reader.open_group(file, result_format::assets_group);
  const hid_t g = group.get();
  const std::string at = "/assets";
  const std::vector<std::string> ids = reader.string_dataset(g, at, "id");
  const hsize_t n = ids.size();
  const std::string rows = "one per asset in '/assets/id'";
  const auto spot_usd = reader.numeric_dataset<double>(g, at, "spot_usd", n, 0, rows);
  const auto drift_annual = reader.numeric_dataset<double>(g, at, "drift_annual", n, 0, rows);
  const auto vol_annual = reader.numeric_dataset<double>(g, at, "vol_annual", n, 0, rows);
  result.correlation = reader.numeric_dataset<double>(g, at, "correlation", n, n, rows);
  result.assets.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    result.assets[i] = asset_result{ids[i], spot_usd[i], drift_annual[i], vol_annual[i]};
  }
}

// The group's hf_min levels: the first group's become the file's, every later group's
// must equal them.
void read_group_levels(const hdf5_reader& reader, hid_t g, const std::string& at,
                       std::vector<double>& levels, bool first_group) {
  const std::vector<double> group_levels =
      reader.double_array_attribute(g, at, result_format::levels_attribute);
  if (first_group) {
    levels = group_levels;
  } else if (group_levels != levels) {
    reader.context().fail(std::string("attribute 'levels' of '") + at +
                          "' differs from that of '/" + result_format::unit_groups[0].name +
                          "'; all unit groups must share the hf_min levels");
  }
}

// The group's `venue` column, read as its `id` column was (all rows, or the reader's
// selection: `n` ids). Added after format_version 1 was fixed: a file written before
// reads with every venue "", since which venue a unit of such a run belonged to was
// never recorded.
std::vector<std::string> read_unit_venues(const hdf5_reader& reader, hid_t g, const std::string& at,
                                          std::size_t n) {
  if (!reader.has_link(g, at, "venue")) return std::vector<std::string>(n);
  const hsize_t id_rows = reader.dataset_rows(g, at, "id");
  const hsize_t venue_rows = reader.dataset_rows(g, at, "venue");
  if (venue_rows != id_rows) {
    reader.context().fail("dataset '" + at + "/venue' has " + std::to_string(venue_rows) +
                          " rows, expected " + std::to_string(id_rows) + " (one per unit in '" +
                          at + "/id')");
  }
  return reader.string_dataset(g, at, "venue");
}

std::vector<unit_result> read_unit_group(const hdf5_reader& reader, hid_t file,
                                         const result_format::unit_group& kind_group,
                                         std::vector<double>& levels, bool first_group,
                                         bool executed, std::vector<std::int64_t>& unit_index) {
  const hdf5::group_handle group = reader.open_group(file, kind_group.name);
  const hid_t g = group.get();
  const std::string at = std::string("/") + kind_group.name;
  read_group_levels(reader, g, at, levels, first_group);

  const std::vector<std::string> ids = reader.string_dataset(g, at, "id");
  const hsize_t n = ids.size();
  const hsize_t n_levels = levels.size();
  const std::string rows = "one per unit in '" + at + "/id'";
  const std::vector<std::string> venues = read_unit_venues(reader, g, at, ids.size());
  const auto numbers = [&](const char* name) {
    return reader.numeric_dataset<double>(g, at, name, n, 0, rows);
  };
  const auto integers = [&](const char* name) {
    return reader.numeric_dataset<std::int64_t>(g, at, name, n, 0, rows);
  };
  const auto quantiles = [&](const char* name) {
    return reader.numeric_dataset<double>(g, at, name, n, n_levels, rows);
  };
  // Files from tools that do not keep run order may omit unit_index: group order then.
  unit_index =
      reader.has_link(g, at, "unit_index") ? integers("unit_index") : std::vector<std::int64_t>();
  const auto health_factor_initial = numbers("health_factor_initial");
  const auto liquidated_paths = integers("liquidated_paths");
  const auto probability = numbers("liquidation_probability");
  const auto probability_se = numbers("liquidation_probability_se");
  const auto probability_lo = numbers("liquidation_probability_lo");
  const auto probability_hi = numbers("liquidation_probability_hi");
  const auto time_days = numbers("time_to_liquidation_days");
  const auto time_se_days = numbers("time_to_liquidation_se_days");
  const auto hf_min_paths = integers("hf_min_paths");
  const auto quantile = quantiles("hf_min_quantile");
  const auto quantile_lo = quantiles("hf_min_quantile_lo");
  const auto quantile_hi = quantiles("hf_min_quantile_hi");
  // Added after format_version 1 was fixed: files written before have no bounds.
  const auto bounds = [&](const char* name) {
    return reader.has_link(g, at, name)
               ? reader.numeric_dataset<std::uint8_t>(g, at, name, n, n_levels, rows)
               : std::vector<std::uint8_t>(static_cast<std::size_t>(n * n_levels), 0);
  };
  const auto quantile_bound = bounds("hf_min_quantile_bound");
  const auto quantile_lo_bound = bounds("hf_min_quantile_lo_bound");
  const auto quantile_hi_bound = bounds("hf_min_quantile_hi_bound");
  // Likewise the margin ratios: files written before them read as NaN, with no bounds.
  const auto ratios = [&](const char* name) {
    return reader.has_link(g, at, name)
               ? quantiles(name)
               : std::vector<double>(static_cast<std::size_t>(n * n_levels),
                                     std::numeric_limits<double>::quiet_NaN());
  };
  const auto ratio = ratios("margin_ratio_max_quantile");
  const auto ratio_lo = ratios("margin_ratio_max_quantile_lo");
  const auto ratio_hi = ratios("margin_ratio_max_quantile_hi");
  const auto ratio_bound = bounds("margin_ratio_max_quantile_bound");
  const auto ratio_lo_bound = bounds("margin_ratio_max_quantile_lo_bound");
  const auto ratio_hi_bound = bounds("margin_ratio_max_quantile_hi_bound");

  std::vector<unit_result> units(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    unit_result& u = units[i];
    u.id = ids[i];
    u.venue = venues[i];
    u.kind = kind_group.kind;
    u.health_factor_initial = health_factor_initial[i];
    u.liquidated_paths = liquidated_paths[i];
    u.liquidation_probability = probability[i];
    u.liquidation_probability_se = probability_se[i];
    u.liquidation_probability_lo = probability_lo[i];
    u.liquidation_probability_hi = probability_hi[i];
    u.time_to_liquidation_days = time_days[i];
    u.time_to_liquidation_se_days = time_se_days[i];
    u.hf_min_paths = hf_min_paths[i];
    const auto row = [&](const auto& table) {
      const auto begin = table.begin() + static_cast<std::ptrdiff_t>(i * n_levels);
      using value_type = typename std::decay_t<decltype(table)>::value_type;
      return std::vector<value_type>(begin, begin + static_cast<std::ptrdiff_t>(n_levels));
    };
    u.hf_min_quantile = row(quantile);
    u.hf_min_quantile_lo = row(quantile_lo);
    u.hf_min_quantile_hi = row(quantile_hi);
    u.hf_min_quantile_bound = row(quantile_bound);
    u.hf_min_quantile_lo_bound = row(quantile_lo_bound);
    u.hf_min_quantile_hi_bound = row(quantile_hi_bound);
    u.margin_ratio_max_quantile = row(ratio);
    u.margin_ratio_max_quantile_lo = row(ratio_lo);
    u.margin_ratio_max_quantile_hi = row(ratio_hi);
    u.margin_ratio_max_quantile_bound = row(ratio_bound);
    u.margin_ratio_max_quantile_lo_bound = row(ratio_lo_bound);
    u.margin_ratio_max_quantile_hi_bound = row(ratio_hi_bound);
  }
  if (executed) read_unit_execution(reader, g, at, units);
  return units;
}

// The run position of each row of the three groups: unit_index, or group order when a
// group lacks it.
std::vector<std::vector<std::size_t>> run_positions(
    const hdf5_reader& reader, const std::vector<std::size_t>& sizes,
    const std::vector<std::vector<std::int64_t>>& indices) {
  std::size_t total = 0;
  bool all_indexed = true;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    all_indexed = all_indexed && indices[k].size() == sizes[k];
    total += sizes[k];
  }
  std::vector<std::vector<std::size_t>> positions(sizes.size());
  std::size_t next = 0;
  std::vector<bool> filled(all_indexed ? total : 0, false);
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    positions[k].resize(sizes[k]);
    for (std::size_t i = 0; i < sizes[k]; ++i) {
      if (!all_indexed) {
        positions[k][i] = next++;
        continue;
      }
      const std::int64_t position = indices[k][i];
      if (position < 0 || static_cast<std::size_t>(position) >= total ||
          filled[static_cast<std::size_t>(position)]) {
        reader.context().fail(std::string("dataset '/") + result_format::unit_groups[k].name +
                              "/unit_index' holds " + std::to_string(position) + " at row " +
                              std::to_string(i) + "; unit_index must number the " +
                              std::to_string(total) + " units 0 to " +
                              std::to_string(total == 0 ? 0 : total - 1) + " once each");
      }
      filled[static_cast<std::size_t>(position)] = true;
      positions[k][i] = static_cast<std::size_t>(position);
    }
  }
  return positions;
}

void read_units(const hdf5_reader& reader, hid_t file, bool executed, run_result& result) {
  std::vector<std::vector<unit_result>> groups;
  std::vector<std::vector<std::int64_t>> indices;
  std::vector<std::size_t> sizes;
  std::size_t total = 0;
  for (std::size_t k = 0; k < result_format::unit_groups.size(); ++k) {
    std::vector<std::int64_t> index;
    groups.push_back(read_unit_group(reader, file, result_format::unit_groups[k],
                                     result.hf_min_levels, k == 0, executed, index));
    indices.push_back(std::move(index));
    sizes.push_back(groups.back().size());
    total += sizes.back();
  }
  const std::vector<std::vector<std::size_t>> positions = run_positions(reader, sizes, indices);
  result.units.clear();
  result.units.resize(total);
  for (std::size_t k = 0; k < groups.size(); ++k) {
    for (std::size_t i = 0; i < groups[k].size(); ++i) {
      result.units[positions[k][i]] = std::move(groups[k][i]);
    }
  }
}

// What ranks the units of a group (read_result_file's `choose`).
struct ranking_columns {
  std::vector<std::int64_t> unit_index;  // empty when the group lacks it
  std::vector<double> health_factor_initial;
  std::vector<std::int64_t> liquidated_paths;
  std::vector<double> liquidation_probability;
  std::vector<double> bad_debt_usd;  // executed runs only
  std::vector<double> adl_loss_usd;  // executed runs with auto-deleveraging only
  std::vector<std::int64_t> adl_paths;
};

ranking_columns read_ranking_columns(const hdf5_reader& reader, hid_t file,
                                     const result_format::unit_group& kind_group,
                                     std::vector<double>& levels, bool first_group, bool executed) {
  const hdf5::group_handle group = reader.open_group(file, kind_group.name);
  const hid_t g = group.get();
  const std::string at = std::string("/") + kind_group.name;
  read_group_levels(reader, g, at, levels, first_group);
  const hsize_t n = reader.dataset_rows(g, at, "id");
  const std::string rows = "one per unit in '" + at + "/id'";
  const auto numbers = [&](const char* name) {
    return reader.numeric_dataset<double>(g, at, name, n, 0, rows);
  };
  const auto integers = [&](const char* name) {
    return reader.numeric_dataset<std::int64_t>(g, at, name, n, 0, rows);
  };
  ranking_columns c;
  if (reader.has_link(g, at, "unit_index")) c.unit_index = integers("unit_index");
  c.health_factor_initial = numbers("health_factor_initial");
  c.liquidated_paths = integers("liquidated_paths");
  c.liquidation_probability = numbers("liquidation_probability");
  if (executed) {
    c.bad_debt_usd = numbers("bad_debt_usd");
    if (reader.has_link(g, at, "adl_loss_usd")) {
      c.adl_loss_usd = numbers("adl_loss_usd");
      c.adl_paths = integers("adl_paths");
    }
  }
  return c;
}

void place_ranking_columns(const ranking_columns& c, risk_unit_kind kind,
                           const std::vector<std::size_t>& positions,
                           std::vector<unit_result>& units) {
  for (std::size_t i = 0; i < positions.size(); ++i) {
    unit_result& u = units[positions[i]];
    u.kind = kind;
    u.health_factor_initial = c.health_factor_initial[i];
    u.liquidated_paths = c.liquidated_paths[i];
    u.liquidation_probability = c.liquidation_probability[i];
    if (!c.bad_debt_usd.empty()) u.execution.bad_debt_usd.mean = c.bad_debt_usd[i];
    if (!c.adl_loss_usd.empty()) {
      u.execution.adl_loss_usd.mean = c.adl_loss_usd[i];
      u.execution.adl_paths = c.adl_paths[i];
    }
  }
}

// Every column of the units at the chosen run positions, over their ranking columns.
void read_chosen_units(const hdf5::error_context& context, hid_t file, bool executed,
                       const std::vector<std::vector<std::size_t>>& positions,
                       const std::vector<std::size_t>& chosen, run_result& result) {
  std::vector<bool> wanted(result.units.size(), false);
  for (const std::size_t position : chosen) {
    if (position < wanted.size()) wanted[position] = true;
  }
  for (std::size_t k = 0; k < result_format::unit_groups.size(); ++k) {
    std::vector<std::pair<hsize_t, std::size_t>> rows;  // group row, run position
    for (std::size_t i = 0; i < positions[k].size(); ++i) {
      if (wanted[positions[k][i]]) rows.emplace_back(i, positions[k][i]);
    }
    const std::size_t group_size = positions[k].size();
    if (rows.empty()) continue;
    // HDF5 reads a point selection point by point: beyond a few rows in a chunk's
    // worth, reading the whole group and keeping the rows is faster.
    const bool few = rows.size() * 64 < group_size;
    row_selection selection;
    selection.total = group_size;
    if (few) {
      for (const auto& row : rows) selection.rows.push_back(row.first);
    }
    const hdf5_reader reader(
        context, few ? std::optional<row_selection>(std::move(selection)) : std::nullopt);
    std::vector<double> levels;
    std::vector<std::int64_t> index;
    std::vector<unit_result> units =
        read_unit_group(reader, file, result_format::unit_groups[k], levels, true, executed, index);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      result.units[rows[j].second] = std::move(units[few ? j : rows[j].first]);
    }
  }
}

}  // namespace

namespace {

hdf5::file_handle open_result_file(const fs::path& path, const hdf5::error_context& context) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) context.fail("the file does not exist");
  if (!fs::is_regular_file(status)) context.fail("not a regular file");
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  context.check_status(is_hdf5, "opening the file");
  if (is_hdf5 == 0) context.fail("not an HDF5 file");
  return hdf5::file_handle(
      context.check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening the file"));
}

}  // namespace

run_metadata read_result_metadata(const fs::path& path) {
  hdf5::silence_automatic_error_printing();
  const hdf5::error_context context("cannot read results from '" + path.string() + "'",
                                    hdf5::failure_kind::input);
  const hdf5::file_handle file = open_result_file(path, context);
  const hdf5_reader reader(context);
  check_format(reader, file.get());
  return read_run_group(reader, file.get());
}

run_result read_result_file(const fs::path& path, const unit_chooser& choose) {
  hdf5::silence_automatic_error_printing();
  const hdf5::error_context context("cannot read results from '" + path.string() + "'",
                                    hdf5::failure_kind::input);
  const hdf5::file_handle file = open_result_file(path, context);
  const hdf5_reader reader(context);
  check_format(reader, file.get());
  run_result result;
  result.metadata = read_run_group(reader, file.get());
  read_assets_group(reader, file.get(), result);
  const bool executed = has_system_group(reader, file.get());
  if (executed) result.system = read_system_group(reader, file.get(), result.assets);
  std::vector<ranking_columns> columns;
  std::vector<std::vector<std::int64_t>> indices;
  std::vector<std::size_t> sizes;
  std::size_t total = 0;
  for (std::size_t k = 0; k < result_format::unit_groups.size(); ++k) {
    columns.push_back(read_ranking_columns(reader, file.get(), result_format::unit_groups[k],
                                           result.hf_min_levels, k == 0, executed));
    indices.push_back(columns.back().unit_index);
    sizes.push_back(columns.back().health_factor_initial.size());
    total += sizes.back();
  }
  const std::vector<std::vector<std::size_t>> positions = run_positions(reader, sizes, indices);
  result.units.resize(total);
  for (std::size_t k = 0; k < columns.size(); ++k) {
    place_ranking_columns(columns[k], result_format::unit_groups[k].kind, positions[k],
                          result.units);
  }
  columns.clear();
  read_chosen_units(context, file.get(), executed, positions, choose(result), result);
  return result;
}

run_result read_result_file(const fs::path& path) {
  hdf5::silence_automatic_error_printing();
  const hdf5::error_context context("cannot read results from '" + path.string() + "'",
                                    hdf5::failure_kind::input);
  const hdf5::file_handle file = open_result_file(path, context);
  const hdf5_reader reader(context);
  check_format(reader, file.get());
  run_result result;
  result.metadata = read_run_group(reader, file.get());
  read_assets_group(reader, file.get(), result);
  // Only files of runs that executed liquidations have /system and the execution
  // columns of the unit groups; older files read as a run that did not.
  const bool executed = has_system_group(reader, file.get());
  read_units(reader, file.get(), executed, result);
  if (executed) result.system = read_system_group(reader, file.get(), result.assets);
  return result;
}

}  // namespace levrisk
