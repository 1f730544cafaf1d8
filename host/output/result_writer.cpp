#include "host/output/result_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "common/error.hpp"
#include "host/output/dimension_scales.hpp"
#include "host/output/execution_writer.hpp"
#include "host/output/hdf5_writer.hpp"
#include "host/output/result_format.hpp"
#include "host/output/temporary_files.hpp"

namespace levrisk {

namespace fs = std::filesystem;

namespace {

std::string write_prefix(const fs::path& path) {
  return "cannot write results to '" + path.string() + "'";
}

[[noreturn]] void fail_write(const fs::path& path, const std::string& reason) {
  LEVRISK_FAIL(runtime_failure, write_prefix(path) << ": " << reason);
}

fs::path directory_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

void validate_shapes(const run_result& result, const fs::path& path) {
  const std::size_t n_assets = result.assets.size();
  if (result.correlation.size() != n_assets * n_assets) {
    fail_write(path, "the correlation matrix has " + std::to_string(result.correlation.size()) +
                         " entries, expected " + std::to_string(n_assets * n_assets) + " (" +
                         std::to_string(n_assets) + " assets squared)");
  }
  const std::size_t n_levels = result.hf_min_levels.size();
  for (const unit_result& unit : result.units) {
    const std::size_t sizes[3] = {unit.hf_min_quantile.size(), unit.hf_min_quantile_lo.size(),
                                  unit.hf_min_quantile_hi.size()};
    for (const std::size_t size : sizes) {
      if (size != n_levels) {
        fail_write(path, "unit '" + unit.id + "' has " + std::to_string(size) +
                             " hf_min quantile values, expected " + std::to_string(n_levels) +
                             " (one per hf_min level)");
      }
    }
    const std::size_t bound_sizes[3] = {unit.hf_min_quantile_bound.size(),
                                        unit.hf_min_quantile_lo_bound.size(),
                                        unit.hf_min_quantile_hi_bound.size()};
    for (const std::size_t size : bound_sizes) {
      if (size != 0 && size != n_levels) {
        fail_write(path, "unit '" + unit.id + "' has " + std::to_string(size) +
                             " hf_min bound flags, expected " + std::to_string(n_levels) +
                             " (one per hf_min level) or none");
      }
    }
    const std::size_t ratio_sizes[6] = {unit.margin_ratio_max_quantile.size(),
                                        unit.margin_ratio_max_quantile_lo.size(),
                                        unit.margin_ratio_max_quantile_hi.size(),
                                        unit.margin_ratio_max_quantile_bound.size(),
                                        unit.margin_ratio_max_quantile_lo_bound.size(),
                                        unit.margin_ratio_max_quantile_hi_bound.size()};
    for (const std::size_t size : ratio_sizes) {
      if (size != 0 && size != n_levels) {
        fail_write(path, "unit '" + unit.id + "' has " + std::to_string(size) +
                             " margin_ratio_max values or flags, expected " +
                             std::to_string(n_levels) + " (one per hf_min level) or none");
      }
    }
  }
  validate_execution_shapes(result,
                            hdf5::error_context(write_prefix(path), hdf5::failure_kind::runtime));
}

void write_run_group(const hdf5_writer& writer, hid_t file, const run_metadata& m) {
  const hdf5::group_handle group = writer.create_group(file, result_format::run_group);
  const hid_t g = group.get();
  const std::string at = "/run";
  writer.string_attribute(g, at, "engine_version", m.engine_version);
  writer.string_attribute(g, at, "git_revision", m.git_revision);
  writer.string_attribute(g, at, "run_name", m.run_name);
  writer.scalar_attribute<std::uint64_t>(g, at, "seed", m.seed);
  writer.scalar_attribute<std::int64_t>(g, at, "paths", m.paths);
  writer.scalar_attribute<std::int64_t>(g, at, "steps", m.steps);
  writer.scalar_attribute<double>(g, at, "horizon_days", m.horizon_days);
  writer.string_attribute(g, at, "backend", m.backend);
  writer.string_attribute(g, at, "device", m.device);
  writer.string_attribute(g, at, "model", m.model);
  writer.string_attribute(g, at, "snapshot", m.snapshot);
  writer.string_attribute(g, at, "snapshot_as_of", m.snapshot_as_of);
  writer.string_attribute(g, at, "snapshot_block", m.snapshot_block);
  writer.string_attribute(g, at, "snapshot_source", m.snapshot_source);
  writer.string_attribute(g, at, "snapshot_sha256", m.snapshot_sha256);
  // A variable-length string keeps its text in the global heap, so the 64 KiB limit on
  // an object header does not bound the size of the configuration.
  writer.string_attribute(g, at, "resolved_config", m.resolved_config);
  writer.string_attribute(g, at, "model_fit", m.model_fit);
  writer.string_attribute(g, at, "created_utc", m.created_utc);
  writer.scalar_attribute<double>(g, at, "wall_time_s", m.wall_time_s);
  writer.scalar_attribute<std::int64_t>(g, at, "batch_paths", m.batch_paths);
  writer.scalar_attribute<std::int64_t>(g, at, "memory_budget_bytes", m.memory_budget_bytes);
  writer.scalar_attribute<std::int64_t>(g, at, "planned_memory_bytes", m.planned_memory_bytes);
  writer.scalar_attribute<std::int64_t>(g, at, "peak_memory_bytes", m.peak_memory_bytes);
}

void write_assets_group(const hdf5_writer& writer, hid_t file, const run_result& result) {
  const hdf5::group_handle group = writer.create_group(file, result_format::assets_group);
  const hid_t g = group.get();
  const std::string at = "/assets";
  const std::size_t n = result.assets.size();
  std::vector<std::string> ids;
  std::vector<double> spot_usd, drift_annual, vol_annual;
  ids.reserve(n);
  spot_usd.reserve(n);
  drift_annual.reserve(n);
  vol_annual.reserve(n);
  for (const asset_result& asset : result.assets) {
    ids.push_back(asset.id);
    spot_usd.push_back(asset.spot_usd);
    drift_annual.push_back(asset.drift_annual);
    vol_annual.push_back(asset.vol_annual);
  }
  writer.string_dataset(g, at, "id", ids);
  writer.numeric_dataset(g, at, "spot_usd", spot_usd, n);
  writer.numeric_dataset(g, at, "drift_annual", drift_annual, n);
  writer.numeric_dataset(g, at, "vol_annual", vol_annual, n);
  writer.numeric_dataset(g, at, "correlation", result.correlation, n, n);
}

void write_unit_group(const hdf5_writer& writer, hid_t file, const run_result& result,
                      const result_format::unit_group& kind_group) {
  const hdf5::group_handle group = writer.create_group(file, kind_group.name);
  const hid_t g = group.get();
  const std::string at = std::string("/") + kind_group.name;
  writer.double_array_attribute(g, at, result_format::levels_attribute, result.hf_min_levels);

  std::vector<std::string> id, venue;
  std::vector<std::int64_t> unit_index, liquidated_paths, hf_min_paths;
  std::vector<double> health_factor_initial, probability, probability_se, probability_lo,
      probability_hi, time_days, time_se_days, quantile, quantile_lo, quantile_hi, ratio, ratio_lo,
      ratio_hi;
  std::vector<std::uint8_t> quantile_bound, quantile_lo_bound, quantile_hi_bound, ratio_bound,
      ratio_lo_bound, ratio_hi_bound;
  const std::size_t n_levels = result.hf_min_levels.size();
  // Empty flags (a result built without them) are written as "no bound".
  const auto append_flags = [n_levels](std::vector<std::uint8_t>& table,
                                       const std::vector<std::uint8_t>& flags) {
    for (std::size_t l = 0; l < n_levels; ++l) table.push_back(is_bound(flags, l) ? 1 : 0);
  };
  // Empty margin ratios (a result built without them) are written as NaN.
  const auto append_values = [n_levels](std::vector<double>& table,
                                        const std::vector<double>& values) {
    if (values.empty()) {
      table.insert(table.end(), n_levels, std::numeric_limits<double>::quiet_NaN());
    } else {
      table.insert(table.end(), values.begin(), values.end());
    }
  };
  for (std::size_t i = 0; i < result.units.size(); ++i) {
    const unit_result& u = result.units[i];
    if (u.kind != kind_group.kind) continue;
    id.push_back(u.id);
    venue.push_back(u.venue);
    unit_index.push_back(static_cast<std::int64_t>(i));
    health_factor_initial.push_back(u.health_factor_initial);
    liquidated_paths.push_back(u.liquidated_paths);
    probability.push_back(u.liquidation_probability);
    probability_se.push_back(u.liquidation_probability_se);
    probability_lo.push_back(u.liquidation_probability_lo);
    probability_hi.push_back(u.liquidation_probability_hi);
    time_days.push_back(u.time_to_liquidation_days);
    time_se_days.push_back(u.time_to_liquidation_se_days);
    hf_min_paths.push_back(u.hf_min_paths);
    quantile.insert(quantile.end(), u.hf_min_quantile.begin(), u.hf_min_quantile.end());
    quantile_lo.insert(quantile_lo.end(), u.hf_min_quantile_lo.begin(), u.hf_min_quantile_lo.end());
    quantile_hi.insert(quantile_hi.end(), u.hf_min_quantile_hi.begin(), u.hf_min_quantile_hi.end());
    append_flags(quantile_bound, u.hf_min_quantile_bound);
    append_flags(quantile_lo_bound, u.hf_min_quantile_lo_bound);
    append_flags(quantile_hi_bound, u.hf_min_quantile_hi_bound);
    append_values(ratio, u.margin_ratio_max_quantile);
    append_values(ratio_lo, u.margin_ratio_max_quantile_lo);
    append_values(ratio_hi, u.margin_ratio_max_quantile_hi);
    append_flags(ratio_bound, u.margin_ratio_max_quantile_bound);
    append_flags(ratio_lo_bound, u.margin_ratio_max_quantile_lo_bound);
    append_flags(ratio_hi_bound, u.margin_ratio_max_quantile_hi_bound);
  }
  const hsize_t n = id.size();
  const hsize_t levels = result.hf_min_levels.size();
  writer.string_dataset(g, at, "id", id);
  writer.string_dataset(g, at, "venue", venue);
  writer.numeric_dataset(g, at, "unit_index", unit_index, n);
  writer.numeric_dataset(g, at, "health_factor_initial", health_factor_initial, n);
  writer.numeric_dataset(g, at, "liquidated_paths", liquidated_paths, n);
  writer.numeric_dataset(g, at, "liquidation_probability", probability, n);
  writer.numeric_dataset(g, at, "liquidation_probability_se", probability_se, n);
  writer.numeric_dataset(g, at, "liquidation_probability_lo", probability_lo, n);
  writer.numeric_dataset(g, at, "liquidation_probability_hi", probability_hi, n);
  writer.numeric_dataset(g, at, "time_to_liquidation_days", time_days, n);
  writer.numeric_dataset(g, at, "time_to_liquidation_se_days", time_se_days, n);
  writer.numeric_dataset(g, at, "hf_min_paths", hf_min_paths, n);
  writer.numeric_dataset(g, at, "hf_min_quantile", quantile, n, levels);
  writer.numeric_dataset(g, at, "hf_min_quantile_lo", quantile_lo, n, levels);
  writer.numeric_dataset(g, at, "hf_min_quantile_hi", quantile_hi, n, levels);
  writer.numeric_dataset(g, at, "hf_min_quantile_bound", quantile_bound, n, levels);
  writer.numeric_dataset(g, at, "hf_min_quantile_lo_bound", quantile_lo_bound, n, levels);
  writer.numeric_dataset(g, at, "hf_min_quantile_hi_bound", quantile_hi_bound, n, levels);
  writer.numeric_dataset(g, at, "margin_ratio_max_quantile", ratio, n, levels);
  writer.numeric_dataset(g, at, "margin_ratio_max_quantile_lo", ratio_lo, n, levels);
  writer.numeric_dataset(g, at, "margin_ratio_max_quantile_hi", ratio_hi, n, levels);
  writer.numeric_dataset(g, at, "margin_ratio_max_quantile_bound", ratio_bound, n, levels);
  writer.numeric_dataset(g, at, "margin_ratio_max_quantile_lo_bound", ratio_lo_bound, n, levels);
  writer.numeric_dataset(g, at, "margin_ratio_max_quantile_hi_bound", ratio_hi_bound, n, levels);
  if (result.system.executed) write_unit_execution(writer, g, at, result, kind_group.kind);
  // The levels again as a dataset: the attribute cannot label a dimension.
  writer.numeric_dataset(g, at, result_format::levels_dataset, result.hf_min_levels, levels);
  attach_dimension_scales(writer.context(), g, at, {{"id", 0}, {result_format::levels_dataset, 1}});
}

// Owns a file descriptor; close() reports the error the destructor cannot.
class file_descriptor {
 public:
  explicit file_descriptor(int fd) noexcept : fd_(fd) {}
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
  ~file_descriptor() { close(); }
  int get() const noexcept { return fd_; }
  int close() noexcept {
    if (fd_ < 0) return 0;
    const int status = ::close(fd_);
    fd_ = -1;
    return status;
  }

