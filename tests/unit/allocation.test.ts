import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertDisbursable, assertWithinNeed, splitGift, suggestedAllocation, takeFifo, type GiftTarget, type Lot } from '../../src/ledger/allocation';
import { formatVnd } from '../../src/ledger/money';
import { expectRuleError } from './arbitraries';

describe('splitGift: house first, then its commune, then the general fund', () => {
  it('gives a house gift wholly to the house while it still has need', () => {
    expect(splitGift({ amountVnd: 2_000_000, target: 'house', houseRemainingVnd: 5_000_000, communeCapacityVnd: 9_000_000 }))
      .toEqual({ houseVnd: 2_000_000, communeVnd: 0, generalVnd: 0 });
  });

  it('fills the house to exactly its need when the gift equals it', () => {
    expect(splitGift({ amountVnd: 5_000_000, target: 'house', houseRemainingVnd: 5_000_000, communeCapacityVnd: 9_000_000 }))
      .toEqual({ houseVnd: 5_000_000, communeVnd: 0, generalVnd: 0 });
  });

  it('sends what the house cannot take to the commune pool, up to its capacity', () => {
    expect(splitGift({ amountVnd: 10_000_000, target: 'house', houseRemainingVnd: 3_000_000, communeCapacityVnd: 9_000_000 }))
      .toEqual({ houseVnd: 3_000_000, communeVnd: 7_000_000, generalVnd: 0 });
  });

  it('sends what neither can take to the general fund', () => {
    expect(splitGift({ amountVnd: 10_000_000, target: 'house', houseRemainingVnd: 3_000_000, communeCapacityVnd: 4_000_000 }))
      .toEqual({ houseVnd: 3_000_000, communeVnd: 4_000_000, generalVnd: 3_000_000 });
  });

  it('treats a fully funded house and a full commune as taking nothing, even if their figures are negative', () => {
    expect(splitGift({ amountVnd: 1_000, target: 'house', houseRemainingVnd: 0, communeCapacityVnd: -500 }))
      .toEqual({ houseVnd: 0, communeVnd: 0, generalVnd: 1_000 });
    expect(splitGift({ amountVnd: 1_000, target: 'house', houseRemainingVnd: -200, communeCapacityVnd: 300 }))
      .toEqual({ houseVnd: 0, communeVnd: 300, generalVnd: 700 });
  });

  it('never gives a commune gift to a house', () => {
    expect(splitGift({ amountVnd: 1_000_000, target: 'commune', houseRemainingVnd: 5_000_000, communeCapacityVnd: 600_000 }))
      .toEqual({ houseVnd: 0, communeVnd: 600_000, generalVnd: 400_000 });
  });

  it('gives a general gift wholly to the general fund whatever the needs', () => {
    expect(splitGift({ amountVnd: 1_000_000, target: 'general', houseRemainingVnd: 5_000_000, communeCapacityVnd: 5_000_000 }))
      .toEqual({ houseVnd: 0, communeVnd: 0, generalVnd: 1_000_000 });
  });

  it.each([0, -1, -1_000_000])('refuses a non-positive amount %d', (amountVnd) => {
    expectRuleError(() => splitGift({ amountVnd, target: 'general', houseRemainingVnd: 0, communeCapacityVnd: 0 }), 'amount_not_positive');
  });

  it('property: no đồng is lost, no part exceeds its room, and each overflow is earned', () => {
    const need = fc.integer({ min: -5_000_000, max: 50_000_000 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000 }), fc.constantFrom<GiftTarget>('house', 'commune', 'general'), need, need, (amountVnd, target, houseRemainingVnd, communeCapacityVnd) => {
        const split = splitGift({ amountVnd, target, houseRemainingVnd, communeCapacityVnd });
        const houseRoom = target === 'house' ? Math.max(0, houseRemainingVnd) : 0;
        const communeRoom = target === 'general' ? 0 : Math.max(0, communeCapacityVnd);
        expect(split.houseVnd + split.communeVnd + split.generalVnd).toBe(amountVnd);
        expect(split.houseVnd).toBeGreaterThanOrEqual(0);
        expect(split.communeVnd).toBeGreaterThanOrEqual(0);
        expect(split.generalVnd).toBeGreaterThanOrEqual(0);
        expect(split.houseVnd).toBeLessThanOrEqual(houseRoom);
        expect(split.communeVnd).toBeLessThanOrEqual(communeRoom);
        // Greedy: money only moves down the line once the level above is full.
        if (split.communeVnd > 0 || split.generalVnd > 0) expect(split.houseVnd).toBe(houseRoom);
        if (split.generalVnd > 0) expect(split.communeVnd).toBe(communeRoom);
      }),
    );
  });
});

