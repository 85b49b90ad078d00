// npm run bench:scale -- --factor N [--seconds S] [--keep] — publishing at N times the demo, on PostgreSQL: seeds
// N× the demo into a scratch database, publishes and builds from scratch, adds 1,000 gifts and 10 stage
// changes and publishes again (against the first publish), then serves the site and measures house and
// ledger pages rendered on request at 32 concurrent clients. Each step runs as its own process under
// /usr/bin/time, so its wall time and peak memory (maximum resident set) are its own.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { openPostgres, queryRows } from '../db/client';
import { recordCashContribution } from '../src/domain/contributions';
import { advanceStage } from '../src/domain/houses';
import { FULL_DEMO, generateDemo } from '../src/domain/demo/generate';
import { loadDemo } from '../src/domain/demo/load';
import { publishDataset } from '../src/publish/export';
import { FILES, type Summary } from '../src/publish/format';
import { startProdServer } from '../tests/e2e/prod-server';
import { scratchDatabase } from './lib/bench';
import { parseFlags, runCli } from './lib/cli';

const flags = parseFlags(process.argv.slice(2), ['factor', 'seconds', 'step', 'url', 'keep']);
const FACTOR = Number(flags.factor ?? 1);
const SECONDS = Number(flags.seconds ?? 10);
const DB_NAME = 'ancu_bench_scale';
const root = resolve('.build', 'bench-scale');
const dataDir = join(root, 'data');
const siteDir = join(root, 'site');
const run = promisify(execFile);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// One step, in this process (the parent runs each under /usr/bin/time): seed, publish, or change.
async function step(name: string, url: string): Promise<void> {
  const handle = openPostgres(url, 4);
  try {
    if (name === 'seed') {
      await handle.migrate();
      await loadDemo(handle, generateDemo({ ...FULL_DEMO, houses: FULL_DEMO.houses * FACTOR, cashContributions: FULL_DEMO.cashContributions * FACTOR }));
    } else if (name === 'publish') {
      const report = await publishDataset(handle.db, dataDir, { now: new Date() });
      console.log(JSON.stringify({ files: report.files, bytes: report.bytes, changed: report.changes.changed.length, changedBytes: report.changes.changedBytes, incremental: report.incremental, ...report.read }));
    } else if (name === 'gifts') {
      // 1,000 gifts to 100 houses still short of money (10 each).
      const short = await queryRows<{ id: number }>(handle.db, sql`SELECT id FROM houses WHERE budget_vnd - allocated_vnd >= 1000000 ORDER BY id LIMIT 100`);
      for (let i = 0; i < 1000; i++) {
        const house = short[i % short.length];
        await recordCashContribution(handle.db, {
          idempotencyKey: `bench-scale-${Date.now()}-${i}`, campaignId: 1, channel: 'bank_transfer', amountVnd: 100_000,
          target: house ? { type: 'house', houseId: Number(house.id) } : { type: 'general' }, receivedAt: new Date().toISOString(),
          donor: { kind: 'individual', displayName: `Người ủng hộ ${i}` },
        });
      }
      console.log(JSON.stringify({ gifts: 1000, houses: short.length }));
    } else if (name === 'stages') {
      // 10 houses under construction moved to completed.
      const building = await queryRows<{ id: number }>(handle.db, sql`SELECT id FROM houses WHERE construction_on IS NOT NULL AND completed_on IS NULL ORDER BY id LIMIT 10`);
      for (const house of building) await advanceStage(handle.db, { houseId: Number(house.id), stage: 'completed', on: new Date().toISOString().slice(0, 10) });
      console.log(JSON.stringify({ stages: building.length }));
    } else if (name === 'serve') {
      printServed(await serveBench(url));
    }
  } finally {
    await handle.close();
  }
}

// Runs a command under /usr/bin/time; its wall seconds, peak memory (MiB) and standard output.
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 });
  const [, seconds, kib] = /TIME ([\d.]+) (\d+)/.exec(stderr) ?? [];
  return { seconds: Number(seconds), peakMiB: Number(kib) / 1024, stdout };
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!) as Record<string, number>;

function htmlStats(dir: string): { pages: number; bytes: number } {
  let pages = 0;
  let bytes = 0;
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) visit(join(d, e.name));
      else if (e.name.endsWith('.html')) { pages++; bytes += statSync(join(d, e.name)).size; }
    }
  };
  if (existsSync(dir)) visit(dir);
  return { pages, bytes };
}

