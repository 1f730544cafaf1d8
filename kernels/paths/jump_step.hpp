#pragma once
// Merton (1976) jump-diffusion jumps with a systemic component: over a step the
// log-price of asset k moves by
//   J_k = sum_{i <= N_k} Y_ki + beta_k sum_{i <= N_s} Y_si,
// N_k ~ Poisson(lambda_k dt) with log-jumps Y_k ~ N(m_k, s_k^2) (idiosyncratic),
// N_s ~ Poisson(lambda_s dt) with Y_s ~ N(m_s, s_s^2) shared by every asset and
// scaled by its loading beta_k (crypto crashes are market-wide). Given N = n the
// sum of n normal log-jumps is N(n m, n s^2), so one normal per count suffices.
//
// Jumps are rare (lambda dt ~ 1e-4), so a path does not draw a count every step:
// each jump slot (asset k, or the systemic slot n) keeps the step of its next
// jump. With counts i.i.d. Poisson(rate) per step, the number of jump-free steps
// before the next step with a jump is geometric, P(K >= j) = e^{-rate j}, which
// is K = floor(E / rate) for E ~ Exp(1) (the Poisson process's exponential
// waiting time), and that step's count is Poisson conditioned on N >= 1. A step
// therefore costs one integer compare per slot; draws happen only where a slot
// jumps. The drift compensation (E[e^J] - 1 per jump) is in the diffusion's
// drift_dt (models/merton.hpp).
//
// Draws, addressed by (path, step, slot) in the regions of
// kernels/rng/stream_layout.hpp: the first wait of slot j is word x of Philox
// block jump_start_block_base + j; a jump of slot j at step s reads block
// jump_block_base + s (n + 1) + j: its size normal from words x, y, its count
// from word z and the wait to its next jump from word w.

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"
#include "kernels/rng/normal.hpp"
#include "kernels/rng/stream_layout.hpp"

namespace levrisk {

// The count table of a slot has jump_count_terms entries, so a step's count is
// at most jump_count_terms - 1: the bound on a jump's work (one compare per
// entry). models/merton.hpp caps each slot at the smallest K whose Poisson tail
// is below its tolerance, writing 1 from entry K on, and refuses a step that
// needs more than the table holds.
constexpr int jump_count_terms = 32;

// A wait that leaves every horizon: larger than any step count.
constexpr int no_jump_step = 1 << 30;

struct jump_view {
  const float* rate;       // per slot (assets, then systemic): lambda dt, expected jumps per step
  const float* count_cdf;  // [slot * jump_count_terms + i] = P(N <= i | N >= 1)
  const float* mean;       // per asset, log-jump mean m_k
  const float* stdev;      // per asset, log-jump stdev s_k
  const float* systemic_loading;  // per asset, beta_k
  float systemic_mean;
  float systemic_stdev;
};

// Steps from `step` to the slot's next jump step: step + 1 + floor(E / rate),
// E = -ln u, u in (0, 1]. The 24-bit u bounds E by 16.6 (a tail of 6e-8).
LEVRISK_HD LEVRISK_FORCEINLINE int next_jump_step(int step, float rate, std::uint32_t word) {
  const float wait = -log_float(uniform_open_closed(word)) / rate;
  return rate > 0.0f && wait < static_cast<float>(no_jump_step - step - 1)
             ? step + 1 + static_cast<int>(std::floor(wait))
             : no_jump_step;
}

LEVRISK_HD LEVRISK_FORCEINLINE int first_jump_step(std::uint64_t seed, std::uint64_t path, int slot,
                                                   float rate) {
  const u32x4 w =
      philox_block(seed, path, jump_start_block_base + static_cast<std::uint64_t>(slot));
  return next_jump_step(-1, rate, w.x);
}

// Poisson count given at least one jump, for uniform u in (0, 1]: 1 plus the
// number of conditional CDF entries below u.
LEVRISK_HD LEVRISK_FORCEINLINE int jump_count(const float* cdf, float u) {
  int n = 1;
  for (int i = 1; i < jump_count_terms - 1; ++i) n += u > cdf[i] ? 1 : 0;
  return n;
}

LEVRISK_HD LEVRISK_FORCEINLINE float compound_jump(int count, float mean, float stdev, float z) {
  // sqrt is correctly rounded on both backends, so this stays bit-identical.
  const float n = static_cast<float>(count);
  return n * mean + std::sqrt(n) * stdev * z;
}

struct jump_event {
  float log_jump;  // the step's compound log-jump of the slot
  int next_step;   // the slot's next jump step
};

// The jump of slot `slot` (of n_assets + 1) at `step`, where it has one.
LEVRISK_HD inline jump_event draw_jump(const jump_view& jumps, std::uint64_t seed,
                                       std::uint64_t path, int step, int n_assets, int slot,
                                       float mean, float stdev) {
  const std::uint64_t block = jump_block_base + static_cast<std::uint64_t>(step) * (n_assets + 1) +
                              static_cast<std::uint64_t>(slot);
  const u32x4 w = philox_block(seed, path, block);
  const float* cdf = jumps.count_cdf + static_cast<std::ptrdiff_t>(slot) * jump_count_terms;
  const int count = jump_count(cdf, uniform_open_closed(w.z));
  return jump_event{compound_jump(count, mean, stdev, box_muller(w.x, w.y).first),
                    next_jump_step(step, jumps.rate[slot], w.w)};
}

// The jumps of one slot for Lanes paths at `step`: a compare per lane finds the
// lanes whose next jump is this step (most steps have none); only those draw.
template <int Lanes>
LEVRISK_HD LEVRISK_FORCEINLINE void slot_jumps(const jump_view& jumps, const normal_stream& stream,
                                               std::uint64_t first_path, int step, int n_assets,
                                               int slot, float mean, float stdev,
                                               int (&next_step)[Lanes], float (&jump)[Lanes]) {
  int any = 0;
  LEVRISK_SIMD_OR(any)
  for (int lane = 0; lane < Lanes; ++lane) {
    jump[lane] = 0.0f;
    any |= next_step[lane] == step ? 1 : 0;
  }
  if (any == 0) return;
  for (int lane = 0; lane < Lanes; ++lane) {
    if (next_step[lane] != step) continue;
    const jump_event e =
        draw_jump(jumps, stream.seed, first_path + lane, step, n_assets, slot, mean, stdev);
    jump[lane] = e.log_jump;
    next_step[lane] = e.next_step;
  }
}

}  // namespace levrisk
