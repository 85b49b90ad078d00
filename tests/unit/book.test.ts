import { describe, expect, it } from 'vitest';
import { line } from '../../src/ledger/accounts';
import type { Book } from '../../src/ledger/book';
import type { EntryDraft } from '../../src/ledger/entry';
import { GENESIS_HASH, chainHash } from '../../src/ledger/hash';
import { at, expectRuleError, newBook, poolBalance, snapshot, sumLines } from './arbitraries';

// Commune 1 has two houses (10M and 4M), commune 2 one house (6M).
function village(): Book {
  return newBook({ houses: [{ areaId: 1, budgetVnd: 10_000_000 }, { areaId: 1, budgetVnd: 4_000_000 }, { areaId: 2, budgetVnd: 6_000_000 }] });
}

let cid = 0;
function cash(book: Book, amountVnd: number, where: { houseId?: number; areaId?: number } = {}, feeVnd = 0) {
  const target = where.houseId ? 'house' : where.areaId ? 'commune' : 'general';
  cid += 1;
  return book.giveCash({ contributionId: cid, channel: feeVnd ? 'card' : 'bank_transfer', amountVnd, feeVnd, target, ...where, occurredAt: at(cid), receiptCode: String(cid) });
}

function counters(book: Book, houseId: number) {
  const { allocatedVnd, cashAllocatedVnd, disbursedVnd } = book.house(houseId);
  return { allocatedVnd, cashAllocatedVnd, disbursedVnd };
}

// Runs an operation the rules must refuse and checks the Book did not move.
function refused(book: Book, code: string, fn: () => unknown) {
  const before = snapshot(book);
  const error = expectRuleError(fn, code);
  expect(snapshot(book)).toEqual(before);
  return error;
}

describe('Book: posting chains every entry from genesis', () => {
  it('numbers entries from 1 and links each hash to the one before', () => {
    const book = village();
    expect(book.headHash).toBe(GENESIS_HASH);
    const first = cash(book, 1_000_000, { houseId: 1 });
    const second = cash(book, 2_000_000);
    expect([first.id, second.id]).toEqual([1, 2]);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.prevHash).toBe(first.hash);
    expect(second.hash).toBe(chainHash(first.hash, 2, second));
    expect(book.headHash).toBe(second.hash);
  });
});

describe('Book: cash gifts fill a house, then its commune, then the general fund', () => {
  it('gives a house gift within need to the house as cash', () => {
    const book = village();
    const entry = cash(book, 3_000_000, { houseId: 1 });
    expect(counters(book, 1)).toEqual({ allocatedVnd: 3_000_000, cashAllocatedVnd: 3_000_000, disbursedVnd: 0 });
    expect(entry.lines.map((l) => l.account)).toEqual(['cash_bank', 'house_cash']);
  });

  // Regression: the commune's capacity still counted the need this very gift had just filled, so a
  // commune pool could be handed money none of its houses could ever use.
  it('sends a house gift’s overflow to the commune only up to the need left once the house is full', () => {
    const book = village();
    cash(book, 24_000_000, { houseId: 1 });
    expect(book.house(1).allocatedVnd).toBe(10_000_000);
    expect(poolBalance(book, 1)).toBe(4_000_000);
    expect(poolBalance(book, null)).toBe(10_000_000);
    expect(book.communeCapacityVnd(1)).toBe(0);
  });

  it('counts what the commune pool already holds against its capacity', () => {
    const book = village();
    cash(book, 5_000_000, { areaId: 1 });
    expect(book.communeCapacityVnd(1)).toBe(9_000_000);
    cash(book, 12_000_000, { areaId: 1 });
    expect(poolBalance(book, 1)).toBe(14_000_000);
    expect(poolBalance(book, null)).toBe(3_000_000);
    expect(book.house(1).allocatedVnd).toBe(0);
  });

  it('sends a gift to a commune with no houses, and a general gift, to the general fund', () => {
    const book = village();
    cash(book, 700_000, { areaId: 9 });
    cash(book, 300_000);
    expect(poolBalance(book, 9)).toBe(0);
    expect(poolBalance(book, null)).toBe(1_000_000);
  });

  it('splits only the net of a card gift; the fee is its own pair of lines', () => {
    const book = village();
    const entry = cash(book, 1_000_000, { houseId: 2 }, 30_000);
    expect(book.house(2).cashAllocatedVnd).toBe(970_000);
    expect(sumLines(entry.lines, ['cash_card'])).toBe(970_000);
    expect(sumLines(entry.lines, ['card_fees'])).toBe(30_000);
    expect(sumLines(entry.lines, ['card_fee_withheld'])).toBe(-30_000);
  });

  it('refuses a card gift that is all fee, and a gift to an unknown house', () => {
    const book = village();
    refused(book, 'amount_not_positive', () => cash(book, 30_000, {}, 30_000));
    refused(book, 'house_unknown', () => cash(book, 1_000, { houseId: 77 }));
  });
});

