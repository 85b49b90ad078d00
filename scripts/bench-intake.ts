// npm run bench:intake — signed Stripe webhook events and signed bank-feed notifications posted over
// HTTP to the built server (PostgreSQL behind it) at 1 and 16 concurrent clients, each request in its own transaction and then with group commit, beside bare one-row
// INSERTs on the same server in the same run; then the time `npm run import:bank` takes for a 100,000-row statement (--matched 0,0.1,1
// sets the shares of rows that match a pledge and so post a ledger entry each; beside any matching share, --debits 0.05 of
// the rows are debits paying approved payments to households); and the time from one bank-feed notification to its gift
// on the public house page, on a server started as `npm start` leaves it (live publish). `--only statement` runs the statement part alone;
// `--matched none` skips it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { openPostgres, type Db } from '../db/client';
import { schema } from '../db/client';
import { newReceiptCode } from '../src/domain/codes';
import { recordCashContribution } from '../src/domain/contributions';
import { decideDisbursement, proposeDisbursement } from '../src/domain/disbursements';
import { eq, inArray } from 'drizzle-orm';
import { ensureBuilt, startServer } from '../tests/e2e/browser';
import { startProdServer } from '../tests/e2e/prod-server';
import { swappableSite } from '../tests/e2e/staff-server';
import { parseFlags, progress, runCli } from './lib/cli';
import { benchWorld, scratchDatabase } from './lib/bench';
import { sessionObject, signatureFor, startStripeStandIn, stripeEvent } from './lib/stripe-stand-in';
import { vietcombankCsv, type FixtureRow } from './lib/statement-fixture';
import { sepayBody, signedFeedRequest } from './lib/bank-feed-sender';
import { cpuMeter, cpuPerRequest, type CpuSample } from './lib/cpu';

const flags = parseFlags(process.argv.slice(2), ['seconds', 'rows', 'matched', 'debits', 'only']);
if (flags.only !== undefined && flags.only !== 'statement') {
  console.error(`--only takes "statement", not "${flags.only}"`);
  process.exit(2);
}
const SECONDS = Number(flags.seconds ?? 5);
const STATEMENT_ROWS = Number(flags.rows ?? 100_000);
// Shares of the statement's rows that carry a pending pledge's code (each becomes one ledger entry); `none` skips the import.
const MATCHED_SHARES = flags.matched === 'none' ? [] : (flags.matched ?? '0,0.1').split(',').map(Number);
// Share of the rows that are debits paying an approved payment, beside a matching share (the no-match case has none).
const DEBIT_SHARE = Number(flags.debits ?? 0.05);
const SECRET = 'whsec_bench_intake';
const FEED_SECRET = 'feed_bench_intake';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// Runs `workers` loops of `op` for the configured time; returns the rate, each operation's latency and,
// given a meter, the CPU each process spent per operation.
async function measure(workers: number, op: (worker: number) => Promise<void>, meter?: () => CpuSample) {
  const latencies: number[] = [];
  const cpuBefore = meter?.();
  const deadline = Date.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, async (_, worker) => {
    while (Date.now() < deadline) {
      const t = performance.now();
      await op(worker);
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const cpu = cpuBefore && cpuPerRequest(cpuBefore, meter!(), latencies.length);
  return { perSecond: latencies.length / elapsed, count: latencies.length, medianMs: percentile(latencies, 50), p99Ms: percentile(latencies, 99), cpu };
}

// "server / PostgreSQL / client" CPU milliseconds per request, and the rate the machine's cores allow at that cost.
function cpuCells(cpu: CpuSample | undefined): string {
  if (!cpu || Number.isNaN(cpu.postgresMs)) return '— | —';
  const totalMs = cpu.serverMs + cpu.postgresMs + cpu.clientMs;
  return `${cpu.serverMs.toFixed(1)} / ${cpu.postgresMs.toFixed(1)} / ${cpu.clientMs.toFixed(1)} | ${((os.cpus().length * 1000) / totalMs).toFixed(0)}`;
}

// Pending pledges in bulk, as the donation page would have recorded them.
async function insertPledges(db: Db, campaignId: number, count: number, method: 'card' | 'bank_transfer', target: (i: number) => { targetType: 'house' | 'commune' | 'general'; targetHouseId: number | null; targetAreaId: number | null }) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    rows.push({ receiptCode: newReceiptCode(), campaignId, ...target(i), amountVnd: 100_000 + (i % 40) * 10_000, anonymous: true, method, stripeSessionId: method === 'card' ? `cs_bench_${i}` : null });
  }
  for (let i = 0; i < rows.length; i += 2000) await db.insert(schema.pledges).values(rows.slice(i, i + 2000));
  return rows;
}

