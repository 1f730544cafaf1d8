#pragma once
// Health of a unit whose liquidation depends on several prices. Both the
// numerator and the denominator of its health factor are linear in prices:
//   lending:  HF = sum_i c_i LT_i P_i / sum_j d_j P_j
//   perps:    HF = equity / maintenance = (C + sum_k s_k (P_k - E_k)) / sum_k m_k |s_k| P_k
// With P_k = spot_k e^{x_k}, each is const + sum_k coef_k e^{x_k}; the unit is
// liquidated when numerator < denominator.

#include "kernels/common.hpp"
#include "kernels/math/float_math.hpp"

namespace levrisk {

struct health_term {
  int asset;
  float numerator_usd;  // coefficient times spot price
  float denominator_usd;
};

struct health_forms_view {
  int n_units;
  const int* term_offset;  // n_units + 1: unit u owns terms [term_offset[u], term_offset[u + 1])
  const health_term* terms;
  const double* numerator_const_usd;
  const double* denominator_const_usd;
};

struct health_value {
  double numerator_usd;
  double denominator_usd;
};

// growth[k] = e^{x_k}
// One unit's form resolved from the view: what health_at reads at every step,
// looked up once per unit and pass over a path.
struct unit_form {
  const health_term* terms;
  int n_terms;
  double numerator_const_usd;
  double denominator_const_usd;
};

LEVRISK_HD LEVRISK_FORCEINLINE unit_form unit_form_of(const health_forms_view& forms, int unit) {
  const int first = forms.term_offset[unit];
  return unit_form{forms.terms + first, forms.term_offset[unit + 1] - first,
                   forms.numerator_const_usd[unit], forms.denominator_const_usd[unit]};
}

LEVRISK_HD LEVRISK_FORCEINLINE health_value health_at(const unit_form& form, const float* growth) {
  health_value h{form.numerator_const_usd, form.denominator_const_usd};
  for (int t = 0; t < form.n_terms; ++t) {
    const health_term& term = form.terms[t];
    h.numerator_usd += static_cast<double>(term.numerator_usd) * growth[term.asset];
    h.denominator_usd += static_cast<double>(term.denominator_usd) * growth[term.asset];
  }
  return h;
}

LEVRISK_HD inline health_value health_at(const health_forms_view& forms, int unit,
                                         const float* growth) {
  return health_at(unit_form_of(forms, unit), growth);
}

// Lowest numerator and highest denominator any price vector in the box
// [growth_min, growth_max] can produce: if even these leave HF >= 1, the unit
// cannot have been liquidated on a path whose prices stayed in the box. Asset
// k's bounds are growth_min[k * stride] and growth_max[k * stride] (a stride
// reads one lane of a block's [asset][lane] arrays).
LEVRISK_HD inline health_value health_worst_case(const health_forms_view& forms, int unit,
                                                 const float* growth_min, const float* growth_max,
                                                 int stride = 1) {
  health_value h{forms.numerator_const_usd[unit], forms.denominator_const_usd[unit]};
  for (int t = forms.term_offset[unit]; t < forms.term_offset[unit + 1]; ++t) {
    const health_term& term = forms.terms[t];
    const float n = term.numerator_usd;
    const float d = term.denominator_usd;
    const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(term.asset) * stride;
    h.numerator_usd += static_cast<double>(n) * (n > 0.0f ? growth_min : growth_max)[at];
    h.denominator_usd += static_cast<double>(d) * (d > 0.0f ? growth_max : growth_min)[at];
  }
  return h;
}

LEVRISK_HD LEVRISK_FORCEINLINE bool is_liquidatable(const health_value& h) {
  return h.numerator_usd < h.denominator_usd;
}

LEVRISK_HD LEVRISK_FORCEINLINE double health_factor(const health_value& h) {
  return h.denominator_usd > 0.0 ? h.numerator_usd / h.denominator_usd : HUGE_VAL;
}

}  // namespace levrisk
