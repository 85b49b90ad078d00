// The cash lines the dataset verifier keeps from the journal pass: numbers in typed arrays and the
// descriptions as UTF-8 bytes, handed across threads as plain data, looked up by entry and account.
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/publish/chain';
import { CashLines } from '../../src/publish/verify-cash-book';

const record = (id: number, lines: JournalRecord['lines'], description = `Bút toán số ${id} — ủng hộ`): JournalRecord => ({
  id, kind: id % 2 ? 'contribution' : 'disbursement', occurred_at: new Date(Date.UTC(2024, 8, 1) + id * 60_000).toISOString(), description,
  contribution_id: id % 2 ? id : null, reverses_entry_id: null, reason: null, lines, prev_hash: '0'.repeat(64), hash: '0'.repeat(64),
});

describe('cash lines of the journal', () => {
  it('keeps only lines on cash accounts, past the first growth, and reads back each field after crossing a thread', () => {
    const lines = new CashLines();
    for (let id = 1; id <= 5000; id++) {
      lines.add(record(id, [['cash_bank', null, null, null, id], ['pool_general', null, null, null, -id]]));
      if (id % 1000 === 0) lines.add(record(++id, [['cash_card', 7, 3, null, -5], ['cash_card', null, null, 9, 2], ['house_cash', 7, null, null, 3]], 'Hai dòng'));
    }
    const { data, transfer } = lines.plain();
    expect(transfer.length).toBe(11);
    const back = new CashLines(structuredClone(data));
    expect(back.count).toBe(lines.count);
    const at = back.firstOf(1001);
    expect([back.accountOf(at), back.nextOf(1001, 0, at), back.nextOf(1001, 1, at)]).toEqual([1, -1, at]);
    expect([back.amountOf(at), back.houseOf(at), back.areaOf(at), back.contributionOf(at), back.kindOf(at), back.descriptionOf(at)]).toEqual([-5, 7, 3, 1001, 'contribution', 'Hai dòng']);
    const second = back.nextOf(1001, 1, at + 1);
    expect([second, back.amountOf(second), back.contributionOf(second), back.descriptionOf(second)]).toEqual([at + 1, 2, 9, 'Hai dòng']);
    const last = back.firstOf(4999);
    expect([back.entryOf(last), back.descriptionOf(last), back.contributionOf(last), new Date(back.occurredMsOf(last)).toISOString()]).toEqual([4999, 'Bút toán số 4999 — ủng hộ', 4999, record(4999, []).occurred_at]);
    expect(back.firstOf(999_999)).toBe(back.count);
  });
});