// 32 clients fetching random house and ledger pages for SECONDS; the latencies of 200 answers and of 304s.
// The site serves the last publish: its dataset replaces the copy the build made.
async function serveBench(url: string) {
  rmSync(join(siteDir, 'client', 'du-lieu'), { recursive: true, force: true });
  await run('cp', ['-a', dataDir, join(siteDir, 'client', 'du-lieu')]);
  const pages = (JSON.parse(readFileSync(join(dataDir, FILES.summary), 'utf8')) as Summary).ledger.pages;
  const houses = (JSON.parse(readFileSync(join(dataDir, FILES.houses), 'utf8')) as { code: string }[]).map((h) => h.code);
  const server = await startProdServer({ DATABASE_URL: url, ANCU_SITE_DIR: siteDir });
  try {
    const etag = (await fetch(`${server.url}/sao-ke/1/`)).headers.get('etag')!;
    const results: Record<string, number[]> = { house: [], ledger: [], revalidated: [] };
    const deadline = Date.now() + SECONDS * 1000;
    let n = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (Date.now() < deadline) {
        const i = n++;
        const kind = i % 3 === 0 ? 'house' : i % 3 === 1 ? 'ledger' : 'revalidated';
        const path = kind === 'ledger' ? `/sao-ke/${1 + (i * 7919) % pages}/` : `/nha/${houses[(i * 104729) % houses.length]}/`;
        const t = performance.now();
        const response = await fetch(`${server.url}${path}`, kind === 'revalidated' ? { headers: { 'if-none-match': etag } } : {});
        await response.arrayBuffer();
        if (response.status !== (kind === 'revalidated' ? 304 : 200)) throw new Error(`${path}: ${response.status}`);
        results[kind]!.push(performance.now() - t);
      }
    }));
    return Object.fromEntries(Object.entries(results).map(([kind, list]) => {
      list.sort((a, b) => a - b);
      return [kind, { count: list.length, medianMs: percentile(list, 50), p95Ms: percentile(list, 95) }];
    }));
  } finally {
    await server.stop();
  }
}

function printServed(served: Awaited<ReturnType<typeof serveBench>>): void {
  console.log('\n| pages on request, 32 clients | answers | median | p95 |');
  console.log('| --- | --- | --- | --- |');
  for (const [kind, r] of Object.entries(served)) console.log(`| ${kind === 'revalidated' ? 'house, If-None-Match (304)' : kind} | ${r.count} | ${r.medianMs.toFixed(1)} ms | ${r.p95Ms.toFixed(1)} ms${kind !== 'revalidated' ? (r.p95Ms < 50 ? ' (meets the 50 ms aim)' : ' (misses the 50 ms aim)') : ''} |`);
}

if (flags.step) {
  await runCli(() => step(flags.step!, flags.url!));
} else {
  await runCli(async () => {
    const scratch = await scratchDatabase('bench:scale', DB_NAME);
    if (!scratch) return 2;
    const url = scratch.url.toString();
    rmSync(root, { recursive: true, force: true });
    const self = ['--import', 'tsx', 'scripts/bench-scale.ts', '--factor', String(FACTOR), '--url', url, '--step'];
    const rows: string[] = [];
    const row = (what: string, r: { seconds: number; peakMiB: number }, written: string) => {
      rows.push(`| ${what} | ${r.seconds.toFixed(1)} s | ${r.peakMiB.toFixed(0)} MiB | ${written} |`);
      console.log(rows.at(-1));
    };
    console.log(`Factor ${FACTOR}: ${FULL_DEMO.houses * FACTOR} houses, ${FULL_DEMO.cashContributions * FACTOR} cash gifts.`);
    row('seed (generate and load)', await timed(process.execPath, [...self, 'seed']), '');
    const first = await timed(process.execPath, [...self, 'publish']);
    const firstOut = lastJson(first.stdout);
    row('publish from scratch', first, `${firstOut.files} files, ${(firstOut.bytes! / 2 ** 20).toFixed(0)} MiB`);
    const build = await timed(process.execPath, ['node_modules/astro/astro.js', 'build', '--outDir', siteDir], { ANCU_DATASET_DIR: dataDir });
    const built = htmlStats(join(siteDir, 'client'));
    // The first publish kept aside, so the second can be taken again against it (`--step publish` after copying it back).
    await run('cp', ['-a', dataDir, `${dataDir}-first`]);
    row('astro build from scratch', build, `${built.pages} pages, ${(built.bytes / 2 ** 20).toFixed(0)} MiB of HTML (+ the dataset copied)`);
    const gifts = await timed(process.execPath, [...self, 'gifts']);
    row(`add 1,000 gifts (to ${lastJson(gifts.stdout).houses} houses)`, gifts, '');
    const stages = await timed(process.execPath, [...self, 'stages']);
    row(`${lastJson(stages.stdout).stages} stage changes`, stages, '');
    const again = await timed(process.execPath, [...self, 'publish']);
    const againOut = lastJson(again.stdout);
    row('publish again (against the first)', again, `${againOut.changed} files changed, ${(againOut.changedBytes! / 2 ** 20).toFixed(1)} MiB; read ${againOut.entries} journal entries and ${againOut.houses} houses${againOut.incremental ? '' : ' (not incremental)'}; no build needed for house and ledger pages`);
    const served = await serveBench(url);
    console.log('\n| step | time | peak memory | written |');
    console.log('| --- | --- | --- | --- |');
    for (const r of rows) console.log(r);
    printServed(served);
    // --keep leaves the scratch database and the folders, so a step can be taken again (--step NAME --url URL).
    if (flags.keep) console.log(`\nKept ${url} and ${root}.`);
    else await scratch.drop();
    await scratch.admin.end();
  });
}
