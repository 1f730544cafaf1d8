#pragma once
// The step-synchronous stage's figures (kernels/risk/feedback_execution.hpp)
// from the per-path totals and the rounds tally: cascade depth, each asset's
// endogenous drawdown, and the amplification table, whose ratios pair each
// path's full run with its counterfactuals (docs/methodology.md, "Amplification").

#include <cstdint>
#include <vector>

#include "host/engine/results.hpp"
#include "host/plan/execution_plan.hpp"

namespace levrisk {

// mean(a) / mean(b) over the same paths. By the delta method,
// Var(R) = (Var a - 2 R Cov(a, b) + R^2 Var b) / (n mean(b)^2); NaN when mean(b) is 0.
ratio_estimate paired_ratio(const std::vector<double>& a, const std::vector<double>& b);

// Fills s.feedback (paths x stride per-path totals, as summarize_system reads them).
void summarize_feedback(const execution_plan& plan, int n_assets,
                        const std::vector<double>& path_totals, std::int64_t paths,
                        const std::vector<tally_t>& rounds_histogram, system_result& s);

}  // namespace levrisk
