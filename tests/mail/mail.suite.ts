// Donor emails end to end, on PGlite and PostgreSQL: events write the outbox in their own transaction,
// the worker sends over real SMTP (smtp-server) through nodemailer, and mailparser reads what arrived.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '../../db/client';
import { allocateFromPool } from '../../src/domain/allocations';
import { advanceStage } from '../../src/domain/houses';
import { parseStatement } from '../../src/payments/bank-statement';
import { importStatement } from '../../src/payments/bank-import';
import { fundBankAccount } from '../../src/payments/config';
import { donatePage } from '../../src/payments/donate-page';
import { createPledge, type PledgeRequest } from '../../src/payments/pledges';
import { resolveReview } from '../../src/payments/review-queue';
import { readStatementFile } from '../../src/payments/statement-file';
import type { WebhookDeps } from '../../src/payments/stripe';
import { erasurePage, handleUnsubscribe } from '../../src/mail/http';
import { enqueueMessage } from '../../src/mail/outbox';
import { latestCheckpoint, resendMessage, sendDue, type RetryPolicy, type SendOptions } from '../../src/mail/worker';
import { refundedCharge, standInFeeVnd, startStripeStandIn, stripeEvent, type StripeStandIn } from '../../scripts/lib/stripe-stand-in';
import { vietcombankCsv, type FixtureRow } from '../../scripts/lib/statement-fixture';
import { buildWorld, type World } from '../db/world';
import type { FreshDb } from '../db/harness';
import { cardPledge, checkoutEvent, intakeDeps, postWebhook } from '../payments/intake-world';
import { startSmtpSink, type Received, type SmtpSink } from './smtp-sink';

const SITE = 'https://ancu.example.vn';
const dir = mkdtempSync(join(tmpdir(), 'ancu-mail-'));
let fileCounter = 0;
const retry: RetryPolicy = { baseDelayMs: 60_000, maxDelayMs: 3_600_000, maxAttempts: 3, leaseMs: 300_000 };

const headerLine = (m: Received, name: string) => m.parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
const everything = (m: Received) => `${m.parsed.subject}\n${m.parsed.text}\n${m.parsed.html || ''}\n${m.raw}`;

