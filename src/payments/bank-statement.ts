// Bank statements as tables of cells (from CSV or XLSX): the Vietcombank export layout, or a generic
// layout with named columns. Pure: the whole file is checked before anything is written, and the
// first bad row refuses the file with its line number and the reason.
import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors';
import { readVnd } from './amounts';

export interface StatementRow {
  lineNo: number;
  bookedAt: Date;
  reference: string | null;
  creditVnd: number;
  debitVnd: number;
  balanceVnd: number | null;
  /** Private: published only as the receipt code matched in it. */
  memo: string;
}

export interface ParsedStatement {
  layout: 'vietcombank' | 'generic';
  accountNo: string | null;
  openingBalanceVnd: number | null;
  closingBalanceVnd: number | null;
  rows: StatementRow[];
}

/** A header name (matched without case or tones) or a 1-based column number, for each field. */
export interface ColumnMap {
  date: string;
  memo: string;
  amount?: string;
  credit?: string;
  debit?: string;
  reference?: string;
  balance?: string;
}

export type Cell = string | number | boolean | Date | null | undefined;
export interface TableRow { lineNo: number; cells: Cell[] }

export function statementError(lineNo: number | null, vi: string, en: string): DomainError {
  const where = lineNo === null ? '' : `Dòng ${lineNo}: `;
  const whereEn = lineNo === null ? '' : `Line ${lineNo}: `;
  return new DomainError(400, 'statement_malformed', `${where}${vi} Không có gì được nhập; hãy sửa tệp rồi nhập lại.`,
    `${whereEn}${en} Nothing was imported; fix the file and import it again.`, { lineNo });
}

// Headers are compared without case, tones or punctuation, so "Ngày GD/TNX Date" finds "ngay gd".
export function normalise(text: Cell): string {
  return String(text ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

const VCB_HEADERS: Record<keyof ColumnMap, string[]> = {
  date: ['ngay giao dich', 'ngay gd', 'transaction date', 'tnx date'],
  reference: ['so tham chieu', 'so ct', 'reference', 'doc no'],
  debit: ['so tien ghi no', 'ghi no', 'debit'],
  credit: ['so tien ghi co', 'ghi co', 'credit'],
  balance: ['so du', 'balance'],
  memo: ['noi dung chi tiet', 'mo ta', 'noi dung', 'transactions in detail', 'description'],
  amount: [],
};

const KEY_VALUES = {
  accountNo: ['so tai khoan', 'account number', 'account no'],
  opening: ['so du dau ky', 'opening balance'],
  closing: ['so du cuoi ky', 'closing balance', 'ending balance'],
};

function findColumn(header: Cell[], names: string[]): number {
  return header.findIndex((cell) => names.some((name) => normalise(cell).startsWith(name) || normalise(cell).includes(` ${name}`)));
}

// A preamble or footer line such as "Số dư cuối kỳ / Closing balance: 12,345,000".
function keyValue(cells: Cell[], names: string[]): string | undefined {
  for (let i = 0; i < cells.length; i++) {
    const label = normalise(cells[i]);
    if (!names.some((name) => label.startsWith(name) || label.includes(` ${name}`))) continue;
    const inline = /:\s*(.+)$/.exec(String(cells[i]));
    if (inline?.[1]?.trim()) return inline[1].trim();
    const next = cells.slice(i + 1).find((c) => c !== null && c !== undefined && String(c).trim() !== '');
    if (next !== undefined) return String(next instanceof Date ? '' : next).trim();
  }
  return undefined;
}

function amountCell(cell: Cell, lineNo: number, [what, whatEn]: [string, string], signed = false): number {
  if (cell === null || cell === undefined || String(cell).trim() === '') return 0;
  if (typeof cell === 'number') {
    if (!Number.isSafeInteger(cell) || (!signed && cell < 0)) {
      throw statementError(lineNo, `${what} "${cell}" không phải số đồng nguyên không âm.`, `${whatEn} "${cell}" is not a whole, non-negative number of đồng.`);
    }
    return cell;
  }
  const text = String(cell).trim();
  const negative = signed && text.startsWith('-');
  const reading = readVnd(negative ? text.slice(1) : text);
  if (!reading.ok) {
    throw statementError(lineNo, `${what} "${text}" không đọc được (${reading.reason}).`, `${whatEn} "${text}" cannot be read (${reading.reason}).`);
  }
  return negative ? -reading.value : reading.value;
}

// Dates are Vietnam's local time: dd/mm/yyyy[ HH:MM[:SS]] or yyyy-mm-dd, or a spreadsheet date.
function dateCell(cell: Cell, lineNo: number): Date {
  if (cell instanceof Date && !Number.isNaN(cell.getTime())) {
    return new Date(Date.UTC(cell.getUTCFullYear(), cell.getUTCMonth(), cell.getUTCDate(), cell.getUTCHours(), cell.getUTCMinutes(), cell.getUTCSeconds()) - 7 * 3_600_000);
  }
  const text = String(cell ?? '').trim();
  const vn = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  const parts = vn ? [vn[3], vn[2], vn[1], vn[4], vn[5], vn[6]] : iso ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]] : undefined;
  if (parts) {
    const [y, m, d, hh, mm, ss] = parts.map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d, hh, mm, ss) - 7 * 3_600_000);
    const local = new Date(date.getTime() + 7 * 3_600_000);
    if (local.getUTCFullYear() === y && local.getUTCMonth() === m - 1 && local.getUTCDate() === d && hh < 24 && mm < 60 && ss < 60) return date;
  }
  throw statementError(lineNo, `Ngày "${text}" không hợp lệ (cần dd/mm/yyyy).`, `The date "${text}" is not valid (dd/mm/yyyy expected).`);
}

