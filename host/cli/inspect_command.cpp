// levrisk inspect FILE: what a result file holds, riskiest units first.

#include <iostream>
#include <memory>
#include <string>

#include "host/cli/commands.hpp"
#include "host/output/inspect.hpp"
#include "host/output/result_reader.hpp"

namespace levrisk::cli {

void add_inspect_command(CLI::App& app, int& exit_code) {
  struct options_t {
    std::string file;
    int top = 20;
  };
  auto options = std::make_shared<options_t>();
  CLI::App* command = app.add_subcommand("inspect", "Summarize a result file, riskiest first");
  command->add_option("file", options->file, "Result file (.h5)")->required();
  command->add_option("--top", options->top, "Units listed")->capture_default_str();
  command->callback([options, &exit_code] {
    print_inspection(read_result_file(options->file), std::cout, options->top);
    exit_code = 0;
  });
}

}  // namespace levrisk::cli
