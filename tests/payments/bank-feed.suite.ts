// The live bank feed on one driver: signed notifications in SePay's shape through the real handler;
// retries and any order post once; the month's statement afterwards posts nothing twice.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { sql } from 'drizzle-orm';
import { feedCommitter, handleBankFeed, type FeedSettings } from '../../src/payments/bank-feed';
import { importStatement } from '../../src/payments/bank-import';
import { parseStatement } from '../../src/payments/bank-statement';
import { createPledge, pledgeView } from '../../src/payments/pledges';
import { readStatementFile } from '../../src/payments/statement-file';
import { vietcombankCsv } from '../../scripts/lib/statement-fixture';
import { sepayBody, signedFeedRequest } from '../../scripts/lib/bank-feed-sender';
import { buildWorld, type World } from '../db/world';
import { loadVirtualAccounts, parseVirtualAccountSpec } from '../../src/payments/virtual-accounts';
import { receiptPage } from '../../src/payments/donate-page';
import { fundBankAccount } from '../../src/payments/config';
import { parseVietQr } from '../../src/payments/vietqr';
import type { FreshDb } from '../db/harness';
import { intakeState } from './intake-world';

const SETTINGS: FeedSettings = { hmacSecret: 'feed-secret-for-tests', apiKey: 'feed-api-key' };
const ACCOUNT = '0011000000000';

// A notification as the service sends it, signed unless told otherwise.
function notification(body: Record<string, unknown>, auth: 'hmac' | 'apikey' | 'wrong' | 'none' = 'hmac'): Request {
  const signed = signedFeedRequest(body, auth === 'wrong' ? 'not-the-secret' : SETTINGS.hmacSecret!);
  const headers: Record<string, string> = auth === 'hmac' || auth === 'wrong' ? signed.headers : { 'content-type': 'application/json' };
  if (auth === 'apikey') headers.authorization = `Apikey ${SETTINGS.apiKey}`;
  return new Request('http://localhost/api/bank/feed', { method: 'POST', headers, body: signed.body });
}

const sepay = (id: number, amountVnd: number, content: string) => sepayBody({ id, accountNumber: ACCOUNT, amountVnd, content });

