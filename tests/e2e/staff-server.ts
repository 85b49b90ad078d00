// A built server on a fresh database holding the staff test world, for the route and browser tests:
// PGlite in a temporary folder (the server owns it while running), or a fresh PostgreSQL database.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite, type DbHandle } from '../../db/client';
import { postgresFresh } from '../db/harness';
import { startServer, type RunningServer } from './browser';

// Newest modification time under the paths the server is built from.
function newestSource(paths: string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const path of paths) if (existsSync(path)) visit(path);
  return newest;
}

// Builds the site once for all test files (a lock folder keeps parallel files from building twice),
// and only when a source file is newer than the built server.
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `ancu-build-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const entry = 'dist/server/entry.mjs';
    const stale = !existsSync(entry) || statSync(entry).mtimeMs < newestSource(['src', 'db', 'astro.config.mjs', 'package.json']);
    if (stale) {
      const built = spawnSync('npx', ['astro', 'build'], { encoding: 'utf8', env: process.env });
      if (built.status !== 0) throw new Error(`astro build failed:\n${built.stdout}\n${built.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

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
