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

// to_toml(config), loaded back from the scratch folder; a file that does not
// load is a finding.
std::string reload(const levrisk::fuzz::scratch_folder& folder, const std::string& written) {
  const auto path = folder.write(
      "written.toml", reinterpret_cast<const std::uint8_t*>(written.data()), written.size());
  try {
    return levrisk::to_toml(levrisk::load_run_config(path));
  } catch (const levrisk::input_error& error) {
    std::fprintf(stderr, "to_toml output does not load: %s\n--- written:\n%s\n", error.what(),
                 written.c_str());
    levrisk::fuzz::invariant_broken("to_toml output is not a loadable configuration");
  }
}

// Compared from the first reload on: a file without output_dir gets the default
// "results", relative to the working directory, which to_toml writes as it is and
// the reload resolves against the file's folder (docs/hardening.md, Findings).
void check_round_trip(const levrisk::fuzz::scratch_folder& folder,
                      const levrisk::run_config& config) {
  const std::string first = reload(folder, levrisk::to_toml(config));
  const std::string second = reload(folder, first);
  if (second != first) {
    std::fprintf(stderr, "--- written:\n%s\n--- after reloading:\n%s\n", first.c_str(),
                 second.c_str());
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