/** A payment to a household as the statement's debit shows it. */
interface PaidOut { amountVnd: number; houseCode: string; day: number }

// Runs `count` operations on `workers` connections at once (the chain lock orders the postings).
async function inParallel(workers: number, count: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < count) await op(next++);
  }));
}

// Approved payments to households made as staff make them: a bank-transfer gift to each house, then
// each payment recorded by one person and approved by another, on a September day the debit shows.
async function approvedPayments(db: Db, campaignId: number, houses: { houseId: number }[], count: number): Promise<PaidOut[]> {
  const codes = new Map((await db.select({ id: schema.houses.id, code: schema.houses.publicCode }).from(schema.houses)
    .where(inArray(schema.houses.id, houses.map((h) => h.houseId)))).map((h) => [h.id, h.code]));
  await inParallel(8, houses.length, (h) => recordCashContribution(db, {
    idempotencyKey: `bench-house-gift-${h}`, campaignId, channel: 'bank_transfer', amountVnd: 30_000_000, target: { type: 'house', houseId: houses[h]!.houseId },
    receivedAt: new Date(Date.UTC(2024, 7, 20)), donor: { kind: 'organisation', displayName: `Doanh nghiệp ${h}` },
  }));
  const paid: PaidOut[] = Array.from({ length: count }, (_, i) => ({ amountVnd: 500_000 + (i % 20) * 50_000, houseCode: codes.get(houses[i % houses.length]!.houseId)!, day: 1 + (i % 28) }));
  await inParallel(8, count, async (i) => {
    const houseId = houses[i % houses.length]!.houseId;
    const when = new Date(Date.UTC(2024, 8, paid[i]!.day, 2));
    const { result } = await proposeDisbursement(db, { idempotencyKey: `bench-pay-${i}`, houseId, amountVnd: paid[i]!.amountVnd, purpose: `Đợt ${1 + Math.floor(i / houses.length)}`, recordedBy: 'Kế toán', recordedAt: when });
    await decideDisbursement(db, { idempotencyKey: `bench-approve-${i}`, disbursementId: result.disbursementId, decidedBy: 'Chủ tịch', decidedAt: when, approve: true });
  });
  return paid;
}

