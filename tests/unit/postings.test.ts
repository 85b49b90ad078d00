import { describe, expect, it } from 'vitest';
import { line } from '../../src/ledger/accounts';
import { effectsOf } from '../../src/ledger/effects';
import { allocationEntry, cashGiftEntry, disbursementEntry, inKindEntry, labourEntry, stateBudgetEntry, type CashChannel } from '../../src/ledger/postings';
import { at, expectRuleError, sumLines } from './arbitraries';

const when = at(0);

function gift(overrides: Partial<Parameters<typeof cashGiftEntry>[0]> = {}) {
  return cashGiftEntry({
    contributionId: 7,
    channel: 'bank_transfer',
    split: { houseVnd: 3_000_000, communeVnd: 1_500_000, generalVnd: 500_000 },
    houseId: 4,
    communeAreaId: 2,
    occurredAt: when,
    description: 'Đóng góp AC-7',
    ...overrides,
  });
}

describe('cashGiftEntry: money in, credited as split', () => {
  it.each<[CashChannel, string]>([
    ['card', 'cash_card'],
    ['bank_transfer', 'cash_bank'],
    ['office', 'cash_office'],
  ])('debits the %s channel account with the whole net gift', (channel, account) => {
    const entry = gift({ channel });
    expect(entry.lines[0]).toEqual(line(account as 'cash_card', 5_000_000, { contributionId: 7 }));
  });

  it('credits the house, the commune pool and the general pool, each naming the gift', () => {
    expect(gift().lines.slice(1)).toEqual([
      line('house_cash', -3_000_000, { houseId: 4, contributionId: 7 }),
      line('pool_commune', -1_500_000, { areaId: 2, contributionId: 7 }),
      line('pool_general', -500_000, { contributionId: 7 }),
    ]);
    expect(gift()).toMatchObject({ kind: 'contribution', contributionId: 7, reversesEntryId: null, reason: null });
  });

  it('writes no line for an empty part of the split', () => {
    const entry = gift({ split: { houseVnd: 0, communeVnd: 0, generalVnd: 800_000 } });
    expect(entry.lines.map((l) => l.account)).toEqual(['cash_bank', 'pool_general']);
  });

  describe('the card fee pair', () => {
    const net = { houseVnd: 970_000, communeVnd: 0, generalVnd: 0 };
    const entry = gift({ channel: 'card', split: net, feeVnd: 30_000 });

    it('is its own visible pair: fee expense debited, withheld amount credited', () => {
      expect(entry.lines.slice(-2)).toEqual([
        line('card_fees', 30_000, { contributionId: 7 }),
        line('card_fee_withheld', -30_000, { contributionId: 7 }),
      ]);
    });

    it('never reaches the fund: cash and the split are the net amount', () => {
      expect(sumLines(entry.lines, ['cash_card'])).toBe(970_000);
      expect(sumLines(entry.lines, ['house_cash', 'pool_commune', 'pool_general'])).toBe(-970_000);
      expect(effectsOf(entry.lines).houses.get(4)).toEqual({ allocatedVnd: 970_000, cashAllocatedVnd: 970_000, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 });
    });

    it('is left out when there is no fee', () => {
      for (const feeVnd of [undefined, 0]) {
        expect(gift({ channel: 'card', split: net, feeVnd }).lines.map((l) => l.account)).not.toContain('card_fees');
      }
    });

    it('refuses a negative fee', () => {
      expectRuleError(() => gift({ channel: 'card', split: net, feeVnd: -1 }), 'fee_negative');
    });
  });

  it('refuses a gift whose split is empty: nothing would be recorded', () => {
    expectRuleError(() => gift({ split: { houseVnd: 0, communeVnd: 0, generalVnd: 0 } }), 'entry_too_short');
  });
});

describe('goods, labour and state support go straight to one house', () => {
  const input = { contributionId: 9, houseId: 4, occurredAt: when, description: 'Xi măng' };

  it('in kind: counts towards the budget but is not cash', () => {
    const entry = inKindEntry({ ...input, valueVnd: 2_000_000 });
    expect(entry.kind).toBe('in_kind');
    expect(entry.lines).toEqual([
      line('in_kind_received', 2_000_000, { contributionId: 9 }),
      line('house_in_kind', -2_000_000, { houseId: 4, contributionId: 9 }),
    ]);
    expect(effectsOf(entry.lines).houses.get(4)).toEqual({ allocatedVnd: 2_000_000, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 });
  });

  it('state budget: counts towards the budget but is not the fund’s cash', () => {
    const entry = stateBudgetEntry({ ...input, amountVnd: 40_000_000 });
    expect(entry.kind).toBe('state_budget');
    expect(entry.lines.map((l) => [l.account, l.amountVnd])).toEqual([['state_budget', 40_000_000], ['house_state', -40_000_000]]);
    expect(effectsOf(entry.lines).houses.get(4)).toEqual({ allocatedVnd: 40_000_000, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 40_000_000, statePaidVnd: 0 });
  });

  it('labour: an estimate on its own accounts that moves no counter at all', () => {
    const entry = labourEntry({ ...input, estimateVnd: 1_800_000 });
    expect(entry.lines.map((l) => [l.account, l.amountVnd])).toEqual([['labour_estimate', 1_800_000], ['house_labour', -1_800_000]]);
    const effects = effectsOf(entry.lines);
    expect([effects.houses.size, effects.pools.size, effects.lots.size]).toEqual([0, 0, 0]);
  });

  // Regression: a negative amount built a "balanced" entry that took money back from a house
  // without a reversal, driving its counters below what the database CHECKs allow.
  it.each([
    ['in kind', () => inKindEntry({ ...input, valueVnd: -2_000_000 })],
    ['state budget', () => stateBudgetEntry({ ...input, amountVnd: -1 })],
    ['labour', () => labourEntry({ ...input, estimateVnd: -500_000 })],
    ['disbursement', () => disbursementEntry({ houseId: 4, amountVnd: -100_000, occurredAt: when, description: 'Chi' })],
  ])('refuses a negative %s amount', (_label, build) => {
    expectRuleError(build, 'amount_not_positive');
  });
});

