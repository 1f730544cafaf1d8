#pragma once
// Reads a result file written by write_result_file back into a run_result: the exact
// inverse of the writer (units come back in run order), for tests, `levrisk inspect`
// and tools that compare runs. Not thread-safe, like the writer.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>

#include "host/engine/results.hpp"

namespace levrisk {

// Throws input_error "cannot read results from '<path>': <what is wrong>" when the file
// is missing, is not HDF5, is not a levrisk result file (format attribute), is of a newer
// format_version, or lacks a group, dataset or attribute, or has one of the wrong shape.
run_result read_result_file(const std::filesystem::path& path);

// The /run metadata alone (the resolved configuration among it), checked as above.
run_metadata read_result_metadata(const std::filesystem::path& path);

// Reads a few units of a large file in full, for `levrisk inspect`: first every unit's
// kind and the columns that rank units (health_factor_initial, liquidated_paths,
// liquidation_probability; when the run executed liquidations, bad_debt_usd, adl_paths
// and adl_loss_usd), with the metadata, assets and /system in full; then every column
// of the units `choose` returns (positions in run order) from that result. The other
// units keep only the ranking columns: no id, no quantiles. Errors as above.
using unit_chooser = std::function<std::vector<std::size_t>(const run_result& ranked)>;
run_result read_result_file(const std::filesystem::path& path, const unit_chooser& choose);

}  // namespace levrisk
