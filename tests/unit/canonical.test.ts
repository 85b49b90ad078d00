import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/ledger/canonical';
import { assertBalanced } from '../../src/ledger/entry';
import { contributionRecord, publicRecord } from '../../src/ledger/public-record';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every depth and writes no whitespace', () => {
    // RFC 8785 §3.2.3: "\u20ac" (€) sorts before "\ud83d\ude00" (😀) by code unit, though after it by code point.
    expect(canonicalJson({ '😀': 1, '€': 2, b: [{ z: null, a: true }], a: 'x' })).toBe('{"a":"x","b":[{"a":true,"z":null}],"€":2,"😀":1}');
  });

  it('writes numbers and strings as ECMAScript does, and refuses what JSON cannot hold', () => {
    expect(canonicalJson([1.5, -0, 1e21, 'ư\n"\u001f'])).toBe('[1.5,0,1e+21,"ư\\n\\"\\u001f"]');
    expect(() => canonicalJson(Number.NaN)).toThrow(/finite/);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
});

describe('public records', () => {
  it('a flat record refuses a field of the wrong type or one its kind does not list', () => {
    expect(publicRecord('disbursement', { amount_vnd: 5, house_code: 'H', purpose: 'Gạch' }).body).toBe('{"amount_vnd":5,"house_code":"H","purpose":"Gạch"}');
    expect(() => publicRecord('disbursement', { amount_vnd: 1.5, house_code: 'H', purpose: 'x' })).toThrow(/amount_vnd/);
    expect(() => publicRecord('disbursement', { amount_vnd: 5, house_code: 'H', purpose: 'x', email: 'a@b.vn' } as never)).toThrow(/email/);
  });

  it("a contribution's record leaves out what the chain gives (id, entry, reversal) and names its subject", () => {
    const record = contributionRecord({ id: 7, entry_id: 9, entry_hash: 'h', reversed_by_entry_id: null, donor: 'An', amount_vnd: 10 });
    expect(record).toEqual({ kind: 'contribution', subjectId: 7, body: '{"amount_vnd":10,"donor":"An"}' });
  });

  it('a record entry moves no money and must carry a record', () => {
    const base = { kind: 'record' as const, occurredAt: new Date(0), description: 'x', contributionId: null, reversesEntryId: null, reason: null };
    expect(() => assertBalanced({ ...base, lines: [] })).toThrow(/ghi nhận/);
    expect(() => assertBalanced({ ...base, lines: [{ account: 'cash_bank', houseId: null, areaId: null, contributionId: null, amountVnd: 1 }], record: publicRecord('disbursement', { amount_vnd: 1, house_code: 'H', purpose: 'x' }) })).toThrow();
    expect(() => assertBalanced({ ...base, lines: [], record: publicRecord('disbursement', { amount_vnd: 1, house_code: 'H', purpose: 'x' }) })).not.toThrow();
  });
});
