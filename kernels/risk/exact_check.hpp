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

// Per-path state of the exact check: the regenerated path's market state and
// growth factors, and the group of units evaluated per pass over the path.
template <int MaxAssets, int Group>
struct exact_state {
  market_state<1, MaxAssets> market;
  float growth[MaxAssets];  // e^x of the current step, regenerated source
  int unit[Group];
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

// The path's growth factors at every step into `scratch` ((n_steps + 1) x n),
// and with `x_rows` its log-returns as well (the execution stage's ladders).
// The market state is a local: the compiler then knows that the stores to
// scratch cannot change it, and keeps it out of memory.
template <int MaxAssets>
LEVRISK_HD inline void store_path(const simulation_view& v, std::uint64_t path, float* scratch,
                                  float* x_rows = nullptr) {
  const int n = v.model.diffusion.n_assets;
  market_state<1, MaxAssets> market{};
  market_begin(v.model, v.stream, path, market);
  for (int k = 0; k < n; ++k) scratch[k] = 1.0f;
  if (x_rows != nullptr) {
    for (int k = 0; k < n; ++k) x_rows[k] = 0.0f;
  }
  for (int step = 1; step <= v.n_steps; ++step) {
    market_step(v.model, v.stream, path, step - 1, market);
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(step) * n;
    for (int k = 0; k < n; ++k) scratch[row + k] = exp_float(market.log_return[k][0]);
    if (x_rows != nullptr) {
      for (int k = 0; k < n; ++k) x_rows[row + k] = market.log_return[k][0];
    }
  }
}

// The two sources of a path's growth factors, read at steps 0, 1, ... in order.
// They are types, not a run-time switch, so that the stored source's loop does
// not carry the market model's code (and its registers).
struct stored_path {
  const float* growth;  // (n_steps + 1) x n_assets, from store_path
  int n_assets;
  LEVRISK_HD LEVRISK_FORCEINLINE const float* at(int step) const {
    return growth + static_cast<std::ptrdiff_t>(step) * n_assets;
  }
};

template <int MaxAssets, int Group>
struct regenerated_path {
  const simulation_view& v;
  std::uint64_t path;
  exact_state<MaxAssets, Group>& s;
  LEVRISK_HD LEVRISK_FORCEINLINE const float* at(int step) {
    const int n = v.model.diffusion.n_assets;
    if (step == 0) {
      market_begin(v.model, v.stream, path, s.market);
      for (int k = 0; k < n; ++k) s.growth[k] = 1.0f;
    } else {
      market_step(v.model, v.stream, path, step - 1, s.market);
      for (int k = 0; k < n; ++k) s.growth[k] = exp_float(s.market.log_return[k][0]);
    }
    return s.growth;
  }
};

// One unit's outcome on one path: its first liquidating step (-1: none) and,
// on a sample path, its HF minimum; the step also into first_step, when given.
template <class Minimum>
LEVRISK_HD LEVRISK_FORCEINLINE void record_outcome(const multi_unit_tallies& t, int unit,
                                                   std::uint64_t path, bool sample_path,
                                                   int liquidation_step, Minimum hf_min,
                                                   int* first_step) {
  if (first_step != nullptr) first_step[unit] = liquidation_step;
  if (liquidation_step >= 0) {
    const auto step = static_cast<tally_t>(liquidation_step);
    tally_add(t.liquidated + unit, 1ull);
    tally_add(t.step_sum + unit, step);
    tally_add(t.step_sq_sum + unit, step * step);
  }
  if (sample_path) {
    t.hf_min_sample[static_cast<std::int64_t>(unit) * t.sample_paths +
                    static_cast<std::int64_t>(path)] = static_cast<float>(hf_min);
  }
}

// Units s.unit[0, group_size) along the path, each until its first liquidation
// (every step on a sample path), then their tallies. Each unit's form, first
// liquidating step and HF minimum are locals indexed only by unrolled loops
// over the compile-time Group: registers on both backends, looked up once per
// pass rather than at every step, and never memory the plan tables might alias. Minimum is the
// running minimum's type; the result is the same for float and double, since rounding to float is
// monotone (the CPU keeps double: no conversion in its hottest loop).
template <class Minimum, class Source, int MaxAssets, int Group>
LEVRISK_HD LEVRISK_HOST_NOINLINE void check_group(const simulation_view& v, std::uint64_t path,
                                                  bool sample_path, int group_size, Source source,
                                                  const exact_state<MaxAssets, Group>& s,
                                                  int* first_step) {
  unit_form form[Group];
  int liquidation_step[Group];
  Minimum hf_min[Group];
  LEVRISK_UNROLL
  for (int i = 0; i < Group; ++i) {
    form[i] = i < group_size ? unit_form_of(v.exact.forms, s.unit[i]) : unit_form{};
    liquidation_step[i] = -1;
    hf_min[i] = static_cast<Minimum>(HUGE_VAL);
  }
  int pending = group_size;
  for (int step = 0; step <= v.n_steps && (pending > 0 || sample_path); ++step) {
    const float* growth = source.at(step);
    LEVRISK_UNROLL
    for (int i = 0; i < Group; ++i) {
      if (i >= group_size || (liquidation_step[i] >= 0 && !sample_path)) continue;
      const health_value h = health_at(form[i], growth);
      const auto hf = static_cast<Minimum>(health_factor(h));
      hf_min[i] = hf < hf_min[i] ? hf : hf_min[i];
      if (liquidation_step[i] < 0 && is_liquidatable(h)) {
        liquidation_step[i] = step;
        --pending;
      }
    }
  }
  LEVRISK_UNROLL
  for (int i = 0; i < Group; ++i) {
    if (i < group_size) {
      record_outcome(v.exact.tallies, s.unit[i], path, sample_path, liquidation_step[i], hf_min[i],
                     first_step);
    }
  }
}

// The flagged units from first_unit on, in groups of up to Group.
template <class Minimum, class Source, int MaxAssets, int Group>
LEVRISK_HD inline void check_groups(const simulation_view& v, std::uint64_t path, bool sample_path,
                                    int first_unit, Source source, exact_state<MaxAssets, Group>& s,
                                    int* first_step) {
  const std::uint32_t* flags = path_flag_words(v.exact.flags, path);
  const int n_units = v.exact.forms.n_units;
  for (int next_unit = first_unit; next_unit < n_units;) {
    int group_size = 0;
    for (; next_unit < n_units && group_size < Group;
         next_unit = next_flagged_unit(flags, n_units, next_unit + 1)) {
      s.unit[group_size++] = next_unit;
    }
    check_group<Minimum>(v, path, sample_path, group_size, source, s, first_step);
  }
}

// The flagged units of `path`. With `scratch` ((n_steps + 1) x n_assets floats,
// CPU only) the path is stored there, unless `stored` says store_path has
// filled it already; without, it is regenerated for each group. `first_step`
// (the CPU, per thread): where each flagged unit's first liquidating step (-1:
// none) goes, for the execution stage on the same thread.
template <class Minimum = float, int MaxAssets, int Group>
LEVRISK_HD inline void exact_check_path(const simulation_view& v, std::uint64_t path,
                                        float* scratch, exact_state<MaxAssets, Group>& s,
                                        bool stored = false, int* first_step = nullptr) {
  const std::uint32_t* flags = path_flag_words(v.exact.flags, path);
  const int n_units = v.exact.forms.n_units;
  int next_unit = next_flagged_unit(flags, n_units, 0);
  if (next_unit == n_units) return;
  const bool sample_path = path < static_cast<std::uint64_t>(v.exact.tallies.sample_paths);
#if !defined(__CUDA_ARCH__)
  if (scratch != nullptr) {
    if (!stored) store_path<MaxAssets>(v, path, scratch);
    check_groups<Minimum>(v, path, sample_path, next_unit,
                          stored_path{scratch, v.model.diffusion.n_assets}, s, first_step);
    return;
  }
#endif
  check_groups<Minimum>(v, path, sample_path, next_unit,
                        regenerated_path<MaxAssets, Group>{v, path, s}, s, first_step);
}

}  // namespace levrisk
