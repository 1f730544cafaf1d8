// levrisk version: engine version, revision, compiled-in backends and devices found.

#include <omp.h>

#include <iostream>
#include <string>

#include "host/backend/backend.hpp"
#include "host/cli/commands.hpp"
#include "host/common/build_info.hpp"

namespace levrisk::cli {

void add_version_command(CLI::App& app, int& exit_code) {
  CLI::App* command =
      app.add_subcommand("version", "Engine version, backends compiled in, devices found");
  command->callback([&exit_code] {
    std::cout << "levrisk " << build_info::version << " (revision " << build_info::git_revision
              << ")\n"
              << "backends compiled in: cpu" << (cuda_compiled_in() ? ", cuda" : "") << "\n"
              << "cpu: " << make_cpu_backend(0)->device() << "\n";
    std::string problem;
    const auto devices = cuda_devices(&problem);
    if (devices.empty()) {
      std::cout << "cuda: " << (cuda_compiled_in() ? "compiled in, no GPU" : "not compiled in")
                << " (" << problem << ")\n";
    }
    for (const cuda_device_info& d : devices) {
      std::cout << "cuda: device " << d.index << ": " << d.name << " (sm_" << d.compute_major
                << d.compute_minor << ", " << d.memory_gib << " GiB)\n";
    }
    exit_code = 0;
  });
}

}  // namespace levrisk::cli
