// Card payments through Stripe Checkout: opening a session for a pledge, and the webhook that turns
// Stripe's events into ledger entries exactly once, whatever order or how often they arrive.
import Stripe from 'stripe';
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { jsonRows, pipelinedTransaction, queryRows, schema, type Db, type Tx } from '../../db/client';
import { retryConflicts } from '../../db/pg-errors';
import type { CashResult } from '../domain/contributions';
import { PipelineFailed, postCashGifts, postCashGiftsIsolated, type CashInput, type GiftReply } from '../domain/gift-batch';
import { GroupCommit, groupCommitFor } from '../domain/group-commit';
import { cashContributionInput } from '../domain/schemas';
import { parseInput } from '../domain/validate';
import { reverseEntry } from '../domain/corrections';
import { DomainError } from '../domain/errors';
import { requestHash, runOnce } from '../domain/journal';
import { recordCashTransfer } from '../domain/treasury';
import { formatVnd } from '../i18n/format';
import { logEvent } from '../log';
import { enqueueReceipts, enqueueRefundNotice } from '../mail/outbox';
import { readLimitedBody } from '../request-body';
import type { StripeSettings } from './config';
import { pledgeDonor, type Pledge } from './pledges';
import { queueReview } from './reviews';

const { pledges, stripeParkedEvents, idempotencyKeys, journalEntries } = schema;

// Stripe's own events are a few kilobytes; anything far larger is not from Stripe.
export const MAX_WEBHOOK_BYTES = 256 * 1024;
// Stripe's recommended tolerance: a signed event older than this is a replay.
export const WEBHOOK_TOLERANCE_SECONDS = 300;

// The real client; a base URL points it at a local stand-in for Stripe's API (tests, benchmarks).
export function stripeClient(settings: StripeSettings): Stripe {
  const base = settings.apiBase;
  return new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    ...(base ? { host: base.hostname, port: base.port || (base.protocol === 'https:' ? 443 : 80), protocol: base.protocol.replace(':', '') as 'http' | 'https' } : {}),
  });
}

// The Checkout Session for a card pledge: VND is zero-decimal, so the amount is in đồng as is.
export async function startCheckout(stripe: Stripe, pledge: Pledge, urls: { success: string; cancel: string }, label: string) {
  const metadata = {
    receipt_code: pledge.receiptCode,
    campaign_id: String(pledge.campaignId),
    target_type: pledge.targetType,
    target_house_id: pledge.targetHouseId === null ? '' : String(pledge.targetHouseId),
    target_area_id: pledge.targetAreaId === null ? '' : String(pledge.targetAreaId),
  };
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    client_reference_id: pledge.receiptCode,
    customer_email: pledge.email ?? undefined,
    line_items: [{ quantity: 1, price_data: { currency: 'vnd', unit_amount: pledge.amountVnd, product_data: { name: label } } }],
    metadata,
    payment_intent_data: { metadata, description: `An Cư ${pledge.receiptCode}` },
    success_url: urls.success,
    cancel_url: urls.cancel,
  }, { idempotencyKey: `checkout-${pledge.receiptCode}` });
  if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL');
  return { sessionId: session.id, url: session.url };
}

export interface WebhookDeps {
  db: Db;
  stripe: Stripe;
  webhookSecret: string;
}

export type WebhookOutcome =
  | { outcome: 'confirmed'; receiptCode: string; split: CashResult['split']; feeVnd: number }
  | { outcome: 'reversed'; receiptCode: string; kind: 'refund' | 'dispute'; entryId: number }
  | { outcome: 'parked' | 'review' | 'noted' | 'ignored' | 'already_done'; detail: string };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

function refusal(status: number, code: string, vi: string, en: string): Response {
  return json(status, { error: code, message: vi, messageEn: en });
}

