#pragma once
// Run orchestration: model set-up in the snapshot's asset order
// (snapshot_model.hpp), the risk plan, batches of paths through a backend, and
// the summary into a run_result.

#include <cstdint>
#include <functional>

#include "host/backend/backend.hpp"
#include "host/config/run_config.hpp"
#include "host/engine/results.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk {

// Called after each batch with the paths done so far.
using progress_callback = std::function<void(std::int64_t paths_done, std::int64_t paths_total)>;

// Runs the simulation. Metadata fields that only the caller knows (wall time,
// created_utc) are filled by the caller; the rest is filled here.
run_result run_simulation(const run_config& config, const snapshot& snap, backend& executor,
                          const progress_callback& progress = {});

}  // namespace levrisk
