// The two-sided sao kê filtered by commune or house (and optionally a month): a live read, since a static
// page per commune and month would multiply the site. Each row keeps the account's balance after it, so
// a filtered row reads the same as on the month's page; the CSV is exactly the rows shown.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../../db/client';
import { CASH_ACCOUNT_SLUG, monthBounds, type CashAccount, type CashBookRow } from './cash-book';
import { CASH_LINES_FROM } from './cash-book-export';
import { parseQuery } from './live';

/** At most this many rows a request: a commune's or a house's lines fit; the month narrows the rest. */
export const CASH_FILTER_LIMIT = 1000;

const slugs = Object.values(CASH_ACCOUNT_SLUG) as [string, ...string[]];
const blankless = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const cashBookFilterQuery = z.object({
  tk: z.enum(slugs, { errorMap: () => ({ message: 'Chọn tài khoản: ngan-hang, the hoặc tien-mat / Choose the account: ngan-hang, the or tien-mat' }) }),
  thang: blankless(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Tháng có dạng yyyy-mm / A month is yyyy-mm')),
  xa: blankless(z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{1,40}$/, 'Mã xã không hợp lệ / Not a commune code')),
  nha: blankless(z.string().trim().toUpperCase().regex(/^[A-Z]{1,10}-\d{5}$/, 'Mã nhà có dạng BK-00012 / A house code looks like BK-00012')),
  csv: blankless(z.literal('1')),
  lang: blankless(z.enum(['vi', 'en'])),
}).strict('tham số không được hỗ trợ (dùng tk, thang, xa, nha, csv) / unsupported parameter (use tk, thang, xa, nha, csv)')
  .refine((q) => q.xa || q.nha, 'Cần mã xã hoặc mã nhà / Give a commune or a house code');

export type CashBookFilter = z.output<typeof cashBookFilterQuery>;

export interface FilteredCashBook {
  account: CashAccount;
  filter: CashBookFilter;
  rows: CashBookRow[];
  in_vnd: number;
  out_vnd: number;
  /** True when more rows matched than CASH_FILTER_LIMIT: the page says to pick a month. */
  truncated: boolean;
}

// The account's lines of one commune or house, each with the account's balance after it (a running sum over
// every line of the account up to it, in posting order), oldest first.
export async function filterCashBook(db: Db, raw: unknown): Promise<FilteredCashBook> {
  const filter = parseQuery(cashBookFilterQuery, raw);
  const account = (Object.keys(CASH_ACCOUNT_SLUG) as CashAccount[]).find((a) => CASH_ACCOUNT_SLUG[a] === filter.tk)!;
  const [start, end] = filter.thang ? monthBounds(filter.thang).map((d) => d.toISOString()) : [null, null];
  const found = await queryRows<Record<string, unknown>>(db, sql`
    WITH lines AS (
      SELECT e.id AS entry_id, l.line_no, e.kind, e.occurred_at, e.description, l.amount_vnd, c.receipt_code,
             h.public_code AS house_code, a.code AS area_code,
             sum(l.amount_vnd) OVER (ORDER BY e.occurred_at, e.id, l.line_no) AS balance_vnd
      FROM ${CASH_LINES_FROM}
      WHERE l.account = ${account} ${end ? sql`AND e.occurred_at < ${end}::timestamptz` : sql``})
    SELECT * FROM lines
    WHERE true ${start ? sql`AND occurred_at >= ${start}::timestamptz` : sql``}
      ${filter.xa ? sql`AND area_code = ${filter.xa}` : sql``} ${filter.nha ? sql`AND house_code = ${filter.nha}` : sql``}
    ORDER BY occurred_at, entry_id, line_no
    LIMIT ${CASH_FILTER_LIMIT + 1}`);
  const n = (value: unknown) => Number(value ?? 0);
  const rows: CashBookRow[] = found.slice(0, CASH_FILTER_LIMIT).map((l) => ({
    occurred_at: new Date(l.occurred_at as string | Date).toISOString(), entry_id: n(l.entry_id), kind: String(l.kind), description: String(l.description),
    receipt_code: (l.receipt_code as string | null) ?? null, house_code: (l.house_code as string | null) ?? null, area_code: (l.area_code as string | null) ?? null,
    in_vnd: Math.max(n(l.amount_vnd), 0), out_vnd: Math.max(-n(l.amount_vnd), 0), balance_vnd: n(l.balance_vnd),
  }));
  return {
    account, filter, rows, truncated: found.length > CASH_FILTER_LIMIT,
    in_vnd: rows.reduce((sum, r) => sum + r.in_vnd, 0), out_vnd: rows.reduce((sum, r) => sum + r.out_vnd, 0),
  };
}
