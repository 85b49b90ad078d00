// npm run restore -- <backup folder> — loads a backup into an empty database (migrated first), puts the
// photos and checkpoints back, and checks the restored ledger.
import { existsSync } from 'node:fs';
import { cp, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { manifestSchema, restoreDatabase } from '../db/backup';
import { verifyLedger } from '../src/domain/verify';
import { datasetDir } from '../src/publish/read';
import { photosDir } from '../src/staff/photos';
import { copyCheckpoints } from './backup';
import { isEntry, runCommand, UsageError, type Command } from './lib/cli';

const USAGE = `Khôi phục / Restore a backup into an empty database, with its photos and checkpoints.
Usage: npm run restore -- <backup folder>
  The database is DATABASE_URL, or the embedded folder (PGLITE_DIR, default ./data/pglite) with the server stopped.`;

export const command: Command = {
  name: 'restore',
  usage: USAGE,
  flags: [],
  positionals: 1,
  // Never through a running server: a restore is for a database nobody uses yet.
  database: false,
  run: async (ctx, { positionals }) => {
    if (!positionals[0]) throw new UsageError(`Cần thư mục sao lưu / A backup folder is required.\n\n${USAGE}`);
    const folder = resolve(ctx.cwd, positionals[0]);
    const manifest = manifestSchema.parse(JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')));
    const handle = ctx.open();
    const started = Date.now();
    try {
      ctx.out(`Restoring ${manifest.tables.length} tables from ${folder} into the ${handle.driver} database at ${handle.location} ...`);
      await restoreDatabase(handle, manifest, (table) => readFile(join(folder, 'db', `${table}.copy`), 'utf8'));
      const report = await verifyLedger(handle.db);
      if (!report.ok || report.headHash !== manifest.headHash || report.entries !== manifest.entries) {
        ctx.err(`The restored ledger does not check out: ${report.fault?.reason ?? `head ${report.headHash} (${report.entries} entries), expected ${manifest.headHash} (${manifest.entries})`}`);
        return 1;
      }
      ctx.out(`Ledger verified: ${report.entries.toLocaleString('en')} entries, head hash ${report.headHash} (as backed up).`);
    } finally {
      await handle.close();
    }
    if (existsSync(join(folder, 'photos'))) await cp(join(folder, 'photos'), photosDir(), { recursive: true, force: false });
    const checkpoints = await copyCheckpoints(join(folder, 'checkpoints'), datasetDir());
    ctx.out(`Restored in ${Date.now() - started} ms; photos into ${photosDir()}, ${checkpoints} checkpoint file(s) into ${datasetDir()}.`);
    ctx.out('Next: npm start (publishes and builds the site from the restored database).');
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
