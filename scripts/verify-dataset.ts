// npm run ledger:verify-dataset [-- <folder or URL>] [flags] — re-checks a published open dataset without any
// database; the same code as the standalone /du-lieu/verify.mjs (see src/publish/verify-cli.ts for the flags).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { datasetDir } from '../src/publish/read';
import { parseVerifyArgs, runVerifier, USAGE } from '../src/publish/verify-cli';
import { runCli } from './lib/cli';

// The bundle is loaded again in the journal's worker thread (see src/publish/verify-journal.ts), which must not run the command.
if (isMainThread) {
  await runCli(async () => {
    const args = process.argv.slice(2);
    let flags;
    try {
      flags = parseVerifyArgs(args[0] === undefined || args[0].startsWith('--') ? [datasetDir(), ...args] : args, (value) => (existsSync(value) ? readFileSync(value, 'utf8') : value));
    } catch (error) {
      console.error(`${(error as Error).message}\n${USAGE.replace('<verifier>', 'npm run ledger:verify-dataset --')}`);
      return 2;
    }
    if (!/^https?:\/\//i.test(flags.source)) flags.source = resolve(flags.source);
    console.log(`Verifying the open dataset at ${flags.source} ...`);
    return runVerifier(flags);
  });
}
