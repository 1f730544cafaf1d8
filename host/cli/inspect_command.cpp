// levrisk inspect FILE: what a result file holds, riskiest units first; the units as
// CSV or JSON; the stored configuration (docs/inspect.md).

#include <cstddef>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "host/cli/commands.hpp"
#include "host/output/inspect.hpp"
#include "host/output/result_reader.hpp"

namespace levrisk::cli {

void add_inspect_command(CLI::App& app, int& exit_code) {
  struct options_t {
    std::string file;
    std::string top = "20";
    std::string kind = "all";
    std::string sort = "probability";
    std::string format = "table";
    bool wide = false;
    bool config = false;
  };
  auto options = std::make_shared<options_t>();
  CLI::App* command = app.add_subcommand("inspect", "Summarize a result file, riskiest first");
  command->add_option("file", options->file, "Result file (.h5)")->required();
  command->add_option("--top", options->top, "Units listed: an integer >= 0 (0: none) or all")
      ->capture_default_str();
  command
      ->add_option("--kind", options->kind,
                   "Units listed: lending, perp_isolated, perp_cross, "
                   "perp (both) or all")
      ->capture_default_str();
  command
      ->add_option("--sort", options->sort,
                   "Order: probability (P(liq)), usd (expected bad debt), hf0 (lowest first)")
      ->capture_default_str();
  command->add_option("--format", options->format, "table, csv or json")->capture_default_str();
  command->add_flag("--wide", options->wide, "Table: every column, ids in full");
  command->add_flag("--config", options->config,
                    "Print the stored configuration as TOML that `levrisk run --config` reruns");
  command->callback([options, &exit_code] {
    // Flags first: a typo is reported before a large file is read.
    inspect_options chosen;
    chosen.top = parse_top(options->top);
    chosen.kind = parse_unit_kind_filter(options->kind);
    chosen.sort = parse_unit_sort_key(options->sort);
    chosen.format = parse_inspect_format(options->format);
    chosen.wide = options->wide;
    if (options->config) {
      run_result stored;
      stored.metadata = read_result_metadata(options->file);
      std::cout << stored_configuration(stored, options->file);
      exit_code = 0;
      return;
    }
    // Of a million units, only the ranking columns and the rows shown are read.
    const run_result result = read_result_file(options->file, [&](const run_result& ranked) {
      check_inspection_options(ranked, chosen, options->file);
      return units_shown(ranked, chosen);
    });
    print_inspection(result, std::cout, chosen);
    exit_code = 0;
  });
}

}  // namespace levrisk::cli
