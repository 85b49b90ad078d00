// Bank statements as tables of cells (from CSV or XLSX). The layout is found from the header: the
// column headings of Vietcombank, VietinBank, BIDV, Agribank and MB exports, or named columns for any
// other bank. Tolerant in what it reads (header blocks, footer totals, repeated page headers, memos
// wrapped onto the next line, a document number in the date cell), strict in what it passes on: a
// row carrying money that cannot be read refuses the whole file with its line number. Pure.
import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors';
import { readExportedAmount } from '../i18n/read-number';
import { bankNamed, hasPhrase, headingField, LABELS, normalise, type BankId, type Field } from './bank-layouts';

export interface StatementRow {
  lineNo: number;
  bookedAt: Date;
  reference: string | null;
  creditVnd: number;
  debitVnd: number;
  balanceVnd: number | null;
  /** Private: published only as the receipt code matched in it. */
  memo: string;
  /** The virtual account the money was sent to, when the bank reports it (the feed's sub-account). */
  virtualAccount?: string | null;
}

export interface ParsedStatement {
  layout: BankId | 'generic';
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

const text = (cell: Cell): string => (cell === null || cell === undefined || cell instanceof Date ? '' : String(cell).trim());
const blank = (cell: Cell): boolean => !(cell instanceof Date) && text(cell) === '';

// A header-block or footer line such as "Số dư cuối kỳ / Closing balance: 12,345,000" (inline or in the next cell).
function labelled(cells: Cell[], labels: string[]): string | undefined {
  for (let i = 0; i < cells.length; i++) {
    if (!hasPhrase(text(cells[i]), labels)) continue;
    const inline = /:\s*(.*\d.*)$/.exec(text(cells[i]));
    if (inline) return inline[1];
    const next = cells.slice(i + 1).find((c) => !blank(c));
    if (next !== undefined) return text(next);
  }
  return undefined;
}

// A money cell: a spreadsheet number, or text in either grouping ("1.500.000", "1,500,000.00").
// Banks print debits as "-100,000" in their own column, so a sign there is not an error.
function amountCell(cell: Cell, lineNo: number, [what, whatEn]: [string, string], sign: 'signed' | 'unsigned' | 'absolute'): number {
  if (blank(cell)) return 0;
  let value: number;
  const raw = text(cell);
  if (typeof cell === 'number') {
    value = cell;
  } else {
    const negative = /^[-−(]/.test(raw);
    const reading = readExportedAmount(raw.replace(/^[-−+(]|\)$/g, ''));
    if (!reading.ok) {
      // The reader names the text itself when it is not a number at all.
      const named = reading.problem === 'not_a_number' ? '' : ` "${raw}"`;
      throw statementError(lineNo, `${what}${named} ${reading.vi}.`, `${whatEn}${named} ${reading.en}.`);
    }
    value = negative ? -reading.value : reading.value;
  }
  if (!Number.isSafeInteger(value)) throw statementError(lineNo, `${what} "${raw}" phải là số đồng nguyên.`, `${whatEn} "${raw}" must be whole đồng.`);
  if (value < 0 && sign === 'unsigned') throw statementError(lineNo, `${what} "${raw}" không được âm.`, `${whatEn} "${raw}" cannot be negative.`);
  return sign === 'absolute' ? Math.abs(value) : value;
}

const DATE_SHAPE = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?=\s|$)\s*([\s\S]*)$/;

// Vietnam's local time (UTC+7) as an instant, or null when the parts name no real day or time.
function vietnamTime(y: number, m: number, d: number, hh: number, mm: number, ss: number): Date | null {
  const local = new Date(Date.UTC(y, m - 1, d, hh, mm, ss));
  const real = local.getUTCFullYear() === y && local.getUTCMonth() === m - 1 && local.getUTCDate() === d && hh < 24 && mm < 60 && ss < 60;
  return real ? new Date(local.getTime() - 7 * 3_600_000) : null;
}

interface DateReading { bookedAt: Date; rest: string }

// A date cell: a spreadsheet date, or dd/mm/yyyy[ HH:MM[:SS]] (or yyyy-mm-dd) followed by anything
// else in the cell, such as the document number on the next line. Null when the cell holds no date
// at all; a refusal when it holds a date that does not exist (31/02).
function dateCell(cell: Cell, lineNo: number): DateReading | null {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return null;
    const at = vietnamTime(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate(), cell.getUTCHours(), cell.getUTCMinutes(), cell.getUTCSeconds());
    return at && { bookedAt: at, rest: '' };
  }
  const raw = text(cell);
  const match = DATE_SHAPE.exec(raw);
  if (!match) return null;
  const [a, b, c, hh, mm, ss] = match.slice(1, 7).map((p) => Number(p ?? 0)) as number[];
  const yearFirst = match[1]!.length === 4;
  // dd/mm/yyyy, dd/mm/yy (this century) or yyyy-mm-dd; anything else names no day.
  const dayFirstYear = match[3]!.length === 4 ? c! : match[3]!.length === 2 ? 2000 + c! : null;
  const at = yearFirst ? vietnamTime(a!, b!, c!, hh!, mm!, ss!)
    : match[1]!.length <= 2 && dayFirstYear !== null ? vietnamTime(dayFirstYear, b!, a!, hh!, mm!, ss!) : null;
  if (!at) throw statementError(lineNo, `Ngày "${raw}" không hợp lệ (cần dd/mm/yyyy).`, `The date "${raw}" is not valid (dd/mm/yyyy expected).`);
  return { bookedAt: at, rest: match[7]!.replace(/\s+/g, ' ') };
}

