// npm run publish [-- --out DIR] — exports the public, privacy-filtered open dataset that the static site is built from.
import { resolve } from 'node:path';
import { openDatabase } from '../db/client';
import { publishDataset } from '../src/publish/export';
import { datasetDir } from '../src/publish/read';
import { parseFlags, runCli, stagedProgress } from './lib/cli';

await runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), ['out']);
  const out = flags.out ? resolve(flags.out) : datasetDir();
  const handle = openDatabase();
  console.log(`Publishing the open dataset from the ${handle.driver} database at ${handle.location} into ${out} ...`);
  const started = Date.now();
  const report = await publishDataset(handle.db, out, { onProgress: stagedProgress() });
  await handle.close();
  const seconds = (Date.now() - started) / 1000;
  console.log(`Published ${report.entries.toLocaleString('en')} journal entries, ${report.contributions.toLocaleString('en')} contributions and ${report.houses.toLocaleString('en')} houses`);
  console.log(`in ${report.files.toLocaleString('en')} files (${(report.bytes / 2 ** 20).toFixed(1)} MiB) in ${seconds.toFixed(1)} s; head hash ${report.headHash}.`);
  console.log('Next: npm run build (the site reads this folder), or npm run ledger:verify-dataset to check it.');
});