 private:
  int fd_;
};

// The in-memory file grows by this much at a time.
constexpr std::size_t image_increment_bytes = std::size_t{16} << 20;

// HDF5 1.10 cannot recover from a failed H5Fclose: it frees the file but leaves its id
// registered, and H5_term_library crashes on that id at exit (HDFGroup/hdf5 pull request
// #2291). Closing a file writes its metadata, so a full disk at that moment would end the
// run with SIGSEGV. The file is therefore built in memory (the core driver without a
// backing store), where no call fails for want of disk space, and its image is written
// with write(2), whose failure is an ordinary error. The cost: memory for the file and
// its image, about twice the file's size, while it is written.
std::vector<unsigned char> build_image(const run_result& result, const fs::path& temporary,
                                       const fs::path& target, const write_observer& after_stage) {
  const hdf5::error_context context(write_prefix(target), hdf5::failure_kind::runtime);
  const hdf5_writer writer(context);
  const hdf5::property_list_handle access(
      context.check_id(H5Pcreate(H5P_FILE_ACCESS), "creating the file access properties"));
  context.check_status(H5Pset_fapl_core(access.get(), image_increment_bytes, 0),
                       "selecting the in-memory file driver");
  // Closing the file then closes whatever an error path might have left open in it.
  context.check_status(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG),
                       "setting the file close degree");
  hdf5::file_handle file(
      context.check_id(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()),
                       "creating the file '" + temporary.string() + "' in memory"));
  writer.string_attribute(file.get(), "/", result_format::format_attribute,
                          result_format::format_name);
  writer.scalar_attribute<std::int64_t>(file.get(), "/", result_format::format_version_attribute,
                                        result_format::format_version);
  write_run_group(writer, file.get(), result.metadata);
  if (after_stage) after_stage(result_format::run_group);
  write_assets_group(writer, file.get(), result);
  if (after_stage) after_stage(result_format::assets_group);
  for (const result_format::unit_group& kind_group : result_format::unit_groups) {
    write_unit_group(writer, file.get(), result, kind_group);
    if (after_stage) after_stage(kind_group.name);
  }
  if (result.system.executed) {
    write_system_group(writer, file.get(), result);
    if (after_stage) after_stage(result_format::system_group);
  }
  // The image of a file with unflushed metadata is not a valid file.
  context.check_status(H5Fflush(file.get(), H5F_SCOPE_LOCAL), "flushing the file in memory");
  const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
  context.check_status(size < 0 ? -1 : 0, "measuring the file in memory");
  std::vector<unsigned char> image(static_cast<std::size_t>(size));
  context.check_status(H5Fget_file_image(file.get(), image.data(), image.size()) == size ? 0 : -1,
                       "copying the file out of memory");
  context.check_status(file.close(), "closing the file in memory");
  return image;
}