describe('allocationEntry: lineage lives in the journal', () => {
  const takes = [{ contributionId: 3, amountVnd: 700_000 }, { contributionId: 5, amountVnd: 300_000 }];

  it('writes one pool debit and one house credit per source gift', () => {
    const entry = allocationEntry({ houseId: 8, poolAreaId: 2, takes, occurredAt: when, description: 'Phân bổ' });
    expect(entry).toMatchObject({ kind: 'allocation', contributionId: null });
    expect(entry.lines).toEqual([
      line('pool_commune', 700_000, { areaId: 2, contributionId: 3 }),
      line('house_cash', -700_000, { houseId: 8, contributionId: 3 }),
      line('pool_commune', 300_000, { areaId: 2, contributionId: 5 }),
      line('house_cash', -300_000, { houseId: 8, contributionId: 5 }),
    ]);
  });

  it('draws on the general pool when no commune is named', () => {
    const entry = allocationEntry({ houseId: 8, poolAreaId: null, takes, occurredAt: when, description: 'Phân bổ' });
    expect(new Set(entry.lines.filter((l) => l.amountVnd > 0).map((l) => l.account))).toEqual(new Set(['pool_general']));
    expect(effectsOf(entry.lines).lots.get('general|3')?.deltaVnd).toBe(-700_000);
  });

  it('refuses an allocation with no takes', () => {
    expectRuleError(() => allocationEntry({ houseId: 8, poolAreaId: null, takes: [], occurredAt: when, description: 'Phân bổ' }), 'entry_too_short');
  });
});

describe('disbursementEntry: a payment leaves the bank account', () => {
  it('debits the house’s paid account and credits the bank', () => {
    const entry = disbursementEntry({ houseId: 4, amountVnd: 25_000_000, occurredAt: when, description: 'Chi đợt 1' });
    expect(entry).toMatchObject({ kind: 'disbursement', contributionId: null });
    expect(entry.lines).toEqual([line('house_paid', 25_000_000, { houseId: 4 }), line('cash_bank', -25_000_000)]);
    expect(effectsOf(entry.lines).houses.get(4)).toEqual({ allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 25_000_000, stateAllocatedVnd: 0, statePaidVnd: 0 });
  });
});

describe('effectsOf: counters follow from the lines alone', () => {
  it('accumulates across lines and into an existing tally', () => {
    const first = effectsOf([line('cash_bank', 500), line('pool_commune', -500, { areaId: 3, contributionId: 1 })]);
    effectsOf([line('pool_commune', 200, { areaId: 3, contributionId: 1 }), line('house_cash', -200, { houseId: 2, contributionId: 1 })], first);
    expect(first.pools.get('commune:3')).toEqual({ areaId: 3, deltaVnd: 300 });
    expect(first.lots.get('commune:3|1')).toEqual({ poolKey: 'commune:3', contributionId: 1, deltaVnd: 300 });
    expect(first.houses.get(2)).toEqual({ allocatedVnd: 200, cashAllocatedVnd: 200, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 });
  });

  it('keeps commune pools apart from each other and from the general fund', () => {
    const effects = effectsOf([
      line('cash_office', 600),
      line('pool_commune', -100, { areaId: 1, contributionId: 2 }),
      line('pool_commune', -200, { areaId: 2, contributionId: 2 }),
      line('pool_general', -300, { contributionId: 2 }),
    ]);
    expect([...effects.pools.entries()].map(([key, p]) => [key, p.deltaVnd])).toEqual([['commune:1', 100], ['commune:2', 200], ['general', 300]]);
  });

  it('ignores accounts outside the fund’s counters', () => {
    const effects = effectsOf([line('card_fees', 10), line('card_fee_withheld', -10), line('cash_card', 5), line('in_kind_received', -5)]);
    expect([effects.houses.size, effects.pools.size, effects.lots.size]).toEqual([0, 0, 0]);
  });
});
