// npm run backup [-- --out DIR] — a consistent backup: the database (every table, one snapshot), the stage
// photos and the published checkpoints, in one folder that appears only once complete.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { dumpDatabase } from '../db/backup';
import { datasetDir } from '../src/publish/read';
import { photosDir } from '../src/staff/photos';
import { isEntry, runCommand, type Command } from './lib/cli';

// The published checkpoints: the dataset's checkpoint.json and, where kept, the history beside it.
export async function copyCheckpoints(from: string, to: string): Promise<number> {
  if (!existsSync(from)) return 0;
  let copied = 0;
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    if (!/^checkpoint/i.test(name)) continue;
    await cp(join(from, name), join(to, name), { recursive: true });
    copied += 1;
  }
  return copied;
}

export const command: Command = {
  name: 'backup',
  usage: `Sao lưu / Back up the database, the stage photos and the published checkpoints.
Usage: npm run backup -- [--out DIR]   (default data/backups; writes DIR/ancu-backup-<time>/)
Restore with: npm run restore -- DIR/ancu-backup-<time>   (into an empty database)`,
  flags: ['out'],
  database: true,
  run: async (ctx, { flags }) => {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const target = join(resolve(ctx.cwd, flags.out ?? 'data/backups'), `ancu-backup-${stamp}`);
    const partial = `${target}.partial`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(join(partial, 'db'), { recursive: true });
    const handle = ctx.open();
    const started = Date.now();
    let manifest;
    try {
      manifest = await dumpDatabase(handle, (table, text) => writeFile(join(partial, 'db', `${table}.copy`), text));
    } finally {
      await handle.close();
    }
    // Photos are written once under random names and never changed: a copy after the snapshot holds every photo it names.
    const photos = photosDir();
    if (existsSync(photos)) await cp(photos, join(partial, 'photos'), { recursive: true });
    const checkpoints = await copyCheckpoints(datasetDir(), join(partial, 'checkpoints'));
    await writeFile(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    await rename(partial, target);
    const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
    ctx.out(`Backed up ${manifest.tables.length} tables (${rows.toLocaleString('en')} rows, ${manifest.entries.toLocaleString('en')} journal entries, head hash ${manifest.headHash}), photos and ${checkpoints} checkpoint file(s) in ${Date.now() - started} ms:`);
    ctx.out(target);
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
