// Full content digests of every table, for "nothing changed" checks: a row count misses an UPDATE
// (an account disabled, a stage moved, an amount edited); an md5 of each table's ordered content does not.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';

/** Table name → `rows:md5 of every row's text, in order`. */
export type Digests = Record<string, string>;

// Every table of the public schema, found at run time, so a table added later is covered without editing this list.
export async function tableDigests(db: Db): Promise<Digests> {
  const tables = await queryRows<{ name: string }>(db, sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const digests: Digests = {};
  for (const { name } of tables) {
    // A row's text form holds every column; ordering by it makes the digest independent of physical order.
    const [row] = await queryRows<{ digest: string | null; n: string | number }>(db, sql.raw(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest, count(*) AS n FROM public."${name}" t`));
    digests[name] = `${Number(row!.n)}:${row!.digest ?? 'empty'}`;
  }
  return digests;
}

// The tables whose content differs (or that exist on one side only), by name, sorted.
export function changedTables(before: Digests, after: Digests): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
