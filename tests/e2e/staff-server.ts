// A built server on a fresh database holding the staff test world, for the route and browser tests:
// PGlite in a temporary folder (the server owns it while running), or a fresh PostgreSQL database.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite, type DbHandle } from '../../db/client';
import { postgresFresh } from '../db/harness';
import { startServer, type RunningServer } from './browser';
export { ensureBuilt } from './browser';

export interface StagedServer {
  /** The database, open only between start and stop for PGlite (the server owns the folder meanwhile). */
  open(): Promise<DbHandle>;
  /** Starts the built server (dist/, or a site folder's server/entry.mjs). */
  start(entry?: string): Promise<RunningServer>;
  cleanup(): Promise<void>;
}

// A database prepared by `prepare`, then served by the built server (with `env` added to its environment).
export async function stageServer(driver: 'pglite' | 'postgres', prepare: (handle: DbHandle) => Promise<void>, env: NodeJS.ProcessEnv = {}): Promise<StagedServer> {
  const photos = mkdtempSync(join(tmpdir(), 'ancu-e2e-photos-'));
  if (driver === 'postgres') {
    const handle = await postgresFresh(process.env.DATABASE_URL!)();
    await prepare(handle);
    return {
      open: async () => handle,
      start: (entry) => startServer({ ...env, DATABASE_URL: handle.url!, PHOTOS_DIR: photos }, entry),
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
    start: async (entry) => {
      await open?.close();
      open = undefined;
      return startServer({ ...env, PGLITE_DIR: dir, PHOTOS_DIR: photos, DATABASE_URL: '' }, entry);
    },
    cleanup: async () => { await open?.close(); rmSync(dir, { recursive: true, force: true }); rmSync(photos, { recursive: true, force: true }); },
  };
}

export interface SwappableSite {
  root: string;
  entry: string;
  cleanup(): void;
}

// A private copy of the built site in the layout `npm start` makes (client/ a link into builds/), so a
// test can publish into it without touching dist/, which other test files serve meanwhile.
export function swappableSite(name: string): SwappableSite {
  const root = join('.build', `${name}-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'builds', '00000000-initial'), { recursive: true });
  cpSync(join('dist', 'server'), join(root, 'server'), { recursive: true });
  cpSync(join('dist', 'client'), join(root, 'builds', '00000000-initial', 'client'), { recursive: true });
  symlinkSync(join('builds', '00000000-initial', 'client'), join(root, 'client'));
  // The copied dataset's signed log belongs to the e2e demo, not to this test's database: a publish here
  // starts its own log, as on a site first published before logs existed.
  for (const path of ['checkpoint', 'checkpoints.ndjson', 'tile']) rmSync(join(root, 'client', 'du-lieu', path), { recursive: true, force: true });
  return { root, entry: join(root, 'server', 'entry.mjs'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

// A form body every staff form would accept (each reads the fields it needs), so that a refusal in a
// route test can only come from the gate, and a gate that let it through would change a row.
export function acceptingForm(houseCode: string, csrf?: string): URLSearchParams {
  return new URLSearchParams({
    ...(csrf ? { csrf } : {}), submission: `route-test-${Math.random().toString(36).slice(2)}-0000`,
    house: houseCode, organisation: 'Đại đội 1', unit: 'army', people: '5', days: '1', workedOn: '2025-03-01', amount: '1.000.000', purpose: 'Thử', decision: 'approve',
    reason: 'Kiểm thử', entryId: '1', receiptNo: 'BL-1', targetType: 'general', donorName: 'Người Thử', commune: 'T-D-A', headFullName: 'Người Thử',
    povertyStatus: 'poor', members: '3', type: 'repair', minutesRef: 'BB-1', approvedOn: '2025-01-01', receivedOn: '2025-03-01',
    programme: 'national_target_programme', decisionRef: 'QĐ-1', pool: 'general', stage: 'funded', on: '2025-03-01', action: 'stage',
    item0Name: 'Xi măng', item0Quantity: '1', item0Unit: 'bao', item0Total: '100000', username: 'thu', change: 'disable',
  });
}