// POST /api/stripe/webhook: verify the signature on the raw bytes, then process once per event id.
export async function handleStripeWebhook(deps: WebhookDeps, request: Request): Promise<Response> {
  const raw = await readLimitedBody(request, MAX_WEBHOOK_BYTES).catch(() => undefined);
  if (!raw) return refusal(413, 'too_large', 'Nội dung quá lớn; không có gì thay đổi.', 'The body is too large; nothing changed.');
  const signature = request.headers.get('stripe-signature');
  if (!signature) return refusal(400, 'unsigned', 'Thiếu chữ ký Stripe; không có gì thay đổi.', 'The Stripe signature is missing; nothing changed.');
  let event: Stripe.Event;
  try {
    event = deps.stripe.webhooks.constructEvent(Buffer.from(raw), signature, deps.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    const stale = /timestamp outside the tolerance/i.test(String((error as Error).message));
    return stale
      ? refusal(400, 'stale', 'Sự kiện đã quá hạn (có thể là gửi lại sự kiện cũ); không có gì thay đổi.', 'The event is too old (a replay?); nothing changed.')
      : refusal(400, 'bad_signature', 'Chữ ký Stripe không đúng; không có gì thay đổi.', 'The Stripe signature does not verify; nothing changed.');
  }
  try {
    return json(200, { received: true, ...(await retryConflicts(() => processStripeEvent(deps, event))) });
  } catch (error) {
    if (error instanceof DomainError) return refusal(error.status, error.code, error.message, error.messageEn);
    logEvent('error', 'stripe_webhook_failed', { eventId: event.id, eventType: event.type, error: error instanceof Error ? error.name : 'unknown' });
    // Stripe retries anything but a 2xx, so a passing fault (database, Stripe API) loses nothing.
    return refusal(500, 'retry_later', 'Lỗi tạm thời; Stripe sẽ gửi lại.', 'A passing fault; Stripe will send the event again.');
  }
}

type Handled = WebhookOutcome;
const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : value?.id ?? null);

// Dispatches one verified event; every write happens in the transaction that claims the event id.
export async function processStripeEvent(deps: WebhookDeps, event: Stripe.Event): Promise<Handled> {
  const eventKey = `stripe-event:${event.id}`;
  const object = event.data.object as { id: string };
  const request = { type: event.type, objectId: object.id };
  // One read: the event's answer if it was handled before, and the state of a checkout's pledge.
  const sessionId = event.type.startsWith('checkout.session.') ? object.id : null;
  const [seen] = await queryRows<{ result: Handled | null; pledge_status: string | null }>(deps.db, sql`
    SELECT (SELECT result FROM idempotency_keys WHERE key = ${eventKey}) AS result,
           (SELECT status FROM pledges WHERE stripe_session_id = ${sessionId}) AS pledge_status`);
  if (seen?.result) return seen.result;
  const occurredAt = new Date(event.created * 1000);
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object as Stripe.Checkout.Session;
      if (session.payment_status !== 'paid') {
        return (await runOnce(deps.db, eventKey, request, (tx) => noteAwaiting(tx, session))).result;
      }
      const feeVnd = await feeFor(deps, session, seen?.pledge_status ?? null);
      // Confirmed with the others arriving now; one the batch leaves (anything but a pending pledge paid as pledged) is done alone.
      const batched = await cardCommitter(deps.db).submit({ eventId: event.id, request, session, feeVnd, occurredAt });
      return batched ?? (await runOnce<Handled>(deps.db, eventKey, request, (tx) => confirm(tx, event.id, session, feeVnd, occurredAt))).result;
    }
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const session = event.data.object as Stripe.Checkout.Session;
      return (await runOnce(deps.db, eventKey, request, (tx) => fail(tx, session, event.type))).result;
    }
    case 'charge.refunded':
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const paymentIntentId = idOf((event.data.object as Stripe.Charge | Stripe.Dispute).payment_intent);
      if (!paymentIntentId) return { outcome: 'ignored', detail: 'no payment intent' };
      return (await runOnce(deps.db, eventKey, request, (tx) => reversalEvent(tx, { eventId: event.id, type: event.type, object: event.data.object, paymentIntentId, occurredAt }))).result;
    }
    case 'payout.paid': {
      const payout = event.data.object as Stripe.Payout;
      return (await runOnce(deps.db, eventKey, request, (tx) => payoutPaid(tx, event.id, payout))).result;
    }
    default:
      return { outcome: 'ignored', detail: event.type };
  }
}

