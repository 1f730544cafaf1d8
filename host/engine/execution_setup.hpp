#pragma once
// From a snapshot's balances to the execution stage's plan
// (host/plan/execution_plan.hpp): one execution unit per risk unit, in the
// risk plan's order, with its lending or perp legs, and the rules, depths and
// buffers it is liquidated under (docs/methodology.md, "Liquidation execution").

#include <vector>

#include "host/engine/risk_plan.hpp"
#include "host/plan/execution_plan.hpp"
#include "host/snapshot/snapshot.hpp"

namespace levrisk {

struct execution_settings {
  bool enabled = true;
  int keeper_delay_steps = 0;
  double impact_exponent = 0.5;
  int max_calls_per_step = 16;
};

// A unit's book at the snapshot's prices, in USD.
struct unit_book {
  double collateral_usd;  // lending: collateral; perps: margin (isolated or cross)
  double debt_usd;        // lending only
  double notional_usd;    // perps only: sum of |size| x spot
  double equity_usd;      // collateral - debt; perps: margin + unrealised PnL
};

// The books of the execution plan's units (the risk plan's, in order).
std::vector<unit_book> unit_books(const execution_plan& plan);

// Fills plan.simulation.execution (left disabled when settings.enabled is false);
// constant_asset as for build_risk_plan.
void set_execution(const snapshot& snap, const std::vector<bool>& constant_asset,
                   const execution_settings& settings, risk_plan& plan);

}  // namespace levrisk
