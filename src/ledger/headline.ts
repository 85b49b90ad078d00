// The headline figures (staff dashboard, six-monthly report, published dataset) as one pure function
// of account balances (debit positive, credit negative), so every view and anyone holding the journal
// computes them the same way. No Node imports: the browser verifier uses it too.

export interface HeadlineTotals {
  cash_received_vnd: number;
  card_fees_vnd: number;
  state_budget_vnd: number;
  in_kind_vnd: number;
  labour_estimate_vnd: number;
  allocated_vnd: number;
  cash_allocated_vnd: number;
  /** Fund cash paid to households. */
  disbursed_vnd: number;
  /** State budget support the communes or districts paid to households. */
  state_paid_vnd: number;
  /** Goods given to houses, at their valuation. */
  in_kind_given_vnd: number;
  /** Everything that reached households, every source (labour days apart): compare with allocated_vnd. */
  paid_total_vnd: number;
  general_pool_vnd: number;
  commune_pools_vnd: number;
}

/** What reached a household (or all of them), by source; labour is days, never in here. */
export interface PaidBySource {
  cash_vnd: number;
  state_budget_vnd: number;
  in_kind_vnd: number;
  total_vnd: number;
}

// "Đã chi" is one sum of three sources everywhere (house, area, headline), so no page adds them its own way.
export function paidBySource(cashVnd: number, stateBudgetVnd: number, inKindVnd: number): PaidBySource {
  return { cash_vnd: cashVnd, state_budget_vnd: stateBudgetVnd, in_kind_vnd: inKindVnd, total_vnd: cashVnd + stateBudgetVnd + inKindVnd };
}

// Reversals and payments move money both ways on the cash accounts, so gross cash received is read
// back as what is held plus what was paid out plus the fees the processor kept.
export function headlineFromBalances(balances: Readonly<Record<string, number>>): HeadlineTotals {
  const b = (account: string) => balances[account] ?? 0;
  // 0 - x, not -x: an empty account is 0, never -0 (which JSON would write as 0 and a comparison would not).
  const credit = (...accounts: string[]) => 0 - accounts.reduce((sum, account) => sum + b(account), 0);
  const paid = paidBySource(b('house_paid'), b('house_state_paid'), credit('house_in_kind'));
  return {
    cash_received_vnd: b('cash_card') + b('cash_bank') + b('cash_office') + b('house_paid') + b('card_fees'),
    card_fees_vnd: b('card_fees'),
    // Support paid out leaves the state_budget account (as cash paid leaves the bank): recorded = held + paid.
    state_budget_vnd: b('state_budget') + b('house_state_paid'),
    in_kind_vnd: b('in_kind_received'),
    labour_estimate_vnd: b('labour_estimate'),
    allocated_vnd: credit('house_cash', 'house_in_kind', 'house_state'),
    cash_allocated_vnd: credit('house_cash'),
    disbursed_vnd: paid.cash_vnd,
    state_paid_vnd: paid.state_budget_vnd,
    in_kind_given_vnd: paid.in_kind_vnd,
    paid_total_vnd: paid.total_vnd,
    general_pool_vnd: credit('pool_general'),
    commune_pools_vnd: credit('pool_commune'),
  };
}
