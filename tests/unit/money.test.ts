import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertVnd, formatVnd, sumVnd } from '../../src/ledger/money';

const MAX = Number.MAX_SAFE_INTEGER;

describe('assertVnd: only whole đồng reach the journal', () => {
  it.each([0, 1, -1, 1_234_567, MAX, -MAX])('accepts the safe integer %d unchanged', (value) => {
    expect(assertVnd(value)).toBe(value);
  });

  it.each([
    ['a fraction', 1.5],
    ['a tiny fraction', 1_000_000.000_1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['2^53 (unsafe)', 2 ** 53],
    ['-(2^53) (unsafe)', -(2 ** 53)],
    ['1e21', 1e21],
    ['a numeric string', '1000'],
    ['a bigint', 1000n],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s', (_label, value) => {
    expect(() => assertVnd(value)).toThrow(TypeError);
  });

  it('names the field in the error so a caller can point at the bad input', () => {
    expect(() => assertVnd(0.5, 'fee_vnd')).toThrow(/fee_vnd must be a whole number of đồng, got 0\.5/);
  });

  it('property: every safe integer passes, every non-integer double is refused', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => assertVnd(n) === n));
    fc.assert(
      fc.property(fc.double({ noDefaultInfinity: false }).filter((d) => !Number.isSafeInteger(d)), (d) => {
        expect(() => assertVnd(d)).toThrow(TypeError);
      }),
    );
  });
});

describe('sumVnd: exact totals or a refusal, never a silently wrong figure', () => {
  it('sums whole đồng and gives 0 for nothing', () => {
    expect(sumVnd([])).toBe(0);
    expect(sumVnd([1_000_000, 250_000, -50_000])).toBe(1_200_000);
    expect(sumVnd(new Set([3, 4]))).toBe(7);
  });

  it('refuses a total beyond the safe range', () => {
    expect(() => sumVnd([MAX, 1])).toThrow(TypeError);
  });

  // Regression: a float running total rounded MAX+2 to MAX+1 and returned MAX-1 without complaint.
  it('stays exact when a running total passes the safe range and comes back', () => {
    expect(sumVnd([MAX, 2, -2])).toBe(MAX);
    expect(sumVnd([MAX, MAX, -MAX])).toBe(MAX);
  });

  // Regression: fractions that happen to add up to a whole number were accepted.
  it('refuses fractional amounts even when their total is whole', () => {
    expect(() => sumVnd([0.5, 0.5])).toThrow(TypeError);
  });

  it('property: agrees with exact bigint arithmetic whenever the true total is safe', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeInteger(), { maxLength: 8 }), (values) => {
        const exact = values.reduce((total, v) => total + BigInt(v), 0n);
        if (exact > BigInt(MAX) || exact < -BigInt(MAX)) {
          expect(() => sumVnd(values)).toThrow(TypeError);
        } else {
          expect(sumVnd(values)).toBe(Number(exact));
        }
      }),
    );
  });
});

describe('formatVnd: Vietnamese money text', () => {
  it.each([
    [1_234_567, '1.234.567 ₫'],
    [0, '0 ₫'],
    [999, '999 ₫'],
    [1_000, '1.000 ₫'],
    [100_000, '100.000 ₫'],
    [45_000_000, '45.000.000 ₫'],
    [-1_500_000, '-1.500.000 ₫'],
    [MAX, '9.007.199.254.740.991 ₫'],
  ])('formats %d as %s', (value, text) => {
    expect(formatVnd(value)).toBe(text);
  });

  it('property: dots group thousands and removing them gives the number back', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const text = formatVnd(n);
        expect(text).toMatch(/^-?\d{1,3}(\.\d{3})* ₫$/);
        expect(Number(text.replace(' ₫', '').replaceAll('.', ''))).toBe(n);
      }),
    );
  });
});
