// Card intake through the webhook handler, run on PGlite and on PostgreSQL.
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { allocateFromPool } from '../../src/domain/allocations';
import { DomainError } from '../../src/domain/errors';
import { verifyLedger } from '../../src/domain/verify';
import { createPledge, pledgeView } from '../../src/payments/pledges';
import { cardCommitter, type WebhookDeps } from '../../src/payments/stripe';
import { dispute, refundedCharge, standInFeeVnd, startStripeStandIn, stripeEvent, type StripeStandIn } from '../../scripts/lib/stripe-stand-in';
import { buildWorld, nextKey, type World } from '../db/world';
import type { FreshDb } from '../db/harness';
import { cardPledge, checkoutEvent, intakeDeps, intakeState, postWebhook } from './intake-world';

export function stripeSuite(driver: string, fresh: FreshDb): void {
  describe(`card intake through Stripe (${driver})`, () => {
    let standIn: StripeStandIn;
    let handle: DbHandle;
    let world: World;
    let deps: WebhookDeps;
    beforeAll(async () => { standIn = await startStripeStandIn(); });
    afterAll(async () => { await standIn.close(); });
    beforeEach(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db);
      deps = intakeDeps(handle.db, standIn);
    });
    afterEach(async () => { await handle?.close(); });

    const pledgeRow = async (code: string) => (await handle.db.select().from(schema.pledges).where(eq(schema.pledges.receiptCode, code)))[0]!;

    it('opens a VND Checkout Session carrying the pledge and target in payment_intent_data.metadata', async () => {
      const house = world.houses[0]!;
      const { pledge, session, checkoutUrl } = await cardPledge(deps, standIn, { target: { type: 'house', houseCode: house.publicCode }, amountVnd: 750_000 });
      expect(pledge.receiptCode).toMatch(/^AC[0-9A-Z]{8}$/);
      expect(pledge.status).toBe('pending');
      expect(checkoutUrl).toBe(session.url);
      expect(session).toMatchObject({ amount_total: 750_000, currency: 'vnd', client_reference_id: pledge.receiptCode });
      expect(session.payment_intent_metadata).toMatchObject({ receipt_code: pledge.receiptCode, target_type: 'house', target_house_id: String(house.houseId) });
    });

    it('without Stripe configured, refuses a card pledge clearly and records nothing', async () => {
      const before = await intakeState(handle.db);
      const error = await createPledge(handle.db, { target: { type: 'general' }, amountVnd: 100_000, displayName: null, anonymous: true, email: null, method: 'card' })
        .catch((e: unknown) => e as DomainError);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('card_not_configured');
      expect(await intakeState(handle.db)).toEqual(before);
    });

    it('confirms a paid session once, with the fee as its own line and the pledge receipt code', async () => {
      const house = world.houses[0]!;
      const { pledge, session } = await cardPledge(deps, standIn, { target: { type: 'house', houseCode: house.publicCode }, amountVnd: 1_000_000 });
      const event = checkoutEvent('checkout.session.completed', session);
      const first = await postWebhook(deps, event);
      expect(first.status).toBe(200);
      const fee = standInFeeVnd(1_000_000);
      expect(first.body).toMatchObject({ outcome: 'confirmed', receiptCode: pledge.receiptCode, feeVnd: fee, split: { houseVnd: 1_000_000 - fee, communeVnd: 0, generalVnd: 0 } });
      const afterFirst = await intakeState(handle.db);
      // The same event again, and the other confirming event type for the same payment: nothing more.
      expect((await postWebhook(deps, event)).status).toBe(200);
      expect((await postWebhook(deps, checkoutEvent('checkout.session.async_payment_succeeded', session))).body).toMatchObject({ outcome: 'already_done' });
      const after = await intakeState(handle.db);
      expect({ ...after, keys: 0 }).toEqual({ ...afterFirst, keys: 0 });
      const view = await pledgeView(handle.db, pledge.receiptCode);
      expect(view?.pledge.status).toBe('confirmed');
      expect(view?.split).toEqual({ houseVnd: 1_000_000 - fee, communeVnd: 0, generalVnd: 0, feeVnd: fee });
      const [contribution] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, view!.pledge.contributionId!));
      expect(contribution).toMatchObject({ receiptCode: pledge.receiptCode, channel: 'card', amountVnd: 1_000_000 });
      const feeLines = await queryRows(handle.db, sql`SELECT account, amount_vnd FROM journal_lines WHERE contribution_id = ${contribution!.id} AND account LIKE 'card_fee%' ORDER BY account`);
      expect(feeLines.map((l) => [l.account, Number(l.amount_vnd)])).toEqual([['card_fee_withheld', -fee], ['card_fees', fee]]);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('waits for an asynchronous payment, then confirms on success or fails the pledge', async () => {
      const ok = await cardPledge(deps, standIn, { amountVnd: 300_000 });
      const bad = await cardPledge(deps, standIn, { amountVnd: 400_000 });
      expect((await postWebhook(deps, checkoutEvent('checkout.session.completed', ok.session, false))).body).toMatchObject({ outcome: 'noted' });
      expect((await pledgeRow(ok.pledge.receiptCode)).status).toBe('pending');
      expect((await postWebhook(deps, checkoutEvent('checkout.session.async_payment_succeeded', ok.session))).body).toMatchObject({ outcome: 'confirmed' });
      expect((await postWebhook(deps, checkoutEvent('checkout.session.completed', bad.session, false))).status).toBe(200);
      expect((await postWebhook(deps, checkoutEvent('checkout.session.async_payment_failed', bad.session, false))).body).toMatchObject({ outcome: 'noted' });
      expect((await pledgeRow(bad.pledge.receiptCode)).status).toBe('failed');
      expect((await pledgeRow(ok.pledge.receiptCode)).status).toBe('confirmed');
    });

    it('answers 400 to an unsigned, forged, wrongly keyed or replayed old event and 413 to a huge body, changing nothing', async () => {
      const { session } = await cardPledge(deps, standIn);
      const event = checkoutEvent('checkout.session.completed', session);
      const before = await intakeState(handle.db);
      const unsigned = await postWebhook(deps, event, { signature: null });
      expect(unsigned).toMatchObject({ status: 400, body: { error: 'unsigned' } });
      const forged = await postWebhook(deps, event, { signature: `t=${Math.floor(Date.now() / 1000)},v1=${'ab'.repeat(32)}` });
      expect(forged).toMatchObject({ status: 400, body: { error: 'bad_signature' } });
      expect((await postWebhook(deps, event, { secret: 'whsec_someone_else' })).status).toBe(400);
      // The right body signed for a different body: a tampered amount.
      const tampered = { ...event, data: { object: { ...event.data.object, amount_total: 1 } } };
      expect((await postWebhook(deps, tampered, { signature: (await import('../../scripts/lib/stripe-stand-in')).signatureFor(JSON.stringify(event), 'whsec_test_intake_suite') })).status).toBe(400);
      const replayed = await postWebhook(deps, event, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
      expect(replayed).toMatchObject({ status: 400, body: { error: 'stale' } });
      expect(String(replayed.body.message)).toMatch(/quá hạn/);
      const huge = await postWebhook(deps, event, { body: JSON.stringify({ ...event, padding: 'x'.repeat(600_000) }) });
      expect(huge.status).toBe(413);
      expect(await intakeState(handle.db)).toEqual(before);
    });

    it('refuses an amount or a currency that does not match the pledge: queued for review, nothing posted', async () => {
      const a = await cardPledge(deps, standIn, { amountVnd: 500_000 });
      const b = await cardPledge(deps, standIn, { amountVnd: 500_000 });
      const before = await intakeState(handle.db);
      expect((await postWebhook(deps, checkoutEvent('checkout.session.completed', a.session, true, { amountVnd: 50_000 }))).body).toMatchObject({ outcome: 'review', detail: 'amount_mismatch' });
      expect((await postWebhook(deps, checkoutEvent('checkout.session.completed', b.session, true, { currency: 'usd' }))).body).toMatchObject({ outcome: 'review', detail: 'currency_mismatch' });
      const after = await intakeState(handle.db);
      expect([after.entries, after.contributions, after.pooled]).toEqual([before.entries, before.contributions, before.pooled]);
      const reviews = await handle.db.select().from(schema.paymentReviews);
      expect(reviews.map((r) => r.reason).sort()).toEqual(['amount_mismatch', 'currency_mismatch']);
      expect((await pledgeRow(a.pledge.receiptCode)).status).toBe('review');
    });

    it('a gift the database refuses while posting goes to review in a transaction done again, nothing posted, the answer kept once', async () => {
      const { pledge, session } = await cardPledge(deps, standIn, { amountVnd: 600_000 });
      // A refusal no rule foresees, raised by the database itself when the gift's row is written.
      await handle.db.execute(sql.raw(`CREATE FUNCTION refuse_test_gift() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test refusal' USING ERRCODE = 'P0001'; END $$`));
      await handle.db.execute(sql.raw(`CREATE TRIGGER refuse_test_gift BEFORE INSERT ON contributions FOR EACH ROW WHEN (NEW.receipt_code = '${pledge.receiptCode}') EXECUTE FUNCTION refuse_test_gift()`));
      const before = await intakeState(handle.db);
      const event = checkoutEvent('checkout.session.completed', session);
      expect(await postWebhook(deps, event)).toMatchObject({ status: 200, body: { outcome: 'review', detail: 'posting_refused' } });
      expect(await pledgeRow(pledge.receiptCode)).toMatchObject({ status: 'review', statusReason: 'ledger_refused', contributionId: null });
      expect((await postWebhook(deps, event)).body).toMatchObject({ outcome: 'review', detail: 'posting_refused' });
      const after = await intakeState(handle.db);
      expect([after.entries, after.contributions, after.pooled, after.reviews]).toEqual([before.entries, before.contributions, before.pooled, Number(before.reviews) + 1]);
      const [review] = await handle.db.select().from(schema.paymentReviews);
      expect(review).toMatchObject({ reason: 'posting_refused', reference: event.id });
    });

    it('reverses a full refund once, naming the entry; a second refund event is a no-op', async () => {
      const { pledge, session } = await cardPledge(deps, standIn, { amountVnd: 600_000 });
      await postWebhook(deps, checkoutEvent('checkout.session.completed', session));
      const refund = await postWebhook(deps, stripeEvent('charge.refunded', refundedCharge(session.payment_intent, 600_000, 600_000)));
      expect(refund.body).toMatchObject({ outcome: 'reversed', kind: 'refund', receiptCode: pledge.receiptCode });
      const again = await postWebhook(deps, stripeEvent('charge.refunded', refundedCharge(session.payment_intent, 600_000, 600_000)));
      expect(again.body).toMatchObject({ outcome: 'already_done' });
      const reversals = await handle.db.select().from(schema.journalEntries).where(eq(schema.journalEntries.kind, 'reversal'));
      expect(reversals).toHaveLength(1);
      expect(reversals[0]!.reason).toMatch(/Hoàn tiền thẻ/);
      expect((await pledgeView(handle.db, pledge.receiptCode))?.reversedByEntryId).toBe(reversals[0]!.id);
      const [pooled] = await queryRows(handle.db, sql`SELECT coalesce(sum(remaining_vnd), 0) AS v FROM pool_lots`);
      expect(Number(pooled!.v)).toBe(0);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('sends a partial refund to review, then reverses when the refund becomes full', async () => {
      const { pledge, session } = await cardPledge(deps, standIn, { amountVnd: 600_000 });
      await postWebhook(deps, checkoutEvent('checkout.session.completed', session));
      const partial = await postWebhook(deps, stripeEvent('charge.refunded', refundedCharge(session.payment_intent, 600_000, 200_000)));
      expect(partial.body).toMatchObject({ outcome: 'review', detail: 'partial_refund' });
      expect((await pledgeRow(pledge.receiptCode)).status).toBe('confirmed');
      const full = await postWebhook(deps, stripeEvent('charge.refunded', refundedCharge(session.payment_intent, 600_000, 600_000)));
      expect(full.body).toMatchObject({ outcome: 'reversed' });
      expect((await pledgeRow(pledge.receiptCode)).status).toBe('refunded');
    });

    it('applies a refund or dispute that arrives before its payment in the same transaction as the confirmation', async () => {
      const refunded = await cardPledge(deps, standIn, { amountVnd: 200_000 });
      const disputed = await cardPledge(deps, standIn, { amountVnd: 300_000 });
      expect((await postWebhook(deps, stripeEvent('charge.refunded', refundedCharge(refunded.session.payment_intent, 200_000, 200_000)))).body).toMatchObject({ outcome: 'parked' });
      expect((await postWebhook(deps, stripeEvent('charge.dispute.created', dispute(disputed.session.payment_intent, 300_000)))).body).toMatchObject({ outcome: 'parked' });
      expect((await intakeState(handle.db)).entries).toBe(0);
      await postWebhook(deps, checkoutEvent('checkout.session.completed', refunded.session));
      await postWebhook(deps, checkoutEvent('checkout.session.completed', disputed.session));
      expect((await pledgeRow(refunded.pledge.receiptCode)).status).toBe('refunded');
      expect((await pledgeRow(disputed.pledge.receiptCode)).status).toBe('disputed');
      const [sums] = await queryRows(handle.db, sql`SELECT count(*) FILTER (WHERE kind = 'reversal') AS reversals, (SELECT coalesce(sum(remaining_vnd), 0) FROM pool_lots) AS pooled FROM journal_entries`);
      expect([Number(sums!.reversals), Number(sums!.pooled)]).toEqual([2, 0]);
      const won = await postWebhook(deps, stripeEvent('charge.dispute.closed', dispute(disputed.session.payment_intent, 300_000, 'won')));
      expect(won.body).toMatchObject({ outcome: 'review', detail: 'dispute_won' });
    });

    it('paid events arriving together share transactions; a mismatch, a waiting refund and a refused gift among them are done alone, each answered once', async () => {
      const plain = [];
      for (let i = 0; i < 10; i++) plain.push(await cardPledge(deps, standIn, { amountVnd: 100_000 + i * 10_000, emailConsent: true }));
      const short = await cardPledge(deps, standIn, { amountVnd: 700_000 });
      const refunded = await cardPledge(deps, standIn, { amountVnd: 200_000, emailConsent: true });
      const refused = await cardPledge(deps, standIn, { amountVnd: 600_000 });
      await postWebhook(deps, stripeEvent('charge.refunded', refundedCharge(refunded.session.payment_intent, 200_000, 200_000)));
      await handle.db.execute(sql.raw(`CREATE FUNCTION refuse_test_gift() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test refusal' USING ERRCODE = 'P0001'; END $$`));
      await handle.db.execute(sql.raw(`CREATE TRIGGER refuse_test_gift BEFORE INSERT ON contributions FOR EACH ROW WHEN (NEW.receipt_code = '${refused.pledge.receiptCode}') EXECUTE FUNCTION refuse_test_gift()`));
      const events = [
        ...plain.map((p) => checkoutEvent('checkout.session.completed', p.session)),
        checkoutEvent('checkout.session.completed', short.session, true, { amountVnd: 500_000 }),
        checkoutEvent('checkout.session.completed', refunded.session),
        checkoutEvent('checkout.session.completed', refused.session),
      ];
      const shared = { ...cardCommitter(handle.db).stats };
      // Every event at once, and the first delivered twice.
      const answers = await Promise.all([...events, events[0]!].map((event) => postWebhook(deps, event)));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(answers.slice(0, 10).map((a) => a.body.outcome)).toEqual(plain.map(() => 'confirmed'));
      expect(answers.slice(10, 13).map((a) => [a.body.outcome, a.body.detail])).toEqual([['review', 'amount_mismatch'], ['confirmed', undefined], ['review', 'posting_refused']]);
      expect(answers[13]!.body).toEqual(answers[0]!.body);
      // PGlite has one connection, which each batch holds: the events' reads before it queue behind it, so only a server shares.
      const { batches, items } = cardCommitter(handle.db).stats;
      if (handle.url) expect(batches - shared.batches).toBeLessThan(items - shared.items);
      for (const p of plain) expect(await pledgeRow(p.pledge.receiptCode)).toMatchObject({ status: 'confirmed', stripePaymentIntentId: p.session.payment_intent });
      expect((await pledgeRow(short.pledge.receiptCode)).status).toBe('review');
      expect((await pledgeRow(refunded.pledge.receiptCode)).status).toBe('refunded');
      expect((await pledgeRow(refused.pledge.receiptCode)).status).toBe('review');
      const [counts] = await queryRows(handle.db, sql`
        SELECT (SELECT count(*) FROM journal_entries WHERE kind = 'contribution') AS gifts, (SELECT count(*) FROM journal_entries WHERE kind = 'reversal') AS reversals,
               (SELECT count(*) FROM mail_outbox WHERE kind = 'receipt') AS receipts, (SELECT count(*) FROM payment_reviews) AS reviews`);
      expect([counts!.gifts, counts!.reversals, counts!.receipts, counts!.reviews].map(Number)).toEqual([11, 1, 11, 2]);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('queues for staff a refund the ledger refuses because the pooled money was already allocated', async () => {
      const { pledge, session } = await cardPledge(deps, standIn, { amountVnd: 10_000_000 });
      await postWebhook(deps, checkoutEvent('checkout.session.completed', session));
      await allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: world.houses[0]!.houseId, fromAreaId: null, amountVnd: 9_000_000, decisionRef: 'QĐ 7', createdBy: 'Cán bộ', occurredAt: new Date() });
      const before = await intakeState(handle.db);
      const refund = await postWebhook(deps, stripeEvent('charge.refunded', refundedCharge(session.payment_intent, 10_000_000, 10_000_000)));
      expect(refund).toMatchObject({ status: 200, body: { outcome: 'review', detail: 'refund_refused_by_ledger' } });
      const after = await intakeState(handle.db);
      expect([after.entries, after.pooled, after.allocated]).toEqual([before.entries, before.pooled, before.allocated]);
      const [review] = await handle.db.select().from(schema.paymentReviews);
      expect(review).toMatchObject({ reason: 'refund_refused_by_ledger', pledgeId: pledge.id, amountVnd: 10_000_000 });
      expect((await pledgeRow(pledge.receiptCode)).status).toBe('confirmed');
    });
  });
}
