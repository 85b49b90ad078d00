// Writes the two-sided sao kê into the dataset: for each cash account and month, pages of journal lines
// with running balances and one CSV of the same rows; and the monthly reconciliation of the bank
// statements against the ledger's bank account. Read a page at a time, so no month is held whole.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import {
  CASH_ACCOUNTS, CASH_BOOK_CSV_HEADER, CASH_BOOK_FILES, CASH_BOOK_PAGE_SIZE, cashBookCsvRow, cashLine, closingAt, monthBounds, reconciliationSums, withBalances,
  UNIT_KINDS, type CashAccount, type CashBookIndex, type CashBookMonth, type CashBookRow, type ReconciliationMonth, type UnitKind,
} from './cash-book';
import { selectContributions } from './contribution-rows';
import { csvRow } from './csv';
import { FileSink } from './files';
import type { DatasetFile } from './format';
import { keep, type IncrementalBase } from './incremental';

const n = (value: unknown) => Number(value ?? 0);
/** Cash book pages read by one query: fewer scans of a month's lines, still a bounded batch in memory. */
const PAGES_PER_QUERY = 25;
/** Later than any month: an account no change reached. */
const NOTHING_MOVED = '9999-99';
const VN_MONTH = sql`to_char((e.occurred_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM')`;


/** What an incremental publish tells the cash book: the months each account got new lines in, the gift kinds that changed. */
export interface CashBookChanges {
  base: IncrementalBase;
  months: Map<string, Set<string>>;
  kinds: Set<string>;
}

// The Vietnam month (yyyy-mm) of an instant, as the cash book's SQL groups lines.
export const vnMonthOf = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 7);

// With `changes`, a month before the first one with new lines (per account) and a kind of gift no change
// touched are the last publish's files: their rows and running balances cannot have moved.
export async function exportCashBook(tx: Tx, root: string, done: (file: DatasetFile) => void, changes?: CashBookChanges): Promise<CashBookIndex> {
  const previous = changes && JSON.parse(await readFile(join(changes.base.dir, CASH_BOOK_FILES.index), 'utf8')) as CashBookIndex;
  // Each account's first month with new lines; the months before it are the last publish's running totals.
  const firstMoved = (account: CashAccount) => changes && ([...(changes.months.get(account) ?? [])].sort()[0] ?? NOTHING_MOVED);
  const since = changes ? CASH_ACCOUNTS.map(firstMoved).sort()[0]! : null;
  const sums = since === NOTHING_MOVED ? [] : await queryRows<{ account: CashAccount; month: string; rows: number; in_vnd: number; out_vnd: number }>(tx, sql`
    SELECT l.account, ${VN_MONTH} AS month, count(*) AS rows,
           coalesce(sum(greatest(l.amount_vnd, 0)), 0) AS in_vnd, coalesce(sum(greatest(-l.amount_vnd, 0)), 0) AS out_vnd
    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
    WHERE l.account IN (${sql.join(CASH_ACCOUNTS.map((a) => sql`${a}`), sql`, `)})
      ${since === null ? sql`` : sql`AND e.occurred_at >= ${monthBounds(since)[0].toISOString()}::timestamptz`}
    GROUP BY 1, 2 ORDER BY 1, 2`);
  const index: CashBookIndex = { accounts: [], units: { in_kind: { gifts: 0, pages: 0 }, labour: { gifts: 0, pages: 0 } }, reconciliation: [], opening_balance: null };
  for (const kind of UNIT_KINDS) {
    const kept = changes && !changes.kinds.has(kind) ? previous!.units[kind] : undefined;
    if (kept) for (let page = 1; page <= kept.pages; page++) await keep(changes!.base, root, CASH_BOOK_FILES.units(kind, page), done);
    index.units[kind] = kept ?? await exportUnits(tx, root, done, kind);
  }
  for (const account of CASH_ACCOUNTS) {
    const moved = firstMoved(account);
    const kept = moved === undefined ? [] : (previous!.accounts.find((a) => a.account === account)?.months ?? []).filter((m) => m.month < moved);
    for (const month of kept) await keepMonth(changes!.base, root, done, account, month);
    const months = [...kept];
    let opening = kept.at(-1)?.closing_vnd ?? 0;
    for (const s of sums.filter((row) => row.account === account && (moved === undefined || row.month >= moved))) {
      const month: CashBookMonth = {
        month: s.month, opening_vnd: opening, in_vnd: n(s.in_vnd), out_vnd: n(s.out_vnd),
        closing_vnd: opening + n(s.in_vnd) - n(s.out_vnd), rows: n(s.rows), pages: Math.ceil(n(s.rows) / CASH_BOOK_PAGE_SIZE),
      };
      await exportMonth(tx, root, done, account, month);
      months.push(month);
      opening = month.closing_vnd;
    }
    index.accounts.push({ account, months });
  }
  index.reconciliation = await reconciliationMonths(tx, index.accounts.find((a) => a.account === 'cash_bank')!.months);
  const [opening] = await queryRows<{ occurred_at: string | Date; amount_vnd: number; receipt_code: string }>(tx, sql`
    SELECT m.occurred_at, m.amount_vnd, c.receipt_code FROM treasury_movements m JOIN journal_entries e ON e.id = m.entry_id JOIN contributions c ON c.id = e.contribution_id
    WHERE m.kind = 'opening_balance'`);
  index.opening_balance = opening ? { as_of: new Date(opening.occurred_at).toISOString(), amount_vnd: n(opening.amount_vnd), receipt_code: opening.receipt_code } : null;
  const sink = await FileSink.open(root, CASH_BOOK_FILES.index, done);
  await sink.write(`${JSON.stringify(index)}\n`);
  await sink.close();
  return index;
}