export function bankFeedSuite(driver: string, fresh: FreshDb): void {
  describe(`live bank feed (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db);
    });
    afterEach(async () => { await handle?.close(); });

    const pledge = async (amountVnd: number) => (await createPledge(handle.db, {
      target: { type: 'general' }, amountVnd, displayName: 'Anh Minh', anonymous: false, email: null, method: 'bank_transfer',
    })).pledge;
    const send = async (request: Request) => {
      const response = await handleBankFeed(handle.db, SETTINGS, request);
      return { status: response.status, body: await response.json() as Record<string, unknown> };
    };

    it('refuses a wrong or missing signature with 401 and posts nothing; says 503 when not configured', async () => {
      const p = await pledge(200_000);
      const before = await intakeState(handle.db);
      expect((await send(notification(sepay(1, 200_000, `CK ${p.receiptCode}`), 'wrong'))).status).toBe(401);
      expect((await send(notification(sepay(1, 200_000, `CK ${p.receiptCode}`), 'none'))).status).toBe(401);
      expect((await handleBankFeed(handle.db, undefined, notification(sepay(1, 200_000, 'x')))).status).toBe(503);
      expect((await send(notification({ ...sepay(1, 200_000, 'x'), transferAmount: -5 }))).status).toBe(400);
      expect(await intakeState(handle.db)).toEqual(before);
      expect((await send(notification(sepay(1, 200_000, `CK ${p.receiptCode}`), 'apikey'))).body).toMatchObject({ success: true, matched: true });
      expect((await pledgeView(handle.db, p.receiptCode))?.pledge.status).toBe('confirmed');
    });

    it('posts each transaction once through retries in any order; unknown codes and wrong amounts wait for review', async () => {
      const pledges = await Promise.all(Array.from({ length: 40 }, (_, i) => pledge(100_000 + i * 1000)));
      const bodies = pledges.map((p, i) => sepay(100 + i, p.amountVnd, `MBVCB.${i}.${p.receiptCode}.CT tu 0123`));
      const waiting = await pledge(700_000);
      bodies.push(sepay(500, 50_000, 'ung ho khong ma'), sepay(501, 70_000, `CK ${waiting.receiptCode}`));
      const retries = bodies.filter((_, i) => i % 3 === 0);
      const all = [...bodies, ...retries].map((b, i) => ({ b, order: (i * 7919) % 97 })).sort((x, y) => x.order - y.order).map((x) => x.b);
      const answers = await Promise.all(all.map((b) => send(notification(b))));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(answers.filter((a) => a.body.replayed).length).toBe(retries.length);
      expect((await pledgeView(handle.db, waiting.receiptCode))?.pledge.status).toBe('pending');
      const [counts] = await queryRows<{ rows: number; contributions: number }>(handle.db, sql`
        SELECT (SELECT count(*) FROM bank_statement_rows) AS rows, (SELECT count(*) FROM contributions WHERE channel = 'bank_transfer') AS contributions`);
      expect([Number(counts!.rows), Number(counts!.contributions)]).toEqual([42, 40]);
      const reviews = await handle.db.select().from(schema.paymentReviews);
      expect(reviews.map((r) => r.reason).sort()).toEqual(['amount_mismatch', 'no_code']);
    });

    it('notifications arriving together share transactions; a gift the database refuses among them goes to review alone, its neighbours post', async () => {
      const pledges = [];
      for (let i = 0; i < 12; i++) pledges.push(await pledge(300_000 + i * 1000));
      const refused = pledges[5]!;
      await handle.db.execute(sql.raw(`CREATE FUNCTION refuse_test_gift() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test refusal' USING ERRCODE = 'P0001'; END $$`));
      await handle.db.execute(sql.raw(`CREATE TRIGGER refuse_test_gift BEFORE INSERT ON contributions FOR EACH ROW WHEN (NEW.receipt_code = '${refused.receiptCode}') EXECUTE FUNCTION refuse_test_gift()`));
      const shared = { ...feedCommitter(handle.db).stats };
      const answers = await Promise.all(pledges.map((p, i) => send(notification(sepay(700 + i, p.amountVnd, `CK ${p.receiptCode}`)))));
      expect(answers.map((a) => [a.status, a.body.matched, a.body.review])).toEqual(pledges.map((p) => (p === refused ? [200, false, ['posting_refused']] : [200, true, []])));
      // PGlite has one connection, which each batch holds: only a server shares.
      const { batches, items } = feedCommitter(handle.db).stats;
      if (handle.url) expect(batches - shared.batches).toBeLessThan(items - shared.items);
      for (const p of pledges) expect((await pledgeView(handle.db, p.receiptCode))?.pledge.status).toBe(p === refused ? 'pending' : 'confirmed');
      const [counts] = await queryRows(handle.db, sql`
        SELECT (SELECT count(*) FROM bank_statement_rows) AS rows, (SELECT count(*) FROM bank_statement_rows WHERE status = 'review') AS waiting,
               (SELECT count(*) FROM contributions) AS gifts, (SELECT count(*) FROM payment_reviews WHERE reason = 'posting_refused') AS reviews`);
      expect([counts!.rows, counts!.waiting, counts!.gifts, counts!.reviews].map(Number)).toEqual([12, 1, 11, 1]);
      // A retry of every notification posts nothing more and gives each its first answer.
      const again = await Promise.all(pledges.map((p, i) => send(notification(sepay(700 + i, p.amountVnd, `CK ${p.receiptCode}`)))));
      expect(again.map((a) => [a.body.replayed, a.body.matched])).toEqual(answers.map((a) => [true, a.body.matched]));
    });

    it('gives house and commune pledges a virtual account, shown in the VietQR code, and confirms money sent to it without a memo', async () => {
      const { houses } = world;
      expect(await loadVirtualAccounts(handle.db, parseVirtualAccountSpec('96300098-96300099, 96300100'))).toBe(3);
      expect(await loadVirtualAccounts(handle.db, parseVirtualAccountSpec('96300099-96300100'))).toBe(0);
      const toHouse = (await createPledge(handle.db, { target: { type: 'house', houseCode: houses[0]!.publicCode }, amountVnd: 600_000, displayName: null, anonymous: true, email: null, method: 'bank_transfer' })).pledge;
      const general = await pledge(100_000);
      const receipt = await receiptPage({ db: handle.db, bank: fundBankAccount({}) }, toHouse.receiptCode, 'vi');
      expect(parseVietQr(receipt!.qr!.payload)).toMatchObject({ '38.01.01': '96300098', '54': '600000', '62.08': toHouse.receiptCode });
      expect(parseVietQr((await receiptPage({ db: handle.db, bank: fundBankAccount({}) }, general.receiptCode, 'vi'))!.qr!.payload)['38.01.01']).toBe(ACCOUNT);
      const answer = await send(notification({ ...sepay(70, 600_000, 'chuyen tien'), subAccount: '96300098' }));
      expect(answer.body).toMatchObject({ success: true, matched: true });
      expect((await pledgeView(handle.db, toHouse.receiptCode))?.split).toMatchObject({ houseVnd: 600_000 });
      // Money to a virtual account nobody was given, or of another amount, waits for staff.
      expect((await send(notification({ ...sepay(71, 500_000, 'chuyen tien'), subAccount: '96300100' }))).body).toMatchObject({ matched: false, review: ['no_code'] });
      expect(() => parseVirtualAccountSpec('100-99')).toThrow(/đầu nhỏ hơn cuối/);
      expect(() => parseVirtualAccountSpec('000001-200000')).toThrow(/tối đa 100000 số/);
    });

    it('the statement recognises rows the feed posted by bank reference, posts nothing twice, and posts what the feed missed', async () => {
      const a = await pledge(300_000);
      const b = await pledge(400_000);
      expect((await send(notification(sepay(7, 300_000, `CK ${a.receiptCode}`)))).body).toMatchObject({ matched: true });
      const path = join(mkdtempSync(join(tmpdir(), 'ancu-feed-')), 'statement.csv');
      writeFileSync(path, vietcombankCsv([
        { date: '05/09/2024 09:30', reference: 'FT7', creditVnd: 300_000, memo: `CK ${a.receiptCode}` },
        { date: '06/09/2024 10:00', reference: 'FT8', creditVnd: 400_000, memo: `CK ${b.receiptCode}` },
      ], { accountNo: ACCOUNT }));
      const file = await readStatementFile(path);
      const report = await importStatement(handle.db, parseStatement(file.table), file);
      expect(report).toMatchObject({ rows: 2, newRows: 1, matched: 1, matchedVnd: 400_000 });
      const [sums] = await queryRows<{ n: number; total: number }>(handle.db, sql`SELECT count(*) AS n, sum(amount_vnd) AS total FROM contributions`);
      expect([Number(sums!.n), Number(sums!.total)]).toEqual([2, 700_000]);
    });
  });
}