describe('Book: in-kind and state support count towards the budget only', () => {
  it('refuses goods beyond the remaining need', () => {
    const book = village();
    book.giveStateBudget({ contributionId: 900, houseId: 2, amountVnd: 3_000_000, occurredAt: at(1), description: 'NSNN' });
    refused(book, 'over_budget', () => book.giveInKind({ contributionId: 901, houseId: 2, valueVnd: 1_000_001, occurredAt: at(2), description: 'Gạch' }));
    book.giveInKind({ contributionId: 901, houseId: 2, valueVnd: 1_000_000, occurredAt: at(2), description: 'Gạch' });
    expect(counters(book, 2)).toEqual({ allocatedVnd: 4_000_000, cashAllocatedVnd: 0, disbursedVnd: 0 });
  });

  // Regression: a negative value posted and took budget back from a house without a reversal.
  it('refuses negative goods, support and labour', () => {
    const book = village();
    book.giveInKind({ contributionId: 901, houseId: 2, valueVnd: 1_000_000, occurredAt: at(2), description: 'Gạch' });
    refused(book, 'amount_not_positive', () => book.giveInKind({ contributionId: 902, houseId: 2, valueVnd: -600_000, occurredAt: at(3), description: 'Gạch' }));
    refused(book, 'amount_not_positive', () => book.giveStateBudget({ contributionId: 903, houseId: 2, amountVnd: -1, occurredAt: at(3), description: 'NSNN' }));
    refused(book, 'amount_not_positive', () => book.giveLabour({ contributionId: 904, houseId: 2, estimateVnd: -1, occurredAt: at(3), description: 'Công' }));
  });
});

describe('Book: allocations take pooled money oldest gift first', () => {
  it('drains the oldest lot, takes part of the next, and names both in the journal', () => {
    const book = village();
    const first = cash(book, 300_000);
    const second = cash(book, 500_000);
    const entry = book.allocate({ houseId: 3, poolAreaId: null, amountVnd: 600_000, occurredAt: at(50), description: 'QĐ 1' });
    expect(entry.lines.filter((l) => l.account === 'house_cash').map((l) => [l.contributionId, -l.amountVnd])).toEqual([
      [first.contributionId, 300_000],
      [second.contributionId, 300_000],
    ]);
    expect([...book.openLots('general')].map((lot) => [lot.contributionId, lot.remainingVnd])).toEqual([[second.contributionId, 200_000]]);
    expect(counters(book, 3)).toEqual({ allocatedVnd: 600_000, cashAllocatedVnd: 600_000, disbursedVnd: 0 });
  });

  it('refuses more than the house needs, or more than the pool holds', () => {
    const book = village();
    cash(book, 9_000_000);
    refused(book, 'over_budget', () => book.allocate({ houseId: 3, poolAreaId: null, amountVnd: 6_000_001, occurredAt: at(50), description: 'QĐ 1' }));
    refused(book, 'pool_insufficient', () => book.allocate({ houseId: 1, poolAreaId: null, amountVnd: 9_000_001, occurredAt: at(50), description: 'QĐ 1' }));
    refused(book, 'pool_insufficient', () => book.allocate({ houseId: 1, poolAreaId: 1, amountVnd: 1, occurredAt: at(50), description: 'QĐ 1' }));
  });

  // Regression: a commune's pool could be spent on a house in another commune, against the donor's choice.
  it('refuses to give one commune’s pool to a house in another commune', () => {
    const book = village();
    cash(book, 2_000_000, { areaId: 1 });
    refused(book, 'pool_other_commune', () => book.allocate({ houseId: 3, poolAreaId: 1, amountVnd: 1_000_000, occurredAt: at(50), description: 'QĐ 1' }));
    book.allocate({ houseId: 2, poolAreaId: 1, amountVnd: 1_000_000, occurredAt: at(51), description: 'QĐ 1' });
    expect(poolBalance(book, 1)).toBe(1_000_000);
  });
});

