// Statements as the five banks export them, as CSV and as XLSX, and as PDFs converted to a
// spreadsheet: each is recognised from its header and read to the same transactions and balances.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import writeXlsxFile from 'write-excel-file/node';
import { describe, expect, it } from 'vitest';
import { parseStatement, rowKeys } from '../../src/payments/bank-statement';
import { readStatementFile, parseCsv } from '../../src/payments/statement-file';
import { readExportedAmount } from '../../src/i18n/read-number';
import { bankSheet, sheetCsv, xlsxValue, type FixtureBank, type FixtureRow, type FixtureSheet } from '../../scripts/lib/statement-fixture';
import { refusalOf } from '../refusal';

const dir = mkdtempSync(join(tmpdir(), 'ancu-layouts-'));
const BANKS: FixtureBank[] = ['vietcombank', 'vietinbank', 'bidv', 'agribank', 'mb'];

const ROWS: FixtureRow[] = [
  { date: '01/09/2024', reference: 'FT2424500001', creditVnd: 500_000, memo: 'MBVCB.1.AC7K2M9QXP.CT tu 012 NGUYEN VAN A ung ho nha BK-00012 xa Bang Thanh' },
  { date: '02/09/2024', reference: 'FT2424500002', creditVnd: 1_250_000, memo: 'ung ho' },
  { date: '03/09/2024', reference: 'FT2424500003', debitVnd: 30_000_000, memo: 'Chi tra ho gia dinh BK-00012' },
  { date: '30/09/2024', reference: 'FT2427400004', debitVnd: 11_000, memo: 'Phi quan ly tai khoan' },
];
const OPENING = 40_000_000;
const CLOSING = OPENING + 500_000 + 1_250_000 - 30_000_000 - 11_000;

// What every layout must read, whatever its shape.
function expectTransactions(parsed: ReturnType<typeof parseStatement>, bank: FixtureBank) {
  expect(parsed.layout).toBe(bank);
  expect(parsed.accountNo).toBe('0011000000000');
  expect(parsed.closingBalanceVnd).toBe(CLOSING);
  expect(parsed.rows.map((r) => [r.creditVnd, r.debitVnd, r.reference])).toEqual(ROWS.map((r) => [r.creditVnd ?? 0, r.debitVnd ?? 0, r.reference]));
  expect(parsed.rows.map((r) => r.memo)).toEqual(ROWS.map((r) => r.memo));
  // Booked on 1 September in Vietnam (UTC+7), whatever time of day the layout gives.
  expect(new Date(parsed.rows[0]!.bookedAt.getTime() + 7 * 3_600_000).toISOString().slice(0, 10)).toBe('2024-09-01');
  expect(parsed.rows[3]!.bookedAt.getTime()).toBeGreaterThan(parsed.rows[2]!.bookedAt.getTime());
}

// An internet-banking XLSX holds numbers as numbers; merged cells come back empty.
async function xlsxTable(sheet: FixtureSheet, name: string, numbers: boolean) {
  const path = join(dir, `${name}.xlsx`);
  const cells = sheet.map((row) => row.map((c) => {
    if (c === null) return null;
    const value = xlsxValue(c.value, numbers);
    return typeof value === 'number' ? { value, type: Number } : { ...c, value };
  }));
  await writeXlsxFile(cells as unknown as Parameters<typeof writeXlsxFile>[0]).toFile(path);
  return (await readStatementFile(path)).table;
}

