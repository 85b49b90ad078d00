// Writes generated demo data into an empty database in one transaction, in multi-row batches.
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { schema, type Db, type Tx } from '../../../db/client';
import type { DemoData } from './generate';

// PostgreSQL takes at most 65,535 parameters a statement; stay well below it.
async function insertBatched(tx: Tx, table: PgTable, rows: Record<string, unknown>[], onRows: (n: number) => void): Promise<void> {
  if (rows.length === 0) return;
  const batch = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += batch) {
    const slice = rows.slice(i, i + batch);
    await tx.insert(table).values(slice as never);
    onRows(slice.length);
  }
}

export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(schema.campaigns);
  return Number(row!.n) === 0;
}

export async function loadDemo(db: Db, data: DemoData, onProgress: (done: number, total: number) => void = () => {}): Promise<void> {
  const lines = data.entries.flatMap((entry) => entry.lines.map((l, index) => ({ entryId: entry.id, lineNo: index + 1, ...l })));
  const tables: [PgTable, Record<string, unknown>[]][] = [
    [schema.campaigns, [data.campaign]],
    [schema.areas, data.areas],
    [schema.households, data.households],
    [schema.houses, data.houses],
    [schema.donors, data.donors],
    [schema.contributions, data.contributions],
    [schema.journalEntries, data.entries.map(({ lines: _lines, ...entry }) => entry)],
    [schema.journalLines, lines],
    [schema.poolLots, data.lots],
    [schema.allocations, data.allocations],
    [schema.disbursements, data.disbursements],
  ];
  const total = tables.reduce((sum, [, rows]) => sum + rows.length, 0);
  let done = 0;
  await db.transaction(async (tx) => {
    for (const [table, rows] of tables) {
      await insertBatched(tx, table, rows, (n) => onProgress((done += n), total));
    }
    const head = data.entries.at(-1);
    if (head) await tx.update(schema.chainHead).set({ entryCount: head.id, headHash: head.hash });
    // Explicit ids were written: move each sequence past them so live inserts do not collide.
    for (const [table, column] of [['campaigns', 'id'], ['areas', 'id'], ['households', 'id'], ['houses', 'id'], ['donors', 'id'], ['contributions', 'id'], ['allocations', 'id'], ['disbursements', 'id'], ['pool_lots', 'seq']] as const) {
      await tx.execute(sql.raw(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`));
    }
  });
  // Fresh statistics, or the planner guesses badly about tables that were empty a moment ago.
  await db.execute(sql`ANALYZE`);
}
