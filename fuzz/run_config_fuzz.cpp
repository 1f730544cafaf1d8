// libFuzzer target: load_run_config (host/config/run_config.hpp) on the input as
// a TOML file. input_error is the documented answer to bad input; anything else
// is a finding. A configuration that loads must survive to_toml: the result file
// stores it that way and `levrisk run` must be able to read it back unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "common/error.hpp"
#include "fuzz/scratch_folder.hpp"
#include "host/config/run_config.hpp"

namespace {

void check_round_trip(const levrisk::fuzz::scratch_folder& folder,
                      const levrisk::run_config& config) {
  const std::string written = levrisk::to_toml(config);
  const auto path = folder.write(
      "written.toml", reinterpret_cast<const std::uint8_t*>(written.data()), written.size());
  std::string rewritten;
  try {
    rewritten = levrisk::to_toml(levrisk::load_run_config(path));
  } catch (const levrisk::input_error& error) {
    std::fprintf(stderr, "to_toml output does not load: %s\n--- written:\n%s\n", error.what(),
                 written.c_str());
    levrisk::fuzz::invariant_broken("to_toml output is not a loadable configuration");
  }
  if (rewritten != written) {
    std::fprintf(stderr, "--- written:\n%s\n--- after reloading:\n%s\n", written.c_str(),
                 rewritten.c_str());
    levrisk::fuzz::invariant_broken("to_toml(load_run_config(to_toml(c))) != to_toml(c)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const levrisk::fuzz::scratch_folder folder;
  const auto path = folder.write("config.toml", data, size);
  levrisk::run_config config;
  try {
    config = levrisk::load_run_config(path);
  } catch (const levrisk::input_error&) {
    return 0;
  }
  check_round_trip(folder, config);
  return 0;
}
