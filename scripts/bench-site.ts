// npm run bench:site [-- --small] — publishes and builds the demo's site in a scratch folder, serves it with
// the production server (pre-compressed files, caching) and prints: publish and build times (pages per
// second); for home, a house, a ledger page, a district page and the lookup page the bytes a phone
// receives on a first visit (headers and bodies as transferred, Brotli) and Lighthouse 12 mobile scores
// (performance, accessibility, best practices, SEO; default simulated slow-4G, Debian's Chromium); and
// the live search endpoint's latency; and the time ledger:verify-dataset and the standalone verify.mjs
// take over the published demo. --small uses the small demo (60 houses) instead of the full one.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { openPglite, openPostgres, queryRows, redactUrl, type DbHandle } from '../db/client';
import { FULL_DEMO, generateDemo, SMALL_DEMO } from '../src/domain/demo/generate';
import { isEmpty, loadDemo } from '../src/domain/demo/load';
import { publishDataset } from '../src/publish/export';
import { CHROMIUM_PATH } from '../tests/e2e/browser';
import { startProdServer } from '../tests/e2e/prod-server';
import { FILES, type PublicArea, type Summary } from '../src/publish/format';
import { parseFlags, progress, runCli, stagedProgress } from './lib/cli';
import { benchLog } from './lib/bench-log';
import { timeDatasetVerifiers } from './lib/bench-verify';

const flags = parseFlags(process.argv.slice(2), ['runs', 'log-only', 'entries', 'small']);
const demo = flags.small ? SMALL_DEMO : FULL_DEMO;
const SEARCH_RUNS = Number(flags.runs ?? 20);
const SEARCH_BUDGET_MS = 300;
const PAGE_BUDGET_BYTES = 30 * 1024;
const root = resolve(flags.small ? '.build/bench-site-small' : '.build/bench-site');
const dataDir = join(root, 'data');
const siteDir = join(root, 'site');

// The scratch database: a PostgreSQL database of its own when DATABASE_URL is set, else a PGlite folder kept between runs.
async function scratchDatabase(): Promise<{ handle: DbHandle; serverEnv: NodeJS.ProcessEnv; label: string; drop: () => Promise<void> }> {
  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe('DROP DATABASE IF EXISTS ancu_bench_site WITH (FORCE)');
    await admin.unsafe('CREATE DATABASE ancu_bench_site');
    await admin.end();
    const url = new URL(baseUrl);
    url.pathname = '/ancu_bench_site';
    const drop = async () => {
      const cleanup = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe('DROP DATABASE IF EXISTS ancu_bench_site WITH (FORCE)');
      await cleanup.end();
    };
    return { handle: openPostgres(url.toString()), serverEnv: { DATABASE_URL: url.toString() }, label: `PostgreSQL ${redactUrl(url.toString())}`, drop };
  }
  const dir = join(root, 'pglite');
  return { handle: openPglite(dir), serverEnv: { PGLITE_DIR: dir, DATABASE_URL: undefined }, label: `PGlite ${dir}`, drop: async () => {} };
}

function* htmlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* htmlFiles(path);
    else if (name.endsWith('.html')) yield path;
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

