// The embedded data folder's lock: one holder, stale locks (dead process, reused pid, torn file) cleared.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { acquireFolderLock, folderOwner, lockPathOf, releaseFolderLock, updateFolderLock } from '../../db/lock';
import { refusal } from '../refusal';

let base: string;
let dir: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'ancu-lock-'));
  dir = join(base, 'pglite');
});
afterEach(() => {
  releaseFolderLock(dir);
  rmSync(base, { recursive: true, force: true });
});

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

it('takes the folder once; a second opener, even in the same process, is refused in both languages', async () => {
  acquireFolderLock(dir);
  expect(JSON.parse(readFileSync(lockPathOf(dir), 'utf8'))).toMatchObject({ pid: process.pid, port: null, socket: null });
  updateFolderLock(dir, { port: 4321, socket: '/run/x.sock' });
  expect(folderOwner(dir)).toMatchObject({ pid: process.pid, port: 4321, socket: '/run/x.sock' });
  const refused = await refusal(async () => acquireFolderLock(dir));
  expect(refused).toMatchObject({ status: 409, code: 'data_folder_busy' });
  expect(refused.message).toContain('đang được tiến trình');
  expect(refused.messageEn).toContain(`in use by process ${process.pid}`);
  releaseFolderLock(dir);
  expect(existsSync(lockPathOf(dir))).toBe(false);
});

it('clears the lock of a process that is gone, of a reused pid, and a torn lock file', () => {
  for (const stale of [
    JSON.stringify({ pid: deadPid(), started: null, port: 4321, socket: null }),
    JSON.stringify({ pid: process.pid, started: 'not-when-this-process-started', port: 4321, socket: null }),
    '{"pid":12',
  ]) {
    writeFileSync(lockPathOf(dir), stale);
    utimesSync(lockPathOf(dir), new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
    expect(folderOwner(dir)).toBeNull();
    acquireFolderLock(dir);
    expect(JSON.parse(readFileSync(lockPathOf(dir), 'utf8')).pid).toBe(process.pid);
    releaseFolderLock(dir);
  }
});

it('gives back only its own lock', () => {
  const other = JSON.stringify({ pid: 1, started: null, port: null, socket: null });
  writeFileSync(lockPathOf(dir), other);
  releaseFolderLock(dir);
  expect(readFileSync(lockPathOf(dir), 'utf8')).toBe(other);
  expect(folderOwner(dir)).toMatchObject({ pid: 1 }); // pid 1 is alive: the folder stays taken
});
