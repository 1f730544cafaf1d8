#pragma once
// The exact check: the flagged units of one path (kernels/risk/screen.hpp)
// evaluated at every monitoring step, steps 0 to n_steps. Sample paths
// evaluate every step (they record the HF minimum); other paths stop at a
// unit's first liquidation.
//
// The path's prices come from one of two sources, through one evaluation loop:
// stored, the whole path generated once into per-thread scratch (the CPU), or
// regenerated from its counter-based stream for each group of units (the GPU,
// where scratch for a whole batch would not fit). Both compute the same growth
// values, hence the same results.

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"
#include "kernels/paths/market_step.hpp"
#include "kernels/risk/atomics.hpp"
#include "kernels/risk/health_form.hpp"
#include "kernels/risk/simulation_view.hpp"

namespace levrisk {

// Per-path state of the exact check; Group units are evaluated per pass over
// the path.
template <int MaxAssets, int Group>
struct exact_state {
  static constexpr int group = Group;
  market_state<1, MaxAssets> market;
  float growth[MaxAssets];  // e^x of the current step, regenerated source
  int unit[Group];
  int liquidation_step[Group];
  float hf_min[Group];  // float of the double minimum: rounding is monotone
};

// The first flagged unit at or after `unit`, or n_units.
LEVRISK_HD inline int next_flagged_unit(const std::uint32_t* flags, int n_units, int unit) {
  while (unit < n_units) {
    const std::uint32_t word = flags[unit / 32] >> (unit % 32);
    if (word != 0u) {
      int offset = 0;
      while (((word >> offset) & 1u) == 0u) ++offset;
      return unit + offset < n_units ? unit + offset : n_units;  // bits past the end: none
    }
    unit = (unit / 32 + 1) * 32;  // the rest of this word is clear
  }
  return n_units;
}

// The path's growth factors at every step into `scratch` ((n_steps + 1) x n).
template <int MaxAssets, int Group>
LEVRISK_HD inline void store_path(const simulation_view& v, std::uint64_t path, float* scratch,
                                  exact_state<MaxAssets, Group>& s) {
  const int n = v.model.diffusion.n_assets;
  market_begin(v.model, v.stream, path, s.market);
  for (int k = 0; k < n; ++k) scratch[k] = 1.0f;
  for (int step = 1; step <= v.n_steps; ++step) {
    market_step(v.model, v.stream, path, step - 1, s.market);
    for (int k = 0; k < n; ++k) {
      scratch[static_cast<std::ptrdiff_t>(step) * n + k] = exp_float(s.market.log_return[k][0]);
    }
  }
}

// Growth factors at `step`, visited in order from 0: from the stored path, or
// by stepping the regenerated one.
template <int MaxAssets, int Group>
LEVRISK_HD LEVRISK_FORCEINLINE const float* path_growth(const simulation_view& v,
                                                        std::uint64_t path, const float* stored,
                                                        int step,
                                                        exact_state<MaxAssets, Group>& s) {
  const int n = v.model.diffusion.n_assets;
  if (stored != nullptr) return stored + static_cast<std::ptrdiff_t>(step) * n;
  if (step == 0) {
    market_begin(v.model, v.stream, path, s.market);
    for (int k = 0; k < n; ++k) s.growth[k] = 1.0f;
  } else {
    market_step(v.model, v.stream, path, step - 1, s.market);
    for (int k = 0; k < n; ++k) s.growth[k] = exp_float(s.market.log_return[k][0]);
  }
  return s.growth;
}

// Units s.unit[0, group_size) along the path.
template <int MaxAssets, int Group>
LEVRISK_HD inline void evaluate_group(const simulation_view& v, std::uint64_t path,
                                      const float* stored, bool sample_path, int group_size,
                                      exact_state<MaxAssets, Group>& s) {
  for (int i = 0; i < group_size; ++i) {
    s.liquidation_step[i] = -1;
    s.hf_min[i] = HUGE_VALF;
  }
  int pending = group_size;
  for (int step = 0; step <= v.n_steps && (pending > 0 || sample_path); ++step) {
    const float* growth = path_growth(v, path, stored, step, s);
    for (int i = 0; i < group_size; ++i) {
      if (s.liquidation_step[i] >= 0 && !sample_path) continue;
      const health_value h = health_at(v.exact.forms, s.unit[i], growth);
      const float hf = static_cast<float>(health_factor(h));
      s.hf_min[i] = hf < s.hf_min[i] ? hf : s.hf_min[i];
      if (s.liquidation_step[i] < 0 && is_liquidatable(h)) {
        s.liquidation_step[i] = step;
        --pending;
      }
    }
  }
}

template <int MaxAssets, int Group>
LEVRISK_HD inline void record_group(const exact_units_view& e, std::uint64_t path, bool sample_path,
                                    int group_size, const exact_state<MaxAssets, Group>& s) {
  for (int i = 0; i < group_size; ++i) {
    const int unit = s.unit[i];
    if (s.liquidation_step[i] >= 0) {
      const tally_t step = static_cast<tally_t>(s.liquidation_step[i]);
      tally_add(e.tallies.liquidated + unit, 1ull);
      tally_add(e.tallies.step_sum + unit, step);
      tally_add(e.tallies.step_sq_sum + unit, step * step);
    }
    if (sample_path) {
      e.tallies.hf_min_sample[static_cast<std::int64_t>(unit) * e.tallies.sample_paths +
                              static_cast<std::int64_t>(path)] = s.hf_min[i];
    }
  }
}

// The flagged units of `path`. With `scratch` ((n_steps + 1) x n_assets floats)
// the path is stored there; without, it is regenerated for each group.
template <int MaxAssets, int Group>
LEVRISK_HD inline void exact_check_path(const simulation_view& v, std::uint64_t path,
                                        float* scratch, exact_state<MaxAssets, Group>& s) {
  const std::uint32_t* flags = path_flag_words(v.exact.flags, path);
  const int n_units = v.exact.forms.n_units;
  int next_unit = next_flagged_unit(flags, n_units, 0);
  if (next_unit == n_units) return;
  const bool sample_path = path < static_cast<std::uint64_t>(v.exact.tallies.sample_paths);
  if (scratch != nullptr) store_path(v, path, scratch, s);
  while (next_unit < n_units) {
    int group_size = 0;
    for (; next_unit < n_units && group_size < Group;
         next_unit = next_flagged_unit(flags, n_units, next_unit + 1)) {
      s.unit[group_size++] = next_unit;
    }
    evaluate_group(v, path, scratch, sample_path, group_size, s);
    record_group(v.exact, path, sample_path, group_size, s);
  }
}

}  // namespace levrisk
