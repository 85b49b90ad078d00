// The cash book ("sao kê") recomputed from the chain. While the journal is checked on the other thread, the
// pages and CSVs of each account's months are read and recomputed from their own rows with the publisher's
// functions (running balances, the CSV, page sizes, each month's totals in cash-book/index.json), keeping
// what each row says of the journal compactly; the journal pass keeps each cash line as numbers in typed
// arrays and its description as UTF-8 bytes (no object per line). After the journal, every row is compared
// with the journal line it shows (each line exactly once, in order) and the codes it names with the
// committed records, and the goods and labour pages with the committed contributions.
import {
  CASH_ACCOUNTS, CASH_BOOK_CSV_HEADER, CASH_BOOK_FILES, CASH_BOOK_PAGE_SIZE, cashBookCsvRow, cashLine, closingAt, monthBounds, reconciliationSums, UNIT_KINDS, vietnamMonth, withBalances,
  type CashAccount, type CashBookIndex, type CashBookMonth, type CashBookRow,
} from './cash-book';
import type { JournalRecord } from './chain';
import { csvRow } from './csv';
import type { PublicArea, PublicContribution, PublicHouse } from './format';
import { OPENING_BALANCE_DONOR } from '../ledger/descriptions';
import { contributionFault, csvRows, type PublishedRecord } from './records';
import { Fault, isHashFault, utf8Text, type DatasetFiles } from './verify-files';
import type { GiftEntries } from './verify-journal';

/** Where the cash book's files are: the hashing of the other files leaves them to this check. */
export const CASH_BOOK_PREFIX = 'cash-book/';

/** CashLines as plain data (typed arrays and bytes cross threads; a class does not). */
export interface CashLineData {
  count: number;
  kinds: string[];
  entry: Uint32Array;
  account: Uint8Array;
  kind: Uint16Array;
  occurredMs: Float64Array;
  amount: Float64Array;
  /** The line's contribution, else its entry's; the line's house and commune: 0 for none. */
  contribution: Uint32Array;
  house: Uint32Array;
  area: Uint32Array;
  textStart: Float64Array;
  textLength: Uint32Array;
  text: Uint8Array;
}

type Column = Exclude<keyof CashLineData, 'count' | 'kinds' | 'text'>;
const COLUMNS: Column[] = ['entry', 'account', 'kind', 'occurredMs', 'amount', 'contribution', 'house', 'area', 'textStart', 'textLength'];

// A typed array twice as long, holding what the old one held.
function wider<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(old: T): T {
  const next = new (old.constructor as new (length: number) => T)(old.length * 2);
  next.set(old as never);
  return next;
}

/** Texts appended as UTF-8 into one growing buffer (no string kept per line), each read back by its start and length. */
class Utf8Texts {
  private at: number;
  private view: Buffer;

  constructor(public bytes: Uint8Array = new Uint8Array(1 << 16)) {
    this.at = 0;
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /** Appends a text; returns its start and length in bytes. */
  add(text: string): [number, number] {
    if (this.at + text.length * 3 > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.at + text.length * 3));
      next.set(this.bytes.subarray(0, this.at));
      this.bytes = next;
      this.view = Buffer.from(next.buffer, next.byteOffset, next.length);
    }
    const start = this.at;
    this.at += this.view.write(text, start, 'utf8');
    return [start, this.at - start];
  }

  read(start: number, length: number): string {
    return utf8Text(this.bytes.subarray(start, start + length));
  }

  private scratch = Buffer.alloc(1 << 12);

  /** Whether the text at `start` is `text`, compared as bytes (nothing decoded). */
  equals(start: number, length: number, text: string): boolean {
    if (this.scratch.length < text.length * 3) this.scratch = Buffer.alloc(text.length * 3);
    const written = this.scratch.write(text, 0, 'utf8');
    return written === length && this.scratch.compare(this.view, start, start + length, 0, written) === 0;
  }
}

/** Every journal line on a cash account, in journal order (so by entry id), folded in as the journal is read. */
export class CashLines {
  private data: CashLineData;
  private readonly kindIndex = new Map<string, number>();
  private readonly texts: Utf8Texts;

