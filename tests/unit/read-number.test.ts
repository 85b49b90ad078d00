// The one reader of typed numbers: Vietnamese grouping and decimals, and refusals that say why.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readTypedNumber } from '../../src/i18n/read-number';
import { priceItem } from '../../src/domain/in-kind';
import { refusal } from '../refusal';

const value = (text: string, kind: 'amount' | 'count' | 'quantity') => {
  const reading = readTypedNumber(text, kind);
  return reading.ok ? reading.value : reading.problem;
};

describe('readTypedNumber', () => {
  it('reads a dot as the thousands separator: "2.000" bricks are two thousand', () => {
    expect(value('2.000', 'quantity')).toBe(2000);
    expect(value('1.234.567', 'amount')).toBe(1_234_567);
    expect(value('1 500 000 ₫', 'amount')).toBe(1_500_000);
    expect(value('60.000.000đ', 'amount')).toBe(60_000_000);
    expect(value('1.200', 'count')).toBe(1200);
    expect(value('40', 'count')).toBe(40);
  });

  it('reads a comma as the decimal mark for quantities', () => {
    expect(value('2,5', 'quantity')).toBe(2.5);
    expect(value('0,250', 'quantity')).toBe(0.25);
    expect(value('1.234,5', 'quantity')).toBe(1234.5);
    expect(value('12,75', 'quantity')).toBe(12.75);
  });

  it('refuses what could be read two ways, and says why', () => {
    expect(value('2.50', 'quantity')).toBe('ambiguous_dot');
    expect(value('1.5', 'quantity')).toBe('ambiguous_dot');
    expect(value('1,234', 'quantity')).toBe('ambiguous_comma');
    expect(value('2,500', 'amount')).toBe('ambiguous_comma');
    expect(value('1,234,567', 'amount')).toBe('english_grouping');
    const reading = readTypedNumber('2.50', 'quantity');
    expect(reading.ok ? '' : reading.vi).toMatch(/dấu chấm dùng để tách hàng nghìn.*2,5/);
    const comma = readTypedNumber('1,234', 'quantity');
    expect(comma.ok ? '' : comma.vi).toMatch(/1\.234/);
  });

  it('refuses fractions of a đồng or of a person, negatives, and what is not a number', () => {
    expect(value('2,5', 'amount')).toBe('fraction');
    expect(value('2,5', 'count')).toBe('fraction');
    expect(value('1.000,00', 'amount')).toBe(1000);
    expect(value('-5', 'quantity')).toBe('negative');
    expect(value('', 'amount')).toBe('empty');
    expect(value('abc', 'amount')).toBe('not_a_number');
    expect(value('1..000', 'amount')).toBe('not_a_number');
    expect(value('12.34.567', 'amount')).toBe('not_a_number');
    expect(value(',5', 'quantity')).toBe('not_a_number');
    expect(value('99999999999999999999', 'amount')).toBe('too_large');
  });

  it('reads back every whole number as Vietnamese formatting writes it', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e15 }), (n) => {
      const written = new Intl.NumberFormat('vi-VN').format(n);
      expect(value(written, 'amount')).toBe(n);
      expect(value(String(n), 'amount')).toBe(n);
    }));
  });
});

describe('priceItem', () => {
  const field = (part: string) => `item0${part}`;
  it('computes the total from a unit price and the unit price from a total', () => {
    expect(priceItem({ name: 'Gạch', quantity: 2000, unit: 'viên', unitPriceVnd: 1_500 }, 1, field)).toMatchObject({ unitPriceVnd: 1_500, valueVnd: 3_000_000 });
    expect(priceItem({ name: 'Xi măng', quantity: 20, unit: 'bao', totalVnd: 2_000_000 }, 1, field)).toMatchObject({ unitPriceVnd: 100_000, valueVnd: 2_000_000 });
    expect(priceItem({ name: 'Thép', quantity: 1.5, unit: 'tấn', unitPriceVnd: 15_000_000, totalVnd: 22_500_000 }, 1, field).valueVnd).toBe(22_500_000);
  });

  it('refuses a total that does not match quantity × unit price, naming the computed total', async () => {
    const error = await refusal(async () => priceItem({ name: 'Gạch', quantity: 2000, unit: 'viên', unitPriceVnd: 1_500, totalVnd: 1_500 }, 2, field));
    expect(error.message).toMatch(/Dòng 2: 2\.000 viên × 1\.500 ₫ = 3\.000\.000 ₫/);
    expect(error.details).toEqual({ field: 'item0Total' });
    expect((await refusal(async () => priceItem({ name: 'Gạch', quantity: 1, unit: 'viên' }, 1, field))).code).toBe('invalid_field');
  });
});
