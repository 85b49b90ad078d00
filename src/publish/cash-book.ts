// The two-sided sao kê: money in and out of each of the fund's cash accounts (bank, card processor,
// office cash) with its running balance, a month at a time, and the bank statements' closing balances
// beside the ledger's. The shapes of the published files, the CSV that matches each month's pages, and
// the reader the static pages use. Pure apart from reading the dataset folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRow, type CsvValue } from './csv';
import type { PublicContribution } from './format';
import { datasetDir } from './read';

export const CASH_ACCOUNTS = ['cash_bank', 'cash_card', 'cash_office'] as const;
export type CashAccount = (typeof CASH_ACCOUNTS)[number];

/** The account's part of a page address: /sao-ke/so-quy/ngan-hang/2024-09/1/. */
export const CASH_ACCOUNT_SLUG: Record<CashAccount, string> = { cash_bank: 'ngan-hang', cash_card: 'the', cash_office: 'tien-mat' };

/** Rows per static page of one account's month. */
export const CASH_BOOK_PAGE_SIZE = 200;

export const CASH_BOOK_FILES = {
  index: 'cash-book/index.json',
  page: (account: CashAccount, month: string, page: number) => `cash-book/${account}/${month}/${String(page).padStart(4, '0')}.json`,
  csv: (account: CashAccount, month: string) => `cash-book/${account}/${month}.csv`,
  /** Goods and labour days, in their own units, never in a money column. */
  units: (kind: UnitKind, page: number) => `cash-book/${kind}/${String(page).padStart(4, '0')}.json`,
} as const;

/** One journal line on a cash account, as the public sees it: where it came from, where it went. */
export interface CashBookRow {
  occurred_at: string;
  entry_id: number;
  kind: string;
  description: string;
  receipt_code: string | null;
  house_code: string | null;
  area_code: string | null;
  in_vnd: number;
  out_vnd: number;
  balance_vnd: number;
}

export interface CashBookMonth {
  month: string;
  opening_vnd: number;
  in_vnd: number;
  out_vnd: number;
  closing_vnd: number;
  rows: number;
  pages: number;
}

/** The bank statement of one month beside the ledger's bank account at the month's end. */
export interface ReconciliationMonth {
  month: string;
  /** The fund's account, its last four digits only. */
  account: string;
  statement_closing_vnd: number | null;
  ledger_closing_vnd: number;
  difference_vnd: number | null;
  /** Statement rows still waiting for staff: in the bank, not yet in the ledger. */
  awaiting: { booked_at: string; in_vnd: number; out_vnd: number; reason: string }[];
  awaiting_net_vnd: number;
  /** Transactions the bank feed reported in the month that no imported statement contains. */
  feed_only: { booked_at: string; in_vnd: number; out_vnd: number }[];
  /** What the rows awaiting review do not explain; zero when the month ties out. */
  unexplained_vnd: number | null;
}

/** Gifts counted in their own units: goods (quantity, unit, valuation) and labour (people, days). */
export type UnitKind = 'in_kind' | 'labour';
export const UNIT_KINDS: UnitKind[] = ['in_kind', 'labour'];
export const UNIT_SLUG: Record<UnitKind, string> = { in_kind: 'hien-vat', labour: 'ngay-cong' };

export interface CashBookIndex {
  accounts: { account: CashAccount; months: CashBookMonth[] }[];
  /** Pages of in-kind and labour gifts, and how many gifts each kind has. */
  units: Record<UnitKind, { gifts: number; pages: number }>;
  reconciliation: ReconciliationMonth[];
  /** The bank account's balance when the fund started using An Cư, posted once as the general fund's first gift. */
  opening_balance: { as_of: string; amount_vnd: number; receipt_code: string } | null;
}

export const CASH_BOOK_CSV_HEADER = ['date', 'entry_id', 'kind', 'description', 'receipt_code', 'house_code', 'area_code', 'in_vnd', 'out_vnd', 'balance_vnd'] as const;