export function mailSuite(driver: string, fresh: FreshDb): void {
  describe(`donor emails from the outbox (${driver})`, () => {
    let sink: SmtpSink;
    let standIn: StripeStandIn;
    let handle: DbHandle;
    let world: World;
    let deps: WebhookDeps;
    beforeAll(async () => { [sink, standIn] = await Promise.all([startSmtpSink(), startStripeStandIn()]); });
    afterAll(async () => { await Promise.all([sink.close(), standIn.close()]); });
    beforeEach(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db);
      deps = intakeDeps(handle.db, standIn);
      await sink.ensureRunning();
      sink.received.length = 0;
    }, 300_000); // the first test also migrates PGlite's template, slow on a busy machine
    afterEach(async () => { await handle?.close(); });

    const transport = () => nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true, connectionTimeout: 2_000 });
    const pass = (options: Partial<SendOptions> = {}) => sendDue(handle.db, { transport: transport(), settings: { from: 'Quỹ <quy@example.vn>', site: SITE }, retry, checkpoint: () => null, ...options });
    const outbox = () => queryRows<{ id: number; kind: string; status: string; recipient: string | null; receipt_code: string | null; attempts: number; last_error: string | null }>(
      handle.db, sql`SELECT id, kind, status, recipient, receipt_code, attempts, last_error FROM mail_outbox ORDER BY id`);
    const bankPledge = async (request: Partial<PledgeRequest> = {}) => (await createPledge(handle.db, {
      target: { type: 'general' }, amountVnd: 500_000, displayName: 'Chị Lan', anonymous: false, email: 'lan@example.vn', emailConsent: true, method: 'bank_transfer', ...request,
    })).pledge;
    const importRows = async (rows: FixtureRow[]) => {
      const path = join(dir, `statement-${++fileCounter}.csv`);
      writeFileSync(path, vietcombankCsv(rows));
      const file = await readStatementFile(path);
      return importStatement(handle.db, parseStatement(file.table), file);
    };
    // The rest of the budget comes from sources outside this test, so "funded" states its reason.
    const handOver = async (houseId: number) => {
      for (const stage of ['funded', 'under_construction', 'completed', 'handed_over']) {
        await advanceStage(handle.db, { houseId, stage, on: '2024-12-01', ...(stage === 'funded' ? { reason: 'Ngân sách xã bù phần còn thiếu' } : {}) });
      }
    };

    it('a confirmed bank transfer sends exactly one receipt, also when the statement is imported again', async () => {
      const house = world.houses[0]!;
      const p = await bankPledge({ target: { type: 'house', houseCode: house.publicCode }, amountVnd: 2_000_000 });
      const row: FixtureRow = { date: '05/09/2024 09:30', reference: 'FT24249001', creditVnd: 2_000_000, memo: `IBFT ${p.receiptCode} ung ho` };
      await importRows([row]);
      // The same row again in an overlapping statement, and the same file's rows twice.
      await importRows([row, { date: '06/09/2024', reference: 'FT24249002', creditVnd: 70_000, memo: 'ung ho' }]);
      expect((await outbox()).map((m) => [m.kind, m.status, m.receipt_code])).toEqual([['receipt', 'pending', p.receiptCode]]);
      expect(await pass()).toMatchObject({ claimed: 1, sent: 1 });
      expect(await pass()).toMatchObject({ claimed: 0, sent: 0 });
      expect(sink.received).toHaveLength(1);
      const [m] = sink.received;
      expect(m!.to).toEqual(['lan@example.vn']);
      expect(m!.parsed.subject).toContain(p.receiptCode);
      const text = m!.parsed.text!;
      expect(text).toContain(`Mã biên nhận: ${p.receiptCode}`);
      expect(text).toContain('Số tiền: 2.000.000 ₫ (chuyển khoản), ngày 05/09/2024');
      expect(text).toContain(`2.000.000 ₫ cho nhà ${house.publicCode}`);
      expect(text).toContain(`${SITE}/tra-cuu/?code=${p.receiptCode}`);
      // Vietnamese first, English below.
      expect(text.indexOf('Quỹ "Vì người nghèo" đã nhận')).toBeLessThan(text.indexOf('The "For the Poor" fund has received'));
      expect(text).toContain(`2.000.000 ₫ to house ${house.publicCode}`);
      expect(m!.parsed.html).toContain(`href="${SITE}/tra-cuu/?code=${p.receiptCode}"`);
      expect(m!.parsed.html).not.toMatch(/<img|<script|background=|url\(/i);
      expect(headerLine(m!, 'List-Unsubscribe')).toMatch(new RegExp(`^<${SITE}/api/mail/unsubscribe\\?t=[A-Za-z0-9_-]{24}>$`));
      expect(headerLine(m!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(m!.parsed.attachments).toEqual([]);
      expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('a transfer matched from the review queue sends its receipt once', async () => {
      const p = await bankPledge({ amountVnd: 300_000 });
      await importRows([{ date: '07/09/2024', reference: 'FT7', creditVnd: 300_000, memo: 'chuyen tien ung ho' }]);
      expect(await outbox()).toEqual([]);
      const [review] = await queryRows<{ id: number }>(handle.db, sql`SELECT id FROM payment_reviews`);
      await handle.db.transaction((tx) => resolveReview(tx, review!.id, { how: 'pledge', receiptCode: p.receiptCode, acceptAmountVnd: null }, { username: 'duyet', note: null, at: new Date() }));
      expect((await outbox()).map((m) => [m.kind, m.receipt_code])).toEqual([['receipt', p.receiptCode]]);
      await pass();
      expect(sink.received.map((m) => m.parsed.subject)).toEqual([expect.stringContaining(p.receiptCode)]);
      expect(sink.received[0]!.parsed.text).toContain('300.000 ₫');
    });

    it('a confirmed card gift sends exactly one receipt, whether the webhook is replayed or both confirming events arrive', async () => {
      const { pledge, session } = await cardPledge(deps, standIn, { amountVnd: 1_000_000, email: 'the@example.vn', emailConsent: true });
      const completed = checkoutEvent('checkout.session.completed', session);
      expect((await postWebhook(deps, completed)).body).toMatchObject({ outcome: 'confirmed' });
      // The receipt is queued behind the gift's entry in the same transaction: it names the entry and where the money went.
      const [queued] = await queryRows<{ payload: Record<string, unknown>; entry_id: string | number }>(handle.db, sql`
        SELECT o.payload, e.id AS entry_id FROM mail_outbox o JOIN contributions c ON c.receipt_code = o.receipt_code
        JOIN journal_entries e ON e.contribution_id = c.id AND e.kind = 'contribution' WHERE o.receipt_code = ${pledge.receiptCode}`);
      expect(queued!.payload).toMatchObject({
        kind: 'receipt', amountVnd: 1_000_000, channel: 'card', entryId: Number(queued!.entry_id), receivedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        went: { houseCode: null, houseVnd: 0, communeVnd: 0, generalVnd: 1_000_000 - standInFeeVnd(1_000_000) },
      });
      await postWebhook(deps, completed);
      await postWebhook(deps, checkoutEvent('checkout.session.async_payment_succeeded', session));
      await pass();
      await postWebhook(deps, completed);
      await pass();
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0]!.to).toEqual(['the@example.vn']);
      expect(sink.received[0]!.parsed.text).toContain(`Số tiền: 1.000.000 ₫ (thẻ)`);
      expect(sink.received[0]!.parsed.text).toContain(pledge.receiptCode);
    });

    it('a pledge without consent keeps no email and sends nothing; the form refuses an email without consent', async () => {
      const runtime = { db: handle.db, bank: fundBankAccount({}) };
      const form = (fields: Record<string, string>) => donatePage(runtime, new Request('http://127.0.0.1/ung-ho', { method: 'POST', body: new URLSearchParams(fields) }), 'vi');
      const base = { target: 'general', amount: '200.000', displayName: 'Anh Minh', method: 'bank_transfer', email: 'minh@example.vn' };
      const refused = await form(base);
      expect(refused).toMatchObject({ status: 400, model: { errors: [expect.objectContaining({ field: 'emailConsent' })] } });
      expect(await queryRows(handle.db, sql`SELECT 1 FROM pledges`)).toEqual([]);
      const accepted = await form({ ...base, emailConsent: 'on' });
      expect(accepted).toHaveProperty('redirect');
      const [row] = await queryRows<{ email: string; privacy_notice_version: string; email_consent_at: unknown }>(handle.db, sql`SELECT email, privacy_notice_version, email_consent_at FROM pledges`);
      expect(row).toMatchObject({ email: 'minh@example.vn', privacy_notice_version: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(row!.email_consent_at).not.toBeNull();
      const noConsent = await createPledge(handle.db, { target: { type: 'general' }, amountVnd: 100_000, displayName: null, anonymous: true, email: 'x@example.vn', method: 'bank_transfer' });
      expect(noConsent.pledge.email).toBeNull();
    });

    it('SMTP down: the message is retried with backoff and sent once the server is back, nothing lost', async () => {
      const p = await bankPledge();
      await importRows([{ date: '05/09/2024', reference: 'FT1', creditVnd: 500_000, memo: p.receiptCode }]);
      await sink.stop();
      const t0 = new Date(Date.now() + 1_000);
      expect(await pass({ now: () => t0 })).toMatchObject({ claimed: 1, sent: 0, retrying: 1 });
      const [failed] = await outbox();
      expect(failed).toMatchObject({ status: 'retrying', attempts: 1 });
      expect(failed!.last_error).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
      expect(failed!.last_error).not.toContain('lan@example.vn');
      // Before the backoff has passed nothing is tried, even with the server back.
      await sink.start();
      expect(await pass({ now: () => new Date(t0.getTime() + 59_000) })).toMatchObject({ claimed: 0 });
      expect(await pass({ now: () => new Date(t0.getTime() + 60_000) })).toMatchObject({ claimed: 1, sent: 1 });
      expect(sink.received).toHaveLength(1);
      expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    });

    it('two workers passing at once send each message once', async () => {
      const codes = [];
      for (let i = 0; i < 6; i++) codes.push((await bankPledge({ amountVnd: 100_000 + i, email: `d${i}@example.vn` })).receiptCode);
      await importRows(codes.map((code, i) => ({ date: '05/09/2024', reference: `FT${i}`, creditVnd: 100_000 + i, memo: code })));
      const reports = await Promise.all([pass({ batch: 4 }), pass({ batch: 4 })]);
      await pass();
      expect(reports[0]!.claimed + reports[1]!.claimed).toBeGreaterThanOrEqual(4);
      expect(sink.received.map((m) => m.to[0]).sort()).toEqual(codes.map((_, i) => `d${i}@example.vn`).sort());
    });

    it('after the last attempt a message is dead; staff resend it and it arrives', async () => {
      const p = await bankPledge();
      await importRows([{ date: '05/09/2024', reference: 'FT1', creditVnd: 500_000, memo: p.receiptCode }]);
      await sink.stop();
      let now = Date.now() + 1_000;
      const reports = [];
      for (let i = 0; i < retry.maxAttempts; i++) {
        reports.push(await pass({ now: () => new Date(now) }));
        now += retry.maxDelayMs;
      }
      expect(reports.map((r) => [r.retrying, r.dead])).toEqual([[1, 0], [1, 0], [0, 1]]);
      await sink.start();
      expect(await pass({ now: () => new Date(now + 10 * retry.maxDelayMs) })).toMatchObject({ claimed: 0 });
      const [dead] = await outbox();
      expect(dead).toMatchObject({ status: 'dead', attempts: 3 });
      expect(await resendMessage(handle.db, dead!.id)).toBe(true);
      expect(await resendMessage(handle.db, dead!.id)).toBe(false);
      expect(await pass()).toMatchObject({ sent: 1 });
      expect(sink.received).toHaveLength(1);
    });

    it('an unsubscribed address gets only receipts: no handover note, no refund note', async () => {
      const house = world.houses[0]!;
      const lan = await bankPledge({ target: { type: 'house', houseCode: house.publicCode }, amountVnd: 1_000_000 });
      const minh = await bankPledge({ target: { type: 'house', houseCode: house.publicCode }, amountVnd: 700_000, displayName: 'Anh Minh', email: 'minh@example.vn' });
      await importRows([
        { date: '05/09/2024', reference: 'FT1', creditVnd: 1_000_000, memo: lan.receiptCode },
        { date: '05/09/2024', reference: 'FT2', creditVnd: 700_000, memo: minh.receiptCode },
      ]);
      await pass();
      const lanReceipt = sink.received.find((m) => m.to[0] === 'lan@example.vn')!;
      const link = headerLine(lanReceipt, 'List-Unsubscribe')!.slice(1, -1).replace(SITE, 'http://127.0.0.1:4321');
      // Opening the link shows a button and changes nothing; the provider's one-click POST (no Origin) unsubscribes.
      expect((await handleUnsubscribe(handle.db, new Request(link))).status).toBe(200);
      expect(await queryRows(handle.db, sql`SELECT 1 FROM mail_unsubscribes`)).toEqual([]);
      const oneClick = await handleUnsubscribe(handle.db, new Request(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }));
      expect(oneClick.status).toBe(200);
      expect((await handleUnsubscribe(handle.db, new Request('http://127.0.0.1:4321/api/mail/unsubscribe?t=short', { method: 'POST' }))).status).toBe(400);

      await handOver(house.houseId);
      const second = await bankPledge({ email: 'LAN@example.vn', amountVnd: 250_000 });
      await importRows([{ date: '08/09/2024', reference: 'FT3', creditVnd: 250_000, memo: second.receiptCode }]);
      const { pledge: card, session } = await cardPledge(deps, standIn, { amountVnd: 400_000, email: 'lan@example.vn', emailConsent: true });
      await postWebhook(deps, checkoutEvent('checkout.session.completed', session));
      await postWebhook(deps, stripeEvent('charge.refunded', refundedCharge(session.payment_intent, 400_000, 400_000)));
      sink.received.length = 0;
      await pass();
      const toLan = sink.received.filter((m) => m.to[0]!.toLowerCase() === 'lan@example.vn').map((m) => m.parsed.subject);
      expect(toLan.every((subject) => subject!.startsWith('Biên nhận '))).toBe(true);
      expect(toLan.map((subject) => subject!.slice('Biên nhận '.length, 'Biên nhận '.length + 10)).sort()).toEqual([card.receiptCode, second.receiptCode].sort());
      expect(sink.received.filter((m) => m.to[0] === 'minh@example.vn').map((m) => m.parsed.subject)).toEqual([expect.stringContaining(`Nhà ${house.publicCode} đã bàn giao`)]);
      const statuses = (await outbox()).map((m) => `${m.kind}:${m.status}`).sort();
      expect(statuses).toEqual(['handover:sent', 'handover:suppressed', 'receipt:sent', 'receipt:sent', 'receipt:sent', 'receipt:sent', 'refund:suppressed']);
    });

    it('no message carries another donor\'s data; the handover note says what this donor gave', async () => {
      const house = world.houses[1]!;
      const donors = [
        { name: 'Trần Thị Lan', email: 'lan@example.vn', amountVnd: 1_200_000 },
        { name: 'Công ty Bình Minh', email: 'ketoan@binhminh.vn', amountVnd: 3_400_000 },
        { name: 'Nguyễn Văn Hải', email: 'hai@example.vn', amountVnd: 560_000 },
      ];
      const pledges: Awaited<ReturnType<typeof bankPledge>>[] = [];
      for (const d of donors) pledges.push(await bankPledge({ target: { type: 'house', houseCode: house.publicCode }, amountVnd: d.amountVnd, displayName: d.name, email: d.email }));
      await importRows(pledges.map((p, i) => ({ date: '05/09/2024', reference: `FT${i}`, creditVnd: p.amountVnd, memo: p.receiptCode })));
      await handOver(house.houseId);
      await handOver(house.houseId).catch(() => undefined);
      await pass();
      expect(sink.received).toHaveLength(6);
      for (const m of sink.received) {
        const mine = donors.findIndex((d) => d.email === m.to[0]);
        const body = everything(m);
        expect(body).toContain(pledges[mine]!.receiptCode);
        donors.forEach((d, i) => {
          if (i === mine) return;
          for (const secret of [d.email, d.name, pledges[i]!.receiptCode, String(d.amountVnd).replace(/\B(?=(\d{3})+$)/g, '.')]) expect(body).not.toContain(secret);
        });
      }
      const note = sink.received.find((m) => m.to[0] === 'ketoan@binhminh.vn' && m.parsed.subject!.includes('bàn giao'))!;
      expect(note.parsed.text).toContain(`Ngôi nhà ${house.publicCode} (Xã A) mà bạn góp 3.400.000 ₫ đã được bàn giao cho gia đình ngày 01/12/2024.`);
    });

    it('a gift to the general fund later allocated to a house also hears of its handover, for the part that went there', async () => {
      const house = world.houses[2]!;
      const p = await bankPledge({ amountVnd: 5_000_000, email: 'pool@example.vn' });
      await importRows([{ date: '05/09/2024', reference: 'FT1', creditVnd: 5_000_000, memo: p.receiptCode }]);
      await allocateFromPool(handle.db, { idempotencyKey: `alloc-${p.receiptCode}`, houseId: house.houseId, fromAreaId: null, amountVnd: 2_000_000, decisionRef: 'QĐ 7', createdBy: 'Cán bộ', occurredAt: new Date() });
      await handOver(house.houseId);
      await pass();
      const note = sink.received.find((m) => m.parsed.subject!.startsWith(`Nhà ${house.publicCode}`))!;
      expect(note.to).toEqual(['pool@example.vn']);
      expect(note.parsed.text).toContain(`mà bạn góp 2.000.000 ₫ đã được bàn giao`);
    });

    it('an erased email appears in no table, the erasure is audited without it, and a wrong pair erases nothing', async () => {
      const email = 'Lan.Tran@Example.vn';
      const p = await bankPledge({ email });
      await importRows([{ date: '05/09/2024', reference: 'FT1', creditVnd: 500_000, memo: `${p.receiptCode} tu lan.tran@example.vn` }]);
      await bankPledge({ email: email.toLowerCase(), amountVnd: 90_000 });
      const other = await bankPledge({ email: 'hai@example.vn', amountVnd: 80_000 });
      // A Stripe event object that carries the address, waiting for its payment.
      await postWebhook(deps, stripeEvent('charge.refunded', { ...refundedCharge('pi_unknown_1', 100_000, 100_000), billing_details: { email }, receipt_email: email }));
      await pass();
      const scan = async (needle: string) => {
        const tables = await queryRows<{ schema: string; name: string }>(handle.db, sql`
          SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`);
        const hits: string[] = [];
        for (const t of tables) {
          const [row] = await queryRows<{ n: string | number }>(handle.db, sql`SELECT count(*) AS n FROM ${sql.identifier(t.schema)}.${sql.identifier(t.name)} x WHERE x::text ILIKE ${`%${needle}%`}`);
          if (Number(row!.n) > 0) hits.push(`${t.name}:${row!.n}`);
        }
        return hits.sort();
      };
      expect(await scan(email)).toEqual(['bank_statement_rows:1', 'donors:1', 'mail_outbox:1', 'pledges:2', 'stripe_parked_events:1']);
      const form = (fields: Record<string, string>) => erasurePage(handle.db, new Request('http://127.0.0.1/xoa-email', { method: 'POST', body: new URLSearchParams(fields) }), 'vi', '127.0.0.9');
      // Someone else's code with this address: the same answer, nothing erased.
      const wrong = await form({ receiptCode: other.receiptCode, email });
      expect(wrong).toMatchObject({ status: 200, model: { done: true } });
      expect(await scan(email)).toHaveLength(5);
      expect(await form({ receiptCode: 'nope', email })).toMatchObject({ status: 400 });
      const right = await form({ receiptCode: p.receiptCode.toLowerCase(), email: ` ${email.toUpperCase()} ` });
      expect(right).toMatchObject({ status: wrong.status, model: { done: true, errors: [] } });
      expect(await scan(email)).toEqual([]);
      expect(await scan('hai@example.vn')).toEqual(['pledges:1']);
      const audits = await queryRows<{ outcome: string; target: string; details: unknown; ip: string }>(handle.db, sql`SELECT outcome, target, details, ip FROM audit_log WHERE action = 'privacy.email_erasure' ORDER BY id`);
      expect(audits.map((a) => [a.outcome, a.target])).toEqual([['refused', other.receiptCode], ['ok', p.receiptCode]]);
      expect(audits[1]!.details).toMatchObject({ pledges: 2, donors: 1, outbox: 1 });
      // The sent receipt keeps its status; nothing can be sent or resent to the erased address.
      const [receipt] = await outbox();
      expect(receipt).toMatchObject({ status: 'sent', recipient: null });
      expect(await resendMessage(handle.db, receipt!.id)).toBe(false);
    });

    it('an erased address waiting in the outbox is never sent', async () => {
      const p = await bankPledge();
      await importRows([{ date: '05/09/2024', reference: 'FT1', creditVnd: 500_000, memo: p.receiptCode }]);
      await erasurePage(handle.db, new Request('http://127.0.0.1/xoa-email', { method: 'POST', body: new URLSearchParams({ receiptCode: p.receiptCode, email: 'lan@example.vn' }) }), 'vi', null);
      expect(await pass()).toMatchObject({ claimed: 0 });
      expect((await outbox()).map((m) => m.status)).toEqual(['erased']);
      expect(sink.received).toEqual([]);
    });

    it('sends an attachment as given and cites the published checkpoint that holds the gift', async () => {
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      await handle.db.transaction((tx) => enqueueMessage(tx, {
        campaignId: world.campaignId, dedupeKey: 'business_confirmation:AC00000001', recipient: 'ketoan@binhminh.vn',
        payload: { kind: 'business_confirmation', receiptCode: 'AC00000001', subject: { vi: 'Xác nhận ủng hộ', en: 'Gift confirmation' }, lines: { vi: ['Đính kèm giấy xác nhận.'], en: ['The confirmation is attached.'] } },
        attachments: [{ filename: 'xac-nhan-AC00000001.pdf', contentType: 'application/pdf', base64: pdf.toString('base64') }],
      }));
      expect(await handle.db.transaction((tx) => enqueueMessage(tx, {
        campaignId: world.campaignId, dedupeKey: 'business_confirmation:AC00000001', recipient: 'ketoan@binhminh.vn',
        payload: { kind: 'business_confirmation', receiptCode: 'AC00000001', subject: { vi: 'x', en: 'x' }, lines: { vi: [], en: [] } },
      }))).toBe('duplicate');
      const p = await bankPledge();
      await importRows([{ date: '05/09/2024', reference: 'FT1', creditVnd: 500_000, memo: p.receiptCode }]);
      const [chain] = await queryRows<{ entry_count: string | number; head_hash: string }>(handle.db, sql`SELECT entry_count, head_hash FROM chain_head`);
      const dataset = mkdtempSync(join(tmpdir(), 'ancu-mail-dataset-'));
      writeFileSync(join(dataset, 'checkpoint.json'), JSON.stringify({ entry_count: Number(chain!.entry_count), head_hash: chain!.head_hash }));
      await pass({ checkpoint: () => latestCheckpoint(dataset) });
      const confirmation = sink.received.find((m) => m.to[0] === 'ketoan@binhminh.vn')!;
      expect(confirmation.parsed.attachments).toHaveLength(1);
      expect(confirmation.parsed.attachments[0]).toMatchObject({ filename: 'xac-nhan-AC00000001.pdf', contentType: 'application/pdf' });
      expect(Buffer.compare(confirmation.parsed.attachments[0]!.content, pdf)).toBe(0);
      const receipt = sink.received.find((m) => m.to[0] === 'lan@example.vn')!;
      expect(receipt.parsed.text).toContain(`điểm kiểm tra đã công bố (${Number(chain!.entry_count)} bút toán, mã băm ${chain!.head_hash})`);
      expect(latestCheckpoint(join(dataset, 'missing'))).toBeNull();
    });
  });
}
