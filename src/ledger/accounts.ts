import type { Vnd } from './money';

// Sign convention: a positive amount is a debit, a negative amount a credit; an entry sums to zero.
export const ACCOUNTS = {
  cash_card: 'money received by card, held at the payment processor',
  cash_bank: "the fund's bank account",
  cash_office: 'cash received at the Fatherland Front office',
  card_fees: 'card processing fees, kept by the processor',
  card_fee_withheld: 'the part of a card gift withheld by the processor as its fee',
  pool_general: 'money held for the general fund, not yet given to a house',
  pool_commune: "money held for one commune's houses (area_id), not yet given to a house",
  house_cash: 'money given to one house (house_id): designated gifts and allocations',
  house_paid: 'money paid out to the household of one house (house_id)',
  in_kind_received: 'value of goods given in kind',
  house_in_kind: 'goods given to one house, at their valuation',
  commune_in_kind: 'goods held by one commune (area_id) for its houses, at their valuation',
  state_budget: 'state budget support, a source outside the fund',
  house_state: 'state budget support for one house',
  house_state_paid: 'state budget support paid to the household of one house (house_id) by the commune or district',
  labour_estimate: 'estimated value of labour days given (an estimate, not money)',
  house_labour: 'labour days given to one house, at their estimated value',
} as const;

export type AccountCode = keyof typeof ACCOUNTS;

export interface JournalLine {
  account: AccountCode;
  houseId: number | null;
  areaId: number | null;
  contributionId: number | null;
  amountVnd: Vnd;
}

export type PoolKey = 'general' | `commune:${number}`;

// Pools are named by the commune they serve so that locks and lots can be keyed by one string.
// The database holds the same format in a CHECK on pool_lots (key and area_id agree) and allocations.
export function poolKey(areaId: number | null): PoolKey {
  return areaId === null ? 'general' : `commune:${areaId}`;
}

// The commune a pool key names (null for the general fund); refuses anything poolKey would not write.
export function parsePoolKey(key: string): number | null {
  if (key === 'general') return null;
  const match = /^commune:([1-9][0-9]*)$/.exec(key);
  if (!match) throw new TypeError(`not a pool key: ${JSON.stringify(key)}`);
  return Number(match[1]);
}

/** The same format as a regular expression, for the database CHECKs. */
export const POOL_KEY_PATTERN = '^(general|commune:[1-9][0-9]*)$';

// Builds a line with the dimensions an account needs and nulls elsewhere.
export function line(account: AccountCode, amountVnd: Vnd, dims: Partial<Omit<JournalLine, 'account' | 'amountVnd'>> = {}): JournalLine {
  return {
    account,
    houseId: dims.houseId ?? null,
    areaId: dims.areaId ?? null,
    contributionId: dims.contributionId ?? null,
    amountVnd,
  };
}
