// Shared plumbing for the intake suites: a Stripe client aimed at the local stand-in, signed
// webhook deliveries to the handler, card pledges with their Checkout Session, and a state snapshot.
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { queryRows, type Db } from '../../db/client';
import { createPledge, type PledgeRequest } from '../../src/payments/pledges';
import { handleStripeWebhook, startCheckout, stripeClient, type WebhookDeps } from '../../src/payments/stripe';
import { sessionObject, signatureFor, stripeEvent, type StripeStandIn } from '../../scripts/lib/stripe-stand-in';

export const WEBHOOK_SECRET = 'whsec_test_intake_suite';

export function intakeDeps(db: Db, standIn: StripeStandIn): WebhookDeps {
  const stripe: Stripe = stripeClient({ secretKey: 'sk_test_stand_in', webhookSecret: WEBHOOK_SECRET, apiBase: new URL(standIn.url) });
  return { db, stripe, webhookSecret: WEBHOOK_SECRET };
}

// Delivers a payload to the handler as Stripe would, or with the given forgery.
export async function postWebhook(deps: WebhookDeps, event: object, forge: { timestamp?: number; secret?: string; signature?: string | null; body?: string } = {}) {
  const body = forge.body ?? JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = forge.signature === undefined ? signatureFor(body, forge.secret ?? WEBHOOK_SECRET, forge.timestamp) : forge.signature;
  if (signature !== null) headers['stripe-signature'] = signature;
  const response = await handleStripeWebhook(deps, new Request('http://127.0.0.1/api/stripe/webhook', { method: 'POST', headers, body }));
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

export async function cardPledge(deps: WebhookDeps, standIn: StripeStandIn, request: Partial<PledgeRequest> = {}) {
  const created = await createPledge(deps.db, {
    target: { type: 'general' }, amountVnd: 500_000, displayName: 'Người Thử', anonymous: false, email: 'thu@example.vn', method: 'card', ...request,
  }, (pledge) => startCheckout(deps.stripe, pledge, { success: 'http://127.0.0.1/ok', cancel: 'http://127.0.0.1/cancel' }, 'Ủng hộ'));
  const session = standIn.sessions.get(created.pledge.stripeSessionId!)!;
  return { pledge: created.pledge, session, checkoutUrl: created.checkoutUrl! };
}

// The checkout event for a stand-in session, paid or awaiting an asynchronous payment.
export function checkoutEvent(type: string, session: { id: string; payment_intent: string; amount_total: number; client_reference_id: string | null }, paid = true, overrides: { amountVnd?: number; currency?: string } = {}) {
  return stripeEvent(type, sessionObject({
    id: session.id, paymentIntent: session.payment_intent, amountVnd: overrides.amountVnd ?? session.amount_total,
    receiptCode: session.client_reference_id!, paid, currency: overrides.currency,
  }));
}

// Everything an intake event can change, to prove that a refused one changed nothing (money entries:
// registering houses posts record entries).
export async function intakeState(db: Db) {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`
    SELECT (SELECT count(*) FROM journal_entries WHERE kind <> 'record') AS entries, (SELECT count(*) FROM contributions) AS contributions,
           (SELECT count(*) FROM idempotency_keys) AS keys, (SELECT count(*) FROM payment_reviews) AS reviews,
           (SELECT count(*) FROM stripe_parked_events) AS parked, (SELECT count(*) FROM bank_statements) AS statements,
           (SELECT count(*) FROM bank_statement_rows) AS bank_rows,
           (SELECT string_agg(receipt_code || ':' || status, ',' ORDER BY receipt_code) FROM pledges) AS pledges,
           (SELECT coalesce(sum(allocated_vnd), 0) FROM houses) AS allocated, (SELECT coalesce(sum(remaining_vnd), 0) FROM pool_lots) AS pooled`);
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, k === 'pledges' ? v : Number(v)]));
}

// Sums per account (and per house or pool) from the journal: what "the same totals" means.
export async function accountTotals(db: Db) {
  const rows = await queryRows<{ account: string; house_id: number | null; area_id: number | null; total: string | number }>(db, sql`
    SELECT account, house_id, area_id, sum(amount_vnd) AS total FROM journal_lines GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  return rows.map((r) => `${r.account}|${r.house_id ?? ''}|${r.area_id ?? ''}|${Number(r.total)}`);
}

// How each receipt's money was allocated, per account: the "same allocations" check.
export async function receiptSplits(db: Db) {
  const rows = await queryRows<{ receipt_code: string; account: string; total: string | number }>(db, sql`
    SELECT c.receipt_code, l.account, sum(l.amount_vnd) AS total
    FROM journal_lines l JOIN contributions c ON c.id = l.contribution_id
    GROUP BY 1, 2 HAVING sum(l.amount_vnd) <> 0 ORDER BY 1, 2`);
  return rows.map((r) => `${r.receipt_code}|${r.account}|${Number(r.total)}`);
}