// The last line of a page, its time as the database's own text so no precision is lost between pages.
// Goods or labour gifts, a page at a time in the order recorded, through the one privacy-filtered row shape.
async function exportUnits(tx: Tx, root: string, done: (file: DatasetFile) => void, kind: UnitKind) {
  let afterId = 0;
  let gifts = 0;
  let pages = 0;
  for (;;) {
    const rows = await selectContributions(tx, sql`c.kind = ${kind} AND c.id > ${afterId}`, sql`ORDER BY c.id LIMIT ${CASH_BOOK_PAGE_SIZE}`);
    if (rows.length === 0) break;
    const sink = await FileSink.open(root, CASH_BOOK_FILES.units(kind, ++pages), done);
    await sink.write(`${JSON.stringify(rows)}\n`);
    await sink.close();
    gifts += rows.length;
    afterId = rows.at(-1)!.id;
  }
  return { gifts, pages };
}

/** A cash line with the gift, house and commune it belongs to (a payment's house from its record): the static pages and the live filter read the same. */
export const CASH_LINES_FROM = sql`journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      LEFT JOIN contributions c ON c.id = coalesce(l.contribution_id, e.contribution_id)
      LEFT JOIN disbursements d ON d.entry_id = e.id
      LEFT JOIN houses h ON h.id = coalesce(l.house_id, d.house_id, c.target_house_id)
      LEFT JOIN areas a ON a.id = coalesce(l.area_id, h.area_id, c.target_area_id)`;

type Cursor = { at: string; entryId: number; lineNo: number };

// A month the change did not reach: its pages and CSV from the last publish.
async function keepMonth(base: IncrementalBase, root: string, done: (file: DatasetFile) => void, account: CashAccount, month: CashBookMonth) {
  await keep(base, root, CASH_BOOK_FILES.csv(account, month.month), done);
  for (let page = 1; page <= month.pages; page++) await keep(base, root, CASH_BOOK_FILES.page(account, month.month, page), done);
}