// Card money paid out to the fund's bank account: net of the fees (split off at gift time), posted
// once by the payout's id, whether this event or the bank statement's credit reports it first.
async function payoutPaid(tx: Tx, eventId: string, payout: Stripe.Payout): Promise<Handled> {
  if (payout.currency !== 'vnd') {
    await queueReview(tx, { source: 'stripe', reference: eventId, reason: 'currency_mismatch', amountVnd: null, detail: `payout ${payout.id} in ${payout.currency}; not posted` });
    return { outcome: 'review', detail: 'currency_mismatch' };
  }
  try {
    const { replayed } = await recordCashTransfer(tx, { kind: 'payout', reference: payout.id, amountVnd: payout.amount, occurredAt: new Date(payout.arrival_date * 1000) });
    return { outcome: replayed ? 'already_done' : 'noted', detail: `payout ${payout.id}` };
  } catch (error) {
    // The money left Stripe: whatever the ledger refuses (more than the card account holds) must reach a person.
    if (!(error instanceof DomainError)) throw error;
    await queueReview(tx, { source: 'stripe', reference: eventId, reason: 'posting_refused', amountVnd: payout.amount, detail: `payout ${payout.id}: ${error.messageEn}` });
    return { outcome: 'review', detail: 'posting_refused' };
  }
}

