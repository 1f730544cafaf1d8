#pragma once
// Names in the result file shared by the writer and the reader; the layout is
// described for users in docs/output-format.md.

#include <array>
#include <cstdint>

#include "host/engine/results.hpp"

namespace levrisk::result_format {

inline constexpr const char* format_name = "levrisk-result";
// Raise when a change would make an older reader misread a file; adding a dataset or an
// attribute that readers may ignore does not need a new version.
inline constexpr std::int64_t format_version = 1;

inline constexpr const char* format_attribute = "format";
inline constexpr const char* format_version_attribute = "format_version";
inline constexpr const char* run_group = "run";
inline constexpr const char* assets_group = "assets";
inline constexpr const char* levels_attribute = "levels";
// The same levels as a 1-D dataset, the dimension scale of the quantile tables' columns.
inline constexpr const char* levels_dataset = "hf_min_level";
// Present only when the run executed liquidations (system_result::executed); a file
// without it reads as a run that did not.
inline constexpr const char* system_group = "system";
inline constexpr const char* system_assets_group = "system/assets";
// One subgroup per venue, named by its index ("0", "1", ...; ids may hold '/'), in
// the order of its `id` dataset: lending protocols, then perp exchanges. A file
// without it (written before venues) reads with no venues.
inline constexpr const char* venues_group = "system/venues";
// Present only when the run had the step-synchronous stage (feedback_result::enabled),
// with the drawdown_ columns of /system/assets; a file without it reads as a run
// without feedback.
inline constexpr const char* feedback_group = "system/feedback";
inline constexpr const char* amplification_group = "system/feedback/amplification";
inline constexpr const char* drawdown_prefix = "drawdown_";

struct unit_group {
  risk_unit_kind kind;
  const char* name;
};

// In file order; the reader returns units in run order (dataset unit_index).
inline constexpr std::array<unit_group, 3> unit_groups{{
    {risk_unit_kind::lending_account, "lending_accounts"},
    {risk_unit_kind::perp_isolated, "perp_isolated_positions"},
    {risk_unit_kind::perp_cross, "perp_cross_accounts"},
}};

}  // namespace levrisk::result_format