// One CSV line per row, the same fields and order the page shows, through the one CSV writer.
export function cashBookCsvRow(row: CashBookRow): string {
  const values: CsvValue[] = [row.occurred_at, row.entry_id, row.kind, row.description, row.receipt_code, row.house_code, row.area_code, row.in_vnd, row.out_vnd, row.balance_vnd];
  return csvRow(values);
}

// A journal line on a cash account as a row (before its balance): a positive amount is money in, a negative one money out.
export function cashLine(occurredAt: Date, entryId: number, kind: string, description: string, codes: Pick<CashBookRow, 'receipt_code' | 'house_code' | 'area_code'>, amountVnd: number): Omit<CashBookRow, 'balance_vnd'> {
  return {
    occurred_at: occurredAt.toISOString(), entry_id: entryId, kind, description,
    receipt_code: codes.receipt_code, house_code: codes.house_code, area_code: codes.area_code,
    in_vnd: Math.max(amountVnd, 0), out_vnd: Math.max(-amountVnd, 0),
  };
}

// The ledger's bank account at the end of a month: the closing of its last cash-book month up to then
// (the running balance the cash book already carries, instead of summing the account again per month).
export function closingAt(months: readonly CashBookMonth[], month: string): number {
  let closing = 0;
  for (const m of months) if (m.month <= month) closing = m.closing_vnd;
  return closing;
}

/** The sums a reconciliation month states: the statement's closing less the ledger's, what the rows awaiting review explain, and the rest. */
export function reconciliationSums(statementClosing: number | null, ledgerClosing: number, awaiting: readonly { in_vnd: number; out_vnd: number }[]): Pick<ReconciliationMonth, 'ledger_closing_vnd' | 'difference_vnd' | 'awaiting_net_vnd' | 'unexplained_vnd'> {
  const net = awaiting.reduce((sum, r) => sum + r.in_vnd - r.out_vnd, 0);
  const difference = statementClosing === null ? null : statementClosing - ledgerClosing;
  return { ledger_closing_vnd: ledgerClosing, difference_vnd: difference, awaiting_net_vnd: net, unexplained_vnd: difference === null ? null : difference - net };
}

// Running balances from the month's opening: each line moves the balance by its signed amount.
export function withBalances(opening: number, lines: Omit<CashBookRow, 'balance_vnd'>[]): CashBookRow[] {
  let balance = opening;
  return lines.map((line) => {
    balance += line.in_vnd - line.out_vnd;
    return { ...line, balance_vnd: balance };
  });
}

// The first instant of a Vietnam month (yyyy-mm), and of the month after it.
export function monthBounds(month: string): [Date, Date] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return [new Date(Date.UTC(y, m - 1, 1) - 7 * 3_600_000), new Date(Date.UTC(y, m, 1) - 7 * 3_600_000)];
}

// The month (yyyy-mm) a moment falls in, in Vietnam (UTC+7).
export function vietnamMonth(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
}

function readDataset<T>(path: string): T | undefined {
  const full = join(datasetDir(), path);
  return existsSync(full) ? (JSON.parse(readFileSync(full, 'utf8')) as T) : undefined;
}

// The static pages' view; a dataset published before the cash book existed has an empty one.
export const cashBook = {
  index: (): CashBookIndex => readDataset<CashBookIndex>(CASH_BOOK_FILES.index) ?? { accounts: [], units: { in_kind: { gifts: 0, pages: 0 }, labour: { gifts: 0, pages: 0 } }, reconciliation: [], opening_balance: null },
  units: (kind: UnitKind, page: number): PublicContribution[] => readDataset<PublicContribution[]>(CASH_BOOK_FILES.units(kind, page)) ?? [],
  page: (account: CashAccount, month: string, page: number): CashBookRow[] => readDataset<CashBookRow[]>(CASH_BOOK_FILES.page(account, month, page)) ?? [],
};
