#include "host/engine/summarize.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "host/engine/margin_ratio.hpp"
#include "host/engine/statistics.hpp"

namespace levrisk {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct liquidation_tally {
  std::int64_t count = 0;
  double step_sum = 0.0;
  double step_sq_sum = 0.0;
};

// Per-unit tallies of every ladder: prefix sums of its difference arrays.
std::vector<liquidation_tally> ladder_tallies(const risk_plan& plan,
                                              const simulation_tallies& tallies) {
  const std::vector<std::int64_t> offsets = plan.simulation.ladders.ladder_offsets();
  std::vector<liquidation_tally> per_position(static_cast<std::size_t>(offsets.back()));
  for (std::size_t ladder = 0; ladder + 1 < offsets.size(); ++ladder) {
    const std::int64_t begin = offsets[ladder];
    const std::int64_t size = offsets[ladder + 1] - begin;
    const std::size_t tally_begin = static_cast<std::size_t>(begin) + ladder;
    tally_t crossed = 0, step_sum = 0, step_sq_sum = 0;  // wrap-around sums of signed differences
    for (std::int64_t i = 0; i < size; ++i) {
      crossed += tallies.crossed_diff[tally_begin + static_cast<std::size_t>(i)];
      step_sum += tallies.step_sum_diff[tally_begin + static_cast<std::size_t>(i)];
      step_sq_sum += tallies.step_sq_sum_diff[tally_begin + static_cast<std::size_t>(i)];
      per_position[static_cast<std::size_t>(begin + i)] = {static_cast<std::int64_t>(crossed),
                                                           static_cast<double>(step_sum),
                                                           static_cast<double>(step_sq_sum)};
    }
  }
  return per_position;
}

double ratio_health(const planned_unit& unit, double y) {
  const double r = std::exp(y);
  const double denominator = unit.c + unit.d * r;
  return denominator > 0.0 ? (unit.a + unit.b * r) / denominator
                           : std::numeric_limits<double>::infinity();
}

// HF minimum quantiles of a single-factor unit. Its HF is monotone in r = e^y,
// so its path minimum is HF at the path's minimum of y (HF increasing) or
// maximum (decreasing), whose distribution the factor's histograms hold. The HF
// falls as the distance from 0 grows. Bin b < bins - 1 holds distances in
// [b w, (b + 1) w): its value is read at the far edge, which errs toward a lower
// HF by at most one bin width. The last bin holds every distance from its lower
// edge (bins - 1) w on (histogram_bin in kernels/risk/simulate.hpp clamps into
// it), with no far edge: the true HF there is at most HF at the lower edge, so
// that is the value given, marked as a bound.
void factor_quantiles(const risk_plan& plan, const simulation_tallies& tallies,
                      const planned_unit& unit, const std::vector<double>& levels,
                      unit_result& out) {
  const simulation_plan& sim = plan.simulation;
  const bool increasing = unit.b * unit.c - unit.a * unit.d > 0.0;
  const std::vector<tally_t>& histogram =
      increasing ? tallies.min_histogram : tallies.max_histogram;
  const tally_t* counts =
      histogram.data() + static_cast<std::size_t>(unit.factor) * sim.ladders.histogram_bins;
  const std::int64_t n = sim.n_paths;
  // Ascending HF is descending distance from 0, so HF rank k is distance rank n - k + 1.
  auto read_rank = [&](std::int64_t rank, std::vector<double>& value,
                       std::vector<std::uint8_t>& bound) {
    const int bin = histogram_bin_at_rank(counts, sim.ladders.histogram_bins, n - rank + 1);
    const bool clamped = bin == sim.ladders.histogram_bins - 1;
    const double distance = (clamped ? bin : bin + 1) * sim.ladders.histogram_width;
    value.push_back(ratio_health(unit, increasing ? -distance : distance));
    bound.push_back(clamped ? 1 : 0);
  };
  for (const double level : levels) {
    const quantile_ranks ranks = quantile_order_ranks(level, n);
    read_rank(ranks.point, out.hf_min_quantile, out.hf_min_quantile_bound);
    read_rank(ranks.lo, out.hf_min_quantile_lo, out.hf_min_quantile_lo_bound);
    read_rank(ranks.hi, out.hf_min_quantile_hi, out.hf_min_quantile_hi_bound);
  }
  out.hf_min_paths = n;
}

void sample_quantiles(const risk_plan& plan, const simulation_tallies& tallies,
                      const planned_unit& unit, const std::vector<double>& levels,
                      unit_result& out) {
  const std::int64_t k = plan.simulation.multi.hf_sample_paths;
  out.hf_min_paths = k;
  if (k == 0) {
    out.hf_min_quantile.assign(levels.size(), nan);
    out.hf_min_quantile_lo.assign(levels.size(), nan);
    out.hf_min_quantile_hi.assign(levels.size(), nan);
    return;
  }
  const auto begin = tallies.hf_min_sample.begin() + unit.exact_index * k;
  std::vector<float> sample(begin, begin + k);
  std::sort(sample.begin(), sample.end());
  auto at_rank = [&](std::int64_t rank) {
    return static_cast<double>(sample[static_cast<std::size_t>(rank - 1)]);
  };
  for (const double level : levels) {
    const quantile_ranks ranks = quantile_order_ranks(level, k);
    out.hf_min_quantile.push_back(at_rank(ranks.point));
    out.hf_min_quantile_lo.push_back(at_rank(ranks.lo));
    out.hf_min_quantile_hi.push_back(at_rank(ranks.hi));
  }
}

}  // namespace

