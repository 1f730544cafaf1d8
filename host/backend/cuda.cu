// CUDA backend: one path per thread, the kernels of kernels/risk/simulate.hpp
// and exact_check.hpp compiled from the same source as the CPU backend's.

#include <cuda_runtime.h>
#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/fill.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "host/backend/backend.hpp"
#include "host/backend/execution_storage.hpp"
#include "host/backend/gpu_launch.hpp"
#include "host/backend/plan_backend.hpp"
#include "kernels/risk/exact_check.hpp"
#include "kernels/risk/execute_path.hpp"
#include "kernels/risk/simulate.hpp"

#define LEVRISK_CUDA_TRY(call)                                                    \
  do {                                                                            \
    const cudaError_t levrisk_status_ = (call);                                   \
    LEVRISK_REQUIRE(levrisk_status_ == cudaSuccess, runtime_failure,              \
                    #call << " failed at " << __FILE__ << ":" << __LINE__ << ": " \
                          << cudaGetErrorString(levrisk_status_));                \
  } while (false)

namespace levrisk {
namespace {

struct device_memory {
  template <class T>
  using vector = thrust::device_vector<T>;
  template <class T>
  static T* raw(thrust::device_vector<T>& v) {
    return thrust::raw_pointer_cast(v.data());
  }
  template <class T>
  static void fill_zero(thrust::device_vector<T>& v) {
    thrust::fill(v.begin(), v.end(), T{});
  }
  template <class T>
  static std::vector<T> to_host(const thrust::device_vector<T>& v) {
    std::vector<T> host(v.size());
    thrust::copy(v.begin(), v.end(), host.begin());
    return host;
  }
};

// This thread's slice of the block's dynamic shared memory (host/backend/gpu_launch.hpp).
template <class State>
__device__ State& thread_state() {
  extern __shared__ std::uint32_t shared_words[];
  return *reinterpret_cast<State*>(shared_words + threadIdx.x * state_stride_words<State>());
}

template <int MaxAssets, int MaxFactors>
__global__ void __launch_bounds__(gpu_max_threads_per_block)
    simulate_kernel(simulation_view view, std::uint64_t first_path, std::int64_t n_paths) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n_paths) return;
  simulate_paths(view, first_path + static_cast<std::uint64_t>(i), 1,
                 thread_state<path_state<1, MaxAssets, MaxFactors>>());
}

// At most 128 registers (65536 / (128 x 4)): four blocks of 128 per SM.
template <int MaxAssets>
__global__ void __launch_bounds__(gpu_max_threads_per_block, 4)
    exact_check_kernel(simulation_view view, std::uint64_t first_path, std::int64_t n_paths) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n_paths) return;
  exact_check_path<float>(view, first_path + static_cast<std::uint64_t>(i), nullptr,
                          thread_state<exact_state<MaxAssets, gpu_exact_group>>());
}

// The execution stage, one path per thread, over the path's prices stored in the
// batch's scratch (global memory: too large for shared memory at 289 steps).
template <int MaxAssets>
__global__ void __launch_bounds__(gpu_max_threads_per_block)
    execution_kernel(simulation_view view, std::uint64_t first_path, std::int64_t n_paths) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n_paths) return;
  const int n_assets = view.model.diffusion.n_assets;
  const std::int64_t row_floats = static_cast<std::int64_t>(view.n_steps + 1) * n_assets;
  float* growth = view.execution.batch_rows + i * stored_rows_floats(view.n_steps, n_assets);
  float* x = growth + row_floats;
  const execution_view& e = view.execution;
  const bool feedback = e.feedback != 0;
  const execution_scratch scratch{
      e.batch_ledger + i * ledger_doubles(view.n_steps, n_assets, n_perp_venues(view.execution)),
      x + row_floats,
      e.batch_perp_states + i * e.n_perp_units,
      e.batch_leg_scale + i * e.n_perp_legs,
      feedback ? e.batch_tracks + i * e.n_units : nullptr,
      feedback ? e.batch_lending_balance + i * lending_scratch_doubles(e.n_lending_legs) : nullptr,
      feedback ? e.batch_lists + i * unit_list_ints(e.n_units, view.exact.forms.n_units) : nullptr};
  const std::uint64_t path = first_path + static_cast<std::uint64_t>(i);
  store_path<MaxAssets>(view, path, growth, x);
  execute_path<MaxAssets>(view, path, stored_rows{x, growth, n_assets}, scratch);
}

// Launches `kernel` over n_paths threads with a shared state slice each.
template <class State, class Kernel>
void launch_with_shared_state(Kernel kernel, const simulation_view& view, std::uint64_t first_path,
                              std::int64_t n_paths) {
  constexpr int threads = threads_for_shared_state<State>();
  const std::size_t shared_bytes = state_stride_words<State>() * 4 * threads;
  LEVRISK_CUDA_TRY(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        static_cast<int>(shared_bytes)));
  const unsigned blocks = static_cast<unsigned>((n_paths + threads - 1) / threads);
  kernel<<<blocks, threads, shared_bytes>>>(view, first_path, n_paths);
  LEVRISK_CUDA_TRY(cudaGetLastError());
}

