// Entry point of the standalone verifier (/du-lieu/verify.mjs): `node verify.mjs <URL or folder> [flags]`.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { parseVerifyArgs, runVerifier, USAGE } from './verify-cli';

// The same file is loaded again in the journal's worker thread (see verify-journal.ts), which must not run the command.
if (isMainThread) {
  const argv = process.argv.slice(2);
  let flags;
  try {
    flags = parseVerifyArgs(argv, (value) => (existsSync(value) ? readFileSync(value, 'utf8') : value));
    if (!/^https?:\/\//i.test(flags.source)) flags.source = resolve(flags.source);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  process.exitCode = await runVerifier(flags);
}
