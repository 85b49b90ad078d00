// A gift on the public site within a minute of the bank's notification, with no site build: the server
// started as `npm start` leaves it (a swappable site folder) receives a signed feed notification (or
// Stripe's signed event for a card gift), publishes the dataset on its own, and a visitor reloading the house page in Chromium sees the gift; the house and
// ledger pages are rendered on request with validators (304 for a current copy) and 404 for what the
// dataset does not hold. On PGlite, and on PostgreSQL too when DATABASE_URL is set.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../db/world';
import { createPledge } from '../../src/payments/pledges';
import { sepayBody, signedFeedRequest } from '../../scripts/lib/bank-feed-sender';
import { deliver, sessionObject, startStripeStandIn, stripeEvent, type StripeStandIn } from '../../scripts/lib/stripe-stand-in';
import { schema } from '../../db/client';
import { newReceiptCode } from '../../src/domain/codes';
import { ensureBuilt, launchBrowser } from './browser';
import { serverDatabase, type ServerDatabase } from './server-database';
import { swappableSite, type SwappableSite } from './staff-server';
import { startProdServer, type ProdServer } from './prod-server';

const FEED_SECRET = 'feed-secret-live';
const WEBHOOK_SECRET = 'whsec_live';
const baseUrl = process.env.DATABASE_URL;
const dbName = `ancu_e2e_live_${process.pid}`;
const drivers = ['pglite', ...(baseUrl ? ['postgres' as const] : [])] as const;

for (const driver of drivers) describe(`a gift on the public site within one publish (${driver})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ancu-live-'));
  let site: SwappableSite;
  let server: ProdServer;
  let database: ServerDatabase;
  let world: World;
  let browser: Browser;
  let receipt: string;
  let standIn: StripeStandIn;
  const card = { code: newReceiptCode(), session: 'cs_live_1', intent: 'pi_live_1', amountVnd: 2_340_000 };

  beforeAll(async () => {
    await ensureBuilt();
    site = swappableSite(`live-${driver}`);
    database = await serverDatabase(driver, dir, dbName);
    const handle = database.open();
    await handle.migrate();
    world = await buildWorld(handle.db);
    const { pledge } = await createPledge(handle.db, { target: { type: 'house', houseCode: world.houses[0]!.publicCode }, amountVnd: 3_450_000, displayName: 'Cô Lan', anonymous: false, email: null, method: 'bank_transfer' });
    receipt = pledge.receiptCode;
    await handle.db.insert(schema.pledges).values({ receiptCode: card.code, campaignId: world.campaignId, targetType: 'house', targetHouseId: world.houses[1]!.houseId,
      targetAreaId: world.communeA, amountVnd: card.amountVnd, displayName: 'Anh Minh', anonymous: false, method: 'card', stripeSessionId: card.session });
    await handle.close();
    standIn = await startStripeStandIn();
    standIn.payments.set(card.intent, card.amountVnd);
    server = await startProdServer({ ...database.env, ANCU_SITE_DIR: site.root, BANK_FEED_HMAC_SECRET: FEED_SECRET, LIVE_PUBLISH_DELAY_MS: '500',
      STRIPE_SECRET_KEY: 'sk_test_live', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: standIn.url });
    browser = await launchBrowser();
  }, 600_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail' && server) console.error(server.output().split('\n').filter((line) => !line.includes('"http.request"')).join('\n').slice(-3000));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await standIn?.close();
    await database?.drop();
    site?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the gift on its house page and the ledger within a minute of the bank's notification, without a build", { timeout: 180_000 }, async () => {
    const house = world.houses[0]!;
    const page = await browser.newPage();
    const builds = () => readdirSync(join(site.root, 'builds'));
    const before = builds();
    const signed = signedFeedRequest(sepayBody({ id: 1, accountNumber: '0011000000000', amountVnd: 3_450_000, content: `MBVCB.1.${receipt}.CT tu 0123` }), FEED_SECRET);
    const started = performance.now();
    const answer = await fetch(`${server.url}/api/bank/feed`, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(await answer.json()).toMatchObject({ success: true, matched: true });
    let visibleMs = Infinity;
    while (performance.now() - started < 60_000) {
      const response = await page.goto(`${server.url}/nha/${house.publicCode}/`);
      if (response?.status() === 200 && (await page.getByTestId('house-funders').textContent())?.includes(receipt)) {
        visibleMs = performance.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(visibleMs).toBeLessThan(60_000);
    const row = page.getByTestId('house-funders').locator('tr', { hasText: receipt });
    expect(await row.textContent()).toContain('Cô Lan');
    expect(await row.textContent()).toContain('3.450.000 ₫');
    // The receipt links to the ledger page that holds it, rendered from the same publish.
    await row.getByRole('link', { name: receipt }).click();
    await page.waitForURL(/\/sao-ke\/1\/#/);
    expect(await page.locator(`[id="${receipt}"]`).count()).toBe(1);
    // One new build folder: the served pages linked, the dataset new; no site build made it (no server/).
    const added = builds().filter((name) => !before.includes(name));
    expect(added).toHaveLength(1);
    expect(readdirSync(join(site.root, 'builds', added[0]!))).toEqual(['client']);
    await page.close();
  });

  it("shows a card gift on its house page within a minute of Stripe's signed event, without a build", { timeout: 180_000 }, async () => {
    const house = world.houses[1]!;
    const event = stripeEvent('checkout.session.completed', sessionObject({ id: card.session, paymentIntent: card.intent, amountVnd: card.amountVnd, receiptCode: card.code, paid: true }));
    const started = performance.now();
    const answer = await deliver(`${server.url}/api/stripe/webhook`, WEBHOOK_SECRET, event);
    expect(await answer.json()).toMatchObject({ outcome: 'confirmed' });
    let page = '';
    while (performance.now() - started < 60_000 && !page.includes(card.code)) {
      await new Promise((r) => setTimeout(r, 500));
      const response = await fetch(`${server.url}/nha/${house.publicCode}/`);
      page = response.status === 200 ? await response.text() : '';
    }
    expect(page).toContain(card.code);
    expect(page).toContain('Anh Minh');
  });

  it('answers a current copy with 304 and what the dataset does not hold with 404', async () => {
    const house = world.houses[0]!;
    const first = await fetch(`${server.url}/en/nha/${house.publicCode}/`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    expect(Date.parse(first.headers.get('last-modified')!)).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/en/nha/${house.publicCode}/`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${server.url}/sao-ke/1/`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${server.url}/sao-ke/1/`, { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
    for (const path of ['/nha/KHONG-CO/', '/fr/nha/' + house.publicCode + '/', '/sao-ke/0/', '/sao-ke/01/', '/sao-ke/99/', '/en/sao-ke/abc/']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });
});
