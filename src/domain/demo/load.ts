// Writes generated demo data into an empty database in one transaction, with COPY.
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { schema, type Db, type DbHandle } from '../../../db/client';
import { toTsv } from '../../../db/tsv';
import type { DemoData } from './generate';

export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(schema.campaigns);
  return Number(row!.n) === 0;
}

const CHUNK_ROWS = 50_000;

export async function loadDemo(handle: DbHandle, data: DemoData, onProgress: (done: number, total: number) => void = () => {}): Promise<void> {
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
    [schema.statePayments, data.statePayments],
  ];
  const total = tables.reduce((sum, [, rows]) => sum + rows.length, 0);
  let done = 0;
  await handle.bulkLoad(async (bulk) => {
    for (const [table, rows] of tables) {
      for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
        const chunk = toTsv(table, rows.slice(i, i + CHUNK_ROWS));
        await bulk.copy(chunk.name, chunk.columns, chunk.tsv);
        onProgress((done += Math.min(CHUNK_ROWS, rows.length - i)), total);
      }
    }
    const head = data.entries.at(-1);
    if (head) await bulk.exec(`UPDATE chain_head SET entry_count = ${head.id}, head_hash = '${head.hash}'`);
    // Explicit ids were written: move each sequence past them so live inserts do not collide.
    for (const [table, column] of [['campaigns', 'id'], ['areas', 'id'], ['households', 'id'], ['houses', 'id'], ['donors', 'id'], ['contributions', 'id'], ['allocations', 'id'], ['disbursements', 'id'], ['state_payments', 'id'], ['pool_lots', 'seq']] as const) {
      await bulk.exec(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`);
    }
  });
  // Fresh statistics, or the planner guesses badly about tables that were empty a moment ago.
  await handle.db.execute(sql`ANALYZE`);
}
