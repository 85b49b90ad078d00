// Writes generated demo data into an empty database in one transaction, with COPY.
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { schema, type Db, type DbHandle } from '../../../db/client';
import { toTsv } from '../../../db/tsv';
import type { DemoData } from './generate';
import { demoStatementFiles } from './statements';

export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(schema.campaigns);
  return Number(row!.n) === 0;
}

const CHUNK_ROWS = 50_000;

export async function loadDemo(handle: DbHandle, data: DemoData, onProgress: (done: number, total: number) => void = () => {}): Promise<void> {
  const lines = data.entries.flatMap((entry) => entry.lines.map((l, index) => ({ entryId: entry.id, lineNo: index + 1, ...l })));
  // The statements as if imported and matched: each line points at what the ledger holds for it.
  const files = demoStatementFiles(data.statements);
  const bankRowOf = new Map<number, number>();
  let rowId = 0;
  const statementRows = data.statements.flatMap((s, i) => {
    let balance = s.openingVnd;
    return s.rows.map((r, line) => {
      const id = ++rowId;
      if (r.movementId !== null) bankRowOf.set(r.movementId, id);
      balance += r.creditVnd - r.debitVnd;
      return {
        id, statementId: i + 1, rowKey: `ref:${s.accountNo}:${r.reference}`, lineNo: line + 6, bookedAt: r.bookedAt, reference: r.reference, creditVnd: r.creditVnd,
        debitVnd: r.debitVnd, balanceVnd: balance, memo: r.memo, matchedCode: r.receiptCode, contributionId: r.contributionId, disbursementId: r.disbursementId, status: 'matched',
      };
    });
  });
  const statements = data.statements.map((s, i) => ({
    id: i + 1, fileSha256: files[i]!.sha256, fileName: files[i]!.name, layout: 'vietcombank', accountNo: s.accountNo, openingBalanceVnd: s.openingVnd,
    closingBalanceVnd: s.closingVnd, rowCount: s.rows.length, importedAt: s.rows.at(-1)!.bookedAt, completedAt: s.rows.at(-1)!.bookedAt,
  }));
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
    [schema.bankStatements, statements],
    [schema.bankStatementRows, statementRows],
    [schema.treasuryMovements, data.movements.map((m) => ({ ...m, bankRowId: bankRowOf.get(m.id) ?? null }))],
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
    for (const [table, column] of [['campaigns', 'id'], ['areas', 'id'], ['households', 'id'], ['houses', 'id'], ['donors', 'id'], ['contributions', 'id'], ['allocations', 'id'], ['disbursements', 'id'], ['state_payments', 'id'], ['bank_statements', 'id'], ['bank_statement_rows', 'id'], ['treasury_movements', 'id'], ['pool_lots', 'seq']] as const) {
      await bulk.exec(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`);
    }
  });
  // Fresh statistics, or the planner guesses badly about tables that were empty a moment ago.
  await handle.db.execute(sql`ANALYZE`);
}