describe('takeFifo: pooled money is assigned oldest gift first', () => {
  const lots: Lot[] = [
    { contributionId: 11, remainingVnd: 300 },
    { contributionId: 12, remainingVnd: 500 },
    { contributionId: 13, remainingVnd: 200 },
  ];

  it('takes from the oldest lot alone when it suffices', () => {
    expect(takeFifo(lots, 250)).toEqual([{ contributionId: 11, amountVnd: 250 }]);
  });

  it('drains older lots fully and takes part of the next', () => {
    expect(takeFifo(lots, 900)).toEqual([
      { contributionId: 11, amountVnd: 300 },
      { contributionId: 12, amountVnd: 500 },
      { contributionId: 13, amountVnd: 100 },
    ]);
  });

  it('stops exactly at a lot boundary without an empty take', () => {
    expect(takeFifo(lots, 300)).toEqual([{ contributionId: 11, amountVnd: 300 }]);
  });

  it('skips lots that are already spent', () => {
    expect(takeFifo([{ contributionId: 1, remainingVnd: 0 }, ...lots], 400)).toEqual([
      { contributionId: 11, amountVnd: 300 },
      { contributionId: 12, amountVnd: 100 },
    ]);
  });

  it('does not change the lots it reads', () => {
    const copy = structuredClone(lots);
    takeFifo(lots, 900);
    expect(lots).toEqual(copy);
  });

  it('refuses more than the pool holds and says by how much', () => {
    const error = expectRuleError(() => takeFifo(lots, 1_250), 'pool_insufficient');
    expect(error.messageEn).toContain(formatVnd(250));
    expectRuleError(() => takeFifo([], 1), 'pool_insufficient');
  });

  it('property: takes are in lot order, within each lot, sum to the amount, and only the last is partial', () => {
    const lotsArb = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 10 })
      .map((amounts) => amounts.map((remainingVnd, i) => ({ contributionId: i + 1, remainingVnd })));
    fc.assert(
      fc.property(lotsArb, fc.integer({ min: 1, max: 6_000_000 }), (pool, amountVnd) => {
        const held = pool.reduce((total, lot) => total + lot.remainingVnd, 0);
        if (amountVnd > held) {
          expectRuleError(() => takeFifo(pool, amountVnd), 'pool_insufficient');
          return;
        }
        const takes = takeFifo(pool, amountVnd);
        expect(takes.reduce((total, t) => total + t.amountVnd, 0)).toBe(amountVnd);
        const ids = takes.map((t) => t.contributionId);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        takes.forEach((take, i) => {
          const lot = pool[take.contributionId - 1]!;
          expect(take.amountVnd).toBeGreaterThan(0);
          expect(take.amountVnd).toBeLessThanOrEqual(lot.remainingVnd);
          if (i < takes.length - 1) expect(take.amountVnd).toBe(lot.remainingVnd);
        });
        // Every non-empty lot older than the last one touched was drained.
        const last = ids.at(-1)!;
        for (const lot of pool.slice(0, last - 1)) if (lot.remainingVnd > 0) expect(ids).toContain(lot.contributionId);
      }),
    );
  });
});

describe('assertWithinNeed and assertDisbursable: the boundaries are inclusive', () => {
  it('lets a house take exactly its remaining need, not one đồng more', () => {
    expect(() => assertWithinNeed(1_000, 1_000, 'H-1')).not.toThrow();
    const error = expectRuleError(() => assertWithinNeed(1_001, 1_000, 'H-1'), 'over_budget');
    expect(error.message).toContain('H-1');
  });

  it('says a fully funded house needs 0 ₫ rather than a negative figure', () => {
    expect(expectRuleError(() => assertWithinNeed(1, -5, 'H-2'), 'over_budget').messageEn).toContain('needs only 0 ₫');
  });

  it('lets a house pay out exactly what it was given in cash and not yet paid', () => {
    expect(() => assertDisbursable(400, 1_000, 600, 'H-1')).not.toThrow();
    expectRuleError(() => assertDisbursable(401, 1_000, 600, 'H-1'), 'over_allocation');
  });
});

describe('suggestedAllocation: what the "houses still short" table offers', () => {
  it('takes from the commune pool first, no more than it holds or the house lacks', () => {
    expect(suggestedAllocation(21_500_000, 4_000_000)).toEqual({ pool: 'commune', amountVnd: 4_000_000 });
    expect(suggestedAllocation(3_000_000, 4_000_000)).toEqual({ pool: 'commune', amountVnd: 3_000_000 });
  });

  it('offers the whole shortfall from the general fund when the commune pool is empty', () => {
    expect(suggestedAllocation(21_500_000, 0)).toEqual({ pool: 'general', amountVnd: 21_500_000 });
  });
});
