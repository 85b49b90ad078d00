// The donation flow against the built server, as a donor without JavaScript and Stripe would drive it:
// bank pledge → VietQR receipt → npm run import:bank → confirmed; card pledge → local Stripe stand-in
// → signed webhook → confirmed; the receipt email sent by the server's worker to a local SMTP server, the
// one-click unsubscribe, the privacy notice and erasure form. On PGlite in a scratch folder, and on PostgreSQL too when DATABASE_URL is set.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../db/world';
import { ensureBuilt, startServer, type RunningServer } from './browser';
import { serverDatabase, type ServerDatabase } from './server-database';
import { deliver, startStripeStandIn, stripeEvent, type StripeStandIn } from '../../scripts/lib/stripe-stand-in';
import { vietcombankCsv } from '../../scripts/lib/statement-fixture';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink';

const WEBHOOK_SECRET = 'whsec_e2e_donate';
const baseUrl = process.env.DATABASE_URL;
const dbName = `ancu_e2e_donate_${process.pid}`;

const drivers = ['pglite', ...(baseUrl ? ['postgres' as const] : [])] as const;

for (const driver of drivers) describe(`donation flow on the built server (${driver})`, () => {
  const onPostgres = driver === 'postgres';
  const dir = mkdtempSync(join(tmpdir(), 'ancu-donate-'));
  let env: NodeJS.ProcessEnv;
  let database: ServerDatabase;
  let server: RunningServer;
  let standIn: StripeStandIn;
  let world: World;
  let sink: SmtpSink;
  const webhook = { url: '', secret: WEBHOOK_SECRET };

  const start = async () => {
    server = await startServer(env);
    webhook.url = `${server.url}/api/stripe/webhook`;
  };
  // PGlite admits one process per data folder: the import command runs while the server is stopped.
  const withServerStopped = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    if (onPostgres) return fn();
    await server.stop();
    try { return await fn(); } finally { await start(); }
  };
  // Async, so the test process keeps answering its sockets while the command runs.
  const importBank = (file: string) => withServerStopped(() => promisify(execFile)('npx', ['tsx', 'scripts/import-bank.ts', file], { env: { ...process.env, ...env }, encoding: 'utf8' }));
  const form = (path: string, fields: Record<string, string>) => fetch(`${server.url}${path}`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
  });

  beforeAll(async () => {
    await ensureBuilt();
    standIn = await startStripeStandIn({ webhook });
    sink = await startSmtpSink();
    database = await serverDatabase(driver, dir, dbName);
    env = {
      ...database.env,
      STRIPE_SECRET_KEY: 'sk_test_e2e', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: standIn.url,
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), MAIL_FROM: 'Quỹ <quy@example.vn>',
    };
    const handle = database.open();
    await handle.migrate();
    world = await buildWorld(handle.db);
    await handle.close();
    await start();
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
    await standIn?.close();
    await sink?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a bank pledge without JavaScript, shows the VietQR code, and confirms it after import:bank', { timeout: 180_000 }, async () => {
    const house = world.houses[0]!;
    const page = await (await fetch(`${server.url}/ung-ho?house=${house.publicCode}`)).text();
    expect(page).toContain(`value="${house.publicCode}"`);
    expect(page).toContain('còn cần 30.000.000 ₫');
    const posted = await form('/ung-ho', { target: 'house', house: house.publicCode, amount: '1.500.000', displayName: 'Gia đình Anh Minh', email: 'minh@example.vn', emailConsent: 'on', method: 'bank_transfer' });
    expect(posted.status).toBe(303);
    const receiptUrl = posted.headers.get('location')!;
    const code = /\/ung-ho\/(AC[0-9A-Z]{8})$/.exec(receiptUrl)?.[1];
    expect(code).toBeDefined();
    const receipt = await (await fetch(`${server.url}/ung-ho/${code}`)).text();
    expect(receipt).toContain('<svg');
    expect(receipt).toContain('0011000000000');
    expect(receipt).toMatch(new RegExp(`data-testid="memo"[^>]*>${code}<`));
    expect(receipt).toContain('data-status="pending"');
    expect(receipt).not.toContain('minh@example.vn');

    const statement = join(dir, 'vcb.csv');
    writeFileSync(statement, vietcombankCsv([{ date: '05/09/2024 10:00', reference: 'FT001', creditVnd: 1_500_000, memo: `MBVCB.555.${code!.toLowerCase()}.CT tu 0123 NGUYEN ANH MINH` }], { openingVnd: 5_000_000 }));
    const run = await importBank(statement);
    expect(run.stdout).toMatch(/matched and confirmed: 1 transfers, 1\.500\.000 ₫/);
    expect(run.stdout).toMatch(/statement closing balance +6\.500\.000 ₫/);
    // The fund's money from before An Cư is not in the ledger: the command says where to record it.
    expect(run.stdout).toMatch(/opens with 5\.000\.000 ₫ and the ledger holds no opening balance/);
    const again = await importBank(statement);
    expect(again.stdout).toContain('already imported: nothing changed');

    const confirmed = await (await fetch(`${server.url}/ung-ho/${code}`)).text();
    expect(confirmed).toContain('data-status="confirmed"');
    expect(confirmed).toContain(`1.500.000 ₫ cho nhà ${house.publicCode}`);
    expect(confirmed).not.toContain('<svg');
  });

  it('sends the receipt from the server\'s mail worker; its one-click unsubscribe works without an Origin', async () => {
    const deadline = Date.now() + 60_000;
    while (!sink.received.some((m) => m.to[0] === 'minh@example.vn') && Date.now() < deadline) {
      await fetch(`${server.url}/ung-ho`); // the first live request starts the worker
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const receipts = sink.received.filter((m) => m.to[0] === 'minh@example.vn');
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.parsed.text).toContain('Số tiền: 1.500.000 ₫ (chuyển khoản), ngày 05/09/2024');
    const header = receipts[0]!.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    const link = new URL(/<([^>]+)>/.exec(header)![1]!);
    const oneClick = (path: string) => fetch(`${server.url}${path}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const done = await oneClick(`${link.pathname}${link.search}`);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Đã ngừng');
    // Any other form post without an Origin is still refused.
    expect((await oneClick('/ung-ho')).status).toBe(403);
    expect((await oneClick('/xoa-email')).status).toBe(403);
  });

  it('shows the privacy notice beside the personal fields, the privacy page in both languages, and the erasure form', async () => {
    const page = await (await fetch(`${server.url}/ung-ho`)).text();
    expect(page).toMatch(/aria-describedby="email-notice"/);
    expect(page).toContain('data-testid="email-notice"');
    expect(page).toContain('name="emailConsent"');
    expect(page).toContain('href="/rieng-tu/"');
    const vi = await fetch(`${server.url}/rieng-tu/`);
    expect(vi.status).toBe(200);
    expect(await vi.text()).toMatch(/Nghị định 13\/2023[\s\S]*href="\/xoa-email"/);
    expect(await (await fetch(`${server.url}/en/rieng-tu/`)).text()).toContain('Decree 13/2023');
    const erase = await form('/xoa-email', { receiptCode: 'AC00000000', email: 'nobody@example.vn' });
    expect(erase.status).toBe(200);
    expect(await erase.text()).toContain('data-testid="erasure-done"');
    const bad = await form('/en/xoa-email', { receiptCode: 'x', email: 'nobody@example.vn' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('A receipt code is AC followed by 8 characters');
  });

  it('refuses bad amounts with the reason beside the field, in Vietnamese and in English', async () => {
    for (const amount of ['0', '-50000', '150000.5']) {
      const response = await form('/ung-ho', { target: 'general', amount, anonymous: 'on', method: 'bank_transfer' });
      expect(response.status).toBe(400);
      // The one reader of typed numbers: a dot groups thousands, so "150000.5" is ambiguous, not a fraction.
      expect(await response.text()).toMatch(/Số tiền (tối thiểu|không được là số âm|&quot;150000\.5&quot; không rõ nghĩa)/);
    }
    const english = await form('/en/ung-ho', { target: 'general', amount: '5000', anonymous: 'on', method: 'bank_transfer' });
    expect(english.status).toBe(400);
    expect(await english.text()).toContain('The minimum is 10,000 ₫');
  });

  it('completes a card gift through the Stripe stand-in and the signed webhook', async () => {
    const posted = await form('/en/ung-ho', { target: 'commune', commune: String(world.communeA), amountQuick: '500000', displayName: 'Mai', method: 'card' });
    expect(posted.status).toBe(303);
    const checkout = posted.headers.get('location')!;
    expect(checkout.startsWith(`${standIn.url}/pay/`)).toBe(true);
    const paid = await fetch(checkout, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    const receipt = await (await fetch(paid.headers.get('location')!)).text();
    expect(receipt).toContain('data-status="confirmed"');
    expect(receipt).toMatch(/17,000 ₫ card fee kept by the processor/);
    expect(receipt).toMatch(/483,000 ₫ to the pool of Xã A/);
  });

  it('answers 400 over HTTP to a forged webhook and 303-redirects nothing it should not', async () => {
    const forged = await deliver(`${server.url}/api/stripe/webhook`, 'whsec_not_ours', stripeEvent('checkout.session.completed', { id: 'cs_x', object: 'checkout.session' }));
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: 'bad_signature' });
  });
});
