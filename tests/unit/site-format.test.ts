// The public site's number and date formats, and the houses-still-short filter rules.
import { describe, expect, it } from 'vitest';
import { cssPercent, formatCompactVnd, formatCount, formatDateTime, formatPercent, formatVnd } from '../../src/i18n/format';
import { keepsRow, NO_FILTERS, withFilter } from '../../src/components/islands/short-filter';

describe('number formats by page language', () => {
  it('groups thousands with dots in Vietnamese and commas in English', () => {
    expect(formatVnd(1_234_567)).toBe('1.234.567 ₫');
    expect(formatVnd(1_234_567, 'en')).toBe('1,234,567 ₫');
    expect(formatVnd(-60_000, 'en')).toBe('-60,000 ₫');
    expect(formatCount(60_497)).toBe('60.497');
    expect(formatCount(1_851, 'en')).toBe('1,851');
    expect(formatCount(12.5)).toBe('12,5');
    expect(formatCount(12.5, 'en')).toBe('12.5');
  });

  it('writes chart axes as "14 tỷ ₫" and "14 bn ₫", never in a German format', () => {
    expect(formatCompactVnd(14_000_000_000)).toBe('14 tỷ ₫');
    expect(formatCompactVnd(14_000_000_000, 'en')).toBe('14 bn ₫');
    expect(formatCompactVnd(1_500_000_000)).toBe('1,5 tỷ ₫');
    expect(formatCompactVnd(1_500_000_000, 'en')).toBe('1.5 bn ₫');
    expect(formatCompactVnd(250_000_000)).toBe('250 triệu ₫');
    expect(formatCompactVnd(250_000_000, 'en')).toBe('250 m ₫');
    expect(formatCompactVnd(0)).toBe('0 ₫');
  });

  it('gives a publication time with hours and minutes in Vietnam time', () => {
    expect(formatDateTime('2025-10-31T17:05:00Z')).toBe('00:05 01/11/2025 (GMT+7)');
  });

  it('writes shares in the page language and CSS widths with a dot, both capped at 100%', () => {
    expect(formatPercent(1, 8)).toBe('12,5%');
    expect(formatPercent(1, 8, 'en')).toBe('12.5%');
    expect(formatPercent(3, 2)).toBe('100%');
    expect(formatPercent(1, 0)).toBe('0%');
    expect(cssPercent(1, 8)).toBe('12.5%');
    expect(cssPercent(5, 2)).toBe('100%');
  });
});

describe('the houses-still-short filters', () => {
  const row = { district: 'BK-BB', commune: 'BK-BB-01', type: 'repair', stage: 'approved' };

  it('keeps every row with no filter and only exact matches with one', () => {
    expect(keepsRow(row, NO_FILTERS)).toBe(true);
    expect(keepsRow(row, { ...NO_FILTERS, district: 'BK-BB', type: 'repair' })).toBe(true);
    expect(keepsRow(row, { ...NO_FILTERS, type: 'new_build' })).toBe(false);
    expect(keepsRow({ ...row, stage: undefined }, { ...NO_FILTERS, stage: 'approved' })).toBe(false);
  });

  it('clears a commune that is not in a newly chosen district', () => {
    const communes = { 'BK-BB-01': 'BK-BB', 'BK-TPBK-01': 'BK-TPBK' };
    const chosen = withFilter(NO_FILTERS, 'commune', 'BK-BB-01', communes);
    expect(withFilter(chosen, 'district', 'BK-TPBK', communes)).toEqual({ ...NO_FILTERS, district: 'BK-TPBK' });
    expect(withFilter(chosen, 'district', 'BK-BB', communes)).toEqual({ ...NO_FILTERS, district: 'BK-BB', commune: 'BK-BB-01' });
  });
});
