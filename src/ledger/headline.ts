// The headline figures (staff dashboard, six-monthly report, published dataset) as one pure function
// of account balances (debit positive, credit negative), so every view and anyone holding the journal
// computes them the same way. No Node imports: the browser verifier uses it too.

export interface HeadlineTotals {
  cash_received_vnd: number;
  card_fees_vnd: number;
  /** Charges the bank took from the fund's account, borne by the general fund. */
  bank_charges_vnd: number;
  state_budget_vnd: number;
  in_kind_vnd: number;
  labour_estimate_vnd: number;
  allocated_vnd: number;
  cash_allocated_vnd: number;
  disbursed_vnd: number;
  general_pool_vnd: number;
  commune_pools_vnd: number;
}

// Reversals and payments move money both ways on the cash accounts, so gross cash received is read
// back as what is held plus what was paid out plus the fees the processor and the bank kept.
export function headlineFromBalances(balances: Readonly<Record<string, number>>): HeadlineTotals {
  const b = (account: string) => balances[account] ?? 0;
  // 0 - x, not -x: an empty account is 0, never -0 (which JSON would write as 0 and a comparison would not).
  const credit = (...accounts: string[]) => 0 - accounts.reduce((sum, account) => sum + b(account), 0);
  return {
    cash_received_vnd: b('cash_card') + b('cash_bank') + b('cash_office') + b('house_paid') + b('card_fees') + b('bank_charges'),
    card_fees_vnd: b('card_fees'),
    bank_charges_vnd: b('bank_charges'),
    state_budget_vnd: b('state_budget'),
    in_kind_vnd: b('in_kind_received'),
    labour_estimate_vnd: b('labour_estimate'),
    allocated_vnd: credit('house_cash', 'house_in_kind', 'house_state'),
    cash_allocated_vnd: credit('house_cash'),
    disbursed_vnd: b('house_paid'),
    general_pool_vnd: credit('pool_general'),
    commune_pools_vnd: credit('pool_commune'),
  };
}