describe('Book: only cash given to a house can be paid out', () => {
  it('pays up to the cash allocation, not against goods or state support', () => {
    const book = village();
    cash(book, 2_000_000, { houseId: 1 });
    book.giveInKind({ contributionId: 500, houseId: 1, valueVnd: 3_000_000, occurredAt: at(40), description: 'Tôn' });
    refused(book, 'over_allocation', () => book.disburse({ houseId: 1, amountVnd: 2_000_001, occurredAt: at(41), description: 'Chi' }));
    book.disburse({ houseId: 1, amountVnd: 2_000_000, occurredAt: at(41), description: 'Chi' });
    expect(counters(book, 1)).toEqual({ allocatedVnd: 5_000_000, cashAllocatedVnd: 2_000_000, disbursedVnd: 2_000_000 });
  });

  // Regression: a negative payment posted and pushed disbursed below zero.
  it('refuses a zero or negative payment', () => {
    const book = village();
    cash(book, 2_000_000, { houseId: 1 });
    refused(book, 'amount_not_positive', () => book.disburse({ houseId: 1, amountVnd: -500_000, occurredAt: at(41), description: 'Chi' }));
    refused(book, 'amount_not_positive', () => book.disburse({ houseId: 1, amountVnd: 0, occurredAt: at(41), description: 'Chi' }));
  });
});