// Serialises every event of one payment: a refund can never slip between a confirmation's reads.
async function lockPayment(tx: Tx, paymentIntentId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`stripe-pi:${paymentIntentId}`}))`);
}

async function lockPledgeForSession(tx: Tx, session: Stripe.Checkout.Session): Promise<Pledge | undefined> {
  const byCode = session.client_reference_id ?? session.metadata?.receipt_code ?? '';
  const [pledge] = await tx.select().from(pledges)
    .where(or(eq(pledges.stripeSessionId, session.id), and(eq(pledges.receiptCode, byCode), isNull(pledges.stripeSessionId))))
    .for('update');
  return pledge;
}

// The processing fee, from the charge's balance transaction, converted to đồng pro rata when the
// account settles in another currency. Fetched before the transaction so no lock waits on Stripe; not
// fetched for a pledge already settled (the session's pledge status, read with the event's answer).
async function feeFor(deps: WebhookDeps, session: Stripe.Checkout.Session, pledgeStatus: string | null): Promise<number> {
  const paymentIntentId = idOf(session.payment_intent);
  if (!paymentIntentId) return 0;
  if (pledgeStatus !== null && pledgeStatus !== 'pending') return 0;
  const intent = await deps.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] });
  const charge = intent.latest_charge as Stripe.Charge | null;
  const balance = charge?.balance_transaction as Stripe.BalanceTransaction | null | undefined;
  if (!balance || typeof balance !== 'object') {
    throw new Error(`payment ${paymentIntentId} has no balance transaction yet; retry later`);
  }
  if (balance.currency === 'vnd') return balance.fee;
  return Math.round((balance.fee * (session.amount_total ?? 0)) / balance.amount);
}

async function noteAwaiting(tx: Tx, session: Stripe.Checkout.Session): Promise<Handled> {
  const paymentIntentId = idOf(session.payment_intent);
  if (paymentIntentId) await lockPayment(tx, paymentIntentId);
  const pledge = await lockPledgeForSession(tx, session);
  if (!pledge) return { outcome: 'ignored', detail: 'unknown session' };
  if (paymentIntentId && pledge.stripePaymentIntentId === null) {
    await tx.update(pledges).set({ stripeSessionId: session.id, stripePaymentIntentId: paymentIntentId }).where(eq(pledges.id, pledge.id));
  }
  return { outcome: 'noted', detail: `awaiting payment ${paymentIntentId ?? ''}`.trim() };
}

async function fail(tx: Tx, session: Stripe.Checkout.Session, reason: string): Promise<Handled> {
  const pledge = await lockPledgeForSession(tx, session);
  if (!pledge) return { outcome: 'ignored', detail: 'unknown session' };
  if (pledge.status !== 'pending') return { outcome: 'already_done', detail: pledge.status };
  await tx.update(pledges).set({ status: 'failed', statusReason: reason }).where(eq(pledges.id, pledge.id));
  return { outcome: 'noted', detail: reason };
}

// What makes a paid session differ from its pledge, if anything: such a payment is not posted but reviewed.
function mismatchOf(session: Stripe.Checkout.Session, pledge: Pledge): 'currency_mismatch' | 'amount_mismatch' | 'metadata_mismatch' | null {
  return session.currency !== 'vnd' ? 'currency_mismatch'
    : (session.amount_total ?? 0) !== pledge.amountVnd ? 'amount_mismatch'
    : session.metadata?.receipt_code !== pledge.receiptCode ? 'metadata_mismatch' : null;
}

// The pledge's gift as the domain takes it: keyed by the payment, so a payment posts once whichever event reports it.
function giftOf(pledge: Pledge, paymentIntentId: string, amountVnd: number, feeVnd: number, occurredAt: Date): CashInput {
  const target = pledge.targetType === 'house' ? { type: 'house', houseId: pledge.targetHouseId }
    : pledge.targetType === 'commune' ? { type: 'commune', areaId: pledge.targetAreaId } : { type: 'general' };
  return parseInput(cashContributionInput, {
    idempotencyKey: `stripe:${paymentIntentId}`, campaignId: pledge.campaignId, channel: 'card', amountVnd, feeVnd, target,
    receivedAt: occurredAt, receiptCode: pledge.receiptCode, donor: pledgeDonor(pledge),
  });
}

interface PaidPledge { pledge_id: number; contribution_id: number; confirmed_at: Date; session_id: string; payment_intent_id: string }

// Paid pledges point at their contributions and payments: one statement for a whole batch.
function markPaid(tx: Tx, paid: PaidPledge[]): Promise<unknown> {
  return tx.execute(sql`
    UPDATE pledges p SET status = 'confirmed', status_reason = NULL, contribution_id = v.contribution_id, confirmed_at = v.confirmed_at,
      stripe_session_id = v.session_id, stripe_payment_intent_id = v.payment_intent_id
    FROM ${jsonRows(paid, 'pledge_id integer, contribution_id integer, confirmed_at timestamptz, session_id text, payment_intent_id text')} AS v
    WHERE p.id = v.pledge_id`);
}

// Paid, done alone (what the group commit left): the pledge becomes a contribution through the domain, allocated
// as the donor chose, in a savepoint, so a gift the ledger refuses goes to review. An unknown pledge, a mismatch
// or a payment already settled is recorded as such. A refund that arrived first (parked) is applied after the gift.
async function confirm(tx: Tx, eventId: string, session: Stripe.Checkout.Session, feeVnd: number, occurredAt: Date): Promise<Handled> {
  const paymentIntentId = idOf(session.payment_intent);
  if (!paymentIntentId) throw new DomainError(400, 'no_payment_intent', 'Phiên thanh toán không có PaymentIntent.', 'The session has no PaymentIntent.');
  // The payment's lock first, awaited: a read sent beside it could reach the server before it and miss a
  // refund parked by the event that held the lock. Then the pledge and the refunds waiting for it.
  await lockPayment(tx, paymentIntentId);
  const [pledge, parked] = await Promise.all([
    lockPledgeForSession(tx, session),
    tx.select().from(stripeParkedEvents)
      .where(and(eq(stripeParkedEvents.paymentIntentId, paymentIntentId), isNull(stripeParkedEvents.appliedAt)))
      .orderBy(asc(stripeParkedEvents.createdAt), asc(stripeParkedEvents.eventId)).then((rows) => rows),
  ]);
  const amountVnd = session.amount_total ?? 0;
  if (!pledge) {
    await queueReview(tx, { source: 'stripe', reference: eventId, reason: 'unknown_pledge', amountVnd,
      detail: `Stripe session ${session.id} (${paymentIntentId}) is paid but matches no pledge` });
    return { outcome: 'review', detail: 'unknown_pledge' };
  }
  if (pledge.status === 'confirmed' || pledge.status === 'refunded' || pledge.status === 'disputed' || pledge.status === 'review') {
    return { outcome: 'already_done', detail: pledge.status };
  }
  const mismatch = mismatchOf(session, pledge);
  if (mismatch) {
    await tx.update(pledges).set({ status: 'review', statusReason: mismatch, stripeSessionId: session.id, stripePaymentIntentId: paymentIntentId }).where(eq(pledges.id, pledge.id));
    await queueReview(tx, { source: 'stripe', reference: eventId, reason: mismatch, pledgeId: pledge.id, amountVnd,
      detail: `Paid ${amountVnd} ${session.currency}, pledge ${pledge.receiptCode} is ${formatVnd(pledge.amountVnd)}; not posted` });
    return { outcome: 'review', detail: mismatch };
  }
  let reply: GiftReply;
  try {
    [reply] = (await postCashGiftsIsolated(tx, [giftOf(pledge, paymentIntentId, amountVnd, feeVnd, occurredAt)])) as [GiftReply];
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    reply = error;
  }
  if (reply instanceof Error) {
    // The money was taken: whatever the ledger refuses here must reach a person, not vanish in retries.
    if (!(reply instanceof DomainError)) throw reply;
    await tx.update(pledges).set({ status: 'review', statusReason: reply.code, stripeSessionId: session.id, stripePaymentIntentId: paymentIntentId }).where(eq(pledges.id, pledge.id));
    await queueReview(tx, { source: 'stripe', reference: eventId, reason: 'posting_refused', pledgeId: pledge.id, amountVnd, detail: `${pledge.receiptCode}: ${reply.messageEn}` });
    return { outcome: 'review', detail: 'posting_refused' };
  }
  await markPaid(tx, [{ pledge_id: pledge.id, contribution_id: reply.result.contributionId, confirmed_at: occurredAt, session_id: session.id, payment_intent_id: paymentIntentId }]);
  await enqueueReceipts(tx, [pledge.id]);
  for (const event of parked) {
    await applyReversal(tx, { eventId: event.eventId, type: event.type, object: event.object, paymentIntentId, occurredAt: event.createdAt });
    await tx.update(stripeParkedEvents).set({ appliedAt: new Date() }).where(eq(stripeParkedEvents.eventId, event.eventId));
  }
  return { outcome: 'confirmed', receiptCode: pledge.receiptCode, split: reply.result.split, feeVnd };
}

/** A paid session's event, verified, with its fee read from Stripe. */
interface PaidSession {
  eventId: string;
  request: { type: string; objectId: string };
  session: Stripe.Checkout.Session;
  feeVnd: number;
  occurredAt: Date;
}

// The webhook's group commit: two events of one payment never share a batch.
export function cardCommitter(db: Db): GroupCommit<PaidSession, Handled | undefined> {
  return groupCommitFor(db, 'stripe-paid', () => new GroupCommit(
    (items: PaidSession[]) => confirmPaidBatch(db, items).catch(() => items.map(() => undefined)),
    (item) => [`stripe-pi:${idOf(item.session.payment_intent) ?? item.eventId}`],
  ));
}

// Paid sessions confirmed together, in four round trips whatever their number: the payments' locks, their
// pledges, then the gifts' state, then every write, the chain append, the events' answers and
// COMMIT. Only the plain case is taken here: a pending pledge paid as pledged, with no refund waiting and
// a gift the ledger accepts. Anything else is left undefined, and done alone after this batch commits.
async function confirmPaidBatch(db: Db, items: PaidSession[]): Promise<(Handled | undefined)[]> {
  return pipelinedTransaction(db, async (tx, commit) => {
    const eventKeys = items.map((item) => `stripe-event:${item.eventId}`);
    const paymentIds = items.map((item) => idOf(item.session.payment_intent));
    const codes = items.map(({ session }) => session.client_reference_id ?? session.metadata?.receipt_code ?? '');
    // The locks each event takes alone (lockPayment), in one order, so two batches never wait on each other in a ring;
    // awaited before the reads, which must see every refund parked by an event that held one of them.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT value AS k FROM jsonb_array_elements_text(${JSON.stringify(paymentIds.flatMap((id) => (id ? [`stripe-pi:${id}`] : [])))}::jsonb) ORDER BY 1) AS l`);
    const [found, parked, seen] = await Promise.all([
      tx.select().from(pledges)
        .where(or(inArray(pledges.stripeSessionId, items.map((item) => item.session.id)), and(inArray(pledges.receiptCode, codes), isNull(pledges.stripeSessionId))))
        .orderBy(asc(pledges.id)).for('update').then((rows) => rows),
      tx.selectDistinct({ paymentIntentId: stripeParkedEvents.paymentIntentId }).from(stripeParkedEvents)
        .where(and(inArray(stripeParkedEvents.paymentIntentId, paymentIds.filter((id) => id !== null)), isNull(stripeParkedEvents.appliedAt))).then((rows) => rows),
      tx.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(inArray(idempotencyKeys.key, eventKeys)).then((rows) => rows),
    ]);
    const waiting = new Set(parked.map((row) => row.paymentIntentId));
    const answered = new Set(seen.map((row) => row.key));
    const taken = new Set<number>();
    // The plain cases, each with its one pending pledge and its gift.
    const plain = items.flatMap((item, i) => {
      const paymentIntentId = paymentIds[i];
      const matches = found.filter((p) => p.stripeSessionId === item.session.id || (p.stripeSessionId === null && p.receiptCode === codes[i]));
      const pledge = matches[0];
      if (!paymentIntentId || matches.length !== 1 || !pledge || pledge.status !== 'pending' || taken.has(pledge.id)
        || answered.has(eventKeys[i]!) || waiting.has(paymentIntentId) || mismatchOf(item.session, pledge)) return [];
      taken.add(pledge.id);
      try {
        return [{ i, item, pledge, paymentIntentId, input: giftOf(pledge, paymentIntentId, item.session.amount_total ?? 0, item.feeVnd, item.occurredAt) }];
      } catch {
        return [];
      }
    });
    const answers: (Handled | undefined)[] = items.map(() => undefined);
    if (plain.length === 0) return answers;
    // A gift the ledger refuses gets no answer here: it is done alone, where a refusal goes to review.
    await postCashGifts(tx, plain.map((p) => p.input), {
      checkKeys: true,
      beside: (planned) => markPaid(tx, plain.flatMap((p, n) => {
        const gift = planned[n]!;
        if (gift instanceof Error) return [];
        answers[p.i] = { outcome: 'confirmed', receiptCode: p.pledge.receiptCode, split: gift.split, feeVnd: p.item.feeVnd };
        return [{ pledge_id: p.pledge.id, contribution_id: gift.contributionId, confirmed_at: p.item.occurredAt, session_id: p.item.session.id, payment_intent_id: p.paymentIntentId }];
      })),
      after: () => enqueueReceipts(tx, plain.filter((p) => answers[p.i]).map((p) => p.pledge.id)),
      commit: () => Promise.all([
        tx.execute(sql`INSERT INTO idempotency_keys (key, request_hash, result) SELECT key, request_hash, result
          FROM ${jsonRows(plain.filter((p) => answers[p.i]).map((p) => ({ key: eventKeys[p.i], request_hash: requestHash(p.item.request), result: answers[p.i] })), 'key text, request_hash text, result jsonb')} AS k`),
        commit(),
      ]),
    }).catch(PipelineFailed.wrap);
    return answers;
  });
}