std::vector<unit_result> summarize_units(const risk_plan& plan, const simulation_tallies& tallies,
                                         double step_days, const std::vector<double>& levels) {
  const std::vector<liquidation_tally> ladder = ladder_tallies(plan, tallies);
  const std::vector<std::int64_t> offsets = plan.simulation.ladders.ladder_offsets();
  const std::int64_t n = plan.simulation.n_paths;

  std::vector<unit_result> results;
  results.reserve(plan.units.size());
  for (const planned_unit& unit : plan.units) {
    unit_result out{};
    out.id = unit.id;
    out.venue = unit.venue;
    out.kind = unit.kind;
    out.health_factor_initial = unit.health_factor_initial;

    liquidation_tally tally;
    switch (unit.route) {
      case unit_route::constant:
        tally.count = unit.always_liquidated ? n : 0;  // at step 0
        break;
      case unit_route::ladder: {
        const std::size_t ladder_index = 2 * static_cast<std::size_t>(unit.factor) + unit.rising;
        tally = ladder[static_cast<std::size_t>(offsets[ladder_index]) +
                       static_cast<std::size_t>(unit.ladder_position)];
        break;
      }
      case unit_route::exact: {
        const auto i = static_cast<std::size_t>(unit.exact_index);
        tally = {static_cast<std::int64_t>(tallies.multi_liquidated[i]),
                 static_cast<double>(tallies.multi_step_sum[i]),
                 static_cast<double>(tallies.multi_step_sq_sum[i])};
        break;
      }
    }
    const proportion_estimate p = binomial_estimate(tally.count, n);
    out.liquidated_paths = tally.count;
    out.liquidation_probability = p.p;
    out.liquidation_probability_se = p.se;
    out.liquidation_probability_lo = p.lo;
    out.liquidation_probability_hi = p.hi;
    const mean_estimate t = mean_from_sums(tally.count, tally.step_sum, tally.step_sq_sum);
    out.time_to_liquidation_days = t.mean * step_days;
    out.time_to_liquidation_se_days = tally.count >= 2 ? t.se * step_days : nan;

    if (unit.route == unit_route::exact) {
      sample_quantiles(plan, tallies, unit, levels, out);
    } else if (unit.factor >= 0) {
      factor_quantiles(plan, tallies, unit, levels, out);
    } else {  // the health factor does not move
      out.hf_min_quantile.assign(levels.size(), unit.health_factor_initial);
      out.hf_min_quantile_lo = out.hf_min_quantile;
      out.hf_min_quantile_hi = out.hf_min_quantile;
      out.hf_min_paths = n;
    }
    // Only a histogram's clamped last bin gives bounds (factor_quantiles); the
    // sample's values are the path minima themselves.
    out.hf_min_quantile_bound.resize(levels.size(), 0);
    out.hf_min_quantile_lo_bound.resize(levels.size(), 0);
    out.hf_min_quantile_hi_bound.resize(levels.size(), 0);
    // Perps: the exchanges' margin ratio, maintenance / equity in [0, 1], a monotone
    // function of the HF, so its path maximum's quantiles are those of the HF minimum
    // mapped through it (margin_ratio.hpp).
    set_margin_ratio_quantiles(out);
    results.push_back(std::move(out));
  }
  return results;
}

}  // namespace levrisk
