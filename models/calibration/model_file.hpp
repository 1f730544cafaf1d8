#pragma once
// The calibration as a model file in the run configuration's TOML format
// (configs/nightly.toml, docs/calibration.md): [model] with per-asset GBM
// parameters and merton / garch sub-tables, [model.systemic_jumps],
// [model.correlation], and [calibration] provenance and diagnostics. Numbers are
// written with round-trip (shortest exact) precision.

#include <string>

#include "models/calibration/calibration.hpp"

namespace levrisk::calibration {

std::string model_file_text(const calibration_result& result);
void write_model_file(const std::string& path, const calibration_result& result);

}  // namespace levrisk::calibration