// -1 for a column the header lacks: cells[-1] is undefined, so an absent column reads as a blank cell.
type Columns = Record<Exclude<Field, 'ignore'>, number>;

// The columns a header names: each heading takes its field, and the first column of each field counts.
function columnsOf(header: Cell[]): Columns {
  const columns: Columns = { date: -1, reference: -1, debit: -1, credit: -1, amount: -1, balance: -1, memo: -1 };
  header.forEach((cell, i) => {
    const field = headingField(text(cell));
    if (field && field !== 'ignore' && columns[field] < 0) columns[field] = i;
  });
  return columns;
}

const complete = (c: Columns) => c.date >= 0 && c.memo >= 0 && (c.credit >= 0 || c.amount >= 0);

// A heading split over two rows by merged cells ("Phát sinh" above "Nợ | Có") read as one row:
// an empty upper cell under a merge carries the text on its left.
function joinHeadings(upper: Cell[], lower: Cell[]): Cell[] {
  const width = Math.max(upper.length, lower.length);
  let carried = '';
  return Array.from({ length: width }, (_, i) => {
    const top = text(upper[i]);
    if (top) carried = top;
    const bottom = text(lower[i]);
    return [top || (bottom ? carried : ''), bottom].join(' ');
  });
}

interface Header { at: number; rows: number; width: number; columns: Columns }

// The first row whose headings name a date, a memo and the money; failing that, the first pair of rows.
function findHeader(table: TableRow[]): Header | null {
  for (let at = 0; at < table.length; at++) {
    const columns = columnsOf(table[at]!.cells);
    if (complete(columns)) return { at, rows: 1, width: table[at]!.cells.length, columns };
  }
  for (let at = 0; at + 1 < table.length; at++) {
    const cells = joinHeadings(table[at]!.cells, table[at + 1]!.cells);
    const columns = columnsOf(cells);
    if (complete(columns)) return { at, rows: 2, width: cells.length, columns };
  }
  return null;
}

const ACCOUNT_TEXT = /^'?[\d\s.-]{6,}$/;