await runCli(async () => {
  if (!existsSync(CHROMIUM_PATH)) {
    console.error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    return 2;
  }
  // `--log-only [--entries N]`: only the transparency log's figures, over N synthetic entries (no database).
  if (flags['log-only']) {
    console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}.`);
    for (const line of await benchLog(join(root, 'log'), { synthetic: Number(flags.entries ?? 100_000) })) console.log(line);
    return 0;
  }
  const { handle, serverEnv, label, drop } = await scratchDatabase();
  console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; database ${label}.`);
  await handle.migrate();
  if (await isEmpty(handle.db)) {
    console.log(`Loading the ${flags.small ? 'small' : 'full'} demo campaign into the scratch database (once) ...`);
    await loadDemo(handle, generateDemo(demo), progress('demo rows written'));
  }

  let started = performance.now();
  const published = await publishDataset(handle.db, dataDir, { onProgress: stagedProgress() });
  const publishSeconds = (performance.now() - started) / 1000;
  console.log(`Published ${published.entries.toLocaleString('en')} entries, ${published.contributions.toLocaleString('en')} contributions, ${published.houses.toLocaleString('en')} houses in ${publishSeconds.toFixed(1)} s.`);
  const verifierLines = timeDatasetVerifiers(dataDir, published.entries);
  for (const line of verifierLines) console.log(line);
  const logLines = await benchLog(join(root, 'log'), { dataDir });
  const [house] = await queryRows<{ code: string }>(handle.db, sql`
    SELECT h.public_code AS code FROM houses h JOIN journal_lines l ON l.house_id = h.id GROUP BY h.id ORDER BY count(*) DESC, h.id LIMIT 1`);
  const [gift] = await queryRows<{ code: string; donor: string; amount: string | number }>(handle.db, sql`
    SELECT c.receipt_code AS code, d.display_name AS donor, c.amount_vnd AS amount FROM contributions c JOIN donors d ON d.id = c.donor_id
    JOIN journal_lines l ON l.contribution_id = c.id AND l.account = 'house_cash'
    WHERE d.display_name IS NOT NULL GROUP BY c.id, d.display_name ORDER BY count(DISTINCT l.house_id) DESC, c.id LIMIT 1`);
  await handle.close();
  const summary = JSON.parse(readFileSync(join(dataDir, FILES.summary), 'utf8')) as Summary;

  console.log('Building the site (astro build, with Brotli and gzip copies) ...');
  rmSync(siteDir, { recursive: true, force: true });
  started = performance.now();
  const build = spawnSync('npx', ['astro', 'build', '--outDir', siteDir], { env: { ...process.env, ANCU_DATASET_DIR: dataDir }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const buildSeconds = (performance.now() - started) / 1000;
  if (build.status !== 0) throw new Error(`astro build failed:\n${build.stdout.slice(-4000)}\n${build.stderr.slice(-4000)}`);
  const prerender = build.stdout.match(/prerendering static routes[\s\S]*?Completed in ([\d.]+)(ms|s)/);
  const prerenderSeconds = prerender ? Number(prerender[1]) / (prerender[2] === 'ms' ? 1000 : 1) : NaN;
  const pages = [...htmlFiles(join(siteDir, 'client'))];
  const heaviest = pages.map((p) => [p, gzipSync(readFileSync(p)).length] as const).sort((a, b) => b[1] - a[1])[0]!;

  const server = await startProdServer({ ...serverEnv, ANCU_SITE_DIR: siteDir });
  // The largest district (most DOM before its houses moved to commune pages) and one of its communes.
  const areas = JSON.parse(readFileSync(join(dataDir, FILES.areas), 'utf8')) as PublicArea[];
  const district = areas.filter((a) => a.level === 'district').sort((a, b) => b.houses.total - a.houses.total)[0]!;
  const commune = areas.filter((a) => a.parent_code === district.code).sort((a, b) => b.houses.total - a.houses.total)[0]!;
  const targets = [
    ['home', '/'],
    [`house ${house!.code}`, `/nha/${house!.code}/`],
    ['ledger page 1', '/sao-ke/1/'],
    ['lookup', `/tra-cuu/?code=${gift!.code}`],
    [`district ${district.code}`, `/khu-vuc/${district.code}/`],
    [`commune ${commune.code}`, `/khu-vuc/${district.code}/${commune.code}/`],
    ['houses still short (island)', '/nha-con-thieu/'],
    ['six-monthly report', `/bao-cao/${summary.reports.at(-1)!.id}/`],
    ['open data (verify island)', '/du-lieu-mo/'],
    ['search (filter island)', '/tim-kiem/'],
    ['feedback form', '/y-kien/'],
  ] as const;
  const rows: string[] = [];
  try {
    // Bytes: every response of a first visit as transferred (headers + compressed body), by kind.
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
    const weights = new Map<string, { html: number; css: number; js: number; other: number; lazyJs: number }>();
    for (const [name, path] of targets) {
      const page = await browser.newPage({ viewport: { width: 412, height: 823 } });
      const weight = { html: 0, css: 0, js: 0, other: 0, lazyJs: 0 };
      let loaded = false;
      const bodies: Promise<void>[] = [];
      page.on('requestfinished', (request) => {
        const type = request.resourceType();
        const kind = type === 'document' ? 'html' : type === 'stylesheet' ? 'css' : type === 'script' ? (loaded ? 'lazyJs' : 'js') : 'other';
        bodies.push(request.sizes().then((sizes) => { weight[kind] += sizes.responseBodySize + sizes.responseHeadersSize; }));
      });
      await page.goto(server.url + path, { waitUntil: 'networkidle' });
      loaded = true;
      // Then what scrolling down costs: the charts' code, fetched once they come into view.
      for (const figure of await page.locator('figure[data-chart]').all()) await figure.scrollIntoViewIfNeeded();
      // A string, not a function: tsx would wrap a named function in a helper the page does not have.
      await page.waitForFunction('[...document.querySelectorAll("figure[data-chart] canvas")].every((c) => c.width > 300)');
      await page.waitForLoadState('networkidle');
      await Promise.all(bodies);
      weights.set(name, weight);
      await page.close();
    }
    await browser.close();

    // Lighthouse 12 with its defaults: mobile form factor, simulated slow 4G and a 4× slower CPU.
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
    try {
      for (const [name, path] of targets) {
        const result = await lighthouse(server.url + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'] });
        const lhr = result!.lhr;
        const w = weights.get(name)!;
        const total = w.html + w.css + w.js + w.other;
        const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
        rows.push(`| ${name} | ${kb(w.html)} | ${kb(w.css)} | ${kb(w.js)}${w.lazyJs ? ` (+${kb(w.lazyJs)} on scroll)` : ''} | ${kb(w.other)} | ${kb(total)} ${total < PAGE_BUDGET_BYTES ? '✓' : '✗'} | ${score('performance')} | ${score('accessibility')} | ${score('best-practices')} | ${score('seo')} |`);
        console.log(`${name}: ${kb(total)} transferred, Lighthouse performance ${score('performance')}, accessibility ${score('accessibility')}, best practices ${score('best-practices')}, SEO ${score('seo')}`);
        for (const [id, category] of Object.entries(lhr.categories)) {
          if ((category.score ?? 0) < 1) {
            const failed = category.auditRefs.filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1).map((ref) => ref.id);
            console.log(`  ${id} below 100: ${failed.join(', ')}`);
          }
        }
      }
    } finally {
      chrome.kill();
    }

    // The live search: each query shape SEARCH_RUNS times after one warm-up.
    const queries = [
      ['name', `q=${encodeURIComponent(gift!.donor.split(' ').slice(-2).join(' '))}`],
      ['amount + dates', `amount=${Number(gift!.amount)}&from=2024-09-01&to=2024-12-31`],
      ['receipt code', `code=${gift!.code}`],
      ['bad parameter (400)', 'amount=abc'],
    ] as const;
    const latency: string[] = [];
    for (const [name, query] of queries) {
      await fetch(`${server.url}/api/search?${query}`);
      const times: number[] = [];
      for (let i = 0; i < SEARCH_RUNS; i++) {
        const t0 = performance.now();
        await (await fetch(`${server.url}/api/search?${query}`)).arrayBuffer();
        times.push(performance.now() - t0);
      }
      const p95 = percentile(times, 95);
      latency.push(`| ${name} | ${percentile(times, 50).toFixed(0)} ms | ${p95.toFixed(0)} ms ${p95 <= SEARCH_BUDGET_MS ? '✓' : '✗'} |`);
    }

    console.log(`\nPublish: ${publishSeconds.toFixed(1)} s for ${published.entries.toLocaleString('en')} journal entries (${published.files.toLocaleString('en')} files, ${(published.bytes / 2 ** 20).toFixed(0)} MiB).`);
    console.log(`Build: ${buildSeconds.toFixed(1)} s wall clock for ${pages.length.toLocaleString('en')} pages = ${(pages.length / buildSeconds).toFixed(0)} pages/s overall; prerendering alone ${prerenderSeconds.toFixed(1)} s = ${(pages.length / prerenderSeconds).toFixed(0)} pages/s.`);
    for (const line of verifierLines) console.log(line);
    console.log(`Heaviest page: ${heaviest[0].replace(`${siteDir}/client`, '')} at ${kb(heaviest[1])} gzip (budget ${kb(PAGE_BUDGET_BYTES)}).`);
    console.log('\n| page | HTML | CSS | JS | other | transferred (< 30 KB) | performance | accessibility | best practices | SEO |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of rows) console.log(row);
    console.log('\nTransparency log:');
    for (const line of logLines) console.log(`- ${line}`);
    console.log(`\n| /api/search (${SEARCH_RUNS} runs) | p50 | p95 (budget ${SEARCH_BUDGET_MS} ms) |`);
    console.log('| --- | --- | --- |');
    for (const row of latency) console.log(row);
  } finally {
    await server.stop();
    await drop();
  }
});
