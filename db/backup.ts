// A driver-independent database backup: every table of the public schema in COPY text format (rendered by
// a plain SELECT, so both drivers read it the same way), read in one consistent snapshot, in foreign-key order, with a manifest (columns, row counts, SHA-256 of each file,
// the ledger's head). Restoring loads it into a freshly migrated, empty database in one transaction, with
// every trigger and constraint on (so the restore re-checks the ledger's rules), then moves the sequences.
// Chosen over pg_dump / dumpDataDir: the same file restores on PGlite or PostgreSQL, needs no client tools,
// and crosses between the two drivers (embedded demo → a real server).
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db, type DbHandle } from './client';
import { DomainError } from '../src/domain/errors';

export const BACKUP_FORMAT = 'ancu-backup/1';

export const tableDumpSchema = z.object({
  name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1),
  rows: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type TableDump = z.infer<typeof tableDumpSchema>;

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.string(),
  driver: z.enum(['pglite', 'postgres']),
  migrations: z.number().int().nonnegative(),
  entries: z.number().int().nonnegative(),
  headHash: z.string(),
  tables: z.array(tableDumpSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

// Tables of the public schema, each after the ones its foreign keys point to.
export async function tablesInDependencyOrder(db: Db): Promise<{ name: string; columns: string[] }[]> {
  const tables = await queryRows<{ name: string }>(db, sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
  const edges = await queryRows<{ child: string; parent: string }>(db, sql`
    SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE c.contype = 'f' AND n.nspname = 'public'`);
  const columns = await queryRows<{ table: string; column: string }>(db, sql`
    SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
    WHERE table_schema = 'public' AND is_generated = 'NEVER' ORDER BY table_name, ordinal_position`);
  const unquote = (name: string) => name.replace(/^"|"$/g, '');
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set()]));
  for (const edge of edges) if (unquote(edge.child) !== unquote(edge.parent)) parents.get(unquote(edge.child))?.add(unquote(edge.parent));
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent, path);
    ordered.push(name);
  };
  for (const { name } of tables) visit(name, new Set());
  return ordered.map((name) => ({ name, columns: columns.filter((c) => c.table === name).map((c) => c.column) }));
}

async function migrationCount(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  return row?.n ?? 0;
}

// One COPY text line per row, as COPY … TO writes it: each value's text form with backslash, newline, CR
// and tab escaped, \N for NULL, tabs between. (postgres.js's COPY TO stream stalls after a few tables
// in one transaction; a SELECT works the same on both drivers.)
export function copyLineSql(columns: string[]): string {
  const esc = (column: string) => `coalesce(replace(replace(replace(replace(${quoteIdent(column)}::text, chr(92), chr(92) || chr(92)), chr(10), chr(92) || 'n'), chr(13), chr(92) || 'r'), chr(9), chr(92) || 't'), chr(92) || 'N')`;
  return columns.map(esc).join(` || chr(9) || `);
}

// Reads every table in one read-only repeatable-read transaction and hands each file's text to `write`.
export async function dumpDatabase(handle: DbHandle, write: (table: string, text: string) => Promise<void>): Promise<Manifest> {
  const tables = await tablesInDependencyOrder(handle.db);
  const migrations = await migrationCount(handle.db);
  return handle.db.transaction(async (tx) => {
    await tx.execute(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY`);
    const dumps: TableDump[] = [];
    let head = { entries: 0, headHash: '' };
    for (const table of tables) {
      const lines = await queryRows<{ line: string }>(tx, sql.raw(`SELECT ${copyLineSql(table.columns)} AS line FROM ${quoteIdent(table.name)}`));
      const text = lines.map((row) => `${row.line}\n`).join('');
      await write(table.name, text);
      const rows = text === '' ? 0 : text.split('\n').length - 1;
      dumps.push({ name: table.name, columns: table.columns, rows, sha256: sha256(text) });
      if (table.name === 'chain_head') {
        const values = (text.split('\n')[0] ?? '').split('\t');
        const value = (column: string) => values[table.columns.indexOf(column)] ?? '';
        head = { entries: Number(value('entry_count')), headHash: value('head_hash') };
      }
    }
    return { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), driver: handle.driver, migrations, ...head, tables: dumps } satisfies Manifest;
  });
}

// Rows the migrations themselves write (the empty chain head, the cash accounts at zero): a fresh database
// still counts as empty with them.
const MIGRATION_ROWS: Record<string, string> = { chain_head: ' WHERE entry_count > 0', cash_balances: ' WHERE balance_vnd <> 0' };

// Restores into a database the migrations just created: refuses one that holds any data.
export async function restoreDatabase(handle: DbHandle, manifest: Manifest, read: (table: string) => Promise<string>): Promise<void> {
  await handle.migrate();
  if (manifest.migrations > (await migrationCount(handle.db))) {
    throw new DomainError(409, 'backup_too_new', 'Bản sao lưu được tạo bởi phiên bản An Cư mới hơn mã này; hãy cập nhật mã rồi khôi phục.',
      'The backup was made by a newer An Cư than this code; update the code, then restore.');
  }
  const present = new Map((await tablesInDependencyOrder(handle.db)).map((t) => [t.name, t.columns]));
  for (const table of present.keys()) {
    const [row] = await queryRows<{ n: number }>(handle.db, sql.raw(`SELECT count(*)::int AS n FROM ${quoteIdent(table)}${MIGRATION_ROWS[table] ?? ''}`));
    if ((row?.n ?? 0) > 0) {
      throw new DomainError(409, 'database_not_empty', `Cơ sở dữ liệu đích đã có dữ liệu (bảng ${table}): chỉ khôi phục vào cơ sở dữ liệu trống.`,
        `The target database already holds data (table ${table}): restore only into an empty database.`);
    }
  }
  const texts = new Map<string, string>();
  for (const table of manifest.tables) {
    if (!present.has(table.name)) throw new DomainError(409, 'backup_mismatch', `Bảng ${table.name} của bản sao lưu không có trong cơ sở dữ liệu.`, `The backup's table ${table.name} does not exist in this database.`);
    const text = await read(table.name);
    if (sha256(text) !== table.sha256) throw new DomainError(422, 'backup_corrupt', `Tệp của bảng ${table.name} không khớp mã băm trong manifest: bản sao lưu bị hỏng.`, `The file of table ${table.name} does not match its hash in the manifest: the backup is damaged.`);
    texts.set(table.name, text);
  }
  const sequences = await queryRows<{ table: string; column: string }>(handle.db, sql`
    SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
    WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`);
  await handle.bulkLoad(async (bulk) => {
    // The migrations' own rows (the empty chain head) give way to the backup's.
    for (const table of manifest.tables) if (table.rows > 0 && table.name === 'chain_head') await bulk.exec('DELETE FROM chain_head');
    for (const table of manifest.tables) {
      // The cash balances follow from the journal lines: their trigger moves them as the lines are copied.
      if (table.rows === 0 || table.name === 'cash_balances') continue;
      await bulk.copy(quoteIdent(table.name), table.columns.map(quoteIdent), texts.get(table.name)!);
    }
    // Explicit ids were written: move every sequence past them so new rows do not collide.
    for (const { table, column } of sequences) {
      await bulk.exec(`SELECT setval(pg_get_serial_sequence('${quoteIdent(table)}', '${column}'), coalesce((SELECT max(${quoteIdent(column)}) FROM ${quoteIdent(table)}), 0) + 1, false)`);
    }
  });
  await handle.db.execute(sql`ANALYZE`);
}
