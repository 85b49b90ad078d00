// npm run publish [-- --out DIR] — exports the public, privacy-filtered open dataset that the static site is built from.
import { resolve } from 'node:path';
import { publishDataset } from '../src/publish/export';
import { datasetDir } from '../src/publish/read';
import { isEntry, runCommand, stagedProgress, type Command } from './lib/cli';

export const command: Command = {
  name: 'publish',
  usage: `Xuất bộ dữ liệu mở / Export the public, privacy-filtered open dataset the static site is built from.
Usage: npm run publish -- [--out DIR] [--full]   (default ./public-data, or ANCU_DATASET_DIR)
  --full   đọc lại toàn bộ cơ sở dữ liệu / read the whole database again instead of continuing from the last publish`,
  flags: ['out', 'full'],
  database: true,
  run: async (ctx, { flags }) => {
    const out = flags.out ? resolve(ctx.cwd, flags.out) : datasetDir();
    const handle = ctx.open();
    ctx.out(`Publishing the open dataset from the ${handle.driver} database at ${handle.location} into ${out} ...`);
    const started = Date.now();
    let report;
    try {
      report = await publishDataset(handle.db, out, { onProgress: stagedProgress(ctx), incremental: !flags.full });
    } finally {
      await handle.close();
    }
    const seconds = (Date.now() - started) / 1000;
    ctx.out(`Published ${report.entries.toLocaleString('en')} journal entries, ${report.contributions.toLocaleString('en')} contributions and ${report.houses.toLocaleString('en')} houses`);
    ctx.out(`in ${report.files.toLocaleString('en')} files (${(report.bytes / 2 ** 20).toFixed(1)} MiB) in ${seconds.toFixed(1)} s; head hash ${report.headHash}.`);
    ctx.out(report.incremental
      ? `Continued from the last publish: read ${report.read.entries.toLocaleString('en')} journal entries, ${report.read.houses.toLocaleString('en')} houses and ${report.read.contributions.toLocaleString('en')} contributions.`
      : 'Read the whole database (no last publish to continue from, or --full).');
    ctx.out(`Against the last publish: ${report.changes.changed.length.toLocaleString('en')} files changed (${(report.changes.changedBytes / 2 ** 20).toFixed(1)} MiB), ${report.changes.removed.length.toLocaleString('en')} removed; the rest are the last publish's files, linked.`);
    ctx.out('Next: npm run build (the site reads this folder), or npm run ledger:verify-dataset to check it.');
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