  /** Empty, or rebuilt from `plain()` of one made in another thread. */
  constructor(data?: CashLineData) {
    const size = 4096;
    this.data = data ?? {
      count: 0, kinds: [], entry: new Uint32Array(size), account: new Uint8Array(size), kind: new Uint16Array(size), occurredMs: new Float64Array(size),
      amount: new Float64Array(size), contribution: new Uint32Array(size), house: new Uint32Array(size), area: new Uint32Array(size),
      textStart: new Float64Array(size), textLength: new Uint32Array(size), text: new Uint8Array(1 << 16),
    };
    this.texts = new Utf8Texts(this.data.text);
  }

  /** What a worker thread sends back, and the buffers it can hand over instead of copying. */
  plain(): { data: CashLineData; transfer: ArrayBuffer[] } {
    const d = { ...this.data, text: this.texts.bytes };
    return { data: d, transfer: [...COLUMNS.map((c) => d[c].buffer as ArrayBuffer), d.text.buffer as ArrayBuffer] };
  }

  get count(): number {
    return this.data.count;
  }

  /** Folds in one checked record: its cash lines, and once for them its date, kind and description. */
  add(record: JournalRecord): void {
    let text: [number, number] | undefined;
    let occurredMs = 0;
    let kind = 0;
    for (const [account, houseId, areaId, contributionId, amount] of record.lines) {
      const at = CASH_ACCOUNTS.indexOf(account as CashAccount);
      if (at < 0) continue;
      const d = this.data;
      if (!text) {
        text = this.texts.add(record.description);
        occurredMs = Date.parse(record.occurred_at);
        const known = this.kindIndex.get(record.kind);
        if (known === undefined) this.kindIndex.set(record.kind, kind = d.kinds.push(record.kind) - 1);
        else kind = known;
      }
      if (d.count === d.entry.length) for (const column of COLUMNS) (d as unknown as Record<Column, Float64Array>)[column] = wider(d[column] as Float64Array);
      const i = d.count++;
      d.entry[i] = record.id;
      d.account[i] = at;
      d.kind[i] = kind;
      d.occurredMs[i] = occurredMs;
      d.amount[i] = amount;
      d.contribution[i] = contributionId ?? record.contribution_id ?? 0;
      d.house[i] = houseId ?? 0;
      d.area[i] = areaId ?? 0;
      [d.textStart[i], d.textLength[i]] = text;
    }
  }

  /** The first line of an entry (lines are in entry order), or the count when it has none. */
  firstOf(entryId: number): number {
    let low = 0;
    let high = this.data.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.data.entry[mid]! < entryId) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The next line of `entryId` on an account from line `from` on, or -1. */
  nextOf(entryId: number, account: number, from: number): number {
    for (let i = from; i < this.data.count && this.data.entry[i] === entryId; i++) if (this.data.account[i] === account) return i;
    return -1;
  }

  entryOf = (i: number) => this.data.entry[i]!;
  accountOf = (i: number) => this.data.account[i]!;
  occurredMsOf = (i: number) => this.data.occurredMs[i]!;
  amountOf = (i: number) => this.data.amount[i]!;
  contributionOf = (i: number) => this.data.contribution[i]! || null;
  houseOf = (i: number) => this.data.house[i]! || null;
  areaOf = (i: number) => this.data.area[i]! || null;
  kindOf = (i: number) => this.data.kinds[this.data.kind[i]!]!;
  descriptionOf = (i: number) => this.texts.read(this.data.textStart[i]!, this.data.textLength[i]!);
}

/** What the checks of the cash book need besides the journal: the records, the houses and communes as checked. */
export interface CashBookContext {
  records: Map<number, PublishedRecord>;
  /** The latest record of each contribution, by contribution id. */
  latest: Map<number, PublishedRecord>;
  houses: PublicHouse[];
  areas: PublicArea[];
  gifts: GiftEntries;
}

/** A code the records say (string or null), or undefined where no committed record says it (the row's own is taken). */
type Said = string | null | undefined;

const text = (value: unknown): Said => (typeof value === 'string' ? value : value === null ? null : undefined);

