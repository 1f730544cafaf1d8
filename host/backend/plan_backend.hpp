#pragma once
// What every backend does the same way: hold the plan's storage from begin to
// finish, hand each batch its view, and pick the kernel shape. A Device says
// where memory lives and how a batch's kernels run (cpu.cpp, cuda.cu):
//
//   using memory = ...;                   host_memory or device_memory
//   std::string name() const;             "cpu", "cuda"
//   std::string description() const;      backend::device()
//   std::int64_t default_batch_paths() const;
//   std::int64_t available_memory_bytes() const;
//   std::string available_memory_source() const;
//   int scratch_threads() const;
//   bool batch_scratch() const;           stored prices per path of the batch (GPU)
//   template <class Shape>                kernel_shape<A, F> (host/backend/shapes.hpp)
//   void run(Shape, const simulation_view&, std::uint64_t first_path, std::int64_t n_paths);

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "host/backend/backend.hpp"
#include "host/backend/plan_storage.hpp"
#include "host/backend/shapes.hpp"

namespace levrisk {

template <class Device>
class plan_backend final : public backend {
 public:
  explicit plan_backend(Device device) : device_(std::move(device)) {}

  std::string name() const override { return device_.name(); }
  std::string device() const override { return device_.description(); }
  std::int64_t default_batch_paths() const override { return device_.default_batch_paths(); }
  std::int64_t available_memory_bytes() const override { return device_.available_memory_bytes(); }
  std::string available_memory_source() const override { return device_.available_memory_source(); }
  int scratch_threads() const override { return device_.scratch_threads(); }
  bool batch_scratch() const override { return device_.batch_scratch(); }

  void begin(const simulation_plan& plan, std::int64_t max_batch_paths) override {
    storage_ = std::make_unique<storage_type>(plan, max_batch_paths, device_.batch_scratch());
  }

  void run_batch(std::uint64_t first_path, std::int64_t n_paths) override {
    LEVRISK_REQUIRE(storage_, runtime_failure, name() << " backend: run_batch before begin");
    const simulation_view& view = storage_->start_batch(first_path);
    with_kernel_shape(view.model.diffusion.n_assets, view.ladders.n_factors,
                      [&](auto shape) { device_.run(shape, view, first_path, n_paths); });
  }

  std::vector<double> batch_path_totals(std::int64_t n_paths) const override {
    LEVRISK_REQUIRE(storage_, runtime_failure, name() << " backend: path totals before begin");
    return storage_->batch_totals(n_paths);
  }

  simulation_tallies finish() override {
    LEVRISK_REQUIRE(storage_, runtime_failure, name() << " backend: finish before begin");
    simulation_tallies tallies = storage_->download();
    storage_.reset();
    return tallies;
  }

 private:
  using storage_type = plan_storage<typename Device::memory>;
  Device device_;
  std::unique_ptr<storage_type> storage_;
};

}  // namespace levrisk