// One notification for a house pledge, sent to the production server on a swappable site folder; the
// seconds until a reload of the house page shows its receipt code (the live publish of the whole ledger).
async function notificationToVisible(databaseUrl: string, campaignId: number, houseId: number): Promise<number> {
  const handle = openPostgres(databaseUrl, 2);
  const [house] = await handle.db.select({ code: schema.houses.publicCode, areaId: schema.houses.areaId }).from(schema.houses).where(eq(schema.houses.id, houseId));
  const [pledge] = await insertPledges(handle.db, campaignId, 1, 'bank_transfer', () => ({ targetType: 'house', targetHouseId: houseId, targetAreaId: house!.areaId }));
  await handle.close();
  const site = swappableSite('bench-live');
  const server = await startProdServer({ DATABASE_URL: databaseUrl, ANCU_SITE_DIR: site.root, BANK_FEED_HMAC_SECRET: FEED_SECRET });
  try {
    const signed = signedFeedRequest(sepayBody({ id: 9_000_000, accountNumber: '0011000000000', amountVnd: pledge!.amountVnd, content: `MBVCB.9.${pledge!.receiptCode}.CT` }), FEED_SECRET);
    const started = performance.now();
    const answer = await fetch(`${server.url}/api/bank/feed`, { method: 'POST', headers: signed.headers, body: signed.body });
    if (answer.status !== 200) throw new Error(`the notification was refused: ${answer.status} ${await answer.text()}`);
    for (;;) {
      const page = await fetch(`${server.url}/nha/${house!.code}/`);
      if (page.status === 200 && (await page.text()).includes(pledge!.receiptCode)) return (performance.now() - started) / 1000;
      if (performance.now() - started > 600_000) throw new Error('the gift was not on its house page after 10 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await server.stop();
    site.cleanup();
  }
}

type PledgeTarget = Parameters<typeof insertPledges>[4];

// The Stripe webhook and the bank feed at 1 and 16 clients (table rows into `rows`); then the seconds from a
// notification to its gift on the public site.
async function endpoints(databaseUrl: string, campaignId: number, target: PledgeTarget, houseId: number, rows: string[]): Promise<number> {
  const setup = openPostgres(databaseUrl, 4);
  console.log('Preparing 40,000 card pledges ...');
  const cardPledges = await insertPledges(setup.db, campaignId, 40_000, 'card', target);
  console.log('Preparing 40,000 bank-transfer pledges for the feed ...');
  const feedPledges = await insertPledges(setup.db, campaignId, 40_000, 'bank_transfer', target);
  await setup.close();

  console.log('Building the site when its sources changed (astro build) ...');
  await ensureBuilt();
  let next = 0;
  let nextFeed = 0;
  // The same load on a server whose requests each take their own transaction, then on one that shares them (group commit).
  for (const groupCommit of ['off', 'on']) {
    const webhook = { url: '', secret: SECRET };
    const standIn = await startStripeStandIn({ webhook });
    cardPledges.forEach((p, i) => standIn.payments.set(`pi_bench_${i}`, p.amountVnd));
    const server = await startServer({
      DATABASE_URL: databaseUrl, STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: standIn.url, BANK_FEED_HMAC_SECRET: FEED_SECRET, GROUP_COMMIT: groupCommit,
    });
    webhook.url = `${server.url}/api/stripe/webhook`;
    console.log(`Built server at ${server.url} (group commit ${groupCommit}), Stripe API stand-in at ${standIn.url}.`);
    // One card payment confirmed by its signed Stripe event; one bank transfer by its signed feed notification.
    const confirmCard = async () => {
      const i = next++;
      const p = cardPledges[i]!;
      const event = stripeEvent('checkout.session.completed', sessionObject({ id: `cs_bench_${i}`, paymentIntent: `pi_bench_${i}`, amountVnd: p.amountVnd, receiptCode: p.receiptCode, paid: true }));
      const payload = JSON.stringify(event);
      const response = await fetch(webhook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signatureFor(payload, SECRET) }, body: payload });
      const body = await response.json() as { outcome?: string };
      if (response.status !== 200 || body.outcome !== 'confirmed') throw new Error(`event ${i}: ${response.status} ${JSON.stringify(body)}`);
    };
    const notifyFeed = async () => {
      const i = nextFeed++;
      const p = feedPledges[i]!;
      const signed = signedFeedRequest(sepayBody({ id: i + 1, accountNumber: '0011000000000', amountVnd: p.amountVnd, content: `MBVCB.${i}.${p.receiptCode}.CT tu 0123` }), FEED_SECRET);
      const response = await fetch(`${server.url}/api/bank/feed`, { method: 'POST', headers: signed.headers, body: signed.body });
      const body = await response.json() as { matched?: boolean };
      if (response.status !== 200 || !body.matched) throw new Error(`feed ${i}: ${response.status} ${JSON.stringify(body)}`);
    };
    try {
      // The first requests load the server's code: they are not measured.
      for (let i = 0; i < 20; i++) await Promise.all([confirmCard(), notifyFeed()]);
      for (const clients of [1, 16]) {
        const plainClient = postgres(databaseUrl, { max: clients, onnotice: () => {} });
        let n = 0;
        const plain = await measure(clients, async (w) => { await plainClient`INSERT INTO bench_plain (amount_vnd, note) VALUES (${100_000 + n++}, ${`w${w}`})`; });
        const [{ pid: backendPid }] = await plainClient<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
        const meter = cpuMeter(server.process.pid!, backendPid);
        await plainClient.end();
        const events = await measure(clients, confirmCard, meter);
        const feed = await measure(clients, notifyFeed, meter);
        const aim = (p99: number) => (clients === 16 ? ` (${p99 < 50 ? 'meets' : 'misses'} the 50 ms aim)` : '');
        rows.push(`| ${clients} | ${groupCommit} | ${plain.perSecond.toFixed(0)} | Stripe webhook | ${events.perSecond.toFixed(0)} | ${events.medianMs.toFixed(1)} | ${events.p99Ms.toFixed(1)}${aim(events.p99Ms)} | ${events.count} | ${cpuCells(events.cpu)} |`);
        rows.push(`| ${clients} | ${groupCommit} | | bank feed | ${feed.perSecond.toFixed(0)} | ${feed.medianMs.toFixed(1)} | ${feed.p99Ms.toFixed(1)}${aim(feed.p99Ms)} | ${feed.count} | ${cpuCells(feed.cpu)} |`);
        console.log(`${clients} client(s), group commit ${groupCommit}: bare INSERT ${plain.perSecond.toFixed(0)}/s; webhook ${events.perSecond.toFixed(0)} events/s, median ${events.medianMs.toFixed(1)} ms, p99 ${events.p99Ms.toFixed(1)} ms; feed ${feed.perSecond.toFixed(0)}/s, median ${feed.medianMs.toFixed(1)} ms, p99 ${feed.p99Ms.toFixed(1)} ms`);
      }
    } finally {
      await server.stop();
      await standIn.close();
    }
  }

  return notificationToVisible(databaseUrl, campaignId, houseId);
}