// The receipt, house and commune a cash line shows, as the publisher joins them (the line's own, else the
// payment's house, else the gift's target; a house's commune), from the committed records.
function codesOf(lines: CashLines, i: number, context: CashBookContext, houseById: Map<number, PublicHouse>, houseByCode: Map<string, PublicHouse>, areaById: Map<number, string>): [Said, Said, Said] {
  const contributionId = lines.contributionOf(i);
  const gift = contributionId === null ? null : context.latest.get(contributionId)?.record;
  const receipt = contributionId === null ? null : text(gift?.receipt_code);
  let house: Said;
  const lineHouse = lines.houseOf(i);
  if (lineHouse !== null) house = houseById.get(lineHouse)?.code;
  else if (lines.kindOf(i) === 'disbursement') {
    const payment = context.records.get(lines.entryOf(i));
    house = payment?.kind === 'disbursement' && payment.record ? text(payment.record.house_code) : undefined;
  } else house = contributionId === null ? null : text(gift?.house_code);
  const lineArea = lines.areaOf(i);
  let area: Said;
  if (lineArea !== null) area = areaById.get(lineArea);
  else if (house === undefined) area = undefined;
  else if (house !== null) area = houseByCode.get(house)?.area_code;
  else area = contributionId === null ? null : text(gift?.area_code);
  return [receipt, house, area];
}

/** Walks one account's rows in page order against its journal lines, each line taken once. */
class AccountWalk {
  private lastEntry = 0;
  private lastLine = -1;
  private lastMs = -Infinity;

  constructor(private readonly lines: CashLines, private readonly seen: Uint8Array, private readonly account: number) {}

  /** The journal line of the row that names `entry`, or why there is none. */
  lineOf(entry: number): number | string {
    if (!Number.isSafeInteger(entry) || entry < 1) return `entry_id ${JSON.stringify(entry)} is not a journal entry`;
    const from = entry === this.lastEntry ? this.lastLine + 1 : this.lines.firstOf(entry);
    const i = this.lines.nextOf(entry, this.account, from);
    if (i < 0 || this.seen[i]) {
      const any = this.lines.nextOf(entry, this.account, this.lines.firstOf(entry));
      return any < 0 ? `entry #${entry} has no line on ${CASH_ACCOUNTS[this.account]}` : `entry #${entry}'s line on ${CASH_ACCOUNTS[this.account]} is shown more often than the journal has it`;
    }
    const ms = this.lines.occurredMsOf(i);
    if (entry !== this.lastEntry && (ms < this.lastMs || (ms === this.lastMs && entry < this.lastEntry))) {
      return `entry #${entry} is out of order: the lines are listed by time, then entry`;
    }
    this.seen[i] = 1;
    this.lastEntry = entry;
    this.lastLine = i;
    this.lastMs = ms;
    return i;
  }
}

// The first field where a published object differs from the one the chain gives (undefined when none does).
function fieldDifference(expected: object, found: unknown): string | undefined {
  if (typeof found !== 'object' || found === null || Array.isArray(found)) return `${JSON.stringify(found) ?? 'nothing'} is not what the chain gives, ${JSON.stringify(expected)}`;
  for (const [field, value] of Object.entries(expected)) {
    const shown = (found as Record<string, unknown>)[field];
    if (shown !== value) return `${field} is ${JSON.stringify(shown) ?? 'missing'}, the chain gives ${JSON.stringify(value)}`;
  }
  return undefined;
}

const parsePage = (file: string, body: string): unknown[] => {
  let rows: unknown;
  try {
    rows = JSON.parse(body);
  } catch {
    throw new Fault(null, file, 'not valid JSON');
  }
  if (!Array.isArray(rows)) throw new Fault(null, file, 'not a list of rows');
  return rows;
};

/** A cash-book fault found while the journal is still being checked, placed by row to be named in the order of the checks. */
interface PagesProblem {
  /** The row it is about (-1: before any; the row count: after them all). */
  row: number;
  /** A row's own fault comes before its journal comparison; a CSV line's or a recomputed balance's after it. */
  beforeJournal: boolean;
  fault: Fault;
}

/** What each cash-book row says of the journal, kept compactly until the journal is known. */
class ShownRows {
  count = 0;
  entry = new Float64Array(4096);
  ms = new Float64Array(4096);
  inVnd = new Float64Array(4096);
  outVnd = new Float64Array(4096);
  /** Kind, description and codes as the JSON of a list, in UTF-8. */
  readonly texts = new Utf8Texts();
  textStart = new Float64Array(4096);
  textLength = new Uint32Array(4096);

  add(entry: unknown, ms: number, inVnd: unknown, outVnd: unknown, texts: unknown[]): void {
    if (this.count === this.entry.length) {
      for (const key of ['entry', 'ms', 'inVnd', 'outVnd', 'textStart', 'textLength'] as const) (this as Record<typeof key, Float64Array | Uint32Array>)[key] = wider(this[key]);
    }
    const i = this.count++;
    const number = (v: unknown) => (typeof v === 'number' ? v : NaN);
    this.entry[i] = number(entry);
    this.ms[i] = ms;
    this.inVnd[i] = number(inVnd);
    this.outVnd[i] = number(outVnd);
    [this.textStart[i], this.textLength[i]] = this.texts.add(JSON.stringify(texts));
  }

