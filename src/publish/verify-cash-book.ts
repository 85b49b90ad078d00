// The cash book ("sao kê") recomputed from the chain: every row of each account's month pages and CSV
// against the journal line it shows (in order, with its running balance), each month's totals in
// cash-book/index.json, the codes a row names against the committed records, and the goods and labour
// pages against the committed contributions. The journal pass keeps each cash line as numbers in typed
// arrays and its description as UTF-8 bytes (no object per line), so a million entries stay lean.
import {
  CASH_ACCOUNTS, CASH_BOOK_CSV_HEADER, CASH_BOOK_FILES, CASH_BOOK_PAGE_SIZE, cashBookCsvRow, cashLine, closingAt, monthBounds, OPENING_BALANCE_DONOR, reconciliationSums, UNIT_KINDS, vietnamMonth, withBalances,
  type CashAccount, type CashBookIndex, type CashBookMonth, type CashBookRow,
} from './cash-book';
import type { JournalRecord } from './chain';
import { csvRow } from './csv';
import type { PublicArea, PublicContribution, PublicHouse } from './format';
import { contributionFault, csvRows, type PublishedRecord } from './records';
import { Fault, utf8Text, type DatasetFiles } from './verify-files';
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

/** Every journal line on a cash account, in journal order (so by entry id), folded in as the journal is read. */
export class CashLines {
  private data: CashLineData;
  private readonly kindIndex = new Map<string, number>();
  private textAt = 0;
  /** The description bytes as a Buffer, for its UTF-8 writer (remade when they grow). */
  private textBytes: Buffer;

  /** Empty, or rebuilt from `data()` of one made in another thread. */
  constructor(data?: CashLineData) {
    const size = 4096;
    this.data = data ?? {
      count: 0, kinds: [], entry: new Uint32Array(size), account: new Uint8Array(size), kind: new Uint16Array(size), occurredMs: new Float64Array(size),
      amount: new Float64Array(size), contribution: new Uint32Array(size), house: new Uint32Array(size), area: new Uint32Array(size),
      textStart: new Float64Array(size), textLength: new Uint32Array(size), text: new Uint8Array(1 << 16),
    };
    this.textBytes = Buffer.from(this.data.text.buffer, this.data.text.byteOffset, this.data.text.length);
  }

  /** What a worker thread sends back, and the buffers it can hand over instead of copying. */
  plain(): { data: CashLineData; transfer: ArrayBuffer[] } {
    const d = this.data;
    return { data: d, transfer: [...COLUMNS.map((c) => d[c].buffer as ArrayBuffer), d.text.buffer as ArrayBuffer] };
  }

  get count(): number {
    return this.data.count;
  }

  // Doubles every column, keeping what is there.
  private grow(): void {
    for (const column of COLUMNS) {
      const old = this.data[column];
      const wider = new (old.constructor as new (length: number) => typeof old)(old.length * 2);
      wider.set(old as never);
      (this.data as unknown as Record<Column, typeof old>)[column] = wider;
    }
  }

  // Room for `bytes` more bytes of description.
  private room(bytes: number): void {
    if (this.textAt + bytes <= this.data.text.length) return;
    const wider = new Uint8Array(Math.max(this.data.text.length * 2, this.textAt + bytes));
    wider.set(this.data.text.subarray(0, this.textAt));
    this.data.text = wider;
    this.textBytes = Buffer.from(wider.buffer, wider.byteOffset, wider.length);
  }