describe('bank statement layouts, recognised from the header', () => {
  for (const bank of BANKS) {
    it(`${bank}: the CSV export, with BOM and CRLF`, () => {
      const csv = sheetCsv(bankSheet(bank, ROWS, { openingVnd: OPENING }), { bom: true, crlf: true });
      const parsed = parseStatement(parseCsv(csv));
      expectTransactions(parsed, bank);
      if (bank !== 'bidv') expect(parsed.openingBalanceVnd).toBe(OPENING);
    });

    it(`${bank}: the XLSX export, numbers as numbers and merged header cells`, async () => {
      expectTransactions(parseStatement(await xlsxTable(bankSheet(bank, ROWS, { openingVnd: OPENING }), bank, true)), bank);
    });

    it(`${bank}: a PDF converted to XLSX (date and document number in one cell, headers repeated per page, memos wrapped)`, async () => {
      const sheet = bankSheet(bank, ROWS, { openingVnd: OPENING, fromPdf: { pageRows: 2 } });
      expect(sheet.some((row) => row.some((c) => typeof c?.value === 'string' && c.value.includes('\n')))).toBe(true);
      expectTransactions(parseStatement(await xlsxTable(sheet, `${bank}-pdf`, false)), bank);
    });
  }

  it('reads a layout with the same headings but no bank name as the generic layout', () => {
    const sheet = bankSheet('vietinbank', ROWS, { openingVnd: OPENING }).slice(2);
    expect(parseStatement(parseCsv(sheetCsv(sheet))).layout).toBe('generic');
  });

  it('keys rows by the document number found in the date cell, the same as from its own column', async () => {
    const plain = parseStatement(parseCsv(sheetCsv(bankSheet('vietcombank', ROWS))));
    const converted = parseStatement(await xlsxTable(bankSheet('vietcombank', ROWS, { fromPdf: { pageRows: 3 } }), 'keys', false));
    expect(rowKeys(converted)).toEqual(rowKeys(plain));
    expect(rowKeys(plain)[0]).toBe('ref:0011000000000:FT2424500001');
  });

  it('refuses only a row that is truly broken, naming its line; a bad date, an unreadable amount, money without a date', () => {
    const csv = sheetCsv(bankSheet('vietinbank', ROWS, { openingVnd: OPENING }));
    expect(refusalOf(() => parseStatement(parseCsv(csv.replace('02/09/2024 08:00:00', '31/02/2024')))).messageEn)
      .toMatch(/^Line 8: The date "31\/02\/2024" is not valid/);
    expect(refusalOf(() => parseStatement(parseCsv(csv.replace('1.250.000', '"1.250.000,50"')))).messageEn)
      .toMatch(/^Line 8: Credit "1\.250\.000,50" must be whole đồng, without a fraction\..*Nothing was imported/);
    expect(refusalOf(() => parseStatement(parseCsv(csv.replace('02/09/2024 08:00:00', '')))).messageEn)
      .toMatch(/^Line 8: The line has an amount but no readable date/);
    expect(refusalOf(() => parseStatement(parseCsv(csv.replace('1.250.000', '1.250.000,50')))).messageEn)
      .toMatch(/^Line 8: The line has more cells than the header \(7 columns\)/);
    expect(refusalOf(() => parseStatement(parseCsv(csv.replace('1.250.000', 'một triệu')))).message)
      .toMatch(/^Dòng 8: Ghi có "một triệu" không phải là số\. Không có gì được nhập/);
  });
});

describe('CSV files as exports write them', () => {
  it('splits on the file\'s own delimiter only: a memo\'s unquoted ";" or "," stays in the memo', () => {
    const csv = sheetCsv(bankSheet('vietcombank', [{ ...ROWS[1]!, memo: 'ung ho; nha BK-00012; xa Bang Thanh' }]));
    expect(parseStatement(parseCsv(csv)).rows[0]!.memo).toBe('ung ho; nha BK-00012; xa Bang Thanh');
    const semicolons = parseCsv('Ngày giao dịch;Số tiền ghi có;Nội dung\r\n01/09/2024;500.000;ung ho, nha BK-00012, xa Bang Thanh\r\n');
    expect(parseStatement(semicolons).rows[0]).toMatchObject({ creditVnd: 500_000, memo: 'ung ho, nha BK-00012, xa Bang Thanh' });
    const tabs = parseCsv('\uFEFFNgày\tGhi có\tDiễn giải\n01/09/2024\t1,500,000\t"ung ho\tnha ""BK"""\n');
    expect(parseStatement(tabs).rows[0]).toMatchObject({ creditVnd: 1_500_000, memo: 'ung ho nha "BK"' });
  });
});

describe('amounts as bank exports write them', () => {
  const value = (text: string) => {
    const reading = readExportedAmount(text);
    return reading.ok ? reading.value : reading.problem;
  };
  it('reads either grouping mark and a zero fraction; refuses a real fraction, mixed marks and words', () => {
    expect(value('1.500.000')).toBe(1_500_000);
    expect(value('1,500,000')).toBe(1_500_000);
    expect(value('1,500,000.00')).toBe(1_500_000);
    expect(value('1.500.000,00')).toBe(1_500_000);
    expect(value('1 500 000 VND')).toBe(1_500_000);
    expect(value('1.500')).toBe(1_500);
    expect(value('200000 ₫')).toBe(200_000);
    expect(value('100.5')).toBe('fraction');
    expect(value('1.500,50')).toBe('fraction');
    expect(value('1,500.000')).toBe('not_a_number');
    expect(value('1,500,00')).toBe('not_a_number');
    expect(value('5 triệu')).toBe('not_a_number');
    expect(value('')).toBe('empty');
  });
});
