#include "host/engine/contributions.hpp"

#include <cstddef>

#include "common/error.hpp"
#include "host/engine/summarize_execution.hpp"

namespace levrisk {

std::vector<usd_estimate> es_contributions(const simulation_plan& plan, backend& executor,
                                           const std::vector<std::int64_t>& tail) {
  LEVRISK_REQUIRE(plan.execution.enabled, runtime_failure,
                  "ES contributions need the execution stage");
  const std::size_t n_units = plan.execution.units.size();
  if (tail.empty()) return std::vector<usd_estimate>(n_units);
  // The HF-minimum sample is not wanted again: its paths run like any other.
  simulation_plan rerun = plan;
  rerun.multi.hf_sample_paths = 0;
  std::int64_t longest_run = 1;
  for (std::size_t i = 1, run = 1; i < tail.size(); ++i) {
    run = tail[i] == tail[i - 1] + 1 ? run + 1 : 1;
    longest_run = std::max<std::int64_t>(longest_run, static_cast<std::int64_t>(run));
  }
  executor.begin(rerun, longest_run);
  for (std::size_t i = 0; i < tail.size();) {  // runs of consecutive paths, one batch each
    std::size_t j = i + 1;
    while (j < tail.size() && tail[j] == tail[j - 1] + 1) ++j;
    executor.run_batch(static_cast<std::uint64_t>(tail[i]), static_cast<std::int64_t>(j - i));
    i = j;
  }
  const simulation_tallies tallies = executor.finish();
  const auto k = static_cast<std::int64_t>(tail.size());
  std::vector<usd_estimate> contribution(n_units);
  for (std::size_t u = 0; u < n_units; ++u) {
    const money_tally* bad_debt =
        tallies.execution_money.data() + (u * n_unit_money + money_bad_debt) * 2;
    contribution[u] = usd_from_sums(bad_debt, k);
  }
  return contribution;
}

}  // namespace levrisk