function columnIndex(header: Cell[], spec: string, lineNo: number): number {
  if (/^\d+$/.test(spec)) return Number(spec) - 1;
  const index = header.findIndex((cell) => normalise(cell) === normalise(spec));
  if (index < 0) {
    throw statementError(lineNo, `Không có cột "${spec}" trong dòng tiêu đề.`, `There is no column "${spec}" in the header row.`);
  }
  return index;
}

interface Columns { date: number; memo: number; amount: number; credit: number; debit: number; reference: number; balance: number }

function readRows(table: TableRow[], start: number, columns: Columns, stopAtFooter: boolean, into: ParsedStatement): void {
  for (const { lineNo, cells } of table.slice(start)) {
    if (cells.every((c) => c === null || c === undefined || String(c).trim() === '')) continue;
    const dateText = cells[columns.date];
    if (stopAtFooter && (dateText === null || dateText === undefined || String(dateText).trim() === '' || /^(tong|total|so du)/.test(normalise(dateText)))) {
      into.closingBalanceVnd ??= optionalAmount(keyValue(cells, KEY_VALUES.closing), lineNo);
      continue;
    }
    const bookedAt = dateCell(dateText, lineNo);
    let creditVnd: number;
    let debitVnd: number;
    if (columns.amount >= 0) {
      const signed = amountCell(cells[columns.amount], lineNo, ['Số tiền', 'Amount'], true);
      creditVnd = Math.max(signed, 0);
      debitVnd = Math.max(-signed, 0);
    } else {
      creditVnd = amountCell(cells[columns.credit], lineNo, ['Ghi có', 'Credit']);
      debitVnd = columns.debit >= 0 ? amountCell(cells[columns.debit], lineNo, ['Ghi nợ', 'Debit']) : 0;
    }
    if ((creditVnd > 0) === (debitVnd > 0)) {
      throw statementError(lineNo, 'Mỗi giao dịch phải là ghi có hoặc ghi nợ, khác 0.', 'Each transaction must be a credit or a debit, and not zero.');
    }
    const reference = columns.reference >= 0 ? String(cells[columns.reference] ?? '').trim() || null : null;
    const balanceCell = columns.balance >= 0 ? cells[columns.balance] : null;
    const balanceVnd = balanceCell === null || balanceCell === undefined || String(balanceCell).trim() === '' ? null : amountCell(balanceCell, lineNo, ['Số dư', 'Balance'], true);
    into.rows.push({ lineNo, bookedAt, reference, creditVnd, debitVnd, balanceVnd, memo: String(cells[columns.memo] ?? '').trim() });
  }
}

function optionalAmount(text: string | undefined, lineNo: number): number | null {
  return text === undefined || text === '' ? null : amountCell(text, lineNo, ['Số dư', 'Balance'], true);
}

