// The public site end to end: the small demo is seeded, published and built once; then the built
// pages are checked as files, served by the real server and driven in Debian's Chromium. With
// DATABASE_URL the same demo is also seeded into PostgreSQL: its dataset must be byte for byte the
// PGlite one, and the live endpoints are checked on a second server reading PostgreSQL.
import { createHash } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, queryRows, type DbHandle } from '../../db/client';
import { postgresFresh } from '../db/harness';
import { generateDemo, SMALL_DEMO } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import { publishDataset } from '../../src/publish/export';
import { FILES, type Checkpoint, type PublicContribution } from '../../src/publish/format';
import { CASH_ACCOUNT_SLUG, CASH_BOOK_FILES, UNIT_KINDS, UNIT_SLUG, type CashBookIndex } from '../../src/publish/cash-book';

import { privateValues, scanForPrivateValues, type PrivateValues } from '../db/privacy';
import { launchBrowser, startServer, type RunningServer } from './browser';

const root = resolve('.build', `site-test-${process.pid}`);
const dataDir = join(root, 'data');
const siteDir = join(root, 'site');
// House, ledger and cash-book pages are rendered on request: fetched once from the server and kept here as files.
const renderedDir = join(root, 'rendered');
let server: RunningServer;
const drivers = ['pglite', ...(process.env.DATABASE_URL ? ['postgres' as const] : [])] as const;
const servers: Partial<Record<'pglite' | 'postgres', RunningServer>> = {};
let postgresDb: DbHandle | undefined;
const pgDataDir = join(root, 'data-postgres');
// A fixed publication time, so the two drivers' datasets can be compared byte for byte.
const publishedAt = new Date('2025-06-30T10:00:00Z');
let browser: Browser;
let secrets: PrivateValues;
type HouseLedger = { house_id: number; code: string; state: number; designated: number; pooled: number; in_kind: number; paid: number };
let ledger: HouseLedger[];
let pooledGift: { receipt_code: string; houses: string[] };

function* htmlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* htmlFiles(path);
    else if (name.endsWith('.html')) yield path;
  }
}

// Every house, ledger and cash-book page in both languages, as the server renders them, saved as index.html files.
async function fetchOnDemandPages(): Promise<void> {
  const houses = JSON.parse(readFileSync(join(dataDir, FILES.houses), 'utf8')) as { code: string }[];
  const { pages } = (JSON.parse(readFileSync(join(dataDir, FILES.summary), 'utf8')) as { ledger: { pages: number } }).ledger;
  const cashBook = JSON.parse(readFileSync(join(dataDir, CASH_BOOK_FILES.index), 'utf8')) as CashBookIndex;
  const numbered = (base: string, count: number) => Array.from({ length: count }, (_, i) => `${base}${i + 1}/`);
  const paths = [...houses.map((h) => `/nha/${h.code}/`), ...numbered('/sao-ke/', pages),
    ...cashBook.accounts.flatMap(({ account, months }) => months.flatMap((m) => numbered(`/sao-ke/so-quy/${CASH_ACCOUNT_SLUG[account]}/${m.month}/`, m.pages))),
    ...UNIT_KINDS.flatMap((kind) => numbered(`/sao-ke/${UNIT_SLUG[kind]}/`, cashBook.units[kind].pages))];
  for (const path of [...paths, ...paths.map((p) => `/en${p}`)]) {
    const response = await fetch(`${server.url}${path}`);
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    mkdirSync(join(renderedDir, path), { recursive: true });
    writeFileSync(join(renderedDir, path, 'index.html'), await response.text());
  }
}

// The amount a page shows in the cell with this test id, as whole đồng.
const shown = (html: string, id: string) => Number(html.match(new RegExp(`data-testid="${id}"[^>]*>(?:<strong>)?([\\d.]+) ₫`))?.[1]?.replace(/\./g, '') ?? NaN);

