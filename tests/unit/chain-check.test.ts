// The published chain's checks (shared by verify-dataset, verify.mjs and the in-browser check), each
// fault on its own: a record that is wrong in exactly one way must be named for that way.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { headlineFromBalances } from '../../src/ledger/headline';
import { balancesOf, canonicalOfRecord, checkRecord, compareWithCheckpoint, recordOfEntry, startChain, type JournalRecord } from '../../src/publish/chain';
import { chainOf, sampleDraft } from './arbitraries';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const records = () => chainOf([sampleDraft(1), sampleDraft(2), sampleDraft(3)]).map(recordOfEntry);

// A record changed and re-hashed, as a forger who knows the format would do.
function forged(record: JournalRecord, change: Partial<JournalRecord>): JournalRecord {
  const next = { ...record, ...change };
  return { ...next, hash: sha256(`${next.prev_hash}\n${canonicalOfRecord(next)}`) };
}

async function firstFault(list: JournalRecord[]) {
  const state = startChain();
  for (const record of list) {
    const fault = await checkRecord(state, record, sha256);
    if (fault) return fault;
  }
  return { state };
}

describe('published chain: a valid journal passes and adds up', () => {
  it('folds every record in, with balances by account in a stable order', async () => {
    const result = await firstFault(records());
    expect(result).toHaveProperty('state');
    const { state } = result as { state: ReturnType<typeof startChain> };
    expect(state.count).toBe(3);
    const balances = balancesOf(state);
    expect(Object.keys(balances)).toEqual(['cash_bank', 'house_cash', 'pool_commune']);
    expect(balances.pool_commune).toBe(-3_000);
    const checkpoint = { entry_count: 3, head_hash: state.headHash, account_balances: balances, totals: headlineFromBalances(balances) };
    expect(compareWithCheckpoint(state, checkpoint)).toBeUndefined();
    expect(compareWithCheckpoint(state, { ...checkpoint, entry_count: 2 })?.reason).toMatch(/^the checkpoint says 2 entries/);
    expect(compareWithCheckpoint(state, { ...checkpoint, account_balances: { ...balances, cash_bank: 1 } })?.reason)
      .toBe(`account cash_bank: the journal sums to ${balances.cash_bank}, the checkpoint says 1`);
    expect(compareWithCheckpoint(state, { ...checkpoint, totals: { ...checkpoint.totals, disbursed_vnd: 5 } })?.reason)
      .toBe('total disbursed_vnd: the journal gives 0, the checkpoint says 5');
  });

  it('publishes a commitment only when the entry has one', () => {
    const [plain] = chainOf([sampleDraft(1)]);
    expect(recordOfEntry(plain!)).not.toHaveProperty('commitment');
    expect(recordOfEntry({ ...plain!, commitment: 'ab'.repeat(32) }).commitment).toBe('ab'.repeat(32));
    expect(recordOfEntry(plain!)).toMatchObject({ id: 1, kind: 'contribution', occurred_at: plain!.occurredAt.toISOString(), hash: plain!.hash });
  });
});

describe('published chain: each fault is named', () => {
  it('an entry out of order', async () => {
    const [a, , c] = records();
    expect(await firstFault([a!, c!])).toEqual({ entryId: 3, reason: 'expected entry #2 next, found #3' });
  });

  it('a prev_hash that does not link, even when the entry hash is right', async () => {
    const [a, b] = records();
    expect(await firstFault([a!, { ...b!, prev_hash: 'f'.repeat(64) }])).toEqual({ entryId: 2, reason: 'prev_hash does not match the hash of the entry before it' });
  });

  it('a changed amount without a new hash', async () => {
    const [a] = records();
    expect(await firstFault([{ ...a!, description: 'khác' }])).toEqual({ entryId: 1, reason: 'hash does not match the entry content' });
  });

  it('a re-hashed entry that is off balance, or not in whole đồng', async () => {
    const [a] = records();
    const lines = a!.lines.map((l, i) => (i === 0 ? ([l[0], l[1], l[2], l[3], l[4] + 1] as typeof l) : l));
    expect(await firstFault([forged(a!, { lines })])).toEqual({ entryId: 1, reason: 'the entry is off by 1 đồng' });
    const halves = a!.lines.map((l, i) => (i === 0 ? ([l[0], l[1], l[2], l[3], l[4] + 0.5] as typeof l) : l));
    expect(await firstFault([forged(a!, { lines: halves })])).toEqual({ entryId: 1, reason: `line amount ${a!.lines[0]![4] + 0.5} is not whole đồng` });
  });
});
