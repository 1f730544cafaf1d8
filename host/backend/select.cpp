#include <string>

#include "common/error.hpp"
#include "host/backend/backend.hpp"

namespace levrisk {

#if !defined(LEVRISK_WITH_CUDA)
bool cuda_compiled_in() {
  return false;
}

std::vector<cuda_device_info> cuda_devices(std::string* problem) {
  if (problem) *problem = "configured without the CUDA toolkit";
  return {};
}

std::unique_ptr<backend> make_cuda_backend(int) {
  LEVRISK_FAIL(runtime_failure,
               "backend 'cuda' requested, but this build has no CUDA backend; rebuild with the "
               "CUDA toolkit (cmake --preset cuda) or use --backend cpu");
}
#endif

std::unique_ptr<backend> make_backend(const std::string& choice, int cpu_threads) {
  if (choice == "cpu") return make_cpu_backend(cpu_threads);
  if (choice == "cuda") return make_cuda_backend(0);
  LEVRISK_REQUIRE(choice == "auto", input_error,
                  "backend must be one of auto, cpu, cuda; got '" << choice << "'");
  if (!cuda_devices().empty()) return make_cuda_backend(0);
  return make_cpu_backend(cpu_threads);
}

}  // namespace levrisk
