#pragma once
// The plain twin of the exact check (kernels/risk/exact_check.hpp): one path
// stepped alone (market_step with Lanes = 1), every unit evaluated at every
// monitoring step 0 .. n_steps from the definition, no flags, no groups, no
// early exit. A unit is liquidated at the first step with numerator <
// denominator (HF = 1 leaves it alive); its HF minimum is taken over all steps
// in double and rounded to float once at the end.
//
// The growth factors e^x use the kernels' exp_float: the twin checks the
// evaluation loop, not the exponential (tests/kernels/math).

#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/math/float_math.hpp"
#include "kernels/paths/market_step.hpp"
#include "tests/reference/health_box_reference.hpp"

namespace levrisk::reference {

// growth[s][k] = e^{x_k(s)} at monitoring steps s = 0 .. n_steps (growth 1 at s = 0).
template <int MaxAssets>
std::vector<std::vector<float>> path_growth(const market_view& model, const normal_stream& stream,
                                            std::uint64_t path, int n_steps) {
  const int n = model.diffusion.n_assets;
  market_state<1, MaxAssets> state{};
  market_begin(model, stream, path, state);
  std::vector<std::vector<float>> growth(static_cast<std::size_t>(n_steps) + 1,
                                         std::vector<float>(static_cast<std::size_t>(n), 1.0f));
  for (int s = 1; s <= n_steps; ++s) {
    market_step(model, stream, path, s - 1, state);
    for (int k = 0; k < n; ++k) growth[s][k] = exp_float(state.log_return[k][0]);
  }
  return growth;
}

struct unit_outcome_on_path {
  int liquidation_step = -1;  // -1: never liquidated
  float hf_min = INFINITY;
};

inline unit_outcome_on_path exact_outcome(const linear_health& unit,
                                          const std::vector<std::vector<float>>& growth) {
  unit_outcome_on_path out;
  double hf_min = HUGE_VAL;
  for (std::size_t s = 0; s < growth.size(); ++s) {
    double numerator = 0.0, denominator = 0.0;
    evaluate(unit, growth[s], numerator, denominator);
    const double hf = denominator > 0.0 ? numerator / denominator : HUGE_VAL;
    hf_min = hf < hf_min ? hf : hf_min;
    if (out.liquidation_step < 0 && numerator < denominator) {
      out.liquidation_step = static_cast<int>(s);
    }
  }
  out.hf_min = static_cast<float>(hf_min);
  return out;
}

}  // namespace levrisk::reference