// Reads the header block above the table: the account and the opening and closing balances.
function readHeaderBlock(table: TableRow[], into: ParsedStatement): void {
  for (const { lineNo, cells } of table) {
    const account = labelled(cells, LABELS.accountNo);
    if (account && ACCOUNT_TEXT.test(account)) into.accountNo ??= account.replace(/[^\d]/g, '');
    into.openingBalanceVnd ??= optionalBalance(labelled(cells, LABELS.opening), lineNo);
    into.closingBalanceVnd ??= optionalBalance(labelled(cells, LABELS.closing), lineNo);
  }
}

function optionalBalance(value: string | undefined, lineNo: number): number | null {
  return value === undefined || value === '' ? null : amountCell(value, lineNo, ['Số dư', 'Balance'], 'signed');
}

// A balance line's amount: after its label, or in the balance column when nothing follows the label
// ("Số dư đầu kỳ" written as the memo, in the last column). Undefined when the line names no balance.
function statedBalance(cells: Cell[], labels: string[], balanceColumn: number): string | undefined {
  const value = labelled(cells, labels);
  if (value !== undefined || !cells.some((c) => hasPhrase(text(c), labels))) return value;
  return blank(cells[balanceColumn]) ? undefined : text(cells[balanceColumn]);
}

// True when a row repeats a header row (a new page of a statement converted from PDF).
function repeatsHeader(cells: Cell[], headings: Set<string>): boolean {
  return cells.filter((c) => !blank(c) && headings.has(normalise(text(c)))).length >= 2;
}

// Reads the transactions under the header. Lines without a date are footers, page marks, repeated
// headers or a memo wrapped onto the next line; a line with money but no readable date is refused.
function readRows(table: TableRow[], header: Header, into: ParsedStatement): void {
  const { columns } = header;
  const moneyColumns = [columns.credit, columns.debit, columns.amount];
  const headings = new Set(table.slice(header.at, header.at + header.rows).flatMap(({ cells }) => cells.map((c) => normalise(text(c)))));
  for (const { lineNo, cells } of table.slice(header.at + header.rows)) {
    const date = dateCell(cells[columns.date], lineNo);
    // Balance lines ("Số dư đầu kỳ", "Số dư cuối kỳ") carry no transaction, with or without a date.
    if (!date || moneyColumns.every((i) => blank(cells[i]))) {
      const opening = statedBalance(cells, LABELS.opening, columns.balance);
      const closing = statedBalance(cells, LABELS.closing, columns.balance);
      if (opening !== undefined || closing !== undefined) {
        into.openingBalanceVnd ??= optionalBalance(opening, lineNo);
        into.closingBalanceVnd ??= optionalBalance(closing, lineNo);
        continue;
      }
    }
    if (!date) {
      const filled = cells.map((c, i) => (blank(c) ? -1 : i)).filter((i) => i >= 0);
      const previous = into.rows.at(-1);
      if (previous && filled.length === 1 && filled[0] === columns.memo) {
        previous.memo = `${previous.memo} ${text(cells[columns.memo])}`.trim();
        continue;
      }
      // A label that starts a cell outside the memo ("Tổng cộng / Total"); a memo may say anything.
      const isFooter = cells.some((c, i) => i !== columns.memo && LABELS.footer.some((label) => `${normalise(text(c))} `.startsWith(`${label} `)));
      if (isFooter || repeatsHeader(cells, headings) || moneyColumns.every((i) => blank(cells[i]))) continue;
      throw statementError(lineNo, `Dòng có số tiền nhưng không có ngày đọc được ("${text(cells[columns.date])}").`,
        `The line has an amount but no readable date ("${text(cells[columns.date])}").`);
    }
    // Cells past the last heading mean the columns shifted (an amount like 1.500,00 unquoted in a CSV).
    if (cells.slice(header.width).some((c) => !blank(c))) {
      throw statementError(lineNo, `Dòng có nhiều ô hơn dòng tiêu đề (${header.width} cột): các cột bị lệch, có thể do dấu phẩy trong số tiền không nằm trong ngoặc kép.`,
        `The line has more cells than the header (${header.width} columns): the columns are shifted, perhaps by an unquoted comma in an amount.`);
    }
    let creditVnd: number;
    let debitVnd: number;
    if (columns.credit < 0) {
      const signed = amountCell(cells[columns.amount], lineNo, ['Số tiền', 'Amount'], 'signed');
      creditVnd = Math.max(signed, 0);
      debitVnd = Math.max(-signed, 0);
    } else {
      creditVnd = amountCell(cells[columns.credit], lineNo, ['Ghi có', 'Credit'], 'unsigned');
      debitVnd = amountCell(cells[columns.debit], lineNo, ['Ghi nợ', 'Debit'], 'absolute');
    }
    if ((creditVnd > 0) === (debitVnd > 0)) {
      throw statementError(lineNo, 'Mỗi giao dịch phải là ghi có hoặc ghi nợ, khác 0.', 'Each transaction must be a credit or a debit, and not zero.');
    }
    const reference = text(cells[columns.reference]) || date.rest || null;
    const balanceVnd = !blank(cells[columns.balance]) ? amountCell(cells[columns.balance], lineNo, ['Số dư', 'Balance'], 'signed') : null;
    into.rows.push({ lineNo, bookedAt: date.bookedAt, reference, creditVnd, debitVnd, balanceVnd, memo: text(cells[columns.memo]).replace(/\s+/g, ' ') });
  }
}

