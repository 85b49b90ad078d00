import { describe, expect, it } from 'vitest';
import { parseGeneric, parseStatement, receiptCodesIn, rowKeys } from '../../src/payments/bank-statement';
import { parseCsv } from '../../src/payments/statement-file';
import { refusalOf } from '../refusal';
import { vietcombankCsv } from '../../scripts/lib/statement-fixture';

describe('receipt codes in bank memos', () => {
  it('finds a code however the bank wrapped, split or lower-cased it', () => {
    expect(receiptCodesIn('MBVCB.1234567.AC7K2M9QXP.CT tu 0123456789 NGUYEN VAN A toi 0011000000000')).toContain('AC7K2M9QXP');
    expect(receiptCodesIn('IBFT ac7k 2m9q xp ung ho')).toContain('AC7K2M9QXP');
    expect(receiptCodesIn('Ủng hộ AC-7K2M-9QXP nhà BK-00012')).toContain('AC7K2M9QXP');
    expect(receiptCodesIn('REM Tfr Ac: 0011000000000 ung ho dong bao')).not.toContain('AC7K2M9QXP');
  });

  it('never reads a code with characters the alphabet leaves out (0, 1, I, L, O, U)', () => {
    expect(receiptCodesIn('AC0K2M9QXP')).toEqual([]);
    expect(receiptCodesIn('AC7K2M9QXU')).toEqual([]);
  });
});

describe('Vietcombank statement layout', () => {
  const csv = vietcombankCsv([
    { date: '01/09/2024', reference: '5213.1', creditVnd: 500_000, memo: 'MBVCB.1.AC7K2M9QXP.CT tu 012 NGUYEN VAN A' },
    { date: '02/09/2024 14:05', creditVnd: 200_000, memo: 'ung ho' },
    { date: '03/09/2024', reference: '5213.3', debitVnd: 100_000, memo: 'Chi tra ho gia dinh' },
  ], { accountNo: '0011000000000', openingVnd: 1_000_000 });

  it('reads the account, the balances and every transaction with its line number', () => {
    const parsed = parseStatement(parseCsv(csv));
    expect(parsed).toMatchObject({ layout: 'vietcombank', accountNo: '0011000000000', openingBalanceVnd: 1_000_000, closingBalanceVnd: 1_600_000 });
    expect(parsed.rows.map((r) => [r.lineNo, r.creditVnd, r.debitVnd, r.balanceVnd, r.reference])).toEqual([
      [6, 500_000, 0, 1_500_000, '5213.1'], [7, 200_000, 0, 1_700_000, null], [8, 0, 100_000, 1_600_000, '5213.3'],
    ]);
    expect(parsed.rows[1]!.bookedAt.toISOString()).toBe('2024-09-02T07:05:00.000Z');
  });

  it('keys rows stably: by the bank reference, or by a hash of the row', () => {
    const keys = rowKeys(parseStatement(parseCsv(csv)));
    expect(keys[0]).toBe('ref:0011000000000:5213.1');
    expect(keys[1]).toMatch(/^h:0011000000000:[0-9a-f]{32}:1$/);
    expect(rowKeys(parseStatement(parseCsv(csv)))).toEqual(keys);
  });

  it('refuses the whole file at the first broken row, naming its line and reason', () => {
    const broken = csv.replace('02/09/2024 14:05', '31/02/2024');
    const error = refusalOf(() => parseStatement(parseCsv(broken)));
    expect(error.message).toMatch(/^Dòng 7: Ngày "31\/02\/2024" không hợp lệ/);
    expect(error.messageEn).toMatch(/^Line 7: .*Nothing was imported/);
    const fraction = csv.replace('"200,000"', '"200,000.50"');
    expect(refusalOf(() => parseStatement(parseCsv(fraction))).messageEn).toMatch(/^Line 7: Credit "200,000.50" must be whole đồng, without a fraction/);
    const both = csv.replace(',,"500,000"', ',"1","500,000"');
    expect(refusalOf(() => parseStatement(parseCsv(both))).messageEn).toMatch(/^Line 6: Each transaction must be a credit or a debit/);
    expect(refusalOf(() => parseStatement(parseCsv('a,b\n1,2\n'))).messageEn).toMatch(/No statement header row found/);
  });
});

describe('generic layout with column flags', () => {
  it('maps named or numbered columns and a signed amount', () => {
    const table = parseCsv('Date;Amount;Narrative;Ref\n2024-09-01;250000;ck AC7K2M9QXP;R1\n2024-09-02;-50.000;phi;R2\n');
    const parsed = parseGeneric(table, { date: 'date', amount: 'Amount', memo: '3', reference: 'Ref' });
    expect(parsed.rows.map((r) => [r.creditVnd, r.debitVnd, r.memo])).toEqual([[250_000, 0, 'ck AC7K2M9QXP'], [0, 50_000, 'phi']]);
    expect(refusalOf(() => parseGeneric(table, { date: 'Ngày', amount: 'Amount', memo: 'Narrative' })).messageEn).toMatch(/no column "Ngày"/);
    expect(refusalOf(() => parseGeneric(table, { date: 'Date', amount: 'Sum', memo: 'Narrative' })).messageEn).toMatch(/no column "Sum"/);
  });
});
