#pragma once
// Writes a snapshot in the on-disk format that load_snapshot reads
// (docs/snapshot-format.md); numbers are written so that they read back exactly.

#include <filesystem>

#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Creates `directory` if needed and writes all seven files, replacing existing
// ones: protocol.csv for a snapshot whose venues are the default ones ("lending"
// and "perp"), as before venues existed; otherwise venues.csv and a venue_id
// column in every table. The other of the two files is removed. Throws
// input_error for an id the format cannot hold or a snapshot without venues,
// runtime_failure when a file cannot be written.
void write_snapshot(const snapshot& snap, const std::filesystem::path& directory);

}  // namespace levrisk
