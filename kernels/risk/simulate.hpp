#pragma once
// The fused path kernel: generate, step and evaluate in one pass, keeping only
// small per-path accumulators (docs/architecture.md, data flow).
//
// simulate_paths  advances a block of paths through the horizon. It tracks each
//                 factor's running extremes on the liquidation ladders, bins the
//                 extremes into histograms (the health-factor minimum of every
//                 single-factor unit is a monotone function of them), and at the
//                 end screens the multi-factor units with the path's per-asset
//                 price box, flagging the (unit, path) pairs the box cannot clear.
// exact_check_path regenerates one flagged path from its counter-based stream
//                 and evaluates its flagged units at every monitoring step.
//
// Every tally is an integer added atomically, so results are the same for any
// batch size, thread count and backend.

#include "kernels/common.hpp"
#include "kernels/paths/market_step.hpp"
#include "kernels/risk/atomics.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/ladder.hpp"

namespace levrisk {

constexpr int max_factors = 64;
constexpr int exact_check_group = 64;  // flagged units evaluated per regeneration of a path

// A factor y = x[numerator_asset] - x[denominator_asset] (a log price ratio), or
// x[numerator_asset] alone (a log-return in USD) when denominator_asset < 0.
struct factor_view {
  int numerator_asset;
  int denominator_asset;
  ladder_view falling;     // liquidated when y falls below the threshold
  ladder_view rising;      // liquidated when y rises above it (thresholds negated)
  tally_t* min_histogram;  // bins of -min_t y(t) over [0, bins / inverse_width)
  tally_t* max_histogram;  // bins of  max_t y(t)
};

struct multi_unit_tallies {
  tally_t* liquidated;
  tally_t* step_sum;
  tally_t* step_sq_sum;
  std::int64_t sample_paths;  // paths [0, sample_paths) evaluate every unit exactly...
  float* hf_min_sample;       // ...and store its minimum HF at [unit * sample_paths + path]
};

struct simulation_view {
  normal_stream stream;
  int n_steps;
  market_view model;
  int n_factors;
  const factor_view* factors;
  int histogram_bins;
  float histogram_inverse_width;
  health_forms_view multi;  // units needing the exact check
  multi_unit_tallies multi_tallies;
  int flag_words;        // 32-bit words of flags per path
  std::uint32_t* flags;  // batch-relative: [path_in_batch * flag_words + unit / 32]
  std::uint64_t batch_first_path;
};

LEVRISK_HD LEVRISK_FORCEINLINE int histogram_bin(float distance, float inverse_width, int bins) {
  const float scaled = distance * inverse_width;
  return scaled >= static_cast<float>(bins - 1) ? bins - 1 : static_cast<int>(scaled);
}

// Screening margin: the box bound and the exact check use the same float
// exponential, but it is only monotone to within an ulp or two.
constexpr double screen_relative_margin = 1e-5;

// Simulates paths [first_path, first_path + Lanes); lanes at or beyond
// active_lanes are computed but not tallied.
template <int Lanes>
LEVRISK_HD void simulate_paths(const simulation_view& v, std::uint64_t first_path,
                               int active_lanes) {
  const int n_assets = v.model.diffusion.n_assets;
  float x[max_assets][Lanes];
  float x_min[max_assets][Lanes];
  float x_max[max_assets][Lanes];
  for (int k = 0; k < n_assets; ++k) {
    for (int lane = 0; lane < Lanes; ++lane) x[k][lane] = x_min[k][lane] = x_max[k][lane] = 0.0f;
  }
  float y_min[max_factors][Lanes];
  float y_max[max_factors][Lanes];
  int falling_crossed[max_factors][Lanes];
  int rising_crossed[max_factors][Lanes];
  for (int f = 0; f < v.n_factors; ++f) {
    for (int lane = 0; lane < Lanes; ++lane) {
      y_min[f][lane] = y_max[f][lane] = 0.0f;
      // Step 0 is a monitoring point: units already below HF 1 at the snapshot.
      falling_crossed[f][lane] =
          lane < active_lanes ? ladder_advance(v.factors[f].falling, 0, 0.0f, 0) : 0;
      rising_crossed[f][lane] =
          lane < active_lanes ? ladder_advance(v.factors[f].rising, 0, 0.0f, 0) : 0;
    }
  }

  step_draws<Lanes> draws;
  for (int step = 1; step <= v.n_steps; ++step) {
    market_step<Lanes>(v.model, v.stream, first_path, step - 1, draws, x);
    for (int k = 0; k < n_assets; ++k) {
#if !defined(__CUDA_ARCH__)
#pragma omp simd
#endif
      for (int lane = 0; lane < Lanes; ++lane) {
        x_min[k][lane] = x[k][lane] < x_min[k][lane] ? x[k][lane] : x_min[k][lane];
        x_max[k][lane] = x[k][lane] > x_max[k][lane] ? x[k][lane] : x_max[k][lane];
      }
    }
    for (int f = 0; f < v.n_factors; ++f) {
      const factor_view& factor = v.factors[f];
      float y[Lanes];
      int new_extreme = 0;
#if !defined(__CUDA_ARCH__)
#pragma omp simd reduction(| : new_extreme)
#endif
      for (int lane = 0; lane < Lanes; ++lane) {
        y[lane] = x[factor.numerator_asset][lane] -
                  (factor.denominator_asset >= 0 ? x[factor.denominator_asset][lane] : 0.0f);
        new_extreme |= static_cast<int>(y[lane] < y_min[f][lane] || y[lane] > y_max[f][lane]);
      }
      if (!new_extreme) continue;
      for (int lane = 0; lane < active_lanes && lane < Lanes; ++lane) {
        if (y[lane] < y_min[f][lane]) {
          y_min[f][lane] = y[lane];
          falling_crossed[f][lane] =
              ladder_advance(factor.falling, falling_crossed[f][lane], y[lane], step);
        } else if (y[lane] > y_max[f][lane]) {
          y_max[f][lane] = y[lane];
          rising_crossed[f][lane] =
              ladder_advance(factor.rising, rising_crossed[f][lane], -y[lane], step);
        }
      }
    }
  }

  for (int lane = 0; lane < active_lanes && lane < Lanes; ++lane) {
    for (int f = 0; f < v.n_factors; ++f) {
      const factor_view& factor = v.factors[f];
      tally_add(factor.min_histogram +
                    histogram_bin(-y_min[f][lane], v.histogram_inverse_width, v.histogram_bins),
                1ull);
      tally_add(factor.max_histogram +
                    histogram_bin(y_max[f][lane], v.histogram_inverse_width, v.histogram_bins),
                1ull);
    }
    if (v.multi.n_units == 0) continue;
    const std::uint64_t path = first_path + lane;
    std::uint32_t* flags = v.flags + (path - v.batch_first_path) * v.flag_words;
    const bool sample_path = path < static_cast<std::uint64_t>(v.multi_tallies.sample_paths);
    float growth_min[max_assets];
    float growth_max[max_assets];
    for (int k = 0; k < n_assets; ++k) {
      growth_min[k] = exp_float(x_min[k][lane]);
      growth_max[k] = exp_float(x_max[k][lane]);
    }
    for (int unit = 0; unit < v.multi.n_units; ++unit) {
      const health_value worst = health_worst_case(v.multi, unit, growth_min, growth_max);
      if (sample_path ||
          worst.numerator_usd < worst.denominator_usd * (1.0 + screen_relative_margin)) {
        flags[unit / 32] |= 1u << (unit % 32);
      }
    }
  }
}

// The first flagged unit at or after `unit`, or n_units.
LEVRISK_HD inline int next_flagged_unit(const std::uint32_t* flags, int n_units, int unit) {
  while (unit < n_units) {
    const std::uint32_t word = flags[unit / 32] >> (unit % 32);
    if (word != 0u) {
      int offset = 0;
      while (((word >> offset) & 1u) == 0u) ++offset;
      return unit + offset;
    }
    unit = (unit / 32 + 1) * 32;  // the rest of this word is clear
  }
  return n_units;
}

LEVRISK_HD inline void record_exact_outcome(const simulation_view& v, int unit, std::uint64_t path,
                                            int liquidation_step, double hf_min, bool sample_path) {
  if (liquidation_step >= 0) {
    const tally_t s = static_cast<tally_t>(liquidation_step);
    tally_add(v.multi_tallies.liquidated + unit, 1ull);
    tally_add(v.multi_tallies.step_sum + unit, s);
    tally_add(v.multi_tallies.step_sq_sum + unit, s * s);
  }
  if (sample_path) {
    v.multi_tallies.hf_min_sample[unit * v.multi_tallies.sample_paths + path] =
        static_cast<float>(hf_min);
  }
}

// Exact step-by-step evaluation of the flagged units of one path, steps 0 to
// n_steps. Sample paths evaluate every step (they record the HF minimum); other
// paths stop at a unit's first liquidation.
//
// With `growth_scratch` ((n_steps + 1) x n_assets floats) the path is generated
// once and kept there; without (the GPU, where per-thread scratch for a whole
// batch would not fit) it is regenerated for each group of exact_check_group
// units. Both compute the same growth values, hence the same results.
LEVRISK_HD inline void exact_check_path(const simulation_view& v, std::uint64_t path,
                                        float* growth_scratch) {
  const std::uint32_t* flags = v.flags + (path - v.batch_first_path) * v.flag_words;
  const int n_units = v.multi.n_units;
  int next_unit = next_flagged_unit(flags, n_units, 0);
  if (next_unit == n_units) return;
  const bool sample_path = path < static_cast<std::uint64_t>(v.multi_tallies.sample_paths);
  const int n_assets = v.model.diffusion.n_assets;
  float x[max_assets][1];
  step_draws<1> draws;

  if (growth_scratch != nullptr) {
    for (int k = 0; k < n_assets; ++k) {
      x[k][0] = 0.0f;
      growth_scratch[k] = 1.0f;
    }
    for (int step = 1; step <= v.n_steps; ++step) {
      market_step<1>(v.model, v.stream, path, step - 1, draws, x);
      for (int k = 0; k < n_assets; ++k) growth_scratch[step * n_assets + k] = exp_float(x[k][0]);
    }
    for (; next_unit < n_units; next_unit = next_flagged_unit(flags, n_units, next_unit + 1)) {
      int liquidation_step = -1;
      double hf_min = HUGE_VAL;
      for (int step = 0; step <= v.n_steps && (liquidation_step < 0 || sample_path); ++step) {
        const health_value h = health_at(
            v.multi, next_unit, growth_scratch + static_cast<std::ptrdiff_t>(step) * n_assets);
        const double hf = health_factor(h);
        hf_min = hf < hf_min ? hf : hf_min;
        if (liquidation_step < 0 && is_liquidatable(h)) liquidation_step = step;
      }
      record_exact_outcome(v, next_unit, path, liquidation_step, hf_min, sample_path);
    }
    return;
  }

  while (next_unit < n_units) {
    int units[exact_check_group];
    int group_size = 0;
    for (; next_unit < n_units && group_size < exact_check_group;
         next_unit = next_flagged_unit(flags, n_units, next_unit + 1)) {
      units[group_size++] = next_unit;
    }
    int liquidation_step[exact_check_group];
    double hf_min[exact_check_group];
    float growth[max_assets];
    for (int k = 0; k < n_assets; ++k) {
      x[k][0] = 0.0f;
      growth[k] = 1.0f;
    }
    int pending = group_size;
    for (int i = 0; i < group_size; ++i) {
      const health_value h = health_at(v.multi, units[i], growth);
      hf_min[i] = health_factor(h);
      liquidation_step[i] = is_liquidatable(h) ? 0 : -1;
      if (liquidation_step[i] == 0) --pending;
    }
    for (int step = 1; step <= v.n_steps && (pending > 0 || sample_path); ++step) {
      market_step<1>(v.model, v.stream, path, step - 1, draws, x);
      for (int k = 0; k < n_assets; ++k) growth[k] = exp_float(x[k][0]);
      for (int i = 0; i < group_size; ++i) {
        if (liquidation_step[i] >= 0 && !sample_path) continue;
        const health_value h = health_at(v.multi, units[i], growth);
        const double hf = health_factor(h);
        hf_min[i] = hf < hf_min[i] ? hf : hf_min[i];
        if (liquidation_step[i] < 0 && is_liquidatable(h)) {
          liquidation_step[i] = step;
          --pending;
        }
      }
    }
    for (int i = 0; i < group_size; ++i) {
      record_exact_outcome(v, units[i], path, liquidation_step[i], hf_min[i], sample_path);
    }
  }
}

}  // namespace levrisk
