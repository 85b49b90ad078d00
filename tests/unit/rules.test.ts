// The rulebook's functions on their own, over a hand-built state, and the Book's own guards on drafts
// that bypass the rules: each rule must hold by itself, not only because a second check stands behind it.
import { describe, expect, it } from 'vitest';
import { line } from '../../src/ledger/accounts';
import { takeFifo } from '../../src/ledger/allocation';
import { Book } from '../../src/ledger/book';
import type { EntryDraft } from '../../src/ledger/entry';
import { LedgerRuleError } from '../../src/ledger/errors';
import { formatVnd, sumVnd, assertVnd } from '../../src/ledger/money';
import { labourEntry, stateBudgetEntry } from '../../src/ledger/postings';
import { allocation, cashGift, disbursement, inKindGift, oneHouse, stateBudgetGift, type HouseState } from '../../src/ledger/rules';
import { at, expectRuleError } from './arbitraries';

// A house of 10.000.000 ₫ that already has 6.000.000 ₫, of which 5.000.000 ₫ in cash and 3.000.000 ₫ paid.
function house(overrides: Partial<HouseState> = {}): HouseState {
  return { id: 7, code: 'H-7', areaId: 3, budgetVnd: 10_000_000, allocatedVnd: 6_000_000, cashAllocatedVnd: 5_000_000, disbursedVnd: 3_000_000, ...overrides };
}

const gift = { contributionId: 1, occurredAt: at(1), description: 'x' };

// A state that fails loudly when a rule asks it something the rule should not need.
function strictState(h: HouseState | undefined, communeCapacityVnd: (areaId: number) => number) {
  return {
    house: (id: number) => {
      if (!h || id !== h.id) throw new Error(`rule looked up house #${id}`);
      return h;
    },
    communeCapacityVnd: (areaId: number) => {
      if (areaId === null || areaId === undefined) throw new Error('rule asked the capacity of no commune');
      return communeCapacityVnd(areaId);
    },
  };
}

describe('rules: a house takes no more than its budget less what it has', () => {
  it('goods: exactly the remaining need is accepted, one đồng more is refused', () => {
    expect(inKindGift(oneHouse(house()), { ...gift, houseId: 7, valueVnd: 4_000_000 }).lines).toHaveLength(2);
    const error = expectRuleError(() => inKindGift(oneHouse(house()), { ...gift, houseId: 7, valueVnd: 4_000_001 }), 'over_budget');
    expect(error.message).toContain(formatVnd(4_000_000));
  });

  it('state budget: the same limit', () => {
    expect(stateBudgetGift(oneHouse(house()), { ...gift, houseId: 7, amountVnd: 4_000_000 }).kind).toBe('state_budget');
    expectRuleError(() => stateBudgetGift(oneHouse(house()), { ...gift, houseId: 7, amountVnd: 4_000_001 }), 'over_budget');
  });

  it('allocation: the same limit, before any pool money is taken', () => {
    const state = { ...oneHouse(house()), openLots: () => [{ contributionId: 9, remainingVnd: 50_000_000 }] };
    const ok = allocation(state, { houseId: 7, poolAreaId: 3, amountVnd: 4_000_000, occurredAt: at(2), description: 'd' });
    expect(ok.takes).toEqual([{ contributionId: 9, amountVnd: 4_000_000 }]);
    expectRuleError(() => allocation(state, { houseId: 7, poolAreaId: 3, amountVnd: 4_000_001, occurredAt: at(2), description: 'd' }), 'over_budget');
  });

  it('an over-full house is told it needs 0 ₫, never a negative amount', () => {
    const error = expectRuleError(() => inKindGift(oneHouse(house({ allocatedVnd: 12_000_000 })), { ...gift, houseId: 7, valueVnd: 1 }), 'over_budget');
    expect(error.message).toContain(`còn cần ${formatVnd(0)}`);
  });
});

describe('rules: a payment only from cash given and not yet paid', () => {
  it('pays up to cash allocated less already paid, and refuses one đồng more', () => {
    expect(disbursement(oneHouse(house()), { houseId: 7, amountVnd: 2_000_000, occurredAt: at(3), description: 'p' }).kind).toBe('disbursement');
    expectRuleError(() => disbursement(oneHouse(house()), { houseId: 7, amountVnd: 2_000_001, occurredAt: at(3), description: 'p' }), 'over_allocation');
  });
});

