// A built server on a fresh database holding the staff test world, for the route and browser tests:
// PGlite in a temporary folder (the server owns it while running), or a fresh PostgreSQL database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite, type DbHandle } from '../../db/client';
import { postgresFresh } from '../db/harness';
import { startServer, type RunningServer } from './browser';
export { ensureBuilt } from './browser';

export interface StagedServer {
  /** The database, open only between start and stop for PGlite (the server owns the folder meanwhile). */
  open(): Promise<DbHandle>;
  start(): Promise<RunningServer>;
  cleanup(): Promise<void>;
}

// A database prepared by `prepare`, then served by the built server.
export async function stageServer(driver: 'pglite' | 'postgres', prepare: (handle: DbHandle) => Promise<void>): Promise<StagedServer> {
  const photos = mkdtempSync(join(tmpdir(), 'ancu-e2e-photos-'));
  if (driver === 'postgres') {
    const handle = await postgresFresh(process.env.DATABASE_URL!)();
    await prepare(handle);
    return {
      open: async () => handle,
      start: () => startServer({ DATABASE_URL: handle.url!, PHOTOS_DIR: photos }),
      cleanup: async () => { await handle.close(); rmSync(photos, { recursive: true, force: true }); },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ancu-e2e-db-'));
  const first = openPglite(dir);
  await first.migrate();
  await prepare(first);
  await first.close();
  let open: DbHandle | undefined;
  return {
    open: async () => { open = openPglite(dir); return open; },
    start: async () => {
      await open?.close();
      open = undefined;
      const env: NodeJS.ProcessEnv = { PGLITE_DIR: dir, PHOTOS_DIR: photos };
      return startServer({ ...env, DATABASE_URL: '' });
    },
    cleanup: async () => { await open?.close(); rmSync(dir, { recursive: true, force: true }); rmSync(photos, { recursive: true, force: true }); },
  };
}
