// npm run bench:scale -- --factor N [--seconds S] [--keep] — publishing at N times the demo, on PostgreSQL: seeds
// N× the demo into a scratch database, publishes and builds from scratch, adds 1,000 gifts and 10 stage
// changes and publishes again (against the first publish), then serves the site and measures house and
// ledger pages at 32 concurrent clients: rendered on request, then kept until the next publish, and 304s.
// Each step runs as its own process under /usr/bin/time, so its wall time and peak memory (maximum
// resident set) are its own.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
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

/** Pages of each kind the serving benchmark asks for: enough for a spread of sizes, few enough to render all once. */
const SAMPLE_HOUSES = 300;
const SAMPLE_LEDGER_PAGES = 100;
const CLIENTS = 32;

// Every `step` out of a list, up to `count` of them, so the sample spans the whole campaign.
const spread = <T>(list: readonly T[], count: number) => list.filter((_, i) => i % Math.max(1, Math.floor(list.length / count)) === 0).slice(0, count);

// CLIENTS clients over a sample of house and ledger pages: each page's first answer after the publish (rendered),
// then for SECONDS the same pages again (kept until the next publish) and revalidations (304). A repeat must
// be the same bytes as the first answer. The site serves the last publish: its dataset replaces the build's copy.
async function serveBench(url: string) {
  rmSync(join(siteDir, 'client', 'du-lieu'), { recursive: true, force: true });
  await run('cp', ['-a', dataDir, join(siteDir, 'client', 'du-lieu')]);
  const pages = (JSON.parse(readFileSync(join(dataDir, FILES.summary), 'utf8')) as Summary).ledger.pages;
  const houses = (JSON.parse(readFileSync(join(dataDir, FILES.houses), 'utf8')) as { code: string }[]).map((h) => `/nha/${h.code}/`);
  const ledger = Array.from({ length: pages }, (_, i) => `/sao-ke/${i + 1}/`);
  const sample = [...spread(houses, SAMPLE_HOUSES), ...spread(ledger, SAMPLE_LEDGER_PAGES)];
  const server = await startProdServer({ DATABASE_URL: url, ANCU_SITE_DIR: siteDir });
  try {
    const results = new Map<string, number[]>();
    const firstBytes = new Map<string, string>();
    let etag = '';
    // One request, timed to its last byte; its body's hash, and a refusal of any other status than expected.
    const timed = async (kind: string, path: string, revalidate: boolean) => {
      const t = performance.now();
      const response = await fetch(`${server.url}${path}`, revalidate ? { headers: { 'if-none-match': etag } } : {});
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== (revalidate ? 304 : 200)) throw new Error(`${path}: ${response.status}`);
      const list = results.get(kind) ?? [];
      results.set(kind, list);
      list.push(performance.now() - t);
      etag = response.headers.get('etag') ?? etag;
      return createHash('sha256').update(body).digest('hex');
    };
    const kindOf = (path: string) => (path.startsWith('/nha/') ? 'house' : 'ledger');
    let next = 0;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      for (let path = sample[next++]; path !== undefined; path = sample[next++]) firstBytes.set(path, await timed(`${kindOf(path)}, first render`, path, false));
    }));
    const deadline = Date.now() + SECONDS * 1000;
    let n = 0;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < deadline) {
        const i = n++;
        const path = sample[(i * 7919) % sample.length]!;
        if (i % 3 === 2) await timed('revalidated (304)', path, true);
        else if ((await timed(`${kindOf(path)}, kept`, path, false)) !== firstBytes.get(path)) throw new Error(`${path}: a repeat differs from the first answer`);
      }
    }));
    return [...results].map(([kind, list]) => {
      list.sort((a, b) => a - b);
      return { kind, count: list.length, medianMs: percentile(list, 50), p95Ms: percentile(list, 95) };
    });
  } finally {
    await server.stop();
  }
}

function printServed(served: Awaited<ReturnType<typeof serveBench>>): void {
  console.log(`\n| pages on request, ${CLIENTS} clients (load average ${os.loadavg()[0]!.toFixed(1)}) | answers | median | p95 |`);
  console.log('| --- | --- | --- | --- |');
  for (const r of served) console.log(`| ${r.kind} | ${r.count} | ${r.medianMs.toFixed(1)} ms | ${r.p95Ms.toFixed(1)} ms${r.p95Ms < 50 ? ' (meets the 50 ms aim)' : ' (misses the 50 ms aim)'} |`);
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
    // The demo generator holds the whole campaign in memory (over 4 GiB at N = 20); what must stay bounded is publishing.
    row('seed (generate and load)', await timed(process.execPath, ['--max-old-space-size=16384', ...self, 'seed']), '');
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
    row('publish again (against the first)', again, `${againOut.changed} files changed, ${(againOut.changedBytes! / 2 ** 20).toFixed(1)} MiB; read ${againOut.entries} journal entries and ${againOut.houses} houses, made ${againOut.reports} half-year reports again${againOut.incremental ? '' : ' (not incremental)'}; no build needed for house and ledger pages`);
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
