// The live bank feed against the built server, from a local stand-in for the feed service
// (scripts/lib/bank-feed-sender.ts): a donor pledges without JavaScript, the service's signed
// notification arrives, and the receipt page says the money was received, for the house; unsigned
// notifications change nothing; a burst with retries, shuffled over concurrent connections, posts each
// transaction once. On PGlite in a scratch folder, and on PostgreSQL too when DATABASE_URL is set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../db/world';
import { createPledge } from '../../src/payments/pledges';
import { ensureBuilt, startServer, type RunningServer } from './browser';
import { serverDatabase, type ServerDatabase } from './server-database';
import { sepayBody, signedFeedRequest } from '../../scripts/lib/bank-feed-sender';

const FEED_SECRET = 'feed-secret-e2e';
const BURST = 1000;
const ACCOUNT = '0011000000000';
const baseUrl = process.env.DATABASE_URL;
const dbName = `ancu_e2e_feed_${process.pid}`;
const drivers = ['pglite', ...(baseUrl ? ['postgres' as const] : [])] as const;

for (const driver of drivers) describe(`bank feed on the built server (${driver})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ancu-feed-'));
  let server: RunningServer;
  let database: ServerDatabase;
  let world: World;
  const burst: string[] = [];
  const form = (path: string, fields: Record<string, string>) => fetch(`${server.url}${path}`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
  });
  const pledge = async (fields: Record<string, string>) => {
    const posted = await form('/ung-ho', { anonymous: 'on', method: 'bank_transfer', ...fields });
    expect(posted.status).toBe(303);
    return /\/ung-ho\/(AC[0-9A-Z]{8})$/.exec(posted.headers.get('location')!)![1]!;
  };
  const notify = (body: unknown, secret = FEED_SECRET) => {
    const signed = signedFeedRequest(body, secret);
    return fetch(`${server.url}/api/bank/feed`, { method: 'POST', headers: signed.headers, body: signed.body });
  };

  beforeAll(async () => {
    await ensureBuilt();
    database = await serverDatabase(driver, dir, dbName);
    const handle = database.open();
    await handle.migrate();
    world = await buildWorld(handle.db);
    // The burst's pledges, recorded before the server starts (the page limits pledges per address).
    for (let i = 0; i < BURST; i++) {
      const { pledge: p } = await createPledge(handle.db, { target: { type: 'general' }, amountVnd: 100_000 + i * 1000, displayName: null, anonymous: true, email: null, method: 'bank_transfer' });
      burst.push(p.receiptCode);
    }
    await handle.close();
    server = await startServer({ ...database.env, BANK_FEED_HMAC_SECRET: FEED_SECRET });
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('confirms a pledge within the request that notifies it; a wrong signature is refused and changes nothing', { timeout: 120_000 }, async () => {
    const house = world.houses[0]!;
    const code = await pledge({ target: 'house', house: house.publicCode, amount: '2.000.000' });
    const waiting = await (await fetch(`${server.url}/ung-ho/${code}`)).text();
    expect(waiting).toContain('data-status="pending"');
    expect(waiting).toContain('data-testid="refresh"');
    const body = sepayBody({ id: 1, accountNumber: ACCOUNT, amountVnd: 2_000_000, content: `MBVCB.1.${code.toLowerCase()}.CT tu 0123` });
    const forged = await notify(body, 'not-the-secret');
    expect(forged.status).toBe(401);
    expect(await (await fetch(`${server.url}/ung-ho/${code}`)).text()).toContain('data-status="pending"');
    const started = performance.now();
    const answer = await notify(body);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ success: true, replayed: false, matched: true });
    const receipt = await (await fetch(`${server.url}/ung-ho/${code}`)).text();
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(receipt).toContain('data-status="confirmed"');
    expect(receipt).toContain(`2.000.000 ₫ cho nhà ${house.publicCode}`);
    expect(receipt).not.toContain('data-testid="refresh"');
    expect(await (await notify(body)).json()).toMatchObject({ success: true, replayed: true });
  });

  it('posts each of 1,000 notifications once, with 30% retries shuffled over 8 connections', { timeout: 600_000 }, async () => {
    const codes = burst;
    const bodies = codes.map((code, i) => sepayBody({ id: 1000 + i, accountNumber: ACCOUNT, amountVnd: 100_000 + i * 1000, content: `CK ${code}` }));
    const sends = [...bodies, ...bodies.filter((_, i) => i % 10 < 3)].map((b, i) => ({ b, order: (i * 7919) % 101 })).sort((x, y) => x.order - y.order).map((x) => x.b);
    const answers: { replayed: boolean }[] = [];
    await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
      for (let i = worker; i < sends.length; i += 8) {
        const response = await notify(sends[i]);
        expect(response.status).toBe(200);
        answers.push(await response.json() as { replayed: boolean });
      }
    }));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(BURST);
    expect(answers).toHaveLength(sends.length);
    await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
      for (let i = worker; i < codes.length; i += 8) {
        expect(await (await fetch(`${server.url}/ung-ho/${codes[i]}`)).text()).toContain('data-status="confirmed"');
      }
    }));
  });
});
