import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { line } from '../../src/ledger/accounts';
import { reversalOf, type EntryDraft, type PostedEntry } from '../../src/ledger/entry';
import { canonicalEntry, canonicalTail, chainHash, GENESIS_HASH, verifyChain, type ChainFault } from '../../src/ledger/hash';
import { at, BOOK_RUNS, bookSetupArb, chainOf, opsArb, runOps, sampleDraft } from './arbitraries';

type Verifiable = Parameters<typeof verifyChain>[0];

// Drains the generator: the faults it names and the checkpoint it returns.
function verify(entries: Verifiable, start?: { count: number; headHash: string }): { faults: ChainFault[]; end: { count: number; headHash: string } } {
  const faults: ChainFault[] = [];
  const walk = verifyChain(entries, start);
  for (;;) {
    const step = walk.next();
    if (step.done) return { faults, end: step.value };
    faults.push(step.value);
  }
}

const fiveDrafts = [1, 2, 3, 4, 5].map((n) => sampleDraft(n));

describe('canonical form: bytes anyone can rebuild', () => {
  const draft = sampleDraft(2, { reversesEntryId: 1, reason: 'Nhập trùng "thẻ"', kind: 'reversal' });

  it('is `{"id":N,` followed by the tail, so the database can prepend the id it assigns', () => {
    expect(canonicalEntry(42, draft)).toBe(`{"id":42,${canonicalTail(draft)}`);
    expect(canonicalTail(draft).startsWith('"kind":')).toBe(true);
  });

  it('is plain JSON with a fixed key order and lines as arrays', () => {
    const parsed = JSON.parse(canonicalEntry(7, draft));
    expect(Object.keys(parsed)).toEqual(['id', 'kind', 'occurred_at', 'description', 'contribution_id', 'reverses_entry_id', 'reason', 'lines']);
    expect(parsed.occurred_at).toBe(draft.occurredAt.toISOString());
    expect(parsed.lines).toEqual(draft.lines.map((l) => [l.account, l.houseId, l.areaId, l.contributionId, l.amountVnd]));
    expect(parsed.reason).toBe('Nhập trùng "thẻ"');
  });

  // The tail is written by hand for speed; it must stay byte-for-byte what JSON.stringify gives,
  // or a verifier in another language would compute different hashes.
  it('property: the tail is exactly the JSON.stringify form, for any text and amounts', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const id = fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { nil: null });
    const lineArb = fc.record({
      account: fc.constantFrom('cash_bank', 'house_cash', 'pool_commune', 'card_fees'),
      houseId: id, areaId: id, contributionId: id,
      amountVnd: fc.maxSafeInteger(),
    });
    const draftArb = fc.record({
      kind: fc.constantFrom('contribution', 'allocation', 'reversal'),
      occurredAt: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }),
      description: text, contributionId: id, reversesEntryId: id,
      reason: fc.option(text, { nil: null }),
      lines: fc.array(lineArb, { maxLength: 5 }),
    }) as fc.Arbitrary<EntryDraft>;
    fc.assert(fc.property(draftArb, (d) => {
      const reference = JSON.stringify({
        kind: d.kind, occurred_at: d.occurredAt.toISOString(), description: d.description,
        contribution_id: d.contributionId, reverses_entry_id: d.reversesEntryId, reason: d.reason,
        lines: d.lines.map((l) => [l.account, l.houseId, l.areaId, l.contributionId, l.amountVnd]),
      }).slice(1);
      expect(canonicalTail(d)).toBe(reference);
    }));
  });

  it('ignores fields that are not part of the entry (posting metadata, key order of the input)', () => {
    const { lines, reason, kind, ...rest } = draft;
    const shuffled = { lines, ...rest, reason, kind, id: 99, prevHash: 'x', hash: 'y' } as EntryDraft;
    expect(canonicalTail(shuffled)).toBe(canonicalTail(draft));
  });
});

describe('chainHash: each hash seals the entry and everything before it', () => {
  const draft = sampleDraft(3);
  const prev = chainHash(GENESIS_HASH, 1, sampleDraft(1));
  const base = chainHash(prev, 2, draft);

  it('is a deterministic sha-256 hex digest', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(prev, 2, structuredClone(draft))).toBe(base);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('depends on the previous hash and on the id', () => {
    expect(chainHash(GENESIS_HASH, 2, draft)).not.toBe(base);
    expect(chainHash(prev, 3, draft)).not.toBe(base);
  });

  const mutations: Array<[string, (d: EntryDraft) => EntryDraft]> = [
    ['kind', (d) => ({ ...d, kind: 'in_kind' })],
    ['occurredAt by one millisecond', (d) => ({ ...d, occurredAt: new Date(d.occurredAt.getTime() + 1) })],
    ['description', (d) => ({ ...d, description: `${d.description}.` })],
    ['contributionId', (d) => ({ ...d, contributionId: 999 })],
    ['contributionId to null', (d) => ({ ...d, contributionId: null })],
    ['reversesEntryId', (d) => ({ ...d, reversesEntryId: 1 })],
    ['reason', (d) => ({ ...d, reason: 'x' })],
    ['a line account', (d) => ({ ...d, lines: d.lines.map((l, i) => (i === 0 ? { ...l, account: 'cash_office' } : l)) })],
    ['a line houseId', (d) => ({ ...d, lines: d.lines.map((l, i) => (i === 1 ? { ...l, houseId: 2 } : l)) })],
    ['a line areaId', (d) => ({ ...d, lines: d.lines.map((l, i) => (i === 2 ? { ...l, areaId: 3 } : l)) })],
    ['a line contributionId', (d) => ({ ...d, lines: d.lines.map((l, i) => (i === 0 ? { ...l, contributionId: 4 } : l)) })],
    ['a line amount by one đồng', (d) => ({ ...d, lines: d.lines.map((l, i) => (i === 0 ? { ...l, amountVnd: l.amountVnd + 1 } : l)) })],
    ['the order of lines', (d) => ({ ...d, lines: [...d.lines].reverse() })],
    ['an extra line', (d) => ({ ...d, lines: [...d.lines, line('card_fees', 1), line('card_fee_withheld', -1)] })],
  ];

  it.each(mutations)('changes when %s changes', (_label, mutate) => {
    expect(chainHash(prev, 2, mutate(draft))).not.toBe(base);
  });
});