// One account's month: its pages, in the order the lines were posted, and the CSV of all of them.
async function exportMonth(tx: Tx, root: string, done: (file: DatasetFile) => void, account: CashAccount, month: CashBookMonth) {
  const [start, end] = monthBounds(month.month);
  const csv = await FileSink.open(root, CASH_BOOK_FILES.csv(account, month.month), done);
  await csv.write(csvRow(CASH_BOOK_CSV_HEADER));
  let balance = month.opening_vnd;
  let cursor: Cursor | null = null;
  let page = 0;
  // Many pages a query (each query scans the month's lines), written a page at a time.
  for (let left = month.rows; left > 0;) {
    const after: Cursor | null = cursor;
    const lines: Record<string, unknown>[] = await queryRows(tx, sql`
      SELECT e.id AS entry_id, l.line_no, e.kind, e.occurred_at, e.occurred_at::text AS occurred_key, e.description, l.amount_vnd, c.receipt_code,
             h.public_code AS house_code, a.code AS area_code
      FROM ${CASH_LINES_FROM}
      WHERE l.account = ${account} AND e.occurred_at >= ${start.toISOString()}::timestamptz AND e.occurred_at < ${end.toISOString()}::timestamptz
        ${after ? sql`AND (e.occurred_at, e.id, l.line_no) > (${after.at}::timestamptz, ${after.entryId}, ${after.lineNo})` : sql``}
      ORDER BY e.occurred_at, e.id, l.line_no
      LIMIT ${CASH_BOOK_PAGE_SIZE * PAGES_PER_QUERY}`);
    if (lines.length === 0) break;
    left -= lines.length;
    const last = lines.at(-1)!;
    cursor = { at: String(last.occurred_key), entryId: n(last.entry_id), lineNo: n(last.line_no) };
    for (let i = 0; i < lines.length; i += CASH_BOOK_PAGE_SIZE) {
      const rows: CashBookRow[] = withBalances(balance, lines.slice(i, i + CASH_BOOK_PAGE_SIZE).map((l) => cashLine(
        new Date(l.occurred_at as string | Date), n(l.entry_id), String(l.kind), String(l.description),
        { receipt_code: (l.receipt_code as string | null) ?? null, house_code: (l.house_code as string | null) ?? null, area_code: (l.area_code as string | null) ?? null },
        n(l.amount_vnd),
      )));
      balance = rows.at(-1)?.balance_vnd ?? balance;
      const sink = await FileSink.open(root, CASH_BOOK_FILES.page(account, month.month, ++page), done);
      await sink.write(`${JSON.stringify(rows)}\n`);
      await sink.close();
      for (const row of rows) await csv.write(cashBookCsvRow(row));
    }
  }
  await csv.close();
}

// Per month a statement closes: its closing balance beside the ledger's bank account at the month's
// end, and the statement rows up to then that wait for staff (in the bank, not in the ledger).
async function reconciliationMonths(tx: Tx, bankMonths: CashBookMonth[]): Promise<ReconciliationMonth[]> {
  const statements = await queryRows<{ account_no: string | null; closing: number | null; last_at: string | Date }>(tx, sql`
    SELECT s.account_no, s.closing_balance_vnd AS closing, max(r.booked_at) AS last_at
    FROM bank_statements s JOIN bank_statement_rows r ON r.statement_id = s.id
    WHERE s.completed_at IS NOT NULL
    GROUP BY s.id ORDER BY max(r.booked_at), s.id`);
  const byMonth = new Map<string, (typeof statements)[number]>();
  for (const s of statements) byMonth.set(new Date(new Date(s.last_at).getTime() + 7 * 3_600_000).toISOString().slice(0, 7), s);
  const months: ReconciliationMonth[] = [];
  for (const [month, s] of byMonth) {
    const [, end] = monthBounds(month);
    const ledger = closingAt(bankMonths, month);
    const awaiting = await queryRows<{ booked_at: string | Date; credit_vnd: number; debit_vnd: number; reason: string | null }>(tx, sql`
      SELECT r.booked_at, r.credit_vnd, r.debit_vnd, p.reason
      FROM bank_statement_rows r LEFT JOIN payment_reviews p ON p.bank_row_id = r.id
      WHERE r.status = 'review' AND r.booked_at < ${end.toISOString()}::timestamptz
      ORDER BY r.booked_at, r.id`);
    const [start] = monthBounds(month);
    const feedOnly = await queryRows<{ booked_at: string | Date; credit_vnd: number; debit_vnd: number }>(tx, sql`
      SELECT booked_at, credit_vnd, debit_vnd FROM bank_statement_rows
      WHERE statement_id IS NULL AND booked_at >= ${start.toISOString()}::timestamptz AND booked_at < ${end.toISOString()}::timestamptz
      ORDER BY booked_at, id`);
    const rows = awaiting.map((r) => ({ booked_at: new Date(r.booked_at).toISOString(), in_vnd: n(r.credit_vnd), out_vnd: n(r.debit_vnd), reason: r.reason ?? 'review' }));
    const closing = s.closing === null ? null : n(s.closing);
    const sums = reconciliationSums(closing, ledger, rows);
    months.push({
      month, account: s.account_no ? `…${s.account_no.slice(-4)}` : '—', statement_closing_vnd: closing, ledger_closing_vnd: sums.ledger_closing_vnd,
      difference_vnd: sums.difference_vnd, awaiting: rows,
      feed_only: feedOnly.map((r) => ({ booked_at: new Date(r.booked_at).toISOString(), in_vnd: n(r.credit_vnd), out_vnd: n(r.debit_vnd) })), awaiting_net_vnd: sums.awaiting_net_vnd, unexplained_vnd: sums.unexplained_vnd,
    });
  }
  return months;
}
