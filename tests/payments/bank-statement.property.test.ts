// Write-then-read: random transactions written in each bank's export shape (CSV with or without BOM
// and CRLF, XLSX with numbers as numbers, a PDF converted to XLSX) read back as the same transactions,
// balances and account.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/payments/bank-statement';
import { parseCsv } from '../../src/payments/statement-file';
import { bankSheet, sheetCsv, sheetTable, type FixtureBank, type FixtureRow } from '../../scripts/lib/statement-fixture';

const RUNS = { numRuns: Number(process.env.ANCU_PROPERTY_RUNS ?? 100) };
const BANKS: FixtureBank[] = ['vietcombank', 'vietinbank', 'bidv', 'agribank', 'mb'];

// Words donors and banks put in memos: tones, quotes, commas, codes, and words that also start footers.
const WORDS = ['ung', 'ho', 'Ủng', 'hộ', 'nhà', 'BK-00012', 'xã', 'Bằng', 'Thành', 'MBVCB.1234567.AC7K2M9QXP.CT', 'tu',
  '0123456789', 'NGUYEN', 'VAN', 'A', 'chuyển', 'khoản', 'đồng', 'bào', '"Bão', 'Yagi"', 'lũ,', 'lụt', 'IBFT', 'Tfr', 'Ac:',
  '100%', 'Tổng', 'Trang', 'Total', 'Page', 'Số', 'tiền', 'Nợ', 'Có', '01/09/2024', '500.000đ'];

interface Written { row: FixtureRow; day: [number, number, number]; time: [number, number] | null }

const rowArb: fc.Arbitrary<Written> = fc.record({
  day: fc.tuple(fc.integer({ min: 2015, max: 2035 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })),
  time: fc.option(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })), { nil: null }),
  reference: fc.option(fc.stringMatching(/^[A-Z0-9][A-Z0-9.]{3,15}$/), { nil: undefined }),
  amountVnd: fc.integer({ min: 1, max: 9_999_999_999 }),
  credit: fc.boolean(),
  memo: fc.array(fc.constantFrom(...WORDS), { maxLength: 14 }).map((words) => words.join(' ')),
}).map(({ day, time, reference, amountVnd, credit, memo }) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${pad(day[2])}/${pad(day[1])}/${day[0]}${time ? ` ${pad(time[0])}:${pad(time[1])}` : ''}`;
  const row: FixtureRow = { date, memo, ...(reference ? { reference } : {}), ...(credit ? { creditVnd: amountVnd } : { debitVnd: amountVnd }) };
  return { row, day, time };
});

// The instant a bank's export says: BIDV's first date column is the value day; VietinBank writes 08:00 without a time.
function bookedAt(bank: FixtureBank, { day: [y, m, d], time }: Written): number {
  const [hh, mm] = bank === 'bidv' ? [0, 0] : time ?? (bank === 'vietinbank' ? [8, 0] : [0, 0]);
  return Date.UTC(y, m - 1, d, hh - 7, mm);
}

const statementArb = fc.record({
  bank: fc.constantFrom(...BANKS),
  rows: fc.array(rowArb, { minLength: 1, maxLength: 10 }),
  accountNo: fc.stringMatching(/^[1-9]\d{9,13}$/),
  openingVnd: fc.integer({ min: 0, max: 99_999_999_999 }),
});

type Shape = { kind: 'csv'; bom: boolean; crlf: boolean } | { kind: 'xlsx' } | { kind: 'pdf'; pageRows: number };
const shapeArb: fc.Arbitrary<Shape> = fc.oneof(
  fc.record({ kind: fc.constant('csv' as const), bom: fc.boolean(), crlf: fc.boolean() }),
  fc.record({ kind: fc.constant('xlsx' as const) }),
  fc.record({ kind: fc.constant('pdf' as const), pageRows: fc.integer({ min: 1, max: 4 }) }),
);

describe('each bank layout, written then read', () => {
  it('reads back the transactions, running balances, account and balances that were written', () => {
    fc.assert(fc.property(statementArb, shapeArb, ({ bank, rows: drawn, accountNo, openingVnd }, shape) => {
      // A statement lists transactions in the order they were booked.
      const rows = [...drawn].sort((a, b) => bookedAt(bank, a) - bookedAt(bank, b));
      const fixtureRows = rows.map((w) => w.row);
      const fromPdf = shape.kind === 'pdf' ? { pageRows: shape.pageRows } : undefined;
      const sheet = bankSheet(bank, fixtureRows, { accountNo, openingVnd, ...(fromPdf ? { fromPdf } : {}) });
      const table = shape.kind === 'csv' ? parseCsv(sheetCsv(sheet, shape)) : sheetTable(sheet, { numbers: shape.kind === 'xlsx' });
      const parsed = parseStatement(table);

      let balanceVnd = openingVnd;
      const expected = rows.map((w) => {
        balanceVnd += (w.row.creditVnd ?? 0) - (w.row.debitVnd ?? 0);
        return { bookedAt: bookedAt(bank, w), reference: w.row.reference ?? null, creditVnd: w.row.creditVnd ?? 0, debitVnd: w.row.debitVnd ?? 0, balanceVnd, memo: w.row.memo };
      });
      expect(parsed.rows.map((r) => ({ bookedAt: r.bookedAt.getTime(), reference: r.reference, creditVnd: r.creditVnd, debitVnd: r.debitVnd, balanceVnd: r.balanceVnd, memo: r.memo })))
        .toEqual(expected);
      expect(parsed).toMatchObject({ layout: bank, accountNo, openingBalanceVnd: bank === 'bidv' ? null : openingVnd, closingBalanceVnd: balanceVnd });
      // Each row's line number is the line that holds its date, as a person sees it in the file.
      parsed.rows.forEach((r, i) => {
        const line = table.find((t) => t.lineNo === r.lineNo);
        expect(line?.cells.map(String).join(' ')).toContain(String(rows[i]!.day[0]));
      });
    }), RUNS);
  });
});