void write_image(int fd, const std::vector<unsigned char>& image, const fs::path& temporary,
                 const fs::path& target) {
  std::size_t written = 0;
  while (written < image.size()) {
    const ssize_t n = ::write(fd, image.data() + written, image.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = n < 0 ? std::strerror(errno) : "no byte written";
      fail_write(target, "writing '" + temporary.string() + "' failed: " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
}

// The new file's bytes must be on disk before the rename makes it the result; otherwise
// a crash shortly after could leave an empty file where yesterday's complete one was.
// close() is checked too: network file systems report failed writes there.
void sync_and_close(file_descriptor& file, const fs::path& temporary, const fs::path& target) {
  if (::fsync(file.get()) != 0) {
    const std::string reason = std::strerror(errno);
    fail_write(target, "syncing '" + temporary.string() + "' failed: " + reason);
  }
  if (file.close() != 0) {
    const std::string reason = std::strerror(errno);
    fail_write(target, "closing '" + temporary.string() + "' failed: " + reason);
  }
}

// Makes the rename itself durable. Best effort: some file systems refuse to sync a
// directory, and the file is complete either way.
void sync_directory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  static_cast<void>(::fsync(fd));
  ::close(fd);
}

void write_temporary(const run_result& result, file_descriptor& file, const fs::path& temporary,
                     const fs::path& target, const write_observer& after_stage) {
  const std::vector<unsigned char> image = build_image(result, temporary, target, after_stage);
  write_image(file.get(), image, temporary, target);
  sync_and_close(file, temporary, target);
  if (after_stage) after_stage("closed");
}

}  // namespace

fs::path temporary_result_path(const fs::path& path) {
  return temporary_files::name_for(path, "tmp");
}

void check_output_writable(const fs::path& path) {
  if (path.empty()) fail_write(path, "the path is empty");
  if (!path.has_filename()) fail_write(path, "the path names a directory, not a file");
  std::error_code error;
  if (fs::is_directory(path, error)) fail_write(path, "it is a directory");
  const fs::path directory = directory_of(path);
  fs::create_directories(directory, error);
  if (error) {
    fail_write(path, "cannot create directory '" + directory.string() + "': " + error.message());
  }
  if (!fs::is_directory(directory, error)) {
    fail_write(path, "'" + directory.string() + "' is not a directory");
  }
  const fs::path probe = temporary_files::name_for(path, "probe");
  const int fd = temporary_files::create(probe);
  if (fd < 0) {
    const std::string reason = std::strerror(errno);
    fail_write(path, "cannot create a file in '" + directory.string() + "': " + reason);
  }
  ::close(fd);
  temporary_files::discard(probe);
  temporary_files::remove_stale(path);
}

void write_result_file(const run_result& result, const fs::path& path) {
  write_result_file(result, path, write_observer{});
}

void write_result_file(const run_result& result, const fs::path& path,
                       const write_observer& after_stage) {
  hdf5::silence_automatic_error_printing();
  check_output_writable(path);
  validate_shapes(result, path);
  const fs::path temporary = temporary_result_path(path);
  file_descriptor file(temporary_files::create(temporary));
  if (file.get() < 0) {
    const std::string reason = std::strerror(errno);
    fail_write(path, "creating the temporary file '" + temporary.string() + "' failed: " + reason);
  }
  try {
    write_temporary(result, file, temporary, path, after_stage);
    const std::error_code error = temporary_files::commit(temporary, path);
    if (error) {
      fail_write(path, "renaming '" + temporary.string() + "' over it failed: " + error.message());
    }
  } catch (...) {
    temporary_files::discard(temporary);
    throw;
  }
  sync_directory(directory_of(path));
}

}  // namespace levrisk
