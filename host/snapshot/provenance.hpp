#pragma once
// A snapshot's provenance: its optional manifest.toml and the SHA-256 of its
// files (docs/snapshot-format.md, "Manifest and content hash").

#include <filesystem>

#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Reads and validates `directory`/manifest.toml (all fields empty when the file
// is absent); throws input_error naming the file, line and key.
snapshot_provenance read_manifest(const std::filesystem::path& directory);

// SHA-256 over the snapshot's files that exist, in the documented order, each
// as its name, "\n", its length in decimal, "\n", its bytes.
std::string snapshot_sha256(const std::filesystem::path& directory);

}  // namespace levrisk
