#pragma once
// Writes a snapshot in the on-disk format that load_snapshot reads
// (docs/snapshot-format.md); numbers are written so that they read back exactly.

#include <filesystem>

#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Creates `directory` if needed and writes all seven files, replacing existing
// ones. Throws input_error for an id the format cannot hold, runtime_failure
// when a file cannot be written.
void write_snapshot(const snapshot& snap, const std::filesystem::path& directory);

}  // namespace levrisk
