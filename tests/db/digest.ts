// Full content digests of every table, for "nothing changed" checks: a row count misses an UPDATE
// (an account disabled, a stage moved, an amount edited); an md5 of each table's ordered content does not.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';

/** Table name → `rows:md5 of every row's text, in order`. */
export type Digests = Record<string, string>;

// Every table of the public schema, found at run time, so a table added later is covered without editing this list.
// `ignoreColumns` leaves out named bookkeeping columns (a session's last-seen time), never whole tables.
export async function tableDigests(db: Db, options: { ignoreColumns?: Record<string, string[]> } = {}): Promise<Digests> {
  const tables = await queryRows<{ name: string }>(db, sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const digests: Digests = {};
  for (const { name } of tables) {
    const ignored = options.ignoreColumns?.[name] ?? [];
    const columns = ignored.length === 0 ? 't' : (await queryRows<{ column_name: string }>(db, sql`
      SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${name} ORDER BY ordinal_position`))
      .map((c) => c.column_name).filter((c) => !ignored.includes(c)).map((c) => `"${c}"`).join(', ');
    // A row's text form holds every column; ordering by it makes the digest independent of physical order.
    const [row] = await queryRows<{ digest: string | null; n: string | number }>(db, sql.raw(
      `SELECT md5(string_agg(r::text, E'\\n' ORDER BY r::text)) AS digest, count(*) AS n FROM (SELECT ${columns} FROM public."${name}" t) r`));
    digests[name] = `${Number(row!.n)}:${row!.digest ?? 'empty'}`;
  }
  return digests;
}

// The tables whose content differs (or that exist on one side only), by name, sorted.
export function changedTables(before: Digests, after: Digests): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
