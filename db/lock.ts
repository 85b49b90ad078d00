// One owner of an embedded (PGlite) data folder: a lock file beside the folder names the process that
// has it open (pid, its start time, the web port and the admin channel once they exist).
// PGlite keeps its own copy of the database in memory: two processes on one folder overwrite each other.
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../src/domain/errors';

const lockSchema = z.object({
  pid: z.number().int().positive(),
  /** Kernel start time of the process (Linux), so a reused pid after a crash is not taken for the owner. */
  started: z.string().nullable(),
  port: z.number().int().nullable(),
  /** Unix socket of the owner's admin channel; null while it starts or when it has none. */
  socket: z.string().nullable(),
});
export type FolderLock = z.infer<typeof lockSchema>;

export const lockPathOf = (dataDir: string) => `${resolve(dataDir)}.lock`;

// /proc/<pid>/stat field 22: when the process started, in clock ticks since boot (null off Linux).
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

// Alive means: the pid exists (EPERM: it exists, owned by someone else) and, where known, started when the lock says.
function alive(lock: FolderLock): boolean {
  try {
    process.kill(lock.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (lock.started === null) return true;
  const started = processStart(lock.pid);
  return started === null || started === lock.started;
}

function readLock(path: string): { text: string; lock: FolderLock | null } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return { text, lock: lockSchema.parse(JSON.parse(text)) };
  } catch {
    return { text, lock: null };
  }
}

// The live owner of a folder, or null when nobody holds it (a stale lock counts as nobody).
export function folderOwner(dataDir: string): FolderLock | null {
  const found = readLock(lockPathOf(dataDir));
  return found?.lock && alive(found.lock) ? found.lock : null;
}

export function folderBusy(dataDir: string, owner: FolderLock): DomainError {
  const where = owner.port ? `, cổng/port ${owner.port}` : '';
  return new DomainError(409, 'data_folder_busy',
    `Thư mục dữ liệu ${resolve(dataDir)} đang được tiến trình ${owner.pid}${where} sử dụng (chỉ một tiến trình được mở cơ sở dữ liệu nhúng). ` +
      'Nếu đó là máy chủ An Cư đang khởi động, hãy đợi nó phục vụ xong rồi chạy lại lệnh (lệnh sẽ chạy qua máy chủ); nếu không, hãy dừng tiến trình đó trước.',
    `The data folder ${resolve(dataDir)} is in use by process ${owner.pid}${where} (one process at a time may open the embedded database). ` +
      'If that is the An Cư server starting up, wait until it serves and run the command again (it will run through the server); otherwise stop that process first.');
}

const held = new Map<string, string>();

// Takes the folder for this process: creates the lock exclusively; a stale lock (its process is gone) is
// cleared first, and only if it still holds the same bytes we judged stale.
export function acquireFolderLock(dataDir: string): void {
  const path = lockPathOf(dataDir);
  const mine: FolderLock = { pid: process.pid, started: processStart(process.pid), port: null, socket: null };
  const text = JSON.stringify(mine);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      held.set(path, text);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = readLock(path);
    if (found === null) continue; // removed meanwhile: try again
    if (found.lock && alive(found.lock)) throw folderBusy(dataDir, found.lock);
    // An unreadable lock may be one being written this instant: only an old one is a crash's leftover.
    if (!found.lock && Date.now() - statSync(path, { throwIfNoEntry: false })!.mtimeMs < 2000) {
      throw new Error(`The lock ${path} is being written by another process; try again.`);
    }
    // Stale (or unreadable from a crash mid-write): move it aside, then check it is the one we judged.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readFileSync(aside, 'utf8');
    if (moved !== found.text) {
      // A live owner replaced it between our read and the rename: put it back and refuse.
      renameSync(aside, path);
      const owner = readLock(path)?.lock;
      if (owner) throw folderBusy(dataDir, owner);
    } else {
      unlinkSync(aside);
    }
  }
  throw new Error(`Could not take the lock ${path}`);
}

// Records where the owner can be reached (web port, admin socket) once those are listening.
export function updateFolderLock(dataDir: string, where: { port?: number | null; socket?: string | null }): void {
  const path = lockPathOf(dataDir);
  const current = held.get(path);
  if (!current) return;
  const next = JSON.stringify({ ...(JSON.parse(current) as FolderLock), ...where });
  writeFileSync(`${path}.tmp-${process.pid}`, next, { mode: 0o600 });
  renameSync(`${path}.tmp-${process.pid}`, path);
  held.set(path, next);
}

// Gives the folder back; only our own lock is removed.
export function releaseFolderLock(dataDir: string): void {
  const path = lockPathOf(dataDir);
  if (!held.has(path)) return;
  held.delete(path);
  const found = readLock(path);
  if (found?.lock?.pid === process.pid && existsSync(path)) unlinkSync(path);
}

// A process that exits without closing (an error path, process.exit) still gives its folders back.
process.once('exit', () => {
  for (const path of held.keys()) {
    try {
      const found = readLock(path);
      if (found?.lock?.pid === process.pid) unlinkSync(path);
    } catch {
      // nothing left to do on exit
    }
  }
});
