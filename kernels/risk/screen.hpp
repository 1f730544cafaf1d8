#pragma once
// The screen stage: at a path's end, each multi-asset unit is tested against the
// path's price box (kernels/risk/price_box.hpp). A unit that the box's worst
// corner leaves at HF >= 1 was never liquidated on that path; the others are
// flagged for the exact check (kernels/risk/exact_check.hpp).

#include "kernels/common.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/price_box.hpp"

namespace levrisk {

// One bit per (path of the batch, multi-asset unit).
struct path_flags {
  int words;            // 32-bit words per path
  std::uint32_t* bits;  // batch-relative: [path_in_batch * words + unit / 32]
  std::uint64_t batch_first_path;
};

LEVRISK_HD LEVRISK_FORCEINLINE std::uint32_t* path_flag_words(const path_flags& flags,
                                                              std::uint64_t path) {
  return flags.bits + (path - flags.batch_first_path) * static_cast<std::uint64_t>(flags.words);
}

// Screening margin: the box bound and the exact check use the same float
// exponential, but it is only monotone to within an ulp or two.
constexpr double screen_relative_margin = 1e-5;

// Whether a unit whose worst case over a price box is `worst` may have been
// liquidated inside it. The margin widens the test whatever the denominator's sign.
LEVRISK_HD LEVRISK_FORCEINLINE bool box_may_liquidate(const health_value& worst) {
  const double margin_usd = std::fabs(worst.denominator_usd) * screen_relative_margin;
  return worst.numerator_usd < worst.denominator_usd + margin_usd;
}

// Paths [first_path, first_path + active_lanes) after box_close. Paths below
// sample_paths flag every unit: they record every unit's HF minimum exactly.
template <int Lanes, int MaxAssets>
LEVRISK_HD inline void screen_paths(const health_forms_view& forms, const path_flags& flags,
                                    std::int64_t sample_paths, std::uint64_t first_path,
                                    int active_lanes, const price_box<Lanes, MaxAssets>& box) {
  for (int lane = 0; lane < active_lanes && lane < Lanes; ++lane) {
    const std::uint64_t path = first_path + lane;
    std::uint32_t* words = path_flag_words(flags, path);
    const bool sample_path = path < static_cast<std::uint64_t>(sample_paths);
    for (int unit = 0; unit < forms.n_units; ++unit) {
      const health_value worst =
          health_worst_case(forms, unit, &box.low[0][lane], &box.high[0][lane], Lanes);
      if (sample_path || box_may_liquidate(worst)) {
        words[unit / 32] |= 1u << (unit % 32);
      }
    }
  }
}

}  // namespace levrisk
