// The one formula for the headline figures, checked account by account: each balance is a distinct
// power of two, so a figure that reads the wrong account (or none) cannot land on the right total.
import { describe, expect, it } from 'vitest';
import { ACCOUNTS } from '../../src/ledger/accounts';
import { headlineFromBalances, paidBySource } from '../../src/ledger/headline';

const balances = Object.fromEntries(Object.keys(ACCOUNTS).map((account, index) => [account, 2 ** index])) as Record<keyof typeof ACCOUNTS, number>;
const b = balances;

describe('headline figures: one formula over account balances', () => {
  it('reads each figure from its own accounts', () => {
    expect(headlineFromBalances(balances)).toEqual({
      cash_received_vnd: b.cash_card + b.cash_bank + b.cash_office + b.house_paid + b.card_fees,
      card_fees_vnd: b.card_fees,
      state_budget_vnd: b.state_budget + b.house_state_paid,
      in_kind_vnd: b.in_kind_received,
      labour_estimate_vnd: b.labour_estimate,
      allocated_vnd: -(b.house_cash + b.house_in_kind + b.house_state),
      cash_allocated_vnd: -b.house_cash,
      disbursed_vnd: b.house_paid,
      state_paid_vnd: b.house_state_paid,
      in_kind_given_vnd: -b.house_in_kind,
      paid_total_vnd: b.house_paid + b.house_state_paid - b.house_in_kind,
      general_pool_vnd: -b.pool_general,
      commune_pools_vnd: -b.pool_commune,
    });
  });

  it('paid by source adds the three sources, and only them', () => {
    expect(paidBySource(1, 20, 300)).toEqual({ cash_vnd: 1, state_budget_vnd: 20, in_kind_vnd: 300, total_vnd: 321 });
  });

  it('an empty ledger is all zeros, never -0', () => {
    for (const value of Object.values(headlineFromBalances({}))) expect(Object.is(value, 0)).toBe(true);
  });
});