  /** Folds in one checked record: its cash lines, and once for them its date and description. */
  add(record: JournalRecord): void {
    let textStart = -1;
    let textLength = 0;
    let occurredMs = 0;
    let kind = 0;
    for (const [account, houseId, areaId, contributionId, amount] of record.lines) {
      const at = CASH_ACCOUNTS.indexOf(account as CashAccount);
      if (at < 0) continue;
      const d = this.data;
      if (textStart < 0) {
        this.room(record.description.length * 3);
        textStart = this.textAt;
        textLength = this.textBytes.write(record.description, this.textAt, 'utf8');
        this.textAt += textLength;
        occurredMs = Date.parse(record.occurred_at);
        const known = this.kindIndex.get(record.kind);
        if (known === undefined) this.kindIndex.set(record.kind, kind = d.kinds.push(record.kind) - 1);
        else kind = known;
      }
      if (d.count === d.entry.length) this.grow();
      const i = d.count++;
      d.entry[i] = record.id;
      d.account[i] = at;
      d.kind[i] = kind;
      d.occurredMs[i] = occurredMs;
      d.amount[i] = amount;
      d.contribution[i] = contributionId ?? record.contribution_id ?? 0;
      d.house[i] = houseId ?? 0;
      d.area[i] = areaId ?? 0;
      d.textStart[i] = textStart;
      d.textLength[i] = textLength;
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
  descriptionOf = (i: number) => utf8Text(this.data.text.subarray(this.data.textStart[i], this.data.textStart[i]! + this.data.textLength[i]!));
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
  balance = 0;

  constructor(readonly lines: CashLines, private readonly seen: Uint8Array, private readonly account: number) {}

  /** The journal line a row shows, or why there is none. */
  lineOf(row: unknown): number | string {
    const entry = (typeof row === 'object' && row !== null ? (row as { entry_id?: unknown }).entry_id : undefined) as number;
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

/** One account's month: its pages row by row against the journal, the CSV against the pages; returns the month recomputed. */
async function checkMonth(files: DatasetFiles, walk: AccountWalk, account: CashAccount, month: string, rowOf: (i: number, shown: Record<string, unknown>) => Omit<CashBookRow, 'balance_vnd'>): Promise<CashBookMonth> {
  const csvPath = CASH_BOOK_FILES.csv(account, month);
  const recomputed: CashBookMonth = { month, opening_vnd: walk.balance, in_vnd: 0, out_vnd: 0, closing_vnd: 0, rows: 0, pages: 0 };
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
    const expected = withBalances(walk.balance, found.map((shown, n) => {
      const i = walk.lineOf(shown);
      if (typeof i === 'string') throw new Fault(Number.isSafeInteger((shown as CashBookRow)?.entry_id) ? (shown as CashBookRow).entry_id : null, file, `row ${n + 1}: ${i}`);
      const row = rowOf(i, shown as Record<string, unknown>);
      const ms = walk.lines.occurredMsOf(i);
      if (ms < start || ms >= end) throw new Fault(row.entry_id, file, `entry #${row.entry_id} is dated ${row.occurred_at}, not in ${month}`);
      return row;
    }));
    if (body !== `${JSON.stringify(expected)}\n`) {
      const n = expected.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(found[k]));
      throw new Fault(n < 0 ? null : expected[n]!.entry_id, file, n < 0 ? 'the same rows, but not the bytes the publisher writes' : `entry #${expected[n]!.entry_id}: ${fieldDifference(expected[n]!, found[n]) ?? 'the same values, but not the bytes the publisher writes'}`);
    }
    const full = found.length === CASH_BOOK_PAGE_SIZE;
    if (found.length === 0 || (!full && files.lists(CASH_BOOK_FILES.page(account, month, page + 1)))) {
      throw new Fault(null, file, `${found.length} rows: every page but the month's last has ${CASH_BOOK_PAGE_SIZE}`);
    }
    // A page's CSV lines compared in one piece; only a difference is looked for line by line.
    const csvLines = expected.map(cashBookCsvRow);
    if (!expectLines(csvLines.join(''))) {
      for (const [k, line] of csvLines.entries()) {
        if (!expectLines(line)) throw new Fault(expected[k]!.entry_id, csvPath, `line ${recomputed.rows + k + 2} (entry #${expected[k]!.entry_id}) is ${JSON.stringify(foundLine() ?? null)}, the chain gives ${JSON.stringify(line)}`);
      }
    }
    for (const row of expected) {
      recomputed.in_vnd += row.in_vnd;
      recomputed.out_vnd += row.out_vnd;
    }
    recomputed.rows += expected.length;
    walk.balance = expected.at(-1)!.balance_vnd;
    recomputed.pages = page;
  }
  const extra = foundLine();
  if (extra !== undefined) throw new Fault(null, csvPath, `line ${recomputed.rows + 2} is a row no page lists: ${JSON.stringify(extra)}`);
  recomputed.closing_vnd = walk.balance;
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

/** The whole cash book against the chain; returns what it checked, for the report. */
export async function checkCashBook(files: DatasetFiles, lines: CashLines, context: CashBookContext): Promise<string> {
  const indexFile = CASH_BOOK_FILES.index;
  if (!files.lists(indexFile)) {
    if (lines.count === 0) return 'no cash book (no journal line on a cash account)';
    throw new Fault(lines.entryOf(0), indexFile, 'the journal has cash lines but the dataset has no cash book');
  }
  const index = JSON.parse(await files.text(indexFile)) as CashBookIndex;
  const accounts = Array.isArray(index.accounts) ? index.accounts.map((a) => a?.account) : [];
  if (JSON.stringify(accounts) !== JSON.stringify(CASH_ACCOUNTS)) throw new Fault(null, indexFile, `accounts are ${JSON.stringify(accounts)}, the cash book lists ${JSON.stringify(CASH_ACCOUNTS)}`);
  const houseById = new Map(context.houses.map((h) => [h.id, h]));
  const houseByCode = new Map(context.houses.map((h) => [h.code, h]));
  const areaById = new Map(context.areas.map((a) => [a.id, a.code]));
  const seen = new Uint8Array(lines.count);
  let months = 0;
  for (const [a, { account, months: listed }] of index.accounts.entries()) {
    const walk = new AccountWalk(lines, seen, a);
    let previous = '';
    for (const found of Array.isArray(listed) ? listed : []) {
      const month = String(found?.month);
      if (!/^\d{4}-\d{2}$/.test(month) || month <= previous) throw new Fault(null, indexFile, `${account}: month ${JSON.stringify(found?.month)} is not a month after ${previous || 'the start'}`);
      previous = month;
      const recomputed = await checkMonth(files, walk, account, month, (i, shown) => {
        const [receipt, house, area] = codesOf(lines, i, context, houseById, houseByCode, areaById);
        // A code no committed record says is taken as shown (when it is text or null).
        const or = (said: Said, value: unknown) => (said === undefined ? text(value) ?? null : said);
        const codes = { receipt_code: or(receipt, shown.receipt_code), house_code: or(house, shown.house_code), area_code: or(area, shown.area_code) };
        return cashLine(new Date(lines.occurredMsOf(i)), lines.entryOf(i), lines.kindOf(i), lines.descriptionOf(i), codes, lines.amountOf(i));
      });
      const difference = fieldDifference(recomputed, found);
      if (difference) throw new Fault(null, indexFile, `${account} ${month}: ${difference}`);
      months++;
    }
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) {
    const account = CASH_ACCOUNTS[lines.accountOf(missing)]!;
    const month = vietnamMonth(new Date(lines.occurredMsOf(missing)));
    throw new Fault(lines.entryOf(missing), CASH_BOOK_FILES.csv(account, month), `entry #${lines.entryOf(missing)}'s line on ${account} in ${month} is on no cash-book page`);
  }
  checkReconciliation(index, indexFile);
  checkOpeningBalance(index, indexFile, lines, context);
  const units = await checkUnits(files, index, context);
  const stray = files.unread(CASH_BOOK_PREFIX)[0];
  if (stray) throw new Fault(null, stray, 'a cash-book file that cash-book/index.json does not list');
  return `cash book: ${lines.count.toLocaleString('en')} cash lines on ${months.toLocaleString('en')} account months (pages, CSVs, running balances and month totals) against the journal, and ${units.toLocaleString('en')} goods and labour gifts against their records`;
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
