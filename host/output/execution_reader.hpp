#pragma once
// Reads the liquidation-execution part of a result file back (the inverse of
// execution_writer.hpp; layout: docs/output-format.md, "Liquidation execution").
// A file without the /system group (written before execution existed, or by a run
// that did not execute liquidations) reads as system.executed == false.

#include <hdf5.h>

#include <string>
#include <vector>

#include "host/engine/results.hpp"
#include "host/output/hdf5_reader.hpp"

namespace levrisk {

// Whether the file has the /system group, and with it the execution columns.
bool has_system_group(const hdf5_reader& reader, hid_t file);

// The execution columns of a unit group, one row per unit of `units` (the rows of the
// group's `id` column), into each unit's `execution`.
void read_unit_execution(const hdf5_reader& reader, hid_t group, const std::string& group_path,
                         std::vector<unit_result>& units);

// The /system group; `assets` are the run's (from /assets), which /system/assets/id
// must repeat. With /system/venues, system.venues (else none); with /system/feedback,
// system.feedback too (else feedback.enabled is false).
system_result read_system_group(const hdf5_reader& reader, hid_t file,
                                const std::vector<asset_result>& assets);

}  // namespace levrisk