describe('verifyChain: names the first entry that is wrong', () => {
  const chain = chainOf(fiveDrafts);

  it('passes an untouched chain and returns the checkpoint after it', () => {
    const { faults, end } = verify(chain);
    expect(faults).toEqual([]);
    expect(end).toEqual({ count: 5, headHash: chain[4]!.hash });
  });

  it('returns the start unchanged for an empty batch', () => {
    expect(verify([])).toEqual({ faults: [], end: { count: 0, headHash: GENESIS_HASH } });
  });

  it('tampering one line amount of entry 3 of 5 is a fault at entry 3', () => {
    const tampered = chain.map((e) => (e.id === 3 ? { ...e, lines: e.lines.map((l, i) => (i === 1 ? { ...l, amountVnd: l.amountVnd - 1 } : l)) } : e));
    const { faults } = verify(tampered);
    expect(faults).toEqual([{ entryId: 3, reason: 'hash does not match the entry content' }]);
  });

  it('a rewrite of entry 3 with a fresh hash breaks the link at entry 4', () => {
    const edited = { ...chain[2]!, description: 'sửa lén' };
    edited.hash = chainHash(edited.prevHash, 3, edited);
    const { faults } = verify(chain.map((e) => (e.id === 3 ? edited : e)));
    expect(faults[0]).toEqual({ entryId: 4, reason: 'prev_hash does not match the hash of the entry before it' });
  });

  it('a wrong prev_hash on entry 2 is a link fault at entry 2', () => {
    const { faults } = verify(chain.map((e) => (e.id === 2 ? { ...e, prevHash: GENESIS_HASH } : e)));
    expect(faults[0]).toMatchObject({ entryId: 2, reason: expect.stringMatching(/prev_hash/) });
  });

  it('a deleted entry is a position fault at the entry after the gap', () => {
    const { faults } = verify(chain.filter((e) => e.id !== 3));
    expect(faults[0]).toEqual({ entryId: 4, reason: 'expected entry #3 next, found #4' });
  });

  it('swapped entries are a position fault at the first out of place', () => {
    const { faults } = verify([chain[0]!, chain[2]!, chain[1]!, chain[3]!, chain[4]!]);
    expect(faults[0]).toMatchObject({ entryId: 3, reason: expect.stringMatching(/expected entry #2/) });
  });

  it('resumes from a checkpoint, and a wrong checkpoint is caught at the first entry after it', () => {
    expect(verify(chain.slice(2), { count: 2, headHash: chain[1]!.hash }).faults).toEqual([]);
    expect(verify(chain.slice(2), { count: 2, headHash: chain[0]!.hash }).faults[0]?.entryId).toBe(3);
    expect(verify(chain.slice(2), { count: 1, headHash: chain[1]!.hash }).faults[0]?.entryId).toBe(3);
  });

  it('checks links that carry their canonical tail already rendered, as ledger:verify reads them', () => {
    const links = chain.map(({ id, prevHash, hash, ...draft }) => ({ id, prevHash, hash, tail: canonicalTail(draft) }));
    expect(verify(links).faults).toEqual([]);
    const forged = links.map((l) => (l.id === 3 ? { ...l, tail: l.tail.replace('"kind":"contribution"', '"kind":"in_kind"') } : l));
    expect(verify(forged).faults).toEqual([{ entryId: 3, reason: 'hash does not match the entry content' }]);
  });

  it('checks reversals like any other entry', () => {
    const original = chain[1]!;
    const withReversal = chainOf([...fiveDrafts, reversalOf(original, 'Nhập trùng', at(900))]);
    expect(verify(withReversal).faults).toEqual([]);
    const forged = withReversal.map((e) => (e.id === 6 ? { ...e, reason: 'lý do khác' } : e));
    expect(verify(forged).faults.map((f) => f.entryId)).toEqual([6]);
  });
});

describe('verifyChain over journals a Book wrote', () => {
  type Tamper = (e: PostedEntry) => PostedEntry;
  const tampers: Tamper[] = [
    (e) => ({ ...e, lines: e.lines.map((l, i) => (i === 0 ? { ...l, amountVnd: l.amountVnd + 1 } : l)) }),
    (e) => ({ ...e, description: `${e.description} ` }),
    (e) => ({ ...e, occurredAt: new Date(e.occurredAt.getTime() + 1000) }),
    (e) => ({ ...e, prevHash: GENESIS_HASH.replace(/0$/, '1') }),
    (e) => ({ ...e, hash: e.prevHash }),
    (e) => ({ ...e, id: e.id + 1 }),
  ];

  it('property: any single tampered entry is the first fault named', () => {
    fc.assert(
      fc.property(bookSetupArb, opsArb, fc.nat(), fc.nat({ max: tampers.length - 1 }), (setup, ops, pick, which) => {
        const entries = runOps(setup, ops).entries;
        expect(verify(entries).faults).toEqual([]);
        if (entries.length === 0) return;
        const target = pick % entries.length;
        const tampered = entries.map((e, i) => (i === target ? tampers[which]!(e) : e));
        expect(verify(tampered).faults[0]?.entryId).toBe(tampered[target]!.id);
      }),
      BOOK_RUNS,
    );
  });
});
