#pragma once
// Closing a liquidated perp unit (docs/methodology.md, "Perp liquidation"): an
// isolated position, or a cross-margin account with all its positions, whose
// equity fell below its maintenance requirement is closed at the market price
// less impact (longs sell, shorts buy), and pays each market's liquidation fee
// on the closed notional to the venue's insurance fund, as far as its equity
// allows. Equity left below zero after the close is the venue's loss, covered by
// the insurance fund and then by auto-deleveraging (kernels/risk/execution.hpp).
//
// With E the equity at market, S the impact cost and F the fee due:
//   owner's slippage  min(S, max(E, 0))
//   fee paid          min(F, max(E, 0) - owner's slippage)
//   returned          max(E, 0) - owner's slippage - fee paid
//   venue's loss      S - owner's slippage + max(-E, 0)
// so that E - S = returned + fee paid - venue's loss, on every close.
//
// A position auto-deleveraging has partly closed (kernels/risk/auto_deleveraging.hpp)
// keeps the share `scale` of each leg's size and entry value; nullptr: all of it.

#include "kernels/common.hpp"
#include "kernels/risk/price_impact.hpp"

namespace levrisk {

struct perp_leg {
  int asset;
  double size_usd;   // signed size (+ long) x spot price
  double entry_usd;  // signed size x entry price
  double maintenance_margin_fraction;
  double liquidation_fee;  // share of the closed notional paid to the fund
};

struct perp_close {
  double notional_usd;  // closed, at market
  double equity_usd;    // at market, before the close
  double slippage_usd;  // S
  double owner_slippage_usd;
  double fee_usd;  // paid to the insurance fund
  double returned_usd;
  double venue_loss_usd;
};

struct perp_health {
  double equity_usd;
  double maintenance_usd;
};

// Leg i's size and entry value, in USD, as far as auto-deleveraging left them.
LEVRISK_HD LEVRISK_FORCEINLINE double leg_size_usd(const perp_leg* legs, const double* scale,
                                                   int i) {
  return scale == nullptr ? legs[i].size_usd : legs[i].size_usd * scale[i];
}
LEVRISK_HD LEVRISK_FORCEINLINE double leg_entry_usd(const perp_leg* legs, const double* scale,
                                                    int i) {
  return scale == nullptr ? legs[i].entry_usd : legs[i].entry_usd * scale[i];
}

LEVRISK_HD inline perp_health perp_health_at(const perp_leg* legs, int n_legs, double margin_usd,
                                             const float* growth, const double* scale = nullptr) {
  perp_health h{margin_usd, 0.0};
  for (int i = 0; i < n_legs; ++i) {
    const double value = leg_size_usd(legs, scale, i) * growth[legs[i].asset];
    h.equity_usd += value - leg_entry_usd(legs, scale, i);
    h.maintenance_usd += legs[i].maintenance_margin_fraction * (value < 0.0 ? -value : value);
  }
  return h;
}

LEVRISK_HD LEVRISK_FORCEINLINE bool perp_liquidatable(const perp_health& h) {
  return h.equity_usd < h.maintenance_usd;
}

LEVRISK_HD inline perp_close close_perp(const perp_leg* legs, int n_legs, double margin_usd,
                                        const impact_view& impact, const float* growth,
                                        const double* scale = nullptr) {
  perp_close c{0.0, margin_usd, 0.0, 0.0, 0.0, 0.0, 0.0};
  double fee_due = 0.0;
  for (int i = 0; i < n_legs; ++i) {
    const double value = leg_size_usd(legs, scale, i) * growth[legs[i].asset];
    const double notional = value < 0.0 ? -value : value;
    c.equity_usd += value - leg_entry_usd(legs, scale, i);
    c.notional_usd += notional;
    c.slippage_usd += impact_cost_usd(impact, legs[i].asset, notional);
    fee_due += legs[i].liquidation_fee * notional;
  }
  const double stake = c.equity_usd > 0.0 ? c.equity_usd : 0.0;
  c.owner_slippage_usd = c.slippage_usd < stake ? c.slippage_usd : stake;
  const double left = stake - c.owner_slippage_usd;
  c.fee_usd = fee_due < left ? fee_due : left;
  c.returned_usd = left - c.fee_usd;
  c.venue_loss_usd = c.slippage_usd - c.owner_slippage_usd + (stake - c.equity_usd);
  return c;
}

}  // namespace levrisk