describe('rules: where a cash gift looks', () => {
  const base = { contributionId: 5, receiptCode: 'R5', channel: 'bank_transfer' as const, feeVnd: 0, occurredAt: at(4) };

  it('a house gift names the house and asks its commune for room after the house is full', () => {
    const asked: number[] = [];
    const result = cashGift(strictState(house(), (areaId) => { asked.push(areaId); return 10_000_000; }), {
      ...base, amountVnd: 9_000_000, target: 'house', houseId: 7, areaId: null,
    });
    expect(result.houseId).toBe(7);
    expect(result.communeAreaId).toBe(3);
    expect(asked).toEqual([3]);
    expect(result.split).toEqual({ houseVnd: 4_000_000, communeVnd: 5_000_000, generalVnd: 0 });
  });

  it('a commune gift never looks up a house, even when a house id is given', () => {
    const result = cashGift(strictState(undefined, () => 1_000_000), { ...base, amountVnd: 1_500_000, target: 'commune', houseId: 7, areaId: 3 });
    expect(result.houseId).toBeNull();
    expect(result.communeAreaId).toBe(3);
    expect(result.split).toEqual({ houseVnd: 0, communeVnd: 1_000_000, generalVnd: 500_000 });
  });

  it('a general gift asks no commune for room, even when a commune is given', () => {
    const result = cashGift(strictState(undefined, () => 1_000_000), { ...base, amountVnd: 700_000, target: 'general', houseId: null, areaId: 3 });
    expect(result.communeAreaId).toBeNull();
    expect(result.split).toEqual({ houseVnd: 0, communeVnd: 0, generalVnd: 700_000 });
  });
});

describe('Book.post: its own guards hold for drafts that bypass the rules', () => {
  function book(): Book {
    const b = new Book();
    b.addHouse({ id: 1, code: 'H-1', areaId: 1, budgetVnd: 1_000_000 });
    return b;
  }
  const draftOf = (lines: EntryDraft['lines']): EntryDraft => ({ kind: 'allocation', occurredAt: at(5), description: 'raw', contributionId: null, reversesEntryId: null, reason: null, lines });

  it('refuses a draft that would give a house more than its budget', () => {
    const b = book();
    expectRuleError(() => b.post(draftOf([line('pool_general', 1_000_001, { contributionId: 1 }), line('house_cash', -1_000_001, { houseId: 1, contributionId: 1 })])), 'over_budget');
    expect(b.entries).toHaveLength(0);
  });

  it('measures the over-budget refusal from what the house already has', () => {
    const b = book();
    b.giveInKind({ contributionId: 2, houseId: 1, valueVnd: 500_000, occurredAt: at(1), description: 'g' });
    const error = expectRuleError(() => b.post(draftOf([line('pool_general', 500_001, { contributionId: 1 }), line('house_cash', -500_001, { houseId: 1, contributionId: 1 })])), 'over_budget');
    expect(error.message).toContain(`còn cần ${formatVnd(500_000)}`);
  });

  it('refuses a draft that would take a house below zero given (goods, cash) or paid', () => {
    for (const lines of [
      [line('house_in_kind', 1, { houseId: 1, contributionId: 1 }), line('in_kind_received', -1, { contributionId: 1 })],
      [line('house_cash', 1, { houseId: 1, contributionId: 1 }), line('pool_general', -1, { contributionId: 1 })],
      [line('house_paid', -1, { houseId: 1 }), line('cash_bank', 1)],
    ]) {
      const b = book();
      if (lines[0]!.account === 'house_cash') b.giveInKind({ contributionId: 2, houseId: 1, valueVnd: 500_000, occurredAt: at(1), description: 'g' });
      expectRuleError(() => b.post(draftOf(lines)), 'house_counter_negative');
    }
  });

  it('FIFO skips a gift whose pooled money was reversed in the middle of the queue', () => {
    const b = book();
    b.addHouse({ id: 2, code: 'H-2', areaId: 1, budgetVnd: 10_000_000 });
    for (const id of [11, 12, 13]) {
      b.giveCash({ contributionId: id, receiptCode: `R${id}`, channel: 'bank_transfer', amountVnd: 1_000_000, target: 'general', occurredAt: at(id) });
    }
    b.allocate({ houseId: 2, poolAreaId: null, amountVnd: 400_000, occurredAt: at(20), description: 'a' });
    b.reverse(2, 'trả lại', at(21));
    const taken = b.allocate({ houseId: 2, poolAreaId: null, amountVnd: 1_600_000, occurredAt: at(22), description: 'b' });
    expect(taken.lines.filter((l) => l.account === 'house_cash').map((l) => [l.contributionId, -l.amountVnd])).toEqual([[11, 600_000], [13, 1_000_000]]);
  });
});