  /** Whether row i shows this kind, description and codes. */
  showsTexts(i: number, texts: readonly unknown[]): boolean {
    return this.texts.equals(this.textStart[i]!, this.textLength[i]!, JSON.stringify(texts));
  }

  /** Row i as shown (its date already checked to be the publisher's ISO text of `ms`). */
  row(i: number): Omit<CashBookRow, 'balance_vnd'> {
    const [kind, description, receipt, house, area] = JSON.parse(this.texts.read(this.textStart[i]!, this.textLength[i]!)) as [string, string, string | null, string | null, string | null];
    return { occurred_at: new Date(this.ms[i]!).toISOString(), entry_id: this.entry[i]!, kind, description, receipt_code: receipt, house_code: house, area_code: area, in_vnd: this.inVnd[i]!, out_vnd: this.outVnd[i]! };
  }
}

/** The cash book as read while the journal is checked on the other thread. */
export interface CashBookPages {
  index?: CashBookIndex;
  rows: ShownRows;
  /** Each page and the row it starts at, in reading order. */
  pages: { file: string; start: number }[];
  /** The row each account's pages start at, and the row count. */
  accountStarts: number[];
  months: number;
  problem?: PagesProblem;
}

type Place = (row: number, beforeJournal: boolean) => void;

/**
 * Reads the cash book while the journal is checked: each month's pages in order, their running balances and
 * the CSV recomputed from the rows with the publisher's functions, each month's totals against index.json;
 * what each row says of the journal is kept for `checkCashBook`. Its first fault is kept, placed by row.
 */
export async function readCashBook(files: DatasetFiles): Promise<CashBookPages> {
  const read: CashBookPages = { rows: new ShownRows(), pages: [], accountStarts: [], months: 0 };
  let at = { row: -1, beforeJournal: true };
  const place: Place = (row, beforeJournal) => {
    at = { row, beforeJournal };
  };
  const indexFile = CASH_BOOK_FILES.index;
  try {
    if (!files.lists(indexFile)) return read;
    const index = JSON.parse(await files.text(indexFile)) as CashBookIndex;
    const accounts = Array.isArray(index.accounts) ? index.accounts.map((a) => a?.account) : [];
    if (JSON.stringify(accounts) !== JSON.stringify(CASH_ACCOUNTS)) throw new Fault(null, indexFile, `accounts are ${JSON.stringify(accounts)}, the cash book lists ${JSON.stringify(CASH_ACCOUNTS)}`);
    read.index = index;
    for (const { account, months } of index.accounts) {
      read.accountStarts.push(read.rows.count);
      let previous = '';
      let opening = 0;
      for (const found of Array.isArray(months) ? months : []) {
        place(read.rows.count, true);
        const month = String(found?.month);
        if (!/^\d{4}-\d{2}$/.test(month) || month <= previous) throw new Fault(null, indexFile, `${account}: month ${JSON.stringify(found?.month)} is not a month after ${previous || 'the start'}`);
        previous = month;
        const recomputed = await readMonth(files, read, account, month, opening, place);
        place(read.rows.count, true);
        const difference = fieldDifference(recomputed, found);
        if (difference) throw new Fault(null, indexFile, `${account} ${month}: ${difference}`);
        opening = recomputed.closing_vnd;
        read.months++;
      }
    }
    read.accountStarts.push(read.rows.count);
  } catch (error) {
    if (!(error instanceof Fault)) throw error;
    // A file whose bytes are not the listed ones is named before anything read from it.
    if (isHashFault(error)) place(-1, true);
    read.problem = { ...at, fault: error };
  }
  return read;
}