class cuda_device {
 public:
  using memory = device_memory;

  explicit cuda_device(int device_index) : device_index_(device_index) {
    LEVRISK_CUDA_TRY(cudaSetDevice(device_index));
    cudaDeviceProp properties{};
    LEVRISK_CUDA_TRY(cudaGetDeviceProperties(&properties, device_index));
    std::ostringstream out;
    out << properties.name << " (sm_" << properties.major << properties.minor << ", "
        << properties.totalGlobalMem / (1024 * 1024) << " MiB)";
    description_ = out.str();
  }

  std::string name() const { return "cuda"; }
  std::string description() const { return description_; }
  std::int64_t default_batch_paths() const { return 1 << 20; }
  std::int64_t available_memory_bytes() const {
    std::size_t free_bytes = 0, total_bytes = 0;
    LEVRISK_CUDA_TRY(cudaSetDevice(device_index_));
    LEVRISK_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    return static_cast<std::int64_t>(free_bytes);
  }
  std::string available_memory_source() const { return "free GPU memory"; }
  int scratch_threads() const { return 0; }
  bool batch_scratch() const { return true; }

  template <class Shape>
  void run(Shape, const simulation_view& view, std::uint64_t first_path,
           std::int64_t n_paths) const {
    constexpr int assets = Shape::max_assets;
    launch_with_shared_state<path_state<1, assets, Shape::max_factors>>(
        simulate_kernel<assets, Shape::max_factors>, view, first_path, n_paths);
    if (view.exact.forms.n_units > 0) {
      launch_with_shared_state<exact_state<assets, gpu_exact_group>>(exact_check_kernel<assets>,
                                                                     view, first_path, n_paths);
    }
    if (view.execution.enabled != 0) {
      const unsigned blocks = static_cast<unsigned>((n_paths + gpu_max_threads_per_block - 1) /
                                                    gpu_max_threads_per_block);
      execution_kernel<assets><<<blocks, gpu_max_threads_per_block>>>(view, first_path, n_paths);
      LEVRISK_CUDA_TRY(cudaGetLastError());
    }
    LEVRISK_CUDA_TRY(cudaDeviceSynchronize());
  }

 private:
  int device_index_;
  std::string description_;
};

// Why cudaGetDeviceCount found no GPU, in a few words for `levrisk version` and
// the --backend cuda error (the runtime's own text, e.g. "CUDA driver version is
// insufficient for CUDA runtime version", is what a machine without any driver gets).
std::string no_gpu_reason(cudaError_t status) {
  switch (status) {
    case cudaErrorNoDevice:
      return "no CUDA device found";
    case cudaErrorInsufficientDriver:
      return "no NVIDIA driver, or one older than CUDA " + std::to_string(CUDART_VERSION / 1000);
    case cudaErrorSystemDriverMismatch:
      return "NVIDIA kernel module and driver library differ";
    case cudaErrorDevicesUnavailable:
      return "devices busy or unavailable";
    case cudaErrorSystemNotReady:
      return "system not ready (fabric manager)";
    default:
      return cudaGetErrorName(status);
  }
}

}  // namespace

bool cuda_compiled_in() {
  return true;
}

std::vector<cuda_device_info> cuda_devices(std::string* problem) {
  int count = 0;
  // Without a GPU or driver this returns an error rather than aborting: that is
  // why the probe happens here, at run time, and never in a static initializer.
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (problem) *problem = no_gpu_reason(status);
    cudaGetLastError();  // clear the sticky error state
    return {};
  }
  std::vector<cuda_device_info> devices;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp properties{};
    if (cudaGetDeviceProperties(&properties, i) != cudaSuccess) continue;
    devices.push_back(cuda_device_info{i, properties.name, properties.major, properties.minor,
                                       properties.totalGlobalMem / (1024.0 * 1024.0 * 1024.0)});
  }
  if (devices.empty() && problem) *problem = "no CUDA device found";
  return devices;
}

std::unique_ptr<backend> make_cuda_backend(int device_index) {
  std::string problem;
  const std::vector<cuda_device_info> devices = cuda_devices(&problem);
  LEVRISK_REQUIRE(
      !devices.empty(), runtime_failure,
      "backend 'cuda' requested, but no usable GPU: " << problem << "; use --backend cpu");
  LEVRISK_REQUIRE(device_index >= 0 && device_index < static_cast<int>(devices.size()),
                  runtime_failure, "CUDA device " << device_index << " does not exist");
  return std::make_unique<plan_backend<cuda_device>>(cuda_device(device_index));
}

}  // namespace levrisk
