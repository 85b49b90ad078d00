import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { line, type JournalLine } from '../../src/ledger/accounts';
import { effectsOf } from '../../src/ledger/effects';
import { assertBalanced, reversalOf, type EntryDraft } from '../../src/ledger/entry';
import { at, chainOf, expectRuleError, sampleDraft } from './arbitraries';

const MAX = Number.MAX_SAFE_INTEGER;

function withLines(lines: JournalLine[]): EntryDraft {
  return sampleDraft(1, { lines });
}

// Random balanced line sets: n-1 free amounts and one line that closes them to zero.
const balancedLinesArb = fc
  .array(fc.integer({ min: -50_000_000, max: 50_000_000 }).filter((n) => n !== 0), { minLength: 1, maxLength: 8 })
  .filter((amounts) => amounts.reduce((a, b) => a + b, 0) !== 0)
  .map((amounts) => [...amounts, -amounts.reduce((a, b) => a + b, 0)].map((amount, i) => line('cash_bank', amount, { contributionId: i + 1 })));

describe('assertBalanced: money is neither created nor destroyed', () => {
  it('accepts a two-line and a multi-line entry that sum to zero', () => {
    expect(() => assertBalanced(withLines([line('cash_bank', 500), line('pool_general', -500)]))).not.toThrow();
    expect(() => assertBalanced(sampleDraft(3))).not.toThrow();
  });

  it('refuses an entry with no lines', () => {
    expectRuleError(() => assertBalanced(withLines([])), 'entry_too_short');
  });

  it('refuses a single line, even one that could not balance anything', () => {
    expectRuleError(() => assertBalanced(withLines([line('cash_bank', 500)])), 'entry_too_short');
  });

  it('refuses an entry off by one đồng and says by how much', () => {
    const error = expectRuleError(() => assertBalanced(withLines([line('cash_bank', 501), line('pool_general', -500)])), 'unbalanced');
    expect(error.message).toContain('1');
    expect(error.messageEn).toMatch(/off by 1 đồng/);
  });

  it('refuses a zero line, which would publish a movement that moved nothing', () => {
    expectRuleError(() => assertBalanced(withLines([line('cash_bank', 500), line('house_cash', 0, { houseId: 1 }), line('pool_general', -500)])), 'zero_line');
  });

  it('refuses a fractional line amount', () => {
    expect(() => assertBalanced(withLines([line('cash_bank', 0.5), line('pool_general', -0.5)]))).toThrow(TypeError);
  });

  // Regression: float summing rounded MAX+2 to MAX+1, so a set of lines off by 1 đồng looked balanced.
  it('refuses an unbalanced entry whose float total would round to zero', () => {
    const lines = [line('cash_bank', MAX), line('cash_bank', 2), line('pool_general', -MAX), line('pool_general', -1)];
    expectRuleError(() => assertBalanced(withLines(lines)), 'unbalanced');
  });

  it('accepts huge lines that really do balance', () => {
    const lines = [line('cash_bank', MAX), line('cash_bank', MAX), line('pool_general', -MAX), line('pool_general', -MAX)];
    expect(() => assertBalanced(withLines(lines))).not.toThrow();
  });

  it('property: balanced line sets pass; moving any one line by any amount is refused', () => {
    fc.assert(
      fc.property(balancedLinesArb, fc.nat(), fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((d) => d !== 0), (lines, pick, delta) => {
        assertBalanced(withLines(lines));
        const index = pick % lines.length;
        const shifted = lines.map((l, i) => (i === index ? { ...l, amountVnd: l.amountVnd + delta } : l));
        const code = shifted[index]!.amountVnd === 0 ? 'zero_line' : 'unbalanced';
        expectRuleError(() => assertBalanced(withLines(shifted)), code);
      }),
    );
  });
});

describe('reversalOf: a correction is a mirror entry, never an edit', () => {
  const [original] = chainOf([sampleDraft(4)]);
  const when = at(600);

  it('negates every line and keeps its account and dimensions', () => {
    const reversal = reversalOf(original!, 'Nhập trùng', when);
    expect(reversal.lines).toEqual(original!.lines.map((l) => ({ ...l, amountVnd: -l.amountVnd })));
    expect(() => assertBalanced(reversal)).not.toThrow();
  });

  it('names the original, carries the reason and its own time', () => {
    const reversal = reversalOf(original!, 'Nhập trùng', when);
    expect(reversal).toMatchObject({
      kind: 'reversal',
      reversesEntryId: original!.id,
      reason: 'Nhập trùng',
      occurredAt: when,
      contributionId: original!.contributionId,
    });
    expect(reversal.description).toContain(`#${original!.id}`);
  });

  it('undoes every counter the original moved', () => {
    const reversal = reversalOf(original!, 'Sai số tiền', when);
    const net = effectsOf([...original!.lines, ...reversal.lines]);
    for (const house of net.houses.values()) expect(house).toEqual({ allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 });
    for (const pool of net.pools.values()) expect(pool.deltaVnd).toBe(0);
    for (const lot of net.lots.values()) expect(lot.deltaVnd).toBe(0);
    expect(net.houses.size).toBeGreaterThan(0);
  });

  it('leaves the original untouched', () => {
    const before = structuredClone(original!);
    reversalOf(original!, 'Nhập trùng', when);
    expect(original).toEqual(before);
  });

  it('refuses to reverse a reversal', () => {
    const [, reversal] = chainOf([sampleDraft(4), reversalOf(original!, 'Nhập trùng', when)]);
    const error = expectRuleError(() => reversalOf(reversal!, 'Đảo lại', when), 'reverse_reversal');
    expect(error.message).toContain('#2');
  });

  it.each(['', '   ', '\n\t'])('refuses an empty reason %j', (reason) => {
    expectRuleError(() => reversalOf(original!, reason, when), 'reason_required');
  });
});
