#pragma once
// The exchanges' margin ratio of a perp unit, from its health factor
// (docs/methodology.md, "Margin ratio").

#include "host/engine/results.hpp"

namespace levrisk {

// Binance USD-M futures: "Margin Ratio = Maintenance Margin / Margin Balance",
// liquidated at 100% (Bybit: the maintenance margin rate). With HF = equity /
// maintenance, bounded to [0, 1]: 1 / HF above HF 1, and 1 at or below it (equity at
// or below the requirement, bankrupt included); 0 at HF = inf; NaN stays NaN.
double margin_ratio(double health_factor);

// Fills u's margin_ratio_max_* from its hf_min_* at the same levels. The margin ratio
// is non-increasing in the HF, so its path maximum is margin_ratio(HF path minimum)
// and entry i, margin_ratio(hf_min_quantile[i]), is the (1 - level) quantile of the
// path maximum; the interval [lo, hi] maps to [margin_ratio(hi), margin_ratio(lo)].
// An HF bound (true value at most the one given) is a margin-ratio bound (true value
// at least the one given), except at a margin ratio of 1, which is then exact.
// Lending units have no margin ratio: NaN and no bounds.
void set_margin_ratio_quantiles(unit_result& u);

}  // namespace levrisk
