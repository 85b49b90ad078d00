// Delivery the way networks really do it: a thousand signed events, duplicated and shuffled, and fifty
// confirmations racing for the last of one house's need. Run on PGlite and on PostgreSQL.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { verifyLedger } from '../../src/domain/verify';
import { dispute, refundedCharge, standInFeeVnd, startStripeStandIn, stripeEvent, type StripeStandIn } from '../../scripts/lib/stripe-stand-in';
import { buildWorld, give, type World } from '../db/world';
import type { FreshDb } from '../db/harness';
import { fulfilled, race, RACE_NOTE } from '../db/race';
import { accountTotals, cardPledge, checkoutEvent, intakeDeps, postWebhook, receiptSplits } from './intake-world';

// A small deterministic generator, so a failure can be replayed exactly.
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

// Receipt codes for the replay, the same in every database: the number i in the codes' alphabet.
function replayCode(i: number): string {
  let digits = '';
  for (let n = i; digits.length < 8; n = Math.floor(n / ALPHABET.length)) digits = ALPHABET[n % ALPHABET.length] + digits;
  return `AC${digits}`;
}

type Kind = 'paid' | 'async_ok' | 'async_failed' | 'refunded' | 'disputed';

interface Payment { code: string; session: string; intent: string; amountVnd: number; target: { type: 'house' | 'commune' | 'general'; id: number | null }; kind: Kind }

// The payments and, in the order Stripe would first send them, their events.
function scenario(world: World, count: number, seed: number) {
  const next = random(seed);
  const payments: Payment[] = [];
  const events: object[] = [];
  const t0 = Math.floor(Date.now() / 1000) - 60;
  for (let i = 0; i < count; i++) {
    const roll = next();
    const kind: Kind = roll < 0.6 ? 'paid' : roll < 0.75 ? 'async_ok' : roll < 0.85 ? 'async_failed' : roll < 0.95 ? 'refunded' : 'disputed';
    const pick = next();
    const target = pick < 0.2 ? { type: 'house' as const, id: world.houses[i % world.houses.length]!.houseId }
      : pick < 0.4 ? { type: 'commune' as const, id: world.communeA } : { type: 'general' as const, id: null };
    // Small gifts: no house or pool fills up, so every gift's split is the same in any order.
    const amountVnd = 20_000 + Math.floor(next() * 18) * 10_000;
    const p: Payment = { code: replayCode(i), session: `cs_replay_${i}`, intent: `pi_replay_${i}`, amountVnd, target, kind };
    payments.push(p);
    const session = { id: p.session, payment_intent: p.intent, amount_total: amountVnd, client_reference_id: p.code };
    const at = t0 + i;
    const withTime = (event: ReturnType<typeof stripeEvent>) => ({ ...event, created: at });
    if (kind === 'paid' || kind === 'refunded' || kind === 'disputed') events.push(withTime(checkoutEvent('checkout.session.completed', session, true)));
    else events.push(withTime(checkoutEvent('checkout.session.completed', session, false)));
    if (kind === 'async_ok') events.push(withTime(checkoutEvent('checkout.session.async_payment_succeeded', session, true)));
    if (kind === 'async_failed') events.push(withTime(checkoutEvent('checkout.session.async_payment_failed', session, false)));
    if (kind === 'refunded') events.push(withTime(stripeEvent('charge.refunded', refundedCharge(p.intent, amountVnd, amountVnd))));
    if (kind === 'disputed') events.push(withTime(stripeEvent('charge.dispute.created', dispute(p.intent, amountVnd))));
  }
  return { payments, events };
}

// The same pledges in every database, as the donation page would have recorded them.
async function insertPledges(handle: DbHandle, world: World, payments: Payment[], standIn: StripeStandIn) {
  await handle.db.insert(schema.pledges).values(payments.map((p) => ({
    receiptCode: p.code, campaignId: world.campaignId, targetType: p.target.type,
    targetHouseId: p.target.type === 'house' ? p.target.id : null,
    targetAreaId: p.target.type === 'general' ? null : world.communeA,
    amountVnd: p.amountVnd, displayName: null, anonymous: true, method: 'card' as const, stripeSessionId: p.session,
  })));
  for (const p of payments) standIn.payments.set(p.intent, p.amountVnd);
}

async function outcome(handle: DbHandle) {
  const statuses = await handle.db.select({ code: schema.pledges.receiptCode, status: schema.pledges.status }).from(schema.pledges).orderBy(schema.pledges.receiptCode);
  const [counts] = await queryRows(handle.db, sql`SELECT (SELECT count(*) FROM contributions) AS contributions, (SELECT count(*) FROM payment_reviews) AS reviews,
    (SELECT count(*) FROM stripe_parked_events WHERE applied_at IS NULL) AS waiting`);
  return { accounts: await accountTotals(handle.db), splits: await receiptSplits(handle.db), statuses, counts: Object.values(counts!).map(Number) };
}

