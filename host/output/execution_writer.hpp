#pragma once
// The liquidation-execution part of a result file (docs/output-format.md, "Liquidation
// execution"): the execution columns of the three unit groups and the /system group
// (the shortfall totals, the USD each asset's liquidations sold and bought, and the
// per-path totals), /system/venues (each venue's own totals), and with feedback
// (system_result::feedback) /system/feedback and the assets' endogenous drawdown.
// write_result_file writes them only when the run executed liquidations
// (run_result::system.executed).

#include <hdf5.h>

#include <string>

#include "host/engine/results.hpp"
#include "host/output/hdf5_handle.hpp"
#include "host/output/hdf5_writer.hpp"

namespace levrisk {

// Checks that result.system can be written as documented: one name per total, one sold
// and one bought distribution per asset, every distribution over the same paths and
// tail levels, histograms of bins + 1 edges (or none), path_totals empty or paths x
// totals; per venue a kind 'lending' or 'perp' and one name per total; with feedback,
// max_cascade_rounds + 1 histogram entries, one drawdown per asset, amplification rows
// only when the amplification passes ran. Fails through `context` naming what
// disagrees. Nothing to check when the run did not execute liquidations.
void validate_execution_shapes(const run_result& result, const hdf5::error_context& context);

// The execution columns of the units of `kind` in the unit group `group` (path
// `group_path`), in the order of the group's `id` column.
void write_unit_execution(const hdf5_writer& writer, hid_t group, const std::string& group_path,
                          const run_result& result, risk_unit_kind kind);

// The /system group, its /system/assets and /system/venues subgroups and, with
// feedback, /system/feedback.
void write_system_group(const hdf5_writer& writer, hid_t file, const run_result& result);

}  // namespace levrisk