describe('Book: corrections by reversal', () => {
  it('undoes a gift’s counters and pool money, once only', () => {
    const book = village();
    const gift = cash(book, 12_000_000, { houseId: 2 });
    const reversal = book.reverse(gift.id, 'Nhập trùng', at(60));
    expect(reversal).toMatchObject({ kind: 'reversal', reversesEntryId: gift.id });
    expect(counters(book, 2)).toEqual({ allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0 });
    expect([poolBalance(book, 1), poolBalance(book, null)]).toEqual([0, 0]);
    refused(book, 'already_reversed', () => book.reverse(gift.id, 'Lần nữa', at(61)));
    refused(book, 'reverse_reversal', () => book.reverse(reversal.id, 'Đảo lại', at(61)));
  });

  it('refuses an unknown entry and an empty reason', () => {
    const book = village();
    const gift = cash(book, 1_000);
    refused(book, 'entry_unknown', () => book.reverse(0, 'x', at(5)));
    refused(book, 'entry_unknown', () => book.reverse(2, 'x', at(5)));
    refused(book, 'reason_required', () => book.reverse(gift.id, ' ', at(5)));
    expect(book.reversed.has(gift.id)).toBe(false);
  });

  it('returns allocated money to its own lots, which the next allocation takes first', () => {
    const book = village();
    const older = cash(book, 400_000);
    const newer = cash(book, 400_000);
    const allocation = book.allocate({ houseId: 1, poolAreaId: null, amountVnd: 500_000, occurredAt: at(50), description: 'QĐ 1' });
    book.reverse(allocation.id, 'Sai nhà', at(51));
    expect([...book.openLots('general')].map((lot) => [lot.contributionId, lot.remainingVnd])).toEqual([[older.contributionId, 400_000], [newer.contributionId, 400_000]]);
    const again = book.allocate({ houseId: 3, poolAreaId: null, amountVnd: 100_000, occurredAt: at(52), description: 'QĐ 2' });
    expect(again.lines[0]).toMatchObject({ contributionId: older.contributionId, amountVnd: 100_000 });
  });

  // The Book skips drained lots from a moving start; a refilled old lot must pull that start back.
  it('takes a refilled old lot first even after later allocations skipped past it', () => {
    const book = village();
    const older = cash(book, 400_000);
    const newer = cash(book, 400_000);
    const drain = book.allocate({ houseId: 1, poolAreaId: null, amountVnd: 400_000, occurredAt: at(50), description: 'QĐ 1' });
    const past = book.allocate({ houseId: 3, poolAreaId: null, amountVnd: 100_000, occurredAt: at(51), description: 'QĐ 2' });
    expect(past.lines[0]?.contributionId).toBe(newer.contributionId);
    book.reverse(drain.id, 'Sai nhà', at(52));
    const next = book.allocate({ houseId: 3, poolAreaId: null, amountVnd: 500_000, occurredAt: at(53), description: 'QĐ 3' });
    expect(next.lines.filter((l) => l.account === 'pool_general').map((l) => [l.contributionId, l.amountVnd])).toEqual([
      [older.contributionId, 400_000],
      [newer.contributionId, 100_000],
    ]);
  });

  it('refuses to reverse an allocation already paid out, until the payment is reversed', () => {
    const book = village();
    cash(book, 1_000_000);
    const allocation = book.allocate({ houseId: 1, poolAreaId: null, amountVnd: 1_000_000, occurredAt: at(50), description: 'QĐ 1' });
    const payment = book.disburse({ houseId: 1, amountVnd: 400_000, occurredAt: at(51), description: 'Chi' });
    refused(book, 'house_overdrawn', () => book.reverse(allocation.id, 'Sai nhà', at(52)));
    book.reverse(payment.id, 'Chi nhầm', at(53));
    book.reverse(allocation.id, 'Sai nhà', at(54));
    expect(counters(book, 1)).toEqual({ allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0 });
    expect(poolBalance(book, null)).toBe(1_000_000);
  });

  it('refuses a reversal that would leave a house paid one đồng more than it holds, and allows it at exactly equal', () => {
    const book = village();
    cash(book, 1_000_000);
    book.allocate({ houseId: 1, poolAreaId: null, amountVnd: 600_000, occurredAt: at(50), description: 'QĐ 1' });
    const second = book.allocate({ houseId: 1, poolAreaId: null, amountVnd: 400_000, occurredAt: at(51), description: 'QĐ 2' });
    const payment = book.disburse({ houseId: 1, amountVnd: 600_001, occurredAt: at(52), description: 'Chi' });
    refused(book, 'house_overdrawn', () => book.reverse(second.id, 'Sai nhà', at(53)));
    book.reverse(payment.id, 'Chi nhầm', at(54));
    book.disburse({ houseId: 1, amountVnd: 600_000, occurredAt: at(55), description: 'Chi' });
    book.reverse(second.id, 'Sai nhà', at(56));
    expect(counters(book, 1)).toEqual({ allocatedVnd: 600_000, cashAllocatedVnd: 600_000, disbursedVnd: 600_000 });
  });

  it('refuses to reverse a gift whose pooled money was given to a house', () => {
    const book = village();
    const first = cash(book, 1_000_000);
    const second = cash(book, 1_000_000);
    book.allocate({ houseId: 1, poolAreaId: null, amountVnd: 1_000_000, occurredAt: at(50), description: 'QĐ 1' });
    // The pool still holds 1M, but it is the second gift's money, not the first's.
    refused(book, 'lot_spent', () => book.reverse(first.id, 'Hoàn tiền', at(51)));
    book.allocate({ houseId: 1, poolAreaId: null, amountVnd: 500_000, occurredAt: at(52), description: 'QĐ 2' });
    refused(book, 'lot_spent', () => book.reverse(second.id, 'Hoàn tiền', at(53)));
  });
});