export function reliabilitySuite(driver: string, fresh: FreshDb): void {
  describe(`intake reliability (${driver})`, () => {
    let standIn: StripeStandIn;
    beforeAll(async () => { standIn = await startStripeStandIn(); });
    afterAll(async () => { await standIn.close(); });

    it('1,000 signed events with 30% duplicates, shuffled and concurrent, give exactly what one in-order delivery gives', async () => {
      const inOrder = await fresh();
      const shuffled = await fresh();
      try {
        const worldA = await buildWorld(inOrder.db);
        const worldB = await buildWorld(shuffled.db);
        const { payments, events } = scenario(worldA, 500, 20240719);
        expect(worldB.houses.map((h) => h.houseId)).toEqual(worldA.houses.map((h) => h.houseId));
        await insertPledges(inOrder, worldA, payments, standIn);
        await insertPledges(shuffled, worldB, payments, standIn);
        const depsA = intakeDeps(inOrder.db, standIn);
        for (const event of events) expect((await postWebhook(depsA, event)).status).toBe(200);

        const next = random(7);
        const deliveries = [...events];
        const distinct = events.length;
        while (deliveries.length < 1000) deliveries.push(events[Math.floor(next() * distinct)]!);
        for (let i = deliveries.length - 1; i > 0; i--) {
          const j = Math.floor(next() * (i + 1));
          [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
        }
        expect(deliveries.length - distinct).toBeGreaterThanOrEqual(290);
        const depsB = intakeDeps(shuffled.db, standIn);
        let cursor = 0;
        await Promise.all(Array.from({ length: 8 }, async () => {
          while (cursor < deliveries.length) {
            const event = deliveries[cursor++]!;
            const { status, body } = await postWebhook(depsB, event);
            expect(status, JSON.stringify(body)).toBe(200);
          }
        }));

        const a = await outcome(inOrder);
        const b = await outcome(shuffled);
        expect(b).toEqual(a);
        const byKind = (kind: Kind) => payments.filter((p) => p.kind === kind).map((p) => p.code).sort();
        const status = (s: string) => a.statuses.filter((x) => x.status === s).map((x) => x.code).sort();
        expect(status('confirmed')).toEqual([...byKind('paid'), ...byKind('async_ok')].sort());
        expect(status('refunded')).toEqual(byKind('refunded'));
        expect(status('disputed')).toEqual(byKind('disputed'));
        expect(status('failed')).toEqual(byKind('async_failed'));
        const confirmedVnd = payments.filter((p) => p.kind === 'paid' || p.kind === 'async_ok').reduce((s, p) => s + p.amountVnd, 0);
        const [card] = await queryRows(shuffled.db, sql`SELECT coalesce(sum(amount_vnd) FILTER (WHERE account = 'cash_card'), 0) + coalesce(sum(amount_vnd) FILTER (WHERE account = 'card_fees'), 0) AS gross FROM journal_lines`);
        expect(Number(card!.gross)).toBe(confirmedVnd);
        // The shuffle really did deliver refunds and disputes before their payments.
        const [parked] = await queryRows(shuffled.db, sql`SELECT count(*) AS n FROM stripe_parked_events WHERE applied_at IS NOT NULL`);
        expect(Number(parked!.n)).toBeGreaterThan(0);
        expect((await verifyLedger(shuffled.db)).ok).toBe(true);
      } finally {
        await inOrder.close();
        await shuffled.close();
      }
    }, 600_000);

    it(`fifty card gifts racing for the last 1,000,000 ₫ of a house fill it exactly and send the rest to the pools ${RACE_NOTE}`, async () => {
      const handle = await fresh({ poolSize: 52 });
      try {
        const world = await buildWorld(handle.db);
        const house = world.houses[0]!;
        await give(handle.db, world, { amountVnd: 29_000_000, target: { type: 'house', houseId: house.houseId } });
        const deps = intakeDeps(handle.db, standIn);
        const pledges = [];
        for (let i = 0; i < 50; i++) pledges.push(await cardPledge(deps, standIn, { target: { type: 'house', houseCode: house.publicCode }, amountVnd: 100_000 }));
        const results = fulfilled(await race(handle, pledges.map(({ session }) => () => postWebhook(deps, checkoutEvent('checkout.session.completed', session)))));
        expect(results.map((r) => r.body.outcome)).toEqual(Array(50).fill('confirmed'));
        const [row] = await handle.db.select().from(schema.houses).where(eq(schema.houses.id, house.houseId));
        expect(row!.allocatedVnd).toBe(row!.budgetVnd);
        const splits = results.map((r) => r.body.split as { houseVnd: number; communeVnd: number; generalVnd: number });
        const netVnd = 50 * (100_000 - standInFeeVnd(100_000));
        expect(splits.reduce((s, x) => s + x.houseVnd, 0)).toBe(1_000_000);
        expect(splits.reduce((s, x) => s + x.houseVnd + x.communeVnd + x.generalVnd, 0)).toBe(netVnd);
        const [sums] = await queryRows(handle.db, sql`SELECT
            (SELECT coalesce(sum(remaining_vnd), 0) FROM pool_lots) AS pooled,
            (SELECT coalesce(sum(amount_vnd), 0) FROM journal_lines WHERE account = 'cash_card') AS card`);
        expect(Number(sums!.pooled)).toBe(netVnd - 1_000_000);
        expect(Number(sums!.card)).toBe(netVnd);
        expect((await verifyLedger(handle.db)).ok).toBe(true);
      } finally {
        await handle.close();
      }
    }, 300_000);
  });
}
