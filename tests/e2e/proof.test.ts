// A donor's receipt page proves the gift is in the fund's signed public log, in the browser, from the
// static tiles the built site serves; without JavaScript the page still states the gift and its entry.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, queryRows, schema } from '../../db/client';
import { generateDemo, SMALL_DEMO } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import type { Checkpoint } from '../../src/publish/format';
import { ensureBuilt, launchBrowser, startServer, type RunningServer } from './browser';

const RECEIPT = 'ACPROOF123';

describe('inclusion proof on the receipt page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ancu-proof-'));
  let server: RunningServer;
  let browser: Browser;
  let gift: { id: number; amount_vnd: number; entry_id: number; receipt_code: string };

  beforeAll(async () => {
    await ensureBuilt();
    // The same demo the built site's dataset was published from (it is deterministic), plus a confirmed
    // pledge whose gift is one of the demo's, so its receipt page has an entry in the published log.
    const handle = openPglite(join(dir, 'pglite'));
    await handle.migrate();
    await loadDemo(handle, generateDemo(SMALL_DEMO));
    const published = JSON.parse(readFileSync(resolve('.build/e2e-dataset/checkpoint.json'), 'utf8')) as Checkpoint;
    const [head] = await handle.db.select().from(schema.chainHead);
    expect(head!.headHash, 'the demo is not the one the site was built from').toBe(published.head_hash);
    const [row] = await queryRows<Record<string, string | number>>(handle.db, sql`
      SELECT c.id, c.amount_vnd, e.id AS entry_id, c.receipt_code FROM contributions c JOIN journal_entries e ON e.contribution_id = c.id AND e.kind = 'contribution'
      WHERE c.kind = 'cash' AND c.target_type = 'general' ORDER BY c.id DESC LIMIT 1`);
    gift = { id: Number(row!.id), amount_vnd: Number(row!.amount_vnd), entry_id: Number(row!.entry_id), receipt_code: String(row!.receipt_code) };
    await handle.db.insert(schema.pledges).values({
      receiptCode: RECEIPT, campaignId: 1, targetType: 'general', amountVnd: gift.amount_vnd, displayName: 'Người Thử', method: 'bank_transfer',
      status: 'confirmed', contributionId: gift.id, confirmedAt: new Date(),
    });
    await handle.close();
    server = await startServer({ PGLITE_DIR: join(dir, 'pglite'), DATABASE_URL: '' });
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the inclusion proof with JavaScript on', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/ung-ho/${RECEIPT}`);
    await page.waitForSelector('[data-inclusion][data-result]', { timeout: 30_000 });
    const status = await page.getByTestId('inclusion-status').textContent();
    expect(await page.locator('[data-inclusion]').getAttribute('data-result'), status!).toBe('valid');
    expect(status).toContain(`Đã xác minh: bút toán #${gift.entry_id} nằm trong nhật ký`);
    expect(await page.getByTestId('inclusion-key').textContent()).toMatch(/\+[0-9a-f]{8}\+/);
    await page.close();
  });

  it('fails the proof when the page carries a different entry', async () => {
    const page = await browser.newPage();
    await page.route(`${server.url}/ung-ho/${RECEIPT}`, async (route) => {
      const response = await route.fetch();
      // One more character in the entry's bytes (a key renamed): the leaf no longer hashes into the signed tree.
      const html = await response.text();
      const changed = html.replace(/(data-leaf="[^"]*?description)/, '$1X');
      expect(changed).not.toBe(html);
      await route.fulfill({ response, body: changed });
    });
    await page.goto(`${server.url}/ung-ho/${RECEIPT}`);
    await page.waitForSelector('[data-inclusion][data-result]', { timeout: 30_000 });
    expect(await page.locator('[data-inclusion]').getAttribute('data-result')).toBe('invalid');
    await page.close();
  });

  it('states the gift and its journal entry without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/ung-ho/${RECEIPT}`);
    expect(await page.getByTestId('receipt-code').textContent()).toBe(RECEIPT);
    expect(await page.getByTestId('status').getAttribute('data-status')).toBe('confirmed');
    const section = await page.locator('[data-inclusion]').textContent();
    expect(section).toContain(`bút toán #${gift.entry_id}`);
    expect(section).toContain(`--entry ${gift.entry_id}`);
    expect(await page.getByTestId('inclusion-status').textContent()).toContain('Bật JavaScript');
    await context.close();
  });

  it('the open-data page remembers the checkpoint and proves consistency on the next visit', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/du-lieu-mo/`);
    await page.waitForSelector('[data-consistency][data-result]', { timeout: 30_000 });
    expect(await page.locator('[data-consistency]').getAttribute('data-result')).toBe('first');
    await page.reload();
    await page.waitForSelector('[data-consistency][data-result]', { timeout: 30_000 });
    expect(await page.locator('[data-consistency]').getAttribute('data-result')).toBe('valid');
    // A remembered checkpoint the log does not extend is reported, not overwritten.
    await page.evaluate(() => {
      const saved = JSON.parse(localStorage.getItem('ancu-last-checkpoint')!);
      localStorage.setItem('ancu-last-checkpoint', JSON.stringify({ ...saved, size: saved.size - 1 }));
    });
    await page.reload();
    await page.waitForSelector('[data-consistency][data-result]', { timeout: 30_000 });
    expect(await page.locator('[data-consistency]').getAttribute('data-result')).toBe('invalid');
    expect(await page.getByTestId('journal-chunks').locator('a').count()).toBeGreaterThan(0);
    const chunk = await page.getByTestId('journal-chunks').locator('a').first().getAttribute('href');
    expect((await fetch(`${server.url}${chunk}`)).status).toBe(200);
    await page.close();
  });
});