/** One account's month: its pages and CSV as the publisher writes them from the rows shown; returns the month recomputed. */
async function readMonth(files: DatasetFiles, read: CashBookPages, account: CashAccount, month: string, opening: number, place: Place): Promise<CashBookMonth> {
  const csvPath = CASH_BOOK_FILES.csv(account, month);
  const recomputed: CashBookMonth = { month, opening_vnd: opening, in_vnd: 0, out_vnd: 0, closing_vnd: opening, rows: 0, pages: 0 };
  if (!files.lists(csvPath)) throw new Fault(null, csvPath, 'the month\'s CSV is not listed in the checkpoint');
  // A month's CSV is read whole (it is one month of one account) and compared a page of lines at a time.
  const csv = await files.text(csvPath);
  let at = 0;
  const foundLine = () => csvRows(csv.slice(at, at + (1 << 16))).next().value as string | undefined;
  const expectLines = (text: string) => csv.startsWith(text, at) && (at += text.length) > 0;
  if (!expectLines(csvRow(CASH_BOOK_CSV_HEADER))) throw new Fault(null, csvPath, 'the header row is not the dataset\'s');
  const [start, end] = monthBounds(month).map((d) => d.getTime()) as [number, number];
  for (let page = 1; files.lists(CASH_BOOK_FILES.page(account, month, page)); page++) {
    const file = CASH_BOOK_FILES.page(account, month, page);
    const body = await files.text(file);
    const found = parsePage(file, body);
    const first = read.rows.count;
    read.pages.push({ file, start: first });
    // Each row as the publisher writes it from the row's own values, its balance run on from the one before.
    const expected = withBalances(recomputed.closing_vnd, found.map((shown, n) => {
      place(first + n, true);
      const s = (typeof shown === 'object' && shown !== null ? shown : {}) as Record<string, unknown>;
      const ms = typeof s.occurred_at === 'string' ? Date.parse(s.occurred_at) : NaN;
      if (Number.isNaN(ms) || typeof s.in_vnd !== 'number' || typeof s.out_vnd !== 'number') throw new Fault(null, file, `row ${n + 1} is not a cash-book row: ${JSON.stringify(shown)?.slice(0, 200)}`);
      read.rows.add(s.entry_id, ms, s.in_vnd, s.out_vnd, [s.kind, s.description, s.receipt_code, s.house_code, s.area_code]);
      const codes = { receipt_code: text(s.receipt_code) ?? null, house_code: text(s.house_code) ?? null, area_code: text(s.area_code) ?? null };
      return cashLine(new Date(ms), s.entry_id as number, s.kind as string, s.description as string, codes, s.in_vnd - s.out_vnd);
    }));
    if (body !== `${JSON.stringify(expected)}\n`) {
      const n = expected.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(found[k]));
      place(first + Math.max(n, 0), false);
      throw new Fault(n < 0 ? null : expected[n]!.entry_id, file, n < 0 ? 'the same rows, but not the bytes the publisher writes' : `entry #${expected[n]!.entry_id}: ${fieldDifference(expected[n]!, found[n]) ?? 'the same values, but not the bytes the publisher writes'}`);
    }
    for (const [n, row] of expected.entries()) {
      const ms = read.rows.ms[first + n]!;
      place(first + n, false);
      if (ms < start || ms >= end) throw new Fault(row.entry_id, file, `entry #${row.entry_id} is dated ${row.occurred_at}, not in ${month}`);
    }
    place(read.rows.count, true);
    if (found.length === 0 || (found.length !== CASH_BOOK_PAGE_SIZE && files.lists(CASH_BOOK_FILES.page(account, month, page + 1)))) {
      throw new Fault(null, file, `${found.length} rows: every page but the month's last has ${CASH_BOOK_PAGE_SIZE}`);
    }
    // A page's CSV lines compared in one piece; only a difference is looked for line by line.
    const csvLines = expected.map(cashBookCsvRow);
    if (!expectLines(csvLines.join(''))) {
      for (const [k, line] of csvLines.entries()) {
        place(first + k, false);
        if (!expectLines(line)) throw new Fault(expected[k]!.entry_id, csvPath, `line ${recomputed.rows + k + 2} (entry #${expected[k]!.entry_id}) is ${JSON.stringify(foundLine() ?? null)}, the chain gives ${JSON.stringify(line)}`);
      }
    }
    for (const row of expected) {
      recomputed.in_vnd += row.in_vnd;
      recomputed.out_vnd += row.out_vnd;
    }
    recomputed.rows += expected.length;
    recomputed.closing_vnd = expected.at(-1)!.balance_vnd;
    recomputed.pages = page;
  }
  place(read.rows.count, true);
  const extra = foundLine();
  if (extra !== undefined) throw new Fault(null, csvPath, `line ${recomputed.rows + 2} is a row no page lists: ${JSON.stringify(extra)}`);
  return recomputed;
}

