// libFuzzer target: load_price_file (models/calibration/price_history.hpp) on the
// input as a price history file, read three ways: every asset under each
// duplicate policy, and as FILE:BTC. input_error is the documented answer to
// bad input; anything else is a finding.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "fuzz/scratch_folder.hpp"
#include "models/calibration/price_history.hpp"

namespace {

namespace calibration = levrisk::calibration;

// What calibration relies on after a successful load (price_history.hpp).
void check_series(const calibration::price_series& series) {
  using levrisk::fuzz::invariant_broken;
  const std::size_t n = series.time_ms.size();
  if (series.price_usd.size() != n || series.line.size() != n) invariant_broken("ragged series");
  for (std::size_t i = 0; i < n; ++i) {
    if (!(series.price_usd[i] > 0)) invariant_broken("price not > 0");
    if (i > 0 && !(series.time_ms[i] > series.time_ms[i - 1])) {
      invariant_broken("times not strictly ascending");
    }
  }
}

void load(const calibration::history_source& source, calibration::duplicate_policy duplicates) {
  try {
    for (const auto& series : calibration::load_price_file(source, duplicates)) {
      check_series(series);
    }
  } catch (const levrisk::input_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const levrisk::fuzz::scratch_folder folder;
  const std::string path = folder.write("history.csv", data, size).string();
  load({path, ""}, calibration::duplicate_policy::error);
  load({path, ""}, calibration::duplicate_policy::keep_first);
  load({path, "BTC"}, calibration::duplicate_policy::keep_first);
  return 0;
}
