#pragma once
// Run orchestration: model set-up in the snapshot's asset order
// (snapshot_model.hpp), the risk plan, batches of paths through a backend, and
// the summary into a run_result.

#include <cstdint>
#include <functional>

#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/batch_planner.hpp"
#include "host/engine/execution_setup.hpp"
#include "host/engine/results.hpp"
#include "host/engine/risk_plan.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Called with the paths done so far: 0 once the set-up is done, then after each
// batch and within a batch every few seconds (with a callback, batches run in
// slices: engine.cpp; results do not change).
using progress_callback = std::function<void(std::int64_t paths_done, std::int64_t paths_total)>;

// Called once, before the first batch, with the batch chosen and why.
using batch_callback = std::function<void(const batch_plan& plan)>;

// The risk plan's settings for a run: paths, steps, the HF-minimum sample and
// the HF-minimum histograms (8192 bins of 0.0005 in log-factor units).
risk_plan_settings plan_settings(const run_config& config);

// The execution stage's settings from the configuration's [liquidation] table.
execution_settings execution_settings_of(const run_config& config);

// The batch for `plan` on `executor`: from config.memory_budget_bytes, or the
// backend's available memory, and config.batch_paths (batch_planner.hpp).
batch_plan choose_batch(const run_config& config, const simulation_plan& plan,
                        const backend& executor);

// Runs the simulation. Metadata fields that only the caller knows (wall time,
// created_utc) are filled by the caller; the rest is filled here.
run_result run_simulation(const run_config& config, const snapshot& snap, backend& executor,
                          const progress_callback& progress = {},
                          const batch_callback& on_batch = {});

}  // namespace levrisk
