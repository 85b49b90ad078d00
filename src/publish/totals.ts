// The headline figures as a pure function of account balances (debit positive, credit negative),
// so anyone holding the journal can recompute them; no Node imports (the browser uses it too).
import type { DatasetTotals } from './format';

// Reversals and payments move money both ways on the cash accounts, so gross cash received is read
// back as what is held plus what was paid out plus the fees the processor kept.
export function totalsFromBalances(balances: Record<string, number>): DatasetTotals {
  const b = (account: string) => balances[account] ?? 0;
  return {
    cash_received_vnd: b('cash_card') + b('cash_bank') + b('cash_office') + b('house_paid') + b('card_fees'),
    card_fees_vnd: b('card_fees'),
    state_budget_vnd: b('state_budget'),
    in_kind_vnd: b('in_kind_received'),
    labour_estimate_vnd: b('labour_estimate'),
    allocated_vnd: -(b('house_cash') + b('house_in_kind') + b('house_state')),
    cash_allocated_vnd: -b('house_cash'),
    disbursed_vnd: b('house_paid'),
    general_pool_vnd: -b('pool_general'),
    commune_pools_vnd: -b('pool_commune'),
  };
}
