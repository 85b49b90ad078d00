// One way to open the database: PGlite in a data folder by default, PostgreSQL when DATABASE_URL is set.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres, PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import * as schema from './schema';
import { acquireFolderLock, releaseFolderLock } from './lock';

export { schema };
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface DbHandle {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Where the data lives, for messages: a folder or a URL without its password. */
  location: string;
  /** The connection URL, for handing to a child process (PostgreSQL only). */
  url?: string;
  /** The PGlite data folder this process owns (PGlite on disk only). */
  dataDir?: string;
  migrate(): Promise<void>;
  /** One transaction of COPY loads (tab-separated text) and plain statements, for seeding and benchmarks. */
  bulkLoad(load: (bulk: BulkWriter) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface BulkWriter {
  copy(table: string, columns: string[], tsv: string): Promise<void>;
  exec(statement: string): Promise<void>;
}

// Relative to the project root (npm runs every script there): the bundled server lives in dist/.
export const migrationsFolder = resolve('db/migrations');
export const defaultDataDir = resolve('data/pglite');

// Hide the password when a URL is printed.
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

// Picks the driver from the environment so scripts, the server and tests agree.
export function openDatabase(options: { url?: string; dataDir?: string; poolSize?: number } = {}): DbHandle {
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) return openPostgres(url, options.poolSize);
  return openPglite(options.dataDir ?? process.env.PGLITE_DIR ?? defaultDataDir);
}

// The embedded data folder the configuration points at, or null when a PostgreSQL server is configured.
export function embeddedDataDir(): string | null {
  return process.env.DATABASE_URL ? null : resolve(process.env.PGLITE_DIR ?? defaultDataDir);
}

export function openPostgres(url: string, poolSize = 10): DbHandle {
  const client = postgres(url, { max: poolSize, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  serverClients.set(db, client);
  return {
    db,
    driver: 'postgres',
    location: redactUrl(url),
    url,
    migrate: () => migratePostgres(db as never, { migrationsFolder }),
    bulkLoad: async (load) => {
      await client.begin((tx) => load({
        copy: async (table, columns, tsv) => {
          const sink = await tx.unsafe(`COPY ${table} (${columns.join(', ')}) FROM STDIN`).writable();
          await pipeline(Readable.from([tsv]), sink);
        },
        exec: async (statement) => {
          await tx.unsafe(statement);
        },
      }));
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** 'memory://' or an open PGlite (a clone, in tests) gives a throwaway database. */
export function openPglite(dataDir: string | PGlite): DbHandle {
  // PGlite creates its own folder but not the ones above it (./data on a fresh clone).
  const folder = typeof dataDir === 'string' && !dataDir.includes('://') ? dataDir : null;
  if (folder !== null) {
    mkdirSync(dirname(resolve(folder)), { recursive: true });
    // One process per folder: refuses (naming the owner) when another live process has it open.
    acquireFolderLock(folder);
  }
  const client = typeof dataDir === 'string' ? new PGlite(dataDir) : dataDir;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    location: typeof dataDir === 'string' ? dataDir : 'memory://',
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    bulkLoad: async (load) => {
      await client.transaction((tx) => load({
        copy: async (table, columns, tsv) => {
          await tx.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([tsv]) });
        },
        exec: async (statement) => {
          await tx.exec(statement);
        },
      }));
    },
    dataDir: folder ?? undefined,
    close: async () => {
      try {
        await client.close();
      } finally {
        if (folder !== null) releaseFolderLock(folder);
      }
    },
  };
}

const serverClients = new WeakMap<Db, postgres.Sql>();

// The postgres.js client behind a server handle, for what Drizzle cannot do (COPY out); undefined on PGlite.
export function serverClientOf(db: Db): postgres.Sql | undefined {
  return serverClients.get(db);
}

// One transaction whose statements travel together: BEGIN goes out with the first statements and
// COMMIT (from `commit()`, called right after queuing the last writes) with the last ones, so a
// transaction that reads once and writes once costs two round trips, and one that only writes one.
// On PGlite (no network) or inside a caller's transaction it is an ordinary transaction (a savepoint).
export async function pipelinedTransaction<T>(db: Db | Tx, work: (tx: Tx, commit: () => Promise<unknown>) => Promise<T>): Promise<T> {
  const client = serverClients.get(db as Db);
  if (!client) return db.transaction((tx) => work(tx, async () => undefined));
  const reserved = await client.reserve();
  let ended: Promise<{ command: string }> | undefined;
  try {
    // Sent, not awaited: an error in it fails the statements behind it.
    reserved.unsafe('BEGIN').execute().catch(() => undefined);
    // Drizzle hands a statement to the driver a few microtasks after it is made: COMMIT waits for the
    // microtasks to drain (setImmediate), so it is queued behind every statement made before it.
    const commit = () => (ended ??= new Promise((queued) => setImmediate(queued)).then(() => reserved.unsafe('COMMIT') as unknown as Promise<{ command: string }>));
    // The transaction Drizzle itself would make, on the reserved connection.
    const base = (db as unknown as { session: { dialect: never; schema: never; options: never } }).session;
    const session = new PostgresJsSession(reserved as never, base.dialect, base.schema, base.options);
    const tx = new PostgresJsTransaction(base.dialect, session as never, base.schema) as unknown as Tx;
    // A reserved connection has no savepoints of its own; nested transactions (tx.transaction) need them.
    let savepoints = 0;
    Object.assign(reserved, {
      savepoint: async (inner: (sql: postgres.ReservedSql) => Promise<unknown>) => {
        const name = `pipelined_${savepoints++}`;
        await reserved.unsafe(`SAVEPOINT ${name}`);
        try {
          const value = await inner(reserved);
          await reserved.unsafe(`RELEASE SAVEPOINT ${name}`);
          return value;
        } catch (error) {
          await reserved.unsafe(`ROLLBACK TO SAVEPOINT ${name}`);
          throw error;
        }
      },
    });
    const result = await work(tx, commit);
    // A failed statement whose error was caught turns COMMIT into a silent ROLLBACK.
    if ((await commit()).command !== 'COMMIT') throw new Error('the transaction was rolled back');
    return result;
  } catch (error) {
    if (ended) await ended.catch(() => undefined);
    else await reserved.unsafe('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    reserved.release();
  }
}

// Both drivers answer db.execute differently: postgres.js an array, PGlite an object with rows.
export async function queryRows<T extends Record<string, unknown>>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

// Rows sent as one JSON parameter and read as a table. The LIMIT tells the planner how many rows come (it
// guesses 100 for a set-returning function), so a batch of one joins by index instead of scanning the table.
export function jsonRows(rows: readonly object[], columns: string): SQL {
  return sql`(SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${sql.raw(columns)}) LIMIT ${sql.raw(String(rows.length))})`;
}

// The server process opens the database once; PGlite allows one process per data folder. The slot is on
// globalThis because the production server (scripts/serve.ts) and the Astro bundle each load this module:
// the server opens the handle first and the bundle's pages use the same one.
const SHARED = Symbol.for('ancu.sharedDatabase');
type SharedSlot = { [SHARED]?: DbHandle };

export function sharedDatabase(): DbHandle {
  const slot = globalThis as SharedSlot;
  slot[SHARED] ??= openDatabase();
  return slot[SHARED];
}

// The production server hands its own handle to the pages.
export function setSharedDatabase(handle: DbHandle | undefined): void {
  (globalThis as SharedSlot)[SHARED] = handle;
}
