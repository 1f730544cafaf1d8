// CPU backend: OpenMP threads over blocks of cpu_lanes paths; inside a block the
// kernels' lane loops vectorize across paths (BRIEF.md: vectorize across paths,
// not along one path).

#include <omp.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "host/backend/backend.hpp"
#include "host/backend/plan_storage.hpp"

namespace levrisk {
namespace {

constexpr int cpu_lanes = 16;  // one AVX-512 register of floats

struct host_memory {
  template <class T>
  static T* raw(std::vector<T>& v) {
    return v.data();
  }
  template <class T>
  static void fill_zero(std::vector<T>& v) {
    std::fill(v.begin(), v.end(), T{});
  }
  template <class T>
  static std::vector<T> to_host(const std::vector<T>& v) {
    return v;
  }
};

std::string cpu_model_name() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

class cpu_backend final : public backend {
 public:
  cpu_backend(int threads, bool regenerate_exact_paths)
      : threads_(threads > 0 ? threads : omp_get_max_threads()),
        regenerate_exact_paths_(regenerate_exact_paths) {}

  std::string name() const override { return "cpu"; }
  std::string device() const override {
    std::ostringstream out;
    out << threads_ << " OpenMP thread" << (threads_ == 1 ? "" : "s") << " on " << cpu_model_name();
    return out.str();
  }
  std::int64_t default_batch_paths() const override { return 16384; }

  void begin(const simulation_plan& plan, std::int64_t max_batch_paths) override {
    storage_ = std::make_unique<plan_storage<std::vector, host_memory>>(plan, max_batch_paths);
  }

  void run_batch(std::uint64_t first_path, std::int64_t n_paths) override {
    LEVRISK_REQUIRE(storage_, runtime_failure, "cpu backend: run_batch before begin");
    const simulation_view& view = storage_->start_batch(first_path);
    const std::int64_t n_blocks = (n_paths + cpu_lanes - 1) / cpu_lanes;
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads_)
    for (std::int64_t block = 0; block < n_blocks; ++block) {
      const std::int64_t first_in_batch = block * cpu_lanes;
      const int active =
          static_cast<int>(std::min<std::int64_t>(cpu_lanes, n_paths - first_in_batch));
      simulate_paths<cpu_lanes>(view, first_path + static_cast<std::uint64_t>(first_in_batch),
                                active);
    }
    if (view.multi.n_units == 0) return;
#pragma omp parallel num_threads(threads_)
    {
      std::vector<float> growth_scratch(static_cast<std::size_t>(view.n_steps + 1) *
                                        static_cast<std::size_t>(view.model.diffusion.n_assets));
#pragma omp for schedule(dynamic, 16)
      for (std::int64_t p = 0; p < n_paths; ++p) {
        exact_check_path(view, first_path + static_cast<std::uint64_t>(p),
                         regenerate_exact_paths_ ? nullptr : growth_scratch.data());
      }
    }
  }

  simulation_tallies finish() override {
    LEVRISK_REQUIRE(storage_, runtime_failure, "cpu backend: finish before begin");
    simulation_tallies tallies = storage_->download();
    storage_.reset();
    return tallies;
  }

 private:
  int threads_;
  bool regenerate_exact_paths_;
  std::unique_ptr<plan_storage<std::vector, host_memory>> storage_;
};

}  // namespace

std::unique_ptr<backend> make_cpu_backend(int threads, bool regenerate_exact_paths) {
  return std::make_unique<cpu_backend>(threads, regenerate_exact_paths);
}

}  // namespace levrisk
