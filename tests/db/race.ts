// Races that really race: on PostgreSQL every racer holds its own open connection before the start,
// so N operations are N concurrent transactions. PGlite has one connection and runs them in sequence;
// the same tests run there as a check of the sequential path, and say so in their names.
import { sql } from 'drizzle-orm';
import { getTableName } from 'drizzle-orm';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import { expect } from 'vitest';
import { queryRows, type DbHandle } from '../../db/client';
import { verifyLedger } from '../../src/domain/verify';

/** The suffix every race test's name carries, so a PGlite pass is never mistaken for a race won. */
export const RACE_NOTE = '(PostgreSQL: one connection per racer; PGlite: in sequence)';

// Opens `racers` connections and keeps them all busy at once, so the pool holds that many when the race starts;
// then checks the server really sees them (a pool smaller than the race would queue racers behind each other).
export async function warmPool(handle: DbHandle, racers: number): Promise<void> {
  if (handle.driver !== 'postgres') return;
  await Promise.all(Array.from({ length: racers }, () => handle.db.execute(sql`SELECT pg_sleep(0.05)`)));
  const [row] = await queryRows<{ n: string | number }>(handle.db, sql`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()`);
  expect(Number(row!.n), 'open connections to the race database').toBeGreaterThanOrEqual(racers);
}

// Starts every racer in the same tick on a warmed pool and waits for all of them, fulfilled or refused.
export async function race<T>(handle: DbHandle, racers: ((index: number) => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
  await warmPool(handle, racers.length);
  return Promise.allSettled(racers.map((run, i) => run(i)));
}

// The same racer N times.
export const times = <T>(n: number, run: (index: number) => Promise<T>) => Array.from({ length: n }, () => run);

export const fulfilled = <T>(outcomes: PromiseSettledResult<T>[]) =>
  outcomes.filter((o): o is PromiseFulfilledResult<T> => o.status === 'fulfilled').map((o) => o.value);

// The refusals' codes (DomainError.code), or the raw message of anything else, sorted: a crash is never a "refusal".
export const refusalCodes = (outcomes: PromiseSettledResult<unknown>[]) =>
  outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
    .map((o) => (o.reason as { code?: string }).code ?? `crash: ${(o.reason as Error).message}`).sort();

// The postings of one kind and their count, and a ledger that recomputes: what every race must end with.
export async function expectPostings(handle: DbHandle, where: ReturnType<typeof sql>, count: number): Promise<void> {
  const [row] = await queryRows<{ n: string | number }>(handle.db, sql`SELECT count(*) AS n FROM journal_entries WHERE ${where}`);
  expect(Number(row!.n)).toBe(count);
  const report = await verifyLedger(handle.db);
  expect(report.fault ?? null).toBeNull();
  expect(report.ok).toBe(true);
}

// A test helper that proves a race test can fail: while `run` runs, every statement that reads `table`
// with a row lock (`FOR UPDATE` / `FOR NO KEY UPDATE`, from Drizzle's query builder or raw SQL alike: both
// pass through the dialect's sqlToQuery) is sent without the lock. Only for control tests; if no such
// statement was seen, the lock is taken another way now and the control fails and says so.
export async function withoutRowLock<T>(table: PgTable, run: () => Promise<T>): Promise<T> {
  const proto = PgDialect.prototype as unknown as { sqlToQuery: (...args: unknown[]) => { sql: string } };
  const original = proto.sqlToQuery;
  const name = getTableName(table);
  const locking = new RegExp(`^\\s*select\\b[\\s\\S]*?\\bfrom\\s+"?${name}"?(\\s|$)[\\s\\S]*\\bfor\\s+(no\\s+key\\s+)?update\\b`, 'i');
  let skipped = 0;
  proto.sqlToQuery = function (this: unknown, ...args: unknown[]) {
    const query = original.apply(this, args);
    if (!locking.test(query.sql)) return query;
    skipped++;
    return { ...query, sql: query.sql.replace(/\s+for\s+(no\s+key\s+)?update\b/i, '') };
  };
  try {
    const result = await run();
    expect(skipped, `no locking read of ${name} was seen: the lock is taken another way now; update withoutRowLock`).toBeGreaterThan(0);
    return result;
  } finally {
    proto.sqlToQuery = original;
  }
}
