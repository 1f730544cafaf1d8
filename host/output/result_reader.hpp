#pragma once
// Reads a result file written by write_result_file back into a run_result: the exact
// inverse of the writer (units come back in run order), for tests, `levrisk inspect`
// and tools that compare runs. Not thread-safe, like the writer.

#include <filesystem>

#include "host/engine/results.hpp"

namespace levrisk {

// Throws input_error "cannot read results from '<path>': <what is wrong>" when the file
// is missing, is not HDF5, is not a levrisk result file (format attribute), is of a newer
// format_version, or lacks a group, dataset or attribute, or has one of the wrong shape.
run_result read_result_file(const std::filesystem::path& path);

}  // namespace levrisk
