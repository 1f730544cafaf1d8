#pragma once
// One liquidation call on a lending account, as Aave v3.3 executes it
// (LiquidationLogic.sol, aave-dao/aave-v3-origin; docs/methodology.md,
// "Lending liquidation"):
//   * the liquidator repays debt of one reserve and seizes collateral of one
//     reserve worth repaid x (1 + that collateral's bonus);
//   * it may repay the whole of that reserve's debt, except that when the health
//     factor is above close_factor_hf_threshold (0.95) and that reserve's
//     collateral and debt are both at least small_position_usd ($2,000), it may
//     repay at most close_factor (50%) of the account's total debt;
//   * when the collateral does not suffice it takes all of it and repays
//     collateral / (1 + bonus);
//   * when no collateral is left, the remaining debt is burned as a deficit:
//     bad debt.
// Which reserves: the largest debt and the largest collateral at the step's
// prices (the call that repays the most), the lowest leg first on ties.
// Balances are kept in USD at the snapshot's prices; growth[k] turns them into
// USD at the step's.

#include "kernels/common.hpp"
#include "kernels/risk/price_impact.hpp"

namespace levrisk {

// The most balances an account holds: one per asset (host/snapshot checks it).
constexpr int max_lending_legs = 32;

struct lending_leg {
  int asset;
  double collateral_usd;  // amount x spot price
  double debt_usd;
  double liquidation_threshold;
  double liquidation_bonus;
};

struct lending_rules {
  double close_factor;               // Aave DEFAULT_LIQUIDATION_CLOSE_FACTOR, 0.5
  double close_factor_hf_threshold;  // Aave CLOSE_FACTOR_HF_THRESHOLD, 0.95
  double small_position_usd;         // Aave MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD, $2,000
};

// An account's balances during execution, in USD at the snapshot's prices.
struct lending_balances {
  int n_legs;
  double collateral[max_lending_legs];
  double debt[max_lending_legs];
};

// The account's values at one step's prices.
struct lending_totals {
  double collateral_usd;
  double weighted_collateral_usd;  // sum of collateral x liquidation threshold
  double debt_usd;
  int largest_collateral;  // leg index, -1 when none
  int largest_debt;
};

// What one call did, in USD at the step's prices.
struct lending_call {
  int collateral_asset;
  double repaid_usd;
  double seized_usd;    // collateral taken, at market value
  double bonus_usd;     // seized - repaid: the owner's loss
  double slippage_usd;  // the liquidator's sale below market
  double bad_debt_usd;  // debt burned with no collateral left
};

LEVRISK_HD inline lending_balances lending_balances_of(const lending_leg* legs, int n_legs) {
  lending_balances b{};
  b.n_legs = n_legs;
  for (int i = 0; i < n_legs; ++i) {
    b.collateral[i] = legs[i].collateral_usd;
    b.debt[i] = legs[i].debt_usd;
  }
  return b;
}

LEVRISK_HD inline lending_totals lending_totals_at(const lending_leg* legs,
                                                   const lending_balances& b, const float* growth) {
  lending_totals t{0.0, 0.0, 0.0, -1, -1};
  double largest_collateral = 0.0;
  double largest_debt = 0.0;
  for (int i = 0; i < b.n_legs; ++i) {
    const double price = growth[legs[i].asset];
    const double collateral = b.collateral[i] * price;
    const double debt = b.debt[i] * price;
    t.collateral_usd += collateral;
    t.weighted_collateral_usd += collateral * legs[i].liquidation_threshold;
    t.debt_usd += debt;
    if (collateral > largest_collateral) {
      largest_collateral = collateral;
      t.largest_collateral = i;
    }
    if (debt > largest_debt) {
      largest_debt = debt;
      t.largest_debt = i;
    }
  }
  return t;
}

LEVRISK_HD LEVRISK_FORCEINLINE bool lending_liquidatable(const lending_totals& t) {
  return t.weighted_collateral_usd < t.debt_usd;
}

// The debt a liquidator may repay against a reserve holding collateral_usd and
// debt_usd, in USD (Aave v3.3's maxLiquidatableDebt).
LEVRISK_HD inline double max_repayable_usd(const lending_rules& rules, const lending_totals& t,
                                           double collateral_usd, double debt_usd) {
  const double health_factor = t.weighted_collateral_usd / t.debt_usd;
  const bool partial_only = collateral_usd >= rules.small_position_usd &&
                            debt_usd >= rules.small_position_usd &&
                            health_factor > rules.close_factor_hf_threshold;
  const double cap = rules.close_factor * t.debt_usd;
  return partial_only && debt_usd > cap ? cap : debt_usd;
}

// Burns all remaining debt when no collateral is left: the deficit, in USD.
LEVRISK_HD inline double burn_bad_debt(const lending_leg* legs, lending_balances& b,
                                       const float* growth) {
  double deficit = 0.0;
  for (int i = 0; i < b.n_legs; ++i) {
    if (b.collateral[i] > 0.0) return 0.0;
  }
  for (int i = 0; i < b.n_legs; ++i) {
    deficit += b.debt[i] * growth[legs[i].asset];
    b.debt[i] = 0.0;
  }
  return deficit;
}

// One liquidation call at the step's prices. An account with debt and no
// collateral has its debt burned at once (Aave v3.3 burnBadDebt).
LEVRISK_HD inline lending_call liquidate_once(const lending_leg* legs, const lending_rules& rules,
                                              const impact_view& impact, const float* growth,
                                              lending_balances& b) {
  const lending_totals t = lending_totals_at(legs, b, growth);
  lending_call call{-1, 0.0, 0.0, 0.0, 0.0, 0.0};
  if (t.largest_debt < 0) return call;
  if (t.largest_collateral < 0) {
    call.bad_debt_usd = burn_bad_debt(legs, b, growth);
    return call;
  }
  const int c = t.largest_collateral;
  const int d = t.largest_debt;
  const double collateral_price = growth[legs[c].asset];
  const double debt_price = growth[legs[d].asset];
  const double collateral_usd = b.collateral[c] * collateral_price;
  const double debt_usd = b.debt[d] * debt_price;
  const double bonus = legs[c].liquidation_bonus;

  double repaid = max_repayable_usd(rules, t, collateral_usd, debt_usd);
  double seized = repaid * (1.0 + bonus);
  if (seized >= collateral_usd) {
    seized = collateral_usd;
    repaid = collateral_usd / (1.0 + bonus);
    b.collateral[c] = 0.0;
  } else {
    b.collateral[c] -= seized / collateral_price;
  }
  b.debt[d] = repaid >= debt_usd ? 0.0 : b.debt[d] - repaid / debt_price;

  call.collateral_asset = legs[c].asset;
  call.repaid_usd = repaid;
  call.seized_usd = seized;
  call.bonus_usd = seized - repaid;
  call.slippage_usd = impact_cost_usd(impact, legs[c].asset, seized);
  call.bad_debt_usd = burn_bad_debt(legs, b, growth);
  return call;
}

// Whether the account is closed: no debt left (repaid or burned).
LEVRISK_HD inline bool lending_closed(const lending_balances& b) {
  for (int i = 0; i < b.n_legs; ++i) {
    if (b.debt[i] > 0.0) return false;
  }
  return true;
}

}  // namespace levrisk