interface ReversalEvent {
  eventId: string;
  type: string;
  object: unknown;
  paymentIntentId: string;
  occurredAt: Date;
}

// A refund or dispute for a payment not yet confirmed waits for it; otherwise it is applied now.
async function reversalEvent(tx: Tx, event: ReversalEvent): Promise<Handled> {
  await lockPayment(tx, event.paymentIntentId);
  const [pledge] = await tx.select({ status: pledges.status }).from(pledges).where(eq(pledges.stripePaymentIntentId, event.paymentIntentId));
  if (!pledge || pledge.status === 'pending' || pledge.status === 'failed') {
    await tx.insert(stripeParkedEvents).values({ eventId: event.eventId, paymentIntentId: event.paymentIntentId, type: event.type, object: event.object as never, createdAt: event.occurredAt })
      .onConflictDoNothing();
    return { outcome: 'parked', detail: `waiting for payment ${event.paymentIntentId}` };
  }
  return applyReversal(tx, event);
}

// Full refunds and lost-money disputes reverse the contribution's entry; anything partial, a won
// dispute, or a reversal the ledger refuses (the money was already allocated) goes to staff review.
async function applyReversal(tx: Tx, event: ReversalEvent): Promise<Handled> {
  const [pledge] = await tx.select().from(pledges).where(eq(pledges.stripePaymentIntentId, event.paymentIntentId)).for('update');
  if (!pledge) return { outcome: 'ignored', detail: 'unknown payment' };
  const review = async (reason: string, detail: string, amountVnd: number | null): Promise<Handled> => {
    await queueReview(tx, { source: 'stripe', reference: event.eventId, reason, pledgeId: pledge.id, amountVnd, detail });
    return { outcome: 'review', detail: reason };
  };
  if (event.type === 'charge.dispute.closed') {
    const dispute = event.object as Stripe.Dispute;
    return dispute.status === 'won'
      ? review('dispute_won', `Dispute ${dispute.id} won: ${formatVnd(dispute.amount)} reinstated for ${pledge.receiptCode}; re-record if it was reversed`, dispute.amount)
      : { outcome: 'noted', detail: `dispute closed: ${dispute.status}` };
  }
  const kind = event.type === 'charge.refunded' ? 'refund' : 'dispute';
  if (pledge.status === 'refunded' || pledge.status === 'disputed') {
    return { outcome: 'already_done', detail: `already ${pledge.status}` };
  }
  if (pledge.status !== 'confirmed' || pledge.contributionId === null) {
    return review(`${kind}_of_unposted`, `${kind} for ${pledge.receiptCode} whose payment was never posted (status ${pledge.status})`, null);
  }
  const takenVnd = kind === 'refund' ? (event.object as Stripe.Charge).amount_refunded : (event.object as Stripe.Dispute).amount;
  if (takenVnd < pledge.amountVnd) {
    return review(`partial_${kind}`, `${kind} of ${formatVnd(takenVnd)} of ${formatVnd(pledge.amountVnd)} for ${pledge.receiptCode}: decide what to reverse`, takenVnd);
  }
  const [entry] = await tx.select({ id: journalEntries.id }).from(journalEntries)
    .where(and(eq(journalEntries.contributionId, pledge.contributionId), eq(journalEntries.kind, 'contribution')));
  try {
    const { result } = await reverseEntry(tx as unknown as Db, {
      idempotencyKey: `stripe-reversal:${event.paymentIntentId}`,
      entryId: entry!.id,
      reason: kind === 'refund' ? `Hoàn tiền thẻ (Stripe ${event.eventId})` : `Khiếu nại thẻ, tiền bị thu hồi (Stripe ${event.eventId})`,
      requestedBy: 'Stripe webhook',
      occurredAt: event.occurredAt,
    });
    await tx.update(pledges).set({ status: kind === 'refund' ? 'refunded' : 'disputed', statusReason: event.eventId }).where(eq(pledges.id, pledge.id));
    await enqueueRefundNotice(tx, pledge.id, kind, event.occurredAt);
    return { outcome: 'reversed', receiptCode: pledge.receiptCode, kind, entryId: result.entryId };
  } catch (error) {
    if (!(error instanceof DomainError) || error.status !== 409) throw error;
    return review(`${kind}_refused_by_ledger`, `${kind} for ${pledge.receiptCode} not posted: ${error.messageEn}`, takenVnd);
  }
}
