// The published journal format and the pure parts of the dataset: no database, no files.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/domain/demo/generate';
import { canonicalEntry, chainHash } from '../../src/ledger/hash';
import { reversalOf } from '../../src/ledger/entry';
import { effectsOf } from '../../src/ledger/effects';
import { balancesOf, canonicalOfRecord, checkRecord, compareWithCheckpoint, recordOfEntry, startChain, type JournalRecord } from '../../src/publish/chain';
import { csvRow } from '../../src/publish/csv';
import { foldVietnamese } from '../../src/publish/live';
import { publicHeadName, publicItems, publicLabour } from '../../src/publish/privacy';
import { headlineFromBalances } from '../../src/ledger/headline';

const demo = generateDemo({ seed: 11, houses: 25, cashContributions: 400, today: '2025-10-31' });
// Reversals are rare in the demo: append one so every kind of entry is published here.
{
  const last = demo.entries.at(-1)!;
  const gift = demo.entries.findLast((e) => e.kind === 'contribution')!;
  const draft = reversalOf(gift, 'Nhập trùng giao dịch', new Date(last.occurredAt.getTime() + 60_000));
  demo.entries.push({ ...draft, id: last.id + 1, prevHash: last.hash, hash: chainHash(last.hash, last.id + 1, draft) });
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
// A published line goes through JSON text, as a downloader would read it.
const records = demo.entries.map((entry) => JSON.parse(JSON.stringify(recordOfEntry(entry))) as JournalRecord);

async function firstFault(list: JournalRecord[]) {
  const state = startChain();
  for (const record of list) {
    const fault = await checkRecord(state, record, sha256);
    if (fault) return { fault, state };
  }
  return { fault: undefined, state };
}

describe('published journal records', () => {
  it('rebuild exactly the bytes the ledger hashed, for every kind of entry', () => {
    expect(new Set(demo.entries.map((e) => e.kind))).toEqual(new Set(['contribution', 'allocation', 'disbursement', 'in_kind', 'labour', 'state_budget', 'state_payment', 'reversal']));
    demo.entries.forEach((entry, i) => expect(canonicalOfRecord(records[i]!)).toBe(canonicalEntry(entry.id, entry)));
  });

  it('verify as a chain, and the balances give the same totals as the house counters', async () => {
    const { fault, state } = await firstFault(records);
    expect(fault).toBeUndefined();
    expect(state.count).toBe(demo.entries.length);
    expect(state.headHash).toBe(demo.entries.at(-1)!.hash);
    const totals = headlineFromBalances(balancesOf(state));
    const effects = effectsOf(demo.entries.flatMap((e) => e.lines));
    const allocated = [...effects.houses.values()].reduce((s, h) => s + h.allocatedVnd, 0);
    const disbursed = [...effects.houses.values()].reduce((s, h) => s + h.disbursedVnd, 0);
    expect(totals.allocated_vnd).toBe(allocated);
    expect(totals.disbursed_vnd).toBe(disbursed);
    const grossCash = demo.contributions.filter((c) => c.kind === 'cash').reduce((s, c) => s + c.amountVnd, 0);
    const reversedCash = demo.entries.filter((e) => e.kind === 'reversal').flatMap((e) => e.lines).filter((l) => l.account.startsWith('cash_') || l.account === 'card_fees').reduce((s, l) => s + l.amountVnd, 0);
    expect(totals.cash_received_vnd).toBe(grossCash + reversedCash);
  });

  it('name the entry whose content, link or position was changed', async () => {
    const edited = records.map((r) => ({ ...r }));
    edited[40] = { ...edited[40]!, description: `${edited[40]!.description} (sửa)` };
    expect((await firstFault(edited)).fault).toEqual({ entryId: 41, reason: 'hash does not match the entry content' });

    const amount = records.map((r) => ({ ...r, lines: r.lines.map((l) => [...l] as typeof l) }));
    amount[9]!.lines[0]![4] += 1;
    amount[9]!.lines[1]![4] -= 1;
    expect((await firstFault(amount)).fault?.entryId).toBe(10);

    const dropped = records.filter((_, i) => i !== 5);
    expect((await firstFault(dropped)).fault).toEqual({ entryId: 7, reason: 'expected entry #6 next, found #7' });
  });

  it('compare with a checkpoint by head, balances and totals', async () => {
    const { state } = await firstFault(records);
    const balances = balancesOf(state);
    const checkpoint = { entry_count: state.count, head_hash: state.headHash, account_balances: balances, totals: headlineFromBalances(balances) };
    expect(compareWithCheckpoint(state, checkpoint)).toBeUndefined();
    expect(compareWithCheckpoint(state, { ...checkpoint, account_balances: { ...balances, cash_bank: balances.cash_bank! + 1 } })?.reason).toMatch(/account cash_bank/);
    expect(compareWithCheckpoint(state, { ...checkpoint, totals: { ...checkpoint.totals, disbursed_vnd: 1 } })?.reason).toMatch(/total disbursed_vnd/);
    expect(compareWithCheckpoint(state, { ...checkpoint, entry_count: state.count - 1 })?.reason).toMatch(/checkpoint says/);
  });
});

describe('privacy filter', () => {
  it('shows initials unless the household consented to its full name', () => {
    expect(publicHeadName({ headFullName: 'Hoàng Văn Sinh', headInitials: 'H.V.S.', publishFullName: false })).toBe('H.V.S.');
    expect(publicHeadName({ headFullName: 'Hoàng Văn Sinh', headInitials: 'H.V.S.', publishFullName: true })).toBe('Hoàng Văn Sinh');
  });

  it('keeps only the public fields of goods and labour details', () => {
    expect(publicItems({ items: [{ name: 'Xi măng', quantity: 40, unit: 'bao', valueVnd: 3_600_000, supplierPhone: '0912345678' }], memo: 'x' }))
      .toEqual([{ name: 'Xi măng', quantity: 40, unit: 'bao', value_vnd: 3_600_000 }]);
    expect(JSON.stringify(publicLabour({ organisation: 'Đoàn Thanh niên', people: 10, days: 2, personDays: 20, dayRateVnd: 200_000, leaderPhone: '0912345678' })))
      .not.toContain('0912345678');
    expect(publicItems({ feeVnd: 10 })).toBeNull();
  });
});

describe('helpers', () => {
  it('quote CSV fields only when needed', () => {
    expect(csvRow(['a', 1, null, 'Công ty "An", Phúc', 'x\ny'])).toBe('a,1,,"Công ty ""An"", Phúc","x\ny"\r\n');
  });

  it('fold Vietnamese letters to their base for accent-free search', () => {
    expect(foldVietnamese('Nguyễn Thị Ánh ĐẶNG')).toBe('nguyen thi anh dang');
  });
});