describe('postings: every line names its gift and house', () => {
  it('labour and state budget lines carry the contribution, and the house line the house', () => {
    for (const entry of [
      labourEntry({ contributionId: 4, houseId: 9, estimateVnd: 300_000, occurredAt: at(1), description: 'l' }),
      stateBudgetEntry({ contributionId: 4, houseId: 9, amountVnd: 300_000, occurredAt: at(1), description: 's' }),
    ]) {
      expect(entry.lines.map((l) => l.contributionId)).toEqual([4, 4]);
      expect(entry.lines[1]!.houseId).toBe(9);
    }
  });
});

describe('money and errors: edges', () => {
  it('FIFO stops once the amount is met (an endless pool is fine) and never takes from an empty lot', () => {
    const lots = function* () {
      yield { contributionId: 1, remainingVnd: 500 };
      yield { contributionId: 2, remainingVnd: 0 };
      for (let id = 3; ; id++) yield { contributionId: id, remainingVnd: 500 };
    };
    expect(takeFifo(lots(), 1_000)).toEqual([{ contributionId: 1, amountVnd: 500 }, { contributionId: 3, amountVnd: 500 }]);
  });

  it('sums to exactly minus the largest safe integer, and names a bad amount', () => {
    expect(sumVnd([-Number.MAX_SAFE_INTEGER])).toBe(-Number.MAX_SAFE_INTEGER);
    expect(() => sumVnd([-Number.MAX_SAFE_INTEGER, -1])).toThrow(/whole number of đồng/);
    expect(() => assertVnd(1.5)).toThrow('amount_vnd must be a whole number of đồng, got 1.5');
  });

  it('a rule error says what it is', () => {
    expect(new LedgerRuleError('c', 'vi', 'en').name).toBe('LedgerRuleError');
  });
});

describe('state support paid to the household by the commune or district', () => {
  function book(): Book {
    const b = new Book();
    b.addHouse({ id: 1, code: 'H-1', areaId: 1, budgetVnd: 40_000_000 });
    b.giveStateBudget({ contributionId: 1, houseId: 1, amountVnd: 30_000_000, occurredAt: at(1), description: 's' });
    return b;
  }
  const pay = (b: Book, amountVnd: number) => b.payState({ houseId: 1, amountVnd, occurredAt: at(2), description: 'p' });

  it('moves the support from the state budget account to the house as paid, without touching the fund or the budget', () => {
    const b = book();
    const entry = pay(b, 12_000_000);
    expect(entry.kind).toBe('state_payment');
    expect(entry.lines).toEqual([line('house_state_paid', 12_000_000, { houseId: 1 }), line('state_budget', -12_000_000, { houseId: 1 })]);
    expect(b.house(1)).toMatchObject({ allocatedVnd: 30_000_000, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 30_000_000, statePaidVnd: 12_000_000 });
  });

  it('refuses more than the support recorded and not yet paid, naming what is left, and changes nothing', () => {
    const b = book();
    pay(b, 20_000_000);
    const error = expectRuleError(() => pay(b, 10_000_001), 'state_overpaid');
    expect(error.message).toContain('10000000');
    expect(b.entries).toHaveLength(2);
    expect(b.house(1).statePaidVnd).toBe(20_000_000);
    pay(b, 10_000_000);
    expect(b.house(1).statePaidVnd).toBe(30_000_000);
  });

  it('refuses a house with no state support recorded, and a non-positive amount', () => {
    const b = book();
    b.addHouse({ id: 2, code: 'H-2', areaId: 1, budgetVnd: 40_000_000 });
    expectRuleError(() => b.payState({ houseId: 2, amountVnd: 1, occurredAt: at(2), description: 'p' }), 'state_overpaid');
    expectRuleError(() => pay(b, 0), 'amount_not_positive');
  });

  it('refuses to reverse support already paid out, and allows it once the payment is reversed', () => {
    const b = book();
    const paid = pay(b, 1_000_000);
    expectRuleError(() => b.reverse(1, 'sai', at(3)), 'state_overpaid');
    b.reverse(paid.id, 'sai chứng từ', at(3));
    b.reverse(1, 'sai', at(4));
    expect(b.house(1)).toMatchObject({ allocatedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 });
  });
});