beforeAll(async () => {
  rmSync(root, { recursive: true, force: true });
  const handle = openPglite(join(root, 'pglite'));
  await handle.migrate();
  await loadDemo(handle, generateDemo(SMALL_DEMO));
  await publishDataset(handle.db, dataDir, { now: publishedAt });
  secrets = await privateValues(handle.db);
  ledger = (await queryRows<Record<string, string | number>>(handle.db, sql`
    SELECT h.id AS house_id, h.public_code AS code,
      coalesce(-sum(l.amount_vnd) FILTER (WHERE l.account = 'house_state'), 0) AS state,
      coalesce(-sum(l.amount_vnd) FILTER (WHERE l.account = 'house_cash' AND e.contribution_id IS NOT NULL), 0) AS designated,
      coalesce(-sum(l.amount_vnd) FILTER (WHERE l.account = 'house_cash' AND e.contribution_id IS NULL), 0) AS pooled,
      coalesce(-sum(l.amount_vnd) FILTER (WHERE l.account = 'house_in_kind'), 0) AS in_kind,
      coalesce(sum(l.amount_vnd) FILTER (WHERE l.account = 'house_paid'), 0) AS paid
    FROM houses h LEFT JOIN journal_lines l ON l.house_id = h.id LEFT JOIN journal_entries e ON e.id = l.entry_id
    GROUP BY h.id ORDER BY h.id`)).map((r) => ({
    house_id: Number(r.house_id), code: String(r.code), state: Number(r.state), designated: Number(r.designated), pooled: Number(r.pooled), in_kind: Number(r.in_kind), paid: Number(r.paid),
  }));
  const [gift] = await queryRows<{ receipt_code: string; houses: string }>(handle.db, sql`
    SELECT c.receipt_code, string_agg(DISTINCT h.public_code, ',' ORDER BY h.public_code) AS houses
    FROM contributions c JOIN journal_lines l ON l.contribution_id = c.id AND l.account = 'house_cash' JOIN houses h ON h.id = l.house_id
    WHERE c.target_type = 'general' GROUP BY c.id HAVING count(DISTINCT h.id) > 1 AND sum(l.amount_vnd) < 0 LIMIT 1`);
  pooledGift = { receipt_code: gift!.receipt_code, houses: gift!.houses.split(',') };
  await handle.close();

  const build = spawnSync('npx', ['astro', 'build', '--outDir', siteDir], { env: { ...process.env, ANCU_DATASET_DIR: dataDir }, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`astro build failed:\n${build.stdout}\n${build.stderr}`);
  server = await startServer({ PGLITE_DIR: join(root, 'pglite'), DATABASE_URL: undefined }, join(siteDir, 'server', 'entry.mjs'));
  servers.pglite = server;
  await fetchOnDemandPages();
  if (process.env.DATABASE_URL) {
    postgresDb = await postgresFresh(process.env.DATABASE_URL)();
    await loadDemo(postgresDb, generateDemo(SMALL_DEMO));
    await publishDataset(postgresDb.db, pgDataDir, { now: publishedAt });
    servers.postgres = await startServer({ DATABASE_URL: postgresDb.url }, join(siteDir, 'server', 'entry.mjs'));
  }
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await servers.postgres?.stop();
  await postgresDb?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the built site, as files', () => {
  it("shows on each house page the ledger's own figures for that house", async () => {
    const checked = ledger.filter((h) => h.pooled > 0 || h.designated > 0 || h.state > 0);
    expect(checked.length).toBeGreaterThan(30);
    for (const house of checked) {
      const html = readFileSync(join(renderedDir, 'nha', house.code, 'index.html'), 'utf8');
      expect(shown(html, 'house-allocated'), house.code).toBe(house.state + house.designated + house.pooled + house.in_kind);
      expect(shown(html, 'house-pooled'), house.code).toBe(house.pooled);
      expect(shown(html, 'house-designated'), house.code).toBe(house.designated);
      expect(shown(html, 'paid-cash'), house.code).toBe(house.paid);
      const funderRows = [...html.matchAll(/data-v="(-?\d+)"/g)].reduce((sum, [, v]) => sum + Number(v), 0);
      expect(funderRows, house.code).toBe(house.state + house.designated + house.pooled);
    }
  });

  it('keeps every page under 50 KB gzipped, with no JavaScript on house and ledger pages', () => {
    const pages = [...htmlFiles(join(siteDir, 'client')), ...htmlFiles(renderedDir)];
    expect(pages.length).toBeGreaterThan(150);
    const heavy = pages.map((p) => [p, gzipSync(readFileSync(p)).length] as const).filter(([, bytes]) => bytes >= 50 * 1024);
    expect(heavy).toEqual([]);
    const scripted = pages.filter((p) => /[/\\](nha|sao-ke)[/\\]/.test(p) && readFileSync(p, 'utf8').includes('<script'));
    expect(scripted).toEqual([]);
    expect(pages.filter((p) => /[/\\](nha)[/\\]/.test(p))).toHaveLength(2 * SMALL_DEMO.houses);
  });

  it('contains no private value of the seeded data, in the pages or the downloadable dataset', () => {
    const { hits, files } = scanForPrivateValues(join(siteDir, 'client'), secrets);
    expect(files).toBeGreaterThan(200);
    expect(hits).toEqual([]);
    const rendered = scanForPrivateValues(renderedDir, secrets);
    expect(rendered.files).toBeGreaterThan(2 * SMALL_DEMO.houses);
    expect(rendered.hits).toEqual([]);
  });
});

describe('the site in a browser', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 412, height: 860 } });
  });

  it('draws both home charts once they are scrolled into view', async () => {
    await page.goto(`${server.url}/`);
    expect(await page.evaluate(() => (window as unknown as { Chart?: unknown }).Chart)).toBeUndefined();
    for (const id of ['monthly', 'districts']) {
      const canvas = page.getByTestId(`chart-${id}`);
      await canvas.scrollIntoViewIfNeeded();
      await page.waitForFunction((testId) => {
        const c = document.querySelector<HTMLCanvasElement>(`[data-testid="chart-${testId}"]`)!;
        return c.width > 0 && c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0);
      }, id, { timeout: 20_000 });
      const inked = await canvas.evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n / (c.width * c.height);
      });
      expect(inked, id).toBeGreaterThan(0.03);
    }
  });

  it('finds a seeded contribution by name and amount through the search form', async () => {
    const gifts = JSON.parse(readFileSync(join(dataDir, FILES.ledgerPage(3)), 'utf8')) as PublicContribution[];
    const gift = gifts.find((g) => g.donor !== 'Nhà hảo tâm' && g.kind === 'cash')!;
    await page.goto(`${server.url}/sao-ke/`);
    await page.getByLabel('Tên người ủng hộ').fill(gift.donor.split(' ').slice(-2).join(' '));
    await page.getByLabel('Số tiền (đồng)').fill(gift.amount_vnd.toLocaleString('de-DE'));
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.waitForURL(/tim-kiem/);
    await expect.poll(() => page.locator(`tr#${gift.receipt_code}`).count()).toBe(1);
    expect(await page.locator(`tr#${gift.receipt_code}`).textContent()).toContain(gift.entry_hash!.slice(0, 10));
  });

  it('follows a receipt code to every house its pooled money built', async () => {
    await page.goto(`${server.url}/tra-cuu/`);
    await page.getByLabel('Mã biên nhận').fill(pooledGift.receipt_code.toLowerCase());
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.getByTestId('lookup-result').waitFor();
    const houses = await page.getByTestId('lookup-house').locator('h3 a').allTextContents();
    expect(houses.map((h) => h.replace('Nhà ', '')).sort()).toEqual(pooledGift.houses);
    expect(await page.getByTestId('lookup-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('switches language and back on the same page', async () => {
    await page.goto(`${server.url}/khu-vuc/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await page.getByTestId('lang-switch').click();
    await page.waitForURL(`${server.url}/en/khu-vuc/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toContain('Areas');
    await page.getByTestId('lang-switch').click();
    await page.waitForURL(`${server.url}/khu-vuc/`);
    expect(await page.locator('h1').textContent()).toContain('Khu vực');
  });

  it('verifies the published hash chain in the browser', async () => {
    const checkpoint = JSON.parse(readFileSync(join(dataDir, FILES.checkpoint), 'utf8')) as Checkpoint;
    await page.goto(`${server.url}/en/du-lieu-mo/`);
    // The check is a React island hydrated when visible: Astro drops the island's ssr mark once it is live.
    await page.getByTestId('verify-button').scrollIntoViewIfNeeded();
    await page.waitForSelector('astro-island:not([ssr]) [data-verify]');
    await page.getByTestId('verify-button').click();
    await page.waitForSelector('[data-verify][data-result]', { timeout: 60_000 });
    expect(await page.locator('[data-verify]').getAttribute('data-result')).toBe('valid');
    const status = await page.getByTestId('verify-status').textContent();
    expect(status).toContain(`Valid: ${checkpoint.entry_count} entries`);
    expect(status).toContain(checkpoint.head_hash);
  });
});

describe('the open dataset, downloaded', () => {
  // Async, so this process keeps serving its sockets' timers meanwhile: a blocked event loop left an idle
  // keep-alive socket open that the server had closed, and the next test's fetch failed on it.
  const verify = async (source: string) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'scripts/verify-dataset.ts', source], { encoding: 'utf8' });
      return { status: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { status: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };

  it('verifies online, and a single edited journal line in a download makes verify-dataset fail', async () => {
    const online = await verify(`${server.url}/du-lieu/`);
    expect(online.stdout + online.stderr).toContain('OK:');
    expect(online.status).toBe(0);

    const copy = join(root, 'download');
    // Connection: close, since the verify runs below block this process longer than the server keeps an
    // idle connection open, and the next test would otherwise reuse a socket the server already closed.
    const once = { headers: { connection: 'close' } };
    const checkpoint = JSON.parse(await (await fetch(`${server.url}/du-lieu/checkpoint.json`, once)).text()) as Checkpoint;
    for (const path of [FILES.checkpoint, 'checkpoint', 'checkpoints.ndjson', ...checkpoint.files.map((f) => f.path)]) {
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      writeFileSync(join(copy, path), Buffer.from(await (await fetch(`${server.url}/du-lieu/${path}`, once)).arrayBuffer()));
    }
    expect((await verify(copy)).status).toBe(0);

    const chunk = join(copy, checkpoint.journal_chunks[0]!);
    const lines = readFileSync(chunk, 'utf8').split('\n');
    const target = lines.findIndex((l) => l.includes('"kind":"allocation"'));
    lines[target] = lines[target]!.replace(/Phân bổ cho nhà BK-\d+/, 'Phân bổ cho nhà BK-99999');
    writeFileSync(chunk, lines.join('\n'));
    const tampered = await verify(copy);
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toContain(`FAILED at journal entry #${target + 1}`);
  });
});

