// levrisk synth: a synthetic snapshot (for benchmarks and examples), from a seed.

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "host/cli/commands.hpp"
#include "host/snapshot/synth.hpp"
#include "host/snapshot/write_snapshot.hpp"

namespace levrisk::cli {

void add_synth_command(CLI::App& app, int& exit_code) {
  struct options_t {
    std::string out;
    bool force = false;
    synth_options synth;
  };
  auto options = std::make_shared<options_t>();
  CLI::App* command =
      app.add_subcommand("synth", "Write a synthetic snapshot, deterministic from a seed");
  command->add_option("-o,--out", options->out, "Output snapshot folder")->required();
  command->add_option("--lending-accounts", options->synth.lending_accounts, "Lending accounts")
      ->capture_default_str();
  command->add_option("--perp-accounts", options->synth.perp_accounts, "Perp accounts")
      ->capture_default_str();
  command->add_option("--seed", options->synth.seed, "Seed")->capture_default_str();
  command
      ->add_option("--lending-venues", options->synth.lending_venues,
                   "Lending venues, each listing the same markets")
      ->capture_default_str();
  command
      ->add_option("--perp-venues", options->synth.perp_venues,
                   "Perp venues, each listing the same markets")
      ->capture_default_str();
  command->add_flag("--force", options->force,
                    "Write into an existing folder, replacing its tables");
  command->callback([options, &exit_code] {
    LEVRISK_REQUIRE(options->synth.lending_accounts >= 0 && options->synth.perp_accounts >= 0,
                    input_error, "synth: account counts must be >= 0");
    LEVRISK_REQUIRE(options->synth.lending_venues >= 1 && options->synth.perp_venues >= 1,
                    input_error, "synth: venue counts must be >= 1");
    // A snapshot folder is often a real export: replacing it takes a deliberate flag.
    std::error_code ignored;
    LEVRISK_REQUIRE(
        options->force || !std::filesystem::exists(options->out, ignored), input_error,
        "synth: " << options->out << " already exists; pass --force to write the snapshot into it");
    const snapshot snap = synthesize_snapshot(options->synth);
    write_snapshot(snap, options->out);
    std::cout << "wrote " << options->out << ": " << snap.assets.size() << " assets, "
              << snap.lending_accounts.size() << " lending accounts, " << snap.perp_positions.size()
              << " perp positions\n";
    exit_code = 0;
  });
}

}  // namespace levrisk::cli