describe('Book.post: guards the same counters as the database CHECKs', () => {
  // Regression: post checked only the upper bounds, so a draft could push counters below zero.
  it('refuses a draft that takes cash from a house that never had it', () => {
    const book = village();
    const draft: EntryDraft = {
      kind: 'allocation', occurredAt: at(1), description: 'x', contributionId: null, reversesEntryId: null, reason: null,
      lines: [line('house_cash', 500, { houseId: 1, contributionId: 1 }), line('cash_bank', -500)],
    };
    refused(book, 'house_counter_negative', () => book.post(draft));
  });

  it('refuses a draft that would leave a house with more cash than allocation', () => {
    const book = village();
    book.giveInKind({ contributionId: 1, houseId: 1, valueVnd: 800, occurredAt: at(1), description: 'Gạch' });
    const draft: EntryDraft = {
      kind: 'allocation', occurredAt: at(2), description: 'x', contributionId: null, reversesEntryId: null, reason: null,
      // Takes back more goods than were given while adding cash: allocated 400, cash 600.
      lines: [line('house_in_kind', 1_000, { houseId: 1, contributionId: 1 }), line('house_cash', -600, { houseId: 1, contributionId: 2 }), line('cash_bank', -400)],
    };
    expect(book.house(1).allocatedVnd).toBe(800);
    refused(book, 'house_counter_negative', () => book.post(draft));
  });
});

describe('Book: treasury movements and the non-negative cash rule', () => {
  it('moves card money and office cash to the bank, never more than the source account holds', () => {
    const book = village();
    cash(book, 1_000_000, {}, 30_000);
    book.transferCash({ from: 'cash_card', amountVnd: 970_000, occurredAt: at(50), description: 'payout' });
    expect([...book.cash]).toEqual(expect.arrayContaining([['cash_card', 0], ['cash_bank', 970_000]]));
    refused(book, 'cash_overdrawn', () => book.transferCash({ from: 'cash_office', amountVnd: 1, occurredAt: at(51), description: 'deposit' }));
    expect(book.entries.at(-1)!.kind).toBe('payout');
  });

  it('pays a bank charge from the general fund oldest gift first, refusing it beyond the fund, and a payment beyond the bank', () => {
    const book = village();
    const first = cash(book, 10_000);
    const second = cash(book, 50_000);
    const charge = book.chargeBank({ amountVnd: 15_000, occurredAt: at(60), description: 'phí' });
    expect(charge.lines.map((l) => [l.account, l.contributionId, l.amountVnd])).toEqual([
      ['pool_general', first.contributionId, 10_000], ['pool_general', second.contributionId, 5_000], ['cash_bank', null, -15_000],
      ['bank_charges', null, 15_000], ['bank_charges_borne', null, -15_000],
    ]);
    expect(poolBalance(book, null)).toBe(45_000);
    refused(book, 'pool_insufficient', () => book.chargeBank({ amountVnd: 45_001, occurredAt: at(61), description: 'phí' }));
    // Card money given to a house is not in the bank: paying it out is refused until the payout.
    cash(book, 2_000_000, { houseId: 1 }, 1);
    refused(book, 'cash_overdrawn', () => book.disburse({ houseId: 1, amountVnd: 1_000_000, occurredAt: at(62), description: 'chi' }));
  });
});
