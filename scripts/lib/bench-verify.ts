// The dataset verifiers timed as a journalist runs them: `npm run ledger:verify-dataset` and the published
// standalone `node verify.mjs`, each its own process over a published folder, process start included.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { VERIFIER_FILE } from '../../src/publish/tlog/bundle-verifier';

const AIM_SECONDS = 10;

// The machine is shared: every figure says how busy it was (1-minute load average) before and after.
const load = () => os.loadavg()[0]!.toFixed(1);

/** Runs both verifiers over a published folder of `entries` journal entries; README-ready lines. Throws if either fails. */
export function timeDatasetVerifiers(dataDir: string, entries: number): string[] {
  const runs = [
    ['npm run ledger:verify-dataset', 'npm', ['run', '--silent', 'ledger:verify-dataset', '--', dataDir]],
    [`node ${VERIFIER_FILE}`, process.execPath, [join(dataDir, VERIFIER_FILE), dataDir]],
  ] as const;
  return runs.map(([label, command, args]) => {
    const loadBefore = load();
    const started = performance.now();
    const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`${label} failed on the published dataset:\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-4000)}`);
    return `${label} over ${entries.toLocaleString('en')} entries: ${seconds.toFixed(1)} s wall clock, process start included (${seconds < AIM_SECONDS ? 'meets' : 'misses'} the ${AIM_SECONDS} s aim; load average ${loadBefore} → ${load()}).`;
  });
}
