// The review queue from the staff workspace, run once per driver: a queued bank row posted to its pledge or
// to the general fund exactly once (double submits, a second reviewer, a later re-import), and refusals
// that change nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { verifyLedger } from '../../src/domain/verify';
import { importStatement } from '../../src/payments/bank-import';
import { parseStatement } from '../../src/payments/bank-statement';
import { createPledge } from '../../src/payments/pledges';
import { listReviews } from '../../src/payments/review-queue';
import { resolutionInWords } from '../../src/payments/review-names';
import { saveStaffUser } from '../../src/staff/accounts';
import { queueReview } from '../../src/payments/reviews';
import { readStatementFile } from '../../src/payments/statement-file';
import { resolveReviewAction } from '../../src/staff/actions';
import { listAudit } from '../../src/staff/audit';
import { vietcombankCsv, type FixtureRow } from '../../scripts/lib/statement-fixture';
import { intakeState } from '../payments/intake-world';
import { changedTables, tableDigests } from './digest';
import type { FreshDb } from './harness';
import { buildStaffWorld, contextOf, formOf, PASSWORD, type StaffWorld } from './staff-world';
import { refusal } from '../refusal';

const dir = mkdtempSync(join(tmpdir(), 'ancu-reviews-'));
let files = 0;

export function paymentReviewSuite(driver: string, fresh: FreshDb): void {
  describe(`payment review queue (${driver})`, () => {
    let handle: DbHandle;
    let world: StaffWorld;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildStaffWorld(handle.db);
    });
    afterEach(async () => { await handle?.close(); });

    const pledge = async (amountVnd: number, houseIndex?: number) => (await createPledge(handle.db, {
      target: houseIndex === undefined ? { type: 'general' } : { type: 'house', houseCode: world.houses[houseIndex]!.publicCode },
      amountVnd, displayName: 'Chị Lan', anonymous: false, email: 'lan@example.vn', method: 'bank_transfer',
    })).pledge;
    const importRows = async (rows: FixtureRow[]) => {
      const path = join(dir, `statement-${++files}.csv`);
      writeFileSync(path, vietcombankCsv(rows));
      const file = await readStatementFile(path);
      return importStatement(handle.db, parseStatement(file.table), file);
    };
    const openItems = async () => listReviews(handle.db, {});
    const contributionsCount = async () => (await handle.db.select().from(schema.contributions)).length;
    const approver = () => contextOf(handle.db, 'hanh');

    it('matches a queued row to a pending pledge once, however often the form is sent, and a later re-import posts nothing', async () => {
      const p = await pledge(2_000_000, 1);
      const rows: FixtureRow[] = [{ date: '05/09/2024 10:00', reference: 'FT900', creditVnd: 2_000_000, memo: 'TRAN THI LAN chuyen tien ung ho' }];
      expect(await importRows(rows)).toMatchObject({ matched: 0, review: { no_code: 1 } });
      const [item] = await openItems();
      expect(item!.review).toMatchObject({ source: 'bank', reason: 'no_code', amountVnd: 2_000_000 });
      const before = await contributionsCount();
      const ctx = await approver();
      const form = formOf({ reviewId: String(item!.review.id), how: 'pledge', receiptCode: p.receiptCode.toLowerCase() });
      const first = await resolveReviewAction(ctx, form);
      const second = await resolveReviewAction(ctx, form);
      expect(first).toMatchObject({ replayed: false });
      expect(first.vi).toContain(p.receiptCode);
      expect(second).toMatchObject({ replayed: true });
      expect(await contributionsCount()).toBe(before + 1);

      const [confirmed] = await handle.db.select().from(schema.pledges).where(eq(schema.pledges.id, p.id));
      expect(confirmed).toMatchObject({ status: 'confirmed' });
      const [contribution] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, confirmed!.contributionId!));
      expect(contribution).toMatchObject({ receiptCode: p.receiptCode, channel: 'bank_transfer', amountVnd: 2_000_000, targetHouseId: world.houses[1]!.houseId });
      const [row] = await handle.db.select().from(schema.bankStatementRows);
      expect(row).toMatchObject({ status: 'matched', pledgeId: p.id, matchedCode: p.receiptCode, contributionId: contribution!.id });
      const [resolved] = await handle.db.select().from(schema.paymentReviews);
      expect(resolved).toMatchObject({ resolvedBy: 'hanh', resolution: `pledge ${p.receiptCode}` });
      expect(resolved!.resolvedAt).toBeInstanceOf(Date);
      expect(await openItems()).toEqual([]);

      // A second reviewer, a different decision on the same item: refused, nothing changes.
      const state = await intakeState(handle.db);
      const other = await refusal(() => contextOf(handle.db, 'chung').then((c) => resolveReviewAction(c, formOf({ reviewId: String(item!.review.id), how: 'general_fund' }))));
      expect(other).toMatchObject({ status: 409, code: 'review_resolved' });
      expect(await intakeState(handle.db)).toEqual(state);

      // The same row in a later statement (and the same file again) is known by its key: nothing posts.
      await importRows([...rows, { date: '06/09/2024', reference: 'FT901', creditVnd: 10_000, memo: 'phi' }]);
      await importRows(rows);
      expect(await contributionsCount()).toBe(before + 1);
      expect((await verifyLedger(handle.db)).ok).toBe(true);

      const audited = await listAudit(handle.db, { action: 'payment_review' });
      expect(audited.map((e) => [e.actor, e.outcome, (e.details as { replayed?: boolean }).replayed ?? null])).toEqual([
        ['chung', 'refused', null], ['hanh', 'ok', true], ['hanh', 'ok', false],
      ]);
    });

    it('posts a row to a commune\'s pool as far as its houses lack money (the rest to the general fund), only within a limited approver\'s areas', async () => {
      await importRows([
        { date: '08/09/2024 09:00', reference: 'FT80', creditVnd: 3_000_000, memo: 'ung ho xa A' },
        { date: '08/09/2024 09:05', reference: 'FT81', creditVnd: 500_000, memo: 'ung ho xa B' },
      ]);
      const [toA, toB] = await openItems();
      await saveStaffUser(handle.db, { username: 'binh', displayName: 'Bình', role: 'approver', areaCodes: ['T-D-B'], password: PASSWORD });
      const binh = await contextOf(handle.db, 'binh');
      const state = await intakeState(handle.db);
      const outside = await refusal(() => resolveReviewAction(binh, formOf({ reviewId: String(toA!.review.id), how: 'commune_pool', commune: 'T-D-A' })));
      expect(outside).toMatchObject({ status: 403, code: 'out_of_scope' });
      const district = await refusal(() => resolveReviewAction(binh, formOf({ reviewId: String(toA!.review.id), how: 'commune_pool', commune: 'T-D' })));
      expect(district).toMatchObject({ status: 400, details: { field: 'commune' } });
      expect(district.message).toBe('Huyện Thử không phải là xã: hãy chọn một xã.');
      expect(await intakeState(handle.db)).toEqual(state);

      const ctx = await approver();
      const done = await resolveReviewAction(ctx, formOf({ reviewId: String(toA!.review.id), how: 'commune_pool', commune: 'T-D-A', donorName: 'Anh Hùng' }));
      expect(done.vi).toMatch(/^Mục #\d+: đã ghi 3\.000\.000 ₫ vào quỹ của Xã A \(biên nhận AC\w{8}\)\.$/);
      const [pooled] = await queryRows<{ total: string | number }>(handle.db, sql`SELECT coalesce(sum(remaining_vnd), 0) AS total FROM pool_lots WHERE area_id = ${world.communeA}`);
      expect(Number(pooled!.total)).toBe(3_000_000);
      // Xã B has no house waiting: the rulebook sends the money to the general fund, and the message says so.
      const b = await resolveReviewAction(binh, formOf({ reviewId: String(toB!.review.id), how: 'commune_pool', commune: 'T-D-B' }));
      expect(b.vi).toMatch(/đã ghi 500\.000 ₫ vào quỹ chung \(các nhà của Xã B không còn thiếu\)/);
      const resolved = await handle.db.select().from(schema.paymentReviews).orderBy(schema.paymentReviews.id);
      expect(resolved.map((r) => resolutionInWords(r.resolution)[0])).toEqual(['Ghi vào quỹ của Xã A', 'Ghi vào quỹ của Xã B']);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('posts a different amount to a pledge only when the reviewer accepts that amount and says why', async () => {
      const p = await pledge(500_000);
      await importRows([{ date: '05/09/2024', reference: 'FT1', creditVnd: 450_000, memo: `IBFT ${p.receiptCode}` }]);
      const [item] = await openItems();
      expect(item!.review.reason).toBe('amount_mismatch');
      const ctx = await approver();
      const state = await intakeState(handle.db);
      const fields = { reviewId: String(item!.review.id), how: 'pledge', receiptCode: p.receiptCode };
      expect(await refusal(() => resolveReviewAction(ctx, formOf(fields)))).toMatchObject({ status: 409, code: 'amount_mismatch' });
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ ...fields, acceptAmount: '500000', note: 'khác' })))).toMatchObject({ code: 'amount_mismatch' });
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ ...fields, acceptAmount: '450.000' })))).toMatchObject({ status: 400, code: 'invalid_input' });
      expect(await intakeState(handle.db)).toEqual(state);

      const done = await resolveReviewAction(ctx, formOf({ ...fields, acceptAmount: '450.000', note: 'Người ủng hộ xác nhận qua điện thoại' }));
      expect(done.en).toContain('450.000 ₫');
      const [contribution] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.receiptCode, p.receiptCode));
      expect(contribution!.amountVnd).toBe(450_000);
      const [resolved] = await handle.db.select().from(schema.paymentReviews);
      expect(resolved!.resolution).toBe(`pledge ${p.receiptCode}: Người ủng hộ xác nhận qua điện thoại`);
    });

    it('confirms a row to the general fund once, with the row\'s amount, under the row\'s own key', async () => {
      await importRows([{ date: '07/09/2024 08:15', reference: 'FT77', creditVnd: 70_000, memo: 'ung ho dong bao' }]);
      const [item] = await openItems();
      const before = await contributionsCount();
      const ctx = await approver();
      const form = formOf({ reviewId: String(item!.review.id), how: 'general_fund', note: 'không có mã' });
      await resolveReviewAction(ctx, form);
      expect(await resolveReviewAction(ctx, form)).toMatchObject({ replayed: true });
      expect(await contributionsCount()).toBe(before + 1);
      const [row] = await handle.db.select().from(schema.bankStatementRows);
      const [contribution] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, row!.contributionId!));
      expect(contribution).toMatchObject({ amountVnd: 70_000, channel: 'bank_transfer', targetType: 'general', receivedAt: row!.bookedAt });
      const keys = await queryRows<{ key: string }>(handle.db, sql`SELECT key FROM idempotency_keys WHERE key LIKE 'bank:%'`);
      expect(keys.map((k) => k.key)).toEqual([`bank:${row!.rowKey}`]);
      const [general] = await queryRows<{ total: string | number }>(handle.db, sql`SELECT coalesce(sum(amount_vnd), 0) AS total FROM journal_lines WHERE account = 'cash_bank'`);
      expect(Number(general!.total)).toBe(70_000);

      await importRows([{ date: '07/09/2024 08:15', reference: 'FT77', creditVnd: 70_000, memo: 'ung ho dong bao' }]);
      expect(await contributionsCount()).toBe(before + 1);
      expect(await openItems()).toEqual([]);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('closes a card item with a note only, and refuses to post it or to close it without a reason', async () => {
      await queueReview(handle.db as never, { source: 'stripe', reference: 'evt_partial_1', reason: 'partial_refund', detail: 'refund of 100.000 ₫ of 500.000 ₫', amountVnd: 100_000 });
      const [item] = await listReviews(handle.db, { source: 'stripe', reason: 'partial_refund' });
      expect(item).toBeDefined();
      expect(await listReviews(handle.db, { source: 'bank' })).toEqual([]);
      const ctx = await approver();
      const state = await intakeState(handle.db);
      const id = String(item!.review.id);
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ reviewId: id, how: 'general_fund' })))).toMatchObject({ status: 400, code: 'not_a_bank_row' });
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ reviewId: id, how: 'note' })))).toMatchObject({ status: 400, code: 'invalid_input' });
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ reviewId: id, how: 'guess', note: 'x'.repeat(10) })))).toMatchObject({ status: 400 });
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ reviewId: id, how: 'note', note: 'ok' }, '')))).toMatchObject({ status: 400 });
      expect(await intakeState(handle.db)).toEqual(state);
      await resolveReviewAction(ctx, formOf({ reviewId: id, how: 'note', note: 'Đã hoàn 100.000 ₫ cho nhà 1, quyết định số 12' }));
      // Nothing posted: only the submission's own idempotency key is new.
      expect(await intakeState(handle.db)).toEqual({ ...state, keys: Number(state.keys) + 1 });
      expect(await listReviews(handle.db, { resolved: true })).toHaveLength(1);
      expect(await openItems()).toEqual([]);
    });

    it('refuses a card pledge or one already paid, leaving the row in the queue', async () => {
      const card = await createPledge(handle.db, { target: { type: 'general' }, amountVnd: 300_000, displayName: 'A', anonymous: false, email: null, method: 'card' }, async () => ({ sessionId: 'cs_test_review', url: 'http://127.0.0.1/pay' }));
      const paid = await pledge(300_000);
      await importRows([
        { date: '05/09/2024', reference: 'FT2', creditVnd: 300_000, memo: `IBFT ${paid.receiptCode}` },
        { date: '05/09/2024', reference: 'FT3', creditVnd: 300_000, memo: 'no code here' },
      ]);
      const [item] = await openItems();
      const ctx = await approver();
      const state = await intakeState(handle.db);
      const digests = await tableDigests(handle.db);
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ reviewId: String(item!.review.id), how: 'pledge', receiptCode: paid.receiptCode })))).toMatchObject({ code: 'pledge_not_pending' });
      // The database after the refusal, not the object createPledge returned: both pledges as they were, the row unposted.
      const pledgeRows = await handle.db.select({ code: schema.pledges.receiptCode, status: schema.pledges.status, contributionId: schema.pledges.contributionId })
        .from(schema.pledges).orderBy(schema.pledges.id);
      expect(pledgeRows).toEqual([
        { code: card.pledge.receiptCode, status: 'pending', contributionId: null },
        { code: paid.receiptCode, status: 'confirmed', contributionId: expect.any(Number) },
      ]);
      const [row] = await handle.db.select().from(schema.bankStatementRows).where(eq(schema.bankStatementRows.id, item!.review.bankRowId!));
      expect(row).toMatchObject({ status: 'review', contributionId: null });
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ reviewId: String(item!.review.id), how: 'pledge', receiptCode: card.pledge.receiptCode })))).toMatchObject({ code: 'pledge_is_card' });
      expect(await refusal(() => resolveReviewAction(ctx, formOf({ reviewId: String(item!.review.id), how: 'pledge', receiptCode: 'AC00000000' })))).toMatchObject({ status: 404 });
      expect(await intakeState(handle.db)).toEqual(state);
      // Only the refusals' own audit lines are new.
      expect(changedTables(digests, await tableDigests(handle.db))).toEqual(['audit_log']);
      expect(await openItems()).toHaveLength(1);
    });
  });
}
