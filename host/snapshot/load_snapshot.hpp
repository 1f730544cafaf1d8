#pragma once
// Strict loader of an on-disk snapshot: a directory of CSV files whose format is
// documented in docs/snapshot-format.md.

#include <filesystem>

#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Reads and validates every file of the snapshot in `directory`. Throws
// input_error naming the file, line and field of the first problem found.
snapshot load_snapshot(const std::filesystem::path& directory);

}  // namespace levrisk
