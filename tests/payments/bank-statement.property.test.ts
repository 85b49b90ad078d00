// Write-then-read: random transactions written in each bank's export shape (CSV with or without BOM
// and CRLF, XLSX with numbers as numbers, a PDF converted to XLSX) read back as the same transactions,
// balances and account.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStatement, type Cell } from '../../src/payments/bank-statement';
import { parseCsv } from '../../src/payments/statement-file';
import { bankSheet, sheetCsv, sheetTable, type FixtureBank, type FixtureRow } from '../../scripts/lib/statement-fixture';

const RUNS = { numRuns: Number(process.env.ANCU_PROPERTY_RUNS ?? 100) };
const BANKS: FixtureBank[] = ['vietcombank', 'vietinbank', 'bidv', 'agribank', 'mb'];

// Words donors and banks put in memos: tones, quotes, commas, codes, and words that also start footers.
const WORDS = ['ung', 'ho', 'Ủng', 'hộ', 'nhà', 'BK-00012', 'xã', 'Bằng', 'Thành', 'MBVCB.1234567.AC7K2M9QXP.CT', 'tu',
  '0123456789', 'NGUYEN', 'VAN', 'A', 'chuyển', 'khoản', 'đồng', 'bào', '"Bão', 'Yagi"', 'lũ,', 'lụt;', 'IBFT', 'Tfr', 'Ac:',
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

// Headings as the banks word them, one drawn per column; the columns come in any order.
const WORDINGS = {
  date: ['Ngày giao dịch', 'Ngày GD', 'Ngày hạch toán', 'Transaction Date', 'Ngày hiệu lực / Effective Date'],
  reference: ['Số tham chiếu', 'Số CT', 'Số bút toán / Seq. No', 'Mã giao dịch', 'Doc No'],
  debit: ['Số tiền ghi nợ', 'Ghi nợ / Debit', 'Nợ', 'Tiền ra', 'Withdrawal'],
  credit: ['Số tiền ghi có', 'Ghi có / Credit', 'Có', 'Tiền vào', 'Deposit'],
  amount: ['Số tiền', 'Amount'],
  balance: ['Số dư', 'Balance'],
  memo: ['Nội dung chi tiết', 'Diễn giải', 'Mô tả giao dịch', 'Description', 'Transaction details'],
  ignore: ['STT', 'Số tài khoản đối ứng', 'Counter Account No.'],
};
type Column = keyof typeof WORDINGS;

// An amount in one of the ways exports write it: grouped with dots or commas, plain, or a spreadsheet number.
const written = (vnd: number, style: 'dots' | 'commas' | 'plain' | 'number'): string | number => {
  if (style === 'number') return vnd;
  const plain = String(Math.abs(vnd));
  const grouped = style === 'plain' ? plain : plain.replace(/\B(?=(\d{3})+$)/g, style === 'dots' ? '.' : ',');
  return `${vnd < 0 ? '-' : ''}${grouped}`;
};

const layoutArb = fc.record({
  signed: fc.boolean(),
  reference: fc.boolean(),
  balance: fc.boolean(),
  ignore: fc.boolean(),
  order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
  wording: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  style: fc.constantFrom('dots' as const, 'commas' as const, 'plain' as const, 'number' as const),
  preamble: fc.array(fc.constantFrom('SAO KÊ TÀI KHOẢN', 'Từ ngày 01/09/2024 đến ngày 30/09/2024', 'Loại tiền: VND'), { maxLength: 3 }),
});

describe('any bank whose headings use the five banks\' words', () => {
  it('reads the same transactions whatever the order of the columns and the way amounts are written', () => {
    fc.assert(fc.property(layoutArb, fc.array(rowArb, { minLength: 1, maxLength: 6 }), (layout, drawn) => {
      const rows = [...drawn].sort((a, b) => bookedAt('vietcombank', a) - bookedAt('vietcombank', b));
      const wanted: Column[] = ['date', 'memo', ...(layout.signed ? ['amount' as const] : ['debit' as const, 'credit' as const]),
        ...(layout.reference ? ['reference' as const] : []), ...(layout.balance ? ['balance' as const] : []), ...(layout.ignore ? ['ignore' as const] : [])];
      const columns = wanted.map((field, i) => ({ field, key: layout.order[i]! })).sort((a, b) => a.key - b.key).map((c) => c.field);
      const header = columns.map((field, i) => WORDINGS[field][layout.wording[i]! % WORDINGS[field].length]!);
      let balanceVnd = 0;
      const lines = rows.map(({ row }) => {
        const creditVnd = row.creditVnd ?? 0;
        const debitVnd = row.debitVnd ?? 0;
        balanceVnd += creditVnd - debitVnd;
        const cell: Record<Column, Cell> = {
          date: row.date, memo: row.memo, reference: row.reference ?? '', ignore: '0123456789',
          amount: written(creditVnd - debitVnd, layout.style), balance: written(balanceVnd, layout.style),
          debit: debitVnd ? written(debitVnd, layout.style) : '', credit: creditVnd ? written(creditVnd, layout.style) : '',
        };
        return columns.map((field) => cell[field]);
      });
      const parsed = parseStatement([...layout.preamble.map((line) => [line]), header, ...lines].map((cells, i) => ({ lineNo: i + 1, cells })));
      expect(parsed.layout).toBe('generic');
      let expectedBalance = 0;
      expect(parsed.rows.map((r) => [r.bookedAt.getTime(), r.creditVnd, r.debitVnd, r.reference, r.memo, r.balanceVnd])).toEqual(rows.map((w) => {
        expectedBalance += (w.row.creditVnd ?? 0) - (w.row.debitVnd ?? 0);
        return [bookedAt('vietcombank', w), w.row.creditVnd ?? 0, w.row.debitVnd ?? 0, layout.reference ? w.row.reference ?? null : null, w.row.memo, layout.balance ? expectedBalance : null];
      }));
      expect(parsed.closingBalanceVnd).toBe(layout.balance ? balanceVnd : null);
    }), RUNS);
  });
});