/** The goods and labour pages against the committed contributions and the journal; each kind's count in the index. */
async function checkUnits(files: DatasetFiles, index: CashBookIndex, context: CashBookContext): Promise<number> {
  let shown = 0;
  for (const kind of UNIT_KINDS) {
    const listed = new Set<number>();
    let lastId = 0;
    let pages = 0;
    for (let page = 1; files.lists(CASH_BOOK_FILES.units(kind, page)); page++) {
      const file = CASH_BOOK_FILES.units(kind, page);
      const rows = parsePage(file, await files.text(file)) as PublicContribution[];
      for (const row of rows) {
        if (typeof row !== 'object' || row === null) throw new Fault(null, file, `a row is ${JSON.stringify(row)}, not a contribution`);
        const latest = context.latest.get(row.id);
        const entry = latest?.entry_id ?? context.gifts.entryOf(row.id) ?? null;
        if (row.kind !== kind) throw new Fault(entry, file, `contribution ${row.receipt_code} is ${JSON.stringify(row.kind)}, not ${kind}`);
        if (!(row.id > lastId)) throw new Fault(entry, file, `contribution ${row.receipt_code} is out of order or listed twice: the gifts are listed in the order recorded`);
        const fault = contributionFault(row, latest) ?? context.gifts.difference(row);
        if (fault) throw new Fault(entry, file, `contribution ${row.receipt_code} ${fault}`);
        lastId = row.id;
        listed.add(row.id);
      }
      if (rows.length === 0 || (rows.length !== CASH_BOOK_PAGE_SIZE && files.lists(CASH_BOOK_FILES.units(kind, page + 1)))) {
        throw new Fault(null, file, `${rows.length} rows: every page but the last has ${CASH_BOOK_PAGE_SIZE}`);
      }
      pages = page;
    }
    for (const r of context.latest.values()) {
      if (r.record?.kind === kind && !listed.has(r.subject_id!)) throw new Fault(r.entry_id, CASH_BOOK_FILES.units(kind, Math.max(pages, 1)), `the committed ${kind} gift ${String(r.record.receipt_code)} is on no ${kind} page`);
    }
    const difference = fieldDifference({ gifts: listed.size, pages }, index.units?.[kind]);
    if (difference) throw new Fault(null, CASH_BOOK_FILES.index, `units.${kind}: ${difference}`);
    shown += listed.size;
  }
  return shown;
}

/** The cash book read by `readCashBook` against the journal and the records; returns what it checked, for the report. */
export async function checkCashBook(files: DatasetFiles, read: CashBookPages, lines: CashLines, context: CashBookContext): Promise<string> {
  const indexFile = CASH_BOOK_FILES.index;
  const { index, rows, problem } = read;
  if (!index && !problem) {
    if (lines.count === 0) return 'no cash book (no journal line on a cash account)';
    throw new Fault(lines.entryOf(0), indexFile, 'the journal has cash lines but the dataset has no cash book');
  }
  const houseById = new Map(context.houses.map((h) => [h.id, h]));
  const houseByCode = new Map(context.houses.map((h) => [h.code, h]));
  const areaById = new Map(context.areas.map((a) => [a.id, a.code]));
  const seen = new Uint8Array(lines.count);
  // Rows up to the first fault the reading found (or all of them), each against its journal line.
  const limit = problem ? Math.min(problem.row + (problem.beforeJournal ? 0 : 1), rows.count) : rows.count;
  let account = -1;
  let walk: AccountWalk | undefined;
  let page = 0;
  for (let r = 0; r < limit; r++) {
    while (r >= read.accountStarts[account + 1]!) walk = new AccountWalk(lines, seen, ++account);
    while (page + 1 < read.pages.length && read.pages[page + 1]!.start <= r) page++;
    const { file, start } = read.pages[page]!;
    const i = walk!.lineOf(rows.entry[r]!);
    if (typeof i === 'string') throw new Fault(Number.isSafeInteger(rows.entry[r]) ? rows.entry[r]! : null, file, `row ${r - start + 1}: ${i}`);
    const [receipt, house, area] = codesOf(lines, i, context, houseById, houseByCode, areaById);
    const amount = lines.amountOf(i);
    // Compared as numbers and bytes; the row is worded only when it differs or names a code no record says.
    if (receipt !== undefined && house !== undefined && area !== undefined && rows.ms[r] === lines.occurredMsOf(i)
      && rows.inVnd[r] === Math.max(amount, 0) && rows.outVnd[r] === Math.max(-amount, 0)
      && rows.showsTexts(r, [lines.kindOf(i), lines.descriptionOf(i), receipt, house, area])) continue;
    const shown = rows.row(r);
    // A code no committed record says is taken as shown.
    const codes = { receipt_code: receipt === undefined ? shown.receipt_code : receipt, house_code: house === undefined ? shown.house_code : house, area_code: area === undefined ? shown.area_code : area };
    const expected = cashLine(new Date(lines.occurredMsOf(i)), lines.entryOf(i), lines.kindOf(i), lines.descriptionOf(i), codes, amount);
    const difference = fieldDifference(expected, shown);
    if (difference) throw new Fault(expected.entry_id, file, `entry #${expected.entry_id}: ${difference}`);
  }
  if (problem) throw problem.fault;
  const missing = seen.indexOf(0);
  if (missing >= 0) {
    const name = CASH_ACCOUNTS[lines.accountOf(missing)]!;
    const month = vietnamMonth(new Date(lines.occurredMsOf(missing)));
    throw new Fault(lines.entryOf(missing), CASH_BOOK_FILES.csv(name, month), `entry #${lines.entryOf(missing)}'s line on ${name} in ${month} is on no cash-book page`);
  }
  checkReconciliation(index!, indexFile);
  checkOpeningBalance(index!, indexFile, lines, context);
  const units = await checkUnits(files, index!, context);
  const stray = files.unread(CASH_BOOK_PREFIX)[0];
  if (stray) throw new Fault(null, stray, 'a cash-book file that cash-book/index.json does not list');
  return `cash book: ${lines.count.toLocaleString('en')} cash lines on ${read.months.toLocaleString('en')} account months (pages, CSVs, running balances and month totals) against the journal, and ${units.toLocaleString('en')} goods and labour gifts against their records`;
}