// Any of the five banks' exports, or another whose headings use the same words: the header is found
// by its headings and the bank by its name above it.
export function parseStatement(table: TableRow[]): ParsedStatement {
  const header = findHeader(table);
  if (!header) {
    throw statementError(null, 'Không thấy dòng tiêu đề của sao kê (Ngày giao dịch … Ghi có … Nội dung). Với mẫu của ngân hàng khác, hãy chỉ tên các cột.',
      'No statement header row found (Transaction date … Credit … Details). For another bank\'s layout, name the columns (--layout generic with column flags).');
  }
  const above = table.slice(0, header.at);
  const bank = bankNamed(above.flatMap(({ cells }) => cells.map(text)));
  const parsed: ParsedStatement = { layout: bank ?? 'generic', accountNo: null, openingBalanceVnd: null, closingBalanceVnd: null, rows: [] };
  readHeaderBlock(above, parsed);
  readRows(table, header, parsed);
  return finish(parsed);
}

function columnIndex(header: Cell[], spec: string): number {
  if (/^\d+$/.test(spec)) return Number(spec) - 1;
  return header.findIndex((cell) => normalise(text(cell)) === normalise(spec));
}

// Any bank, with the columns named: the header is the first row holding the date column named.
export function parseGeneric(table: TableRow[], map: ColumnMap): ParsedStatement {
  if (!map.amount && !map.credit) {
    throw statementError(null, 'Cần chỉ cột số tiền (--amount-col) hoặc cột ghi có (--credit-col).', 'Name the amount column (--amount-col) or the credit column (--credit-col).');
  }
  const at = table.findIndex(({ cells }) => columnIndex(cells, map.date) >= 0);
  if (at < 0) throw statementError(null, `Không có cột "${map.date}" trong dòng tiêu đề nào.`, `There is no column "${map.date}" in any header row.`);
  const cells = table[at]!.cells;
  const column = (spec?: string) => {
    if (!spec) return -1;
    const index = columnIndex(cells, spec);
    if (index < 0) throw statementError(table[at]!.lineNo, `Không có cột "${spec}" trong dòng tiêu đề.`, `There is no column "${spec}" in the header row.`);
    return index;
  };
  const columns: Columns = {
    date: column(map.date), memo: column(map.memo), amount: column(map.amount), credit: column(map.credit),
    debit: column(map.debit), reference: column(map.reference), balance: column(map.balance),
  };
  const parsed: ParsedStatement = { layout: 'generic', accountNo: null, openingBalanceVnd: null, closingBalanceVnd: null, rows: [] };
  readHeaderBlock(table.slice(0, at), parsed);
  readRows(table, { at, rows: 1, width: cells.length, columns }, parsed);
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
