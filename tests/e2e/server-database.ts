// The database a built server runs on in an end-to-end test, per driver: a PGlite folder of the test's own,
// or a database of its own on the server at DATABASE_URL (created fresh, dropped at the end).
import { join } from 'node:path';
import postgres from 'postgres';
import { openPglite, openPostgres, type DbHandle } from '../../db/client';

export interface ServerDatabase {
  /** What the server (and any command run beside it) needs in its environment to open this database. */
  env: NodeJS.ProcessEnv;
  /** A handle for seeding before the server starts (never openDatabase: on PGlite it would follow DATABASE_URL). */
  open(): DbHandle;
  drop(): Promise<void>;
}

// Creates the database; the PGlite folder lives under the test's scratch dir.
export async function serverDatabase(driver: 'pglite' | 'postgres', dir: string, name: string): Promise<ServerDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  if (driver === 'pglite') {
    const folder = join(dir, 'pglite');
    return { env: { DATABASE_URL: '', PGLITE_DIR: folder }, open: () => openPglite(folder), drop: async () => {} };
  }
  const admin = async (statement: string) => {
    const session = postgres(baseUrl!, { max: 1, onnotice: () => {} });
    try {
      await session.unsafe(statement);
    } finally {
      await session.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl!);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, open: () => openPostgres(url.toString(), 1), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