// The ledger's side of each reconciliation month: its bank balance at the month's end, and the sums the
// page states from the statement's figures (those figures come from imported statements, not the chain).
function checkReconciliation(index: CashBookIndex, indexFile: string): void {
  const bank = index.accounts.find((a) => a.account === 'cash_bank')!.months;
  for (const [n, m] of (Array.isArray(index.reconciliation) ? index.reconciliation : []).entries()) {
    const difference = fieldDifference(reconciliationSums(m.statement_closing_vnd, closingAt(bank, m.month), Array.isArray(m.awaiting) ? m.awaiting : []), m);
    if (difference) throw new Fault(null, indexFile, `reconciliation[${n}] (${m.month}): ${difference}`);
  }
}

// The balance brought forward against the gift it was posted as, where a committed record names that gift:
// its date and amount are the gift's bank line in the journal. (That the gift is the opening balance is the
// committed donor's word; that there is none when no gift says so is what the index says.)
function checkOpeningBalance(index: CashBookIndex, indexFile: string, lines: CashLines, context: CashBookContext): void {
  const opening = index.opening_balance as CashBookIndex['opening_balance'] | undefined;
  const brought = [...context.latest.values()].find((r) => r.record?.donor === OPENING_BALANCE_DONOR);
  if (!opening) {
    if (brought) throw new Fault(brought.entry_id, indexFile, `opening_balance is ${JSON.stringify(opening ?? null)}, but gift ${String(brought.record!.receipt_code)} is committed as the balance brought forward`);
    return;
  }
  const gift = [...context.latest.values()].find((r) => r.kind === 'contribution' && r.record?.receipt_code === opening.receipt_code);
  if (!gift) return;
  if (gift.record!.donor !== OPENING_BALANCE_DONOR) throw new Fault(gift.entry_id, indexFile, `opening_balance names gift ${opening.receipt_code}, which is committed from ${JSON.stringify(gift.record!.donor)}, not the balance brought forward`);
  const entry = context.gifts.entryOf(gift.subject_id!);
  const line = entry === undefined ? -1 : lines.nextOf(entry, 0, lines.firstOf(entry));
  const difference = line < 0
    ? `gift ${opening.receipt_code} has no line on cash_bank`
    : fieldDifference({ as_of: new Date(lines.occurredMsOf(line)).toISOString(), amount_vnd: lines.amountOf(line), receipt_code: opening.receipt_code }, opening);
  if (difference) throw new Fault(entry ?? gift.entry_id, indexFile, `opening_balance: ${difference}`);
}