// Every file of a dataset folder with its SHA-256.
function datasetHashes(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub))) {
      const path = join(sub, name);
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else hashes[path] = createHash('sha256').update(readFileSync(join(dir, path))).digest('hex');
    }
  };
  walk('');
  return hashes;
}

describe.skipIf(!process.env.DATABASE_URL)('the same demo on PostgreSQL', () => {
  it('publishes byte for byte the dataset PGlite publishes', () => {
    const pglite = datasetHashes(dataDir);
    expect(Object.keys(pglite).length).toBeGreaterThan(10);
    expect(datasetHashes(pgDataDir)).toEqual(pglite);
  });
});

for (const driver of drivers) describe(`the live endpoints (${driver})`, () => {
  const server = { get url() { return servers[driver]!.url; } };

  // The spawnSync calls above block the event loop past the server's keep-alive timeout: let the
  // client see the closed pooled sockets before the next request reuses one ("other side closed").
  beforeAll(() => new Promise((resolve) => setTimeout(resolve, 200)));

  it('refuse bad search parameters with a 400 in Vietnamese, or in English when asked', async () => {
    const vi = await fetch(`${server.url}/api/search?amount=mot-trieu`);
    expect(vi.status).toBe(400);
    expect((await vi.json()).message).toBe('Yêu cầu không hợp lệ: amount: Số tiền phải là số.');
    const en = await fetch(`${server.url}/api/search?amount=mot-trieu&from=2025-01-01`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(en.status).toBe(400);
    expect((await en.json()).message).toBe('Invalid request: amount: The amount must be a number.');
    const unknown = await fetch(`${server.url}/api/search?name=x`);
    expect(unknown.status).toBe(400);
    const page = await fetch(`${server.url}/en/tim-kiem/?from=2025-13-01`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('No such date');
  });

  it('answer a good search with each hit linked to its journal entry and hash', async () => {
    const response = await fetch(`${server.url}/api/search?code=${pooledGift.receipt_code}`);
    expect(response.status).toBe(200);
    const body = await response.json() as { total: number; results: PublicContribution[] };
    expect(body.total).toBe(1);
    expect(body.results[0]).toMatchObject({ receipt_code: pooledGift.receipt_code, entry_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const lookup = await fetch(`${server.url}/api/lookup?code=${pooledGift.receipt_code}`);
    expect(lookup.status).toBe(200);
    const found = await lookup.text();
    for (const code of pooledGift.houses) expect(found).toContain(code);
    expect((await fetch(`${server.url}/api/lookup?code=ACNOTREAL2`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/lookup?code=%3Cscript%3E`)).status).toBe(400);
  });
});