// Finds the Vietcombank table by its header row; lines above and below it give the account and balances.
export function parseVietcombank(table: TableRow[]): ParsedStatement {
  const headerAt = table.findIndex(({ cells }) => findColumn(cells, VCB_HEADERS.date) >= 0 && findColumn(cells, VCB_HEADERS.credit) >= 0);
  if (headerAt < 0) {
    throw statementError(null, 'Không thấy dòng tiêu đề của sao kê Vietcombank (Ngày giao dịch … Số tiền ghi có … Nội dung).',
      'No Vietcombank statement header row found (Transaction date … Credit … Details); for other banks use --layout generic with column flags.');
  }
  const header = table[headerAt]!.cells;
  const columns: Columns = {
    date: findColumn(header, VCB_HEADERS.date), credit: findColumn(header, VCB_HEADERS.credit), debit: findColumn(header, VCB_HEADERS.debit),
    memo: findColumn(header, VCB_HEADERS.memo), reference: findColumn(header, VCB_HEADERS.reference), balance: findColumn(header, VCB_HEADERS.balance), amount: -1,
  };
  if (columns.memo < 0) throw statementError(table[headerAt]!.lineNo, 'Thiếu cột nội dung giao dịch.', 'The transaction details column is missing.');
  const parsed: ParsedStatement = { layout: 'vietcombank', accountNo: null, openingBalanceVnd: null, closingBalanceVnd: null, rows: [] };
  for (const { lineNo, cells } of table.slice(0, headerAt)) {
    parsed.accountNo ??= keyValue(cells, KEY_VALUES.accountNo)?.replace(/\s/g, '') ?? null;
    parsed.openingBalanceVnd ??= optionalAmount(keyValue(cells, KEY_VALUES.opening), lineNo);
    parsed.closingBalanceVnd ??= optionalAmount(keyValue(cells, KEY_VALUES.closing), lineNo);
  }
  readRows(table, headerAt + 1, columns, true, parsed);
  return finish(parsed);
}

// Any bank: the first non-empty row is the header, and the flags say which column is which.
export function parseGeneric(table: TableRow[], map: ColumnMap): ParsedStatement {
  const headerAt = table.findIndex(({ cells }) => cells.some((c) => String(c ?? '').trim() !== ''));
  if (headerAt < 0) throw statementError(null, 'Tệp trống.', 'The file is empty.');
  const { cells: header, lineNo } = table[headerAt]!;
  if (!map.amount && !map.credit) {
    throw statementError(null, 'Cần chỉ cột số tiền (--amount-col) hoặc cột ghi có (--credit-col).', 'Name the amount column (--amount-col) or the credit column (--credit-col).');
  }
  const optional = (spec?: string) => (spec ? columnIndex(header, spec, lineNo) : -1);
  const columns: Columns = {
    date: columnIndex(header, map.date, lineNo), memo: columnIndex(header, map.memo, lineNo), amount: optional(map.amount),
    credit: optional(map.credit), debit: optional(map.debit), reference: optional(map.reference), balance: optional(map.balance),
  };
  const parsed: ParsedStatement = { layout: 'generic', accountNo: null, openingBalanceVnd: null, closingBalanceVnd: null, rows: [] };
  readRows(table, headerAt + 1, columns, false, parsed);
  return finish(parsed);
}

// Without a stated closing balance, the balance after the last transaction is the closing balance.
function finish(parsed: ParsedStatement): ParsedStatement {
  if (parsed.rows.length === 0) throw statementError(null, 'Sao kê không có giao dịch nào.', 'The statement has no transactions.');
  if (parsed.closingBalanceVnd === null) {
    const last = [...parsed.rows].sort((a, b) => a.bookedAt.getTime() - b.bookedAt.getTime() || a.lineNo - b.lineNo).at(-1)!;
    parsed.closingBalanceVnd = last.balanceVnd;
  }
  return parsed;
}

// A stable id per bank transaction: the bank's reference when it gives one, otherwise a hash of the
// row with its occurrence number, so the same statement imported again yields the same keys.
export function rowKeys(parsed: ParsedStatement): string[] {
  const seen = new Map<string, number>();
  return parsed.rows.map((row) => {
    if (row.reference) return `ref:${parsed.accountNo ?? ''}:${row.reference}`;
    const digest = createHash('sha256').update([row.bookedAt.toISOString(), row.creditVnd, row.debitVnd, row.balanceVnd ?? '', row.memo].join('\u001f')).digest('hex').slice(0, 32);
    const n = (seen.get(digest) ?? 0) + 1;
    seen.set(digest, n);
    return `h:${parsed.accountNo ?? ''}:${digest}:${n}`;
  });
}

const CODE_CHARS = '[2-9ABCDEFGHJKMNPQRSTVWXYZ]';

// Receipt codes as banks mangle them ("MBVCB.123.AC7K2M9QXP.CT tu …", "ac7k 2m9q xp"): every
// "AC"+8 code characters in the memo with spaces and punctuation removed; the caller keeps only
// codes that exist, so a chance look-alike never matches.
export function receiptCodesIn(memo: string): string[] {
  const squeezed = memo.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  const found = new Set<string>();
  const pattern = new RegExp(`(?=(AC${CODE_CHARS}{8}))`, 'g');
  for (const match of squeezed.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}
