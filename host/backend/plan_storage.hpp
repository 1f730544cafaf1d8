#pragma once
// A simulation plan resident in a backend's memory, as three owning groups
// (market, ladders, multi-asset units; host/backend/market_storage.hpp and
// unit_storage.hpp), and the simulation_view that the kernels read, assembled
// from the groups' views. Written once for both backends: `Memory` is
// host_memory (std::vector) or device_memory (thrust::device_vector).

#include <cstdint>

#include "host/backend/execution_storage.hpp"
#include "host/backend/market_storage.hpp"
#include "host/backend/unit_storage.hpp"
#include "host/plan/simulation_plan.hpp"
#include "kernels/risk/simulation_view.hpp"

namespace levrisk {

template <class Memory>
class plan_storage {
 public:
  // Uploads the plan and sizes per-batch buffers for batches of up to max_batch_paths.
  // batch_scratch: the device keeps each path's stored prices for the whole batch (the GPU).
  plan_storage(const simulation_plan& plan, std::int64_t max_batch_paths, bool batch_scratch)
      : market_(plan.market),
        ladders_(plan.ladders),
        multi_(plan.multi, max_batch_paths),
        execution_(plan, max_batch_paths, batch_scratch) {
    view_.model = market_.view();
    view_.stream = normal_stream{plan.seed, normals_per_step(view_.model)};
    view_.n_steps = plan.n_steps;
    view_.ladders = ladders_.view();
  }

  // The view for a batch starting at first_path, with its flags cleared.
  const simulation_view& start_batch(std::uint64_t first_path) {
    view_.exact = multi_.start_batch(first_path);
    view_.execution = execution_.start_batch(first_path);
    return view_;
  }

  std::vector<double> batch_totals(std::int64_t n_paths) const {
    return execution_.batch_totals(n_paths);
  }

  simulation_tallies download() const {
    simulation_tallies t;
    ladders_.download(t);
    multi_.download(t);
    execution_.download(t);
    return t;
  }

 private:
  market_storage<Memory> market_;
  ladder_storage<Memory> ladders_;
  multi_unit_storage<Memory> multi_;
  execution_storage<Memory> execution_;
  simulation_view view_{};
};

}  // namespace levrisk