await runCli(async () => {
  const scratch = await scratchDatabase('bench:intake', 'bench_intake');
  if (!scratch) return 2;
  const { admin, url } = scratch;
  console.log(`Scratch database ${scratch.name}; ${SECONDS} s per measurement.\n`);

  const setup = openPostgres(url.toString(), 4);
  await setup.migrate();
  const { campaignId, communes, houses } = await benchWorld(setup.db);
  // The mix of the ledger benchmark: 15% to a house, 15% to a commune, the rest to the general fund.
  const target = (i: number) => {
    const pick = i % 20;
    if (pick < 3) { const house = houses[(i * 13) % houses.length]!; return { targetType: 'house' as const, targetHouseId: house.houseId, targetAreaId: house.areaId }; }
    if (pick < 6) return { targetType: 'commune' as const, targetHouseId: null, targetAreaId: communes[i % 10]! };
    return { targetType: 'general' as const, targetHouseId: null, targetAreaId: null };
  };
  await setup.close();
  const rows: string[] = [];
  const visible = flags.only === 'statement' ? null : await endpoints(url.toString(), campaignId, target, houses[0]!.houseId, rows);

  console.log(`\nPreparing a ${STATEMENT_ROWS.toLocaleString('en')}-row Vietcombank statement ...`);
  const imports: string[] = [];
  const dir = mkdtempSync(join(os.tmpdir(), 'ancu-bench-intake-'));
  try {
    for (const matchedShare of MATCHED_SHARES) {
      const handle = openPostgres(url.toString(), 8);
      const matchedRows = Math.round(STATEMENT_ROWS * matchedShare);
      const debitRows = matchedShare > 0 ? Math.round(STATEMENT_ROWS * DEBIT_SHARE) : 0;
      const bankPledges = await insertPledges(handle.db, campaignId, matchedRows, 'bank_transfer', target);
      if (debitRows > 0) console.log(`Approving ${debitRows.toLocaleString('en')} payments to households for the statement's debits ...`);
      const paid = debitRows > 0 ? await approvedPayments(handle.db, campaignId, houses, debitRows) : [];
      await handle.close();
      const fixture: FixtureRow[] = [];
      for (let i = 0; i < STATEMENT_ROWS; i++) {
        const p = bankPledges[i];
        const out = paid[i - matchedRows];
        const day = String(1 + (i % 28)).padStart(2, '0');
        fixture.push(p
          ? { date: `${day}/09/2024 10:${String(i % 60).padStart(2, '0')}`, reference: `FT${matchedShare}-${i}`, creditVnd: p.amountVnd, memo: `MBVCB.${1_000_000 + i}.${p.receiptCode}.CT tu 0123456789 NGUYEN VAN ${i}` }
          : out
            ? { date: `${String(out.day).padStart(2, '0')}/09/2024 15:00`, reference: `FT${matchedShare}-${i}`, debitVnd: out.amountVnd, memo: `CHI TRA HO ${out.houseCode} XAY NHA DAI DOAN KET` }
            : { date: `${day}/09/2024 11:00`, reference: `FT${matchedShare}-${i}`, creditVnd: 50_000 + (i % 30) * 10_000, memo: `ung ho dong bao lu lut ${i}` });
      }
      const file = join(dir, `statement-${matchedShare}.csv`);
      writeFileSync(file, vietcombankCsv(fixture, { openingVnd: paid.reduce((sum, p) => sum + p.amountVnd, 0) }));
      const report = progress(`import (${Math.round(matchedShare * 100)}% matched)`);
      report(0);
      const started = performance.now();
      const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/import-bank.ts', file], { env: { ...process.env, DATABASE_URL: url.toString() }, maxBuffer: 64 * 1024 * 1024 });
      const seconds = (performance.now() - started) / 1000;
      const matched = /matched and confirmed: (\d+)/.exec(stdout)?.[1];
      const debitsPaid = /matched to approved payments to households: (\d+)/.exec(stdout)?.[1];
      if (Number(matched) !== matchedRows || Number(debitsPaid) !== debitRows) throw new Error(`expected ${matchedRows} matched rows and ${debitRows} debits matched to payments, the import said:\n${stdout}`);
      const debitsText = debitRows > 0 ? `, ${Math.round(DEBIT_SHARE * 100)}% debits (${debitRows.toLocaleString('en')} matched to approved payments)` : '';
      imports.push(`| ${STATEMENT_ROWS.toLocaleString('en')} | ${Math.round(matchedShare * 100)}% (${matchedRows.toLocaleString('en')} ledger entries)${debitsText} | ${seconds.toFixed(1)} s (${seconds < 20 ? 'meets' : 'misses'} the 20 s aim) |`);
      console.log(`${STATEMENT_ROWS.toLocaleString('en')} rows, ${Math.round(matchedShare * 100)}% matched${debitsText}: ${seconds.toFixed(1)} s wall clock including process start and parsing (${seconds < 20 ? 'meets' : 'misses'} the 20 s aim)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (visible !== null) {
    console.log('\n| clients | group commit | bare INSERT /s | endpoint | requests /s | median ms | p99 ms | requests | CPU ms per request: server / PostgreSQL / client | requests /s the cores allow at that cost |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of rows) console.log(row);
    console.log(`\nBank-feed notification to the gift on its public house page: ${visible.toFixed(1)} s (${visible < 60 ? 'meets' : 'misses'} the 60 s aim).`);
  }
  console.log('\n| statement rows | rows matching a pledge or a payment | npm run import:bank |');
  console.log('| --- | --- | --- |');
  for (const row of imports) console.log(row);
  await scratch.drop();
  await admin.end();
});
