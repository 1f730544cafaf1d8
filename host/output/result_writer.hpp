#pragma once
// Writes a run_result to one HDF5 file (layout: docs/output-format.md).
//
// The write is atomic: the file is built in memory, written as "<name>.tmp.<pid>" in
// the target's directory, synced and renamed over the target, so a reader (or the next
// nightly job) sees either the previous file or the complete new one, never a torn one.
// The temporary is registered (host/output/temporary_files.hpp) while it exists, so an
// interruption can remove it. Not thread-safe: the serial HDF5 library must be entered
// by one thread at a time.

#include <filesystem>
#include <functional>
#include <string>

#include "host/engine/results.hpp"

namespace levrisk {

// Creates the directory of `path` when it is missing and proves that a file can be
// created there, so that a run fails before the simulation rather than after it; then
// removes the temporaries of `path` that dead processes left behind.
// Throws runtime_failure "cannot write results to '<path>': <reason>".
void check_output_writable(const std::filesystem::path& path);

// Throws runtime_failure naming the path (and the HDF5 object being written) when the
// file cannot be written; the target is then left as it was and no temporary remains.
// Calls check_output_writable first.
void write_result_file(const run_result& result, const std::filesystem::path& path);

// Called once each part of the file has been written to the temporary file, with the
// part's name: "run", "assets", the three unit group names, "system" when the run
// executed liquidations, then "closed" just before the rename. A test seam: an observer
// that throws simulates a failure part-way.
using write_observer = std::function<void(const std::string& stage)>;

void write_result_file(const run_result& result, const std::filesystem::path& path,
                       const write_observer& after_stage);

// The temporary file write_result_file uses for `path` in this process.
std::filesystem::path temporary_result_path(const std::filesystem::path& path);

}  // namespace levrisk
