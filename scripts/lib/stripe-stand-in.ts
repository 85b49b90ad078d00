// A local HTTP server standing in for Stripe's API at the network edge (tests, the benchmark and the
// offline demo): Checkout Sessions, PaymentIntents with their fee, a test payment page, and signed
// webhook events made with the real library's own test-header helper.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface StandInSession {
  id: string;
  object: 'checkout.session';
  mode: 'payment';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string;
  payment_intent_metadata: Record<string, string>;
  success_url: string;
  cancel_url: string;
  url: string;
  created: number;
}

export interface StripeStandIn {
  url: string;
  sessions: Map<string, StandInSession>;
  /** Payments created outside Checkout (replays, benchmarks): PaymentIntent id → amount in đồng. */
  payments: Map<string, number>;
  close(): Promise<void>;
}

// The stand-in's card fee: 3.4% of the amount, in đồng.
export const standInFeeVnd = (amountVnd: number) => Math.round(amountVnd * 0.034);

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// Stripe's form encoding of nested objects: metadata[key]=value.
function nested(body: URLSearchParams, prefix: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [key, value] of body) {
    const match = new RegExp(`^${prefix.replace(/[[\]]/g, '\\$&')}\\[([^\\]]+)\\]$`).exec(key);
    if (match) found[match[1]!] = value;
  }
  return found;
}

export async function startStripeStandIn(options: { webhook?: { url: string; secret: string }; port?: number } = {}): Promise<StripeStandIn> {
  const sessions = new Map<string, StandInSession>();
  const byIdempotencyKey = new Map<string, string>();
  const payments = new Map<string, number>();
  let counter = 0;
  let base = '';
  const send = (res: import('node:http').ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const raw = await bodyOf(req);
    const body = new URLSearchParams(raw);
    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const key = String(req.headers['idempotency-key'] ?? '');
      const existing = key && byIdempotencyKey.get(key);
      if (existing) return send(res, 200, sessions.get(existing));
      counter++;
      const id = `cs_test_${Date.now().toString(36)}${counter}`;
      const session: StandInSession = {
        id, object: 'checkout.session', mode: 'payment', status: 'open', payment_status: 'unpaid',
        amount_total: Number(body.get('line_items[0][price_data][unit_amount]')) * Number(body.get('line_items[0][quantity]') ?? 1),
        currency: body.get('line_items[0][price_data][currency]') ?? '',
        client_reference_id: body.get('client_reference_id'),
        metadata: nested(body, 'metadata'),
        payment_intent: `pi_test_${Date.now().toString(36)}${counter}`,
        payment_intent_metadata: nested(body, 'payment_intent_data[metadata]'),
        success_url: body.get('success_url') ?? '', cancel_url: body.get('cancel_url') ?? '',
        url: `${base}/pay/${id}`, created: Math.floor(Date.now() / 1000),
      };
      sessions.set(id, session);
      if (key) byIdempotencyKey.set(key, id);
      return send(res, 200, session);
    }
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && intent) {
      const id = decodeURIComponent(intent[1]!);
      const session = [...sessions.values()].find((s) => s.payment_intent === id);
      const amount = session?.amount_total ?? payments.get(id);
      if (amount === undefined) return send(res, 404, { error: { type: 'invalid_request_error', message: `No such payment_intent: '${id}'` } });
      const balance = { id: `txn_${id}`, object: 'balance_transaction', amount, fee: standInFeeVnd(amount), currency: 'vnd' };
      return send(res, 200, {
        id, object: 'payment_intent', amount, currency: 'vnd', status: 'succeeded', metadata: session?.payment_intent_metadata ?? {},
        latest_charge: { id: `ch_${id}`, object: 'charge', amount, currency: 'vnd', payment_intent: id, balance_transaction: balance },
      });
    }
    const pay = /^\/pay\/([^/]+)$/.exec(url.pathname);
    const session = pay ? sessions.get(pay[1]!) : undefined;
    if (pay && session && req.method === 'GET') {
      return send(res, 200, `<!doctype html><meta charset="utf-8"><title>Stripe (local stand-in)</title>
<h1>Thanh toán thử / Test payment (local Stripe stand-in)</h1><p>${session.amount_total.toLocaleString('vi-VN')} ₫ — ${session.client_reference_id ?? ''}</p>
<form method="post"><button>Trả tiền / Pay</button></form><p><a href="${session.cancel_url}">Huỷ / Cancel</a></p>`, 'text/html; charset=utf-8');
    }
    if (pay && session && req.method === 'POST') {
      session.status = 'complete';
      session.payment_status = 'paid';
      if (options.webhook) await deliver(options.webhook.url, options.webhook.secret, stripeEvent('checkout.session.completed', session));
      res.writeHead(303, { location: session.success_url });
      return res.end();
    }
    send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname})` } });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base, sessions, payments,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let eventCounter = 0;

// A Stripe event envelope around an object, as the API (version pinned by the library) sends it.
export function stripeEvent(type: string, object: object, created = Math.floor(Date.now() / 1000)) {
  return { id: `evt_test_${Date.now().toString(36)}_${++eventCounter}`, object: 'event', api_version: Stripe.API_VERSION, created, livemode: false, pending_webhooks: 1, type, data: { object } };
}

// A Checkout Session as a webhook carries it.
export function sessionObject(s: { id: string; paymentIntent: string; amountVnd: number; receiptCode: string; paid: boolean; currency?: string; metadata?: Record<string, string> }) {
  return {
    id: s.id, object: 'checkout.session', mode: 'payment', status: 'complete', payment_status: s.paid ? 'paid' : 'unpaid',
    amount_total: s.amountVnd, currency: s.currency ?? 'vnd', client_reference_id: s.receiptCode,
    metadata: s.metadata ?? { receipt_code: s.receiptCode }, payment_intent: s.paymentIntent,
  };
}

export function refundedCharge(paymentIntent: string, amountVnd: number, refundedVnd: number) {
  return { id: `ch_${paymentIntent}`, object: 'charge', amount: amountVnd, amount_refunded: refundedVnd, refunded: refundedVnd === amountVnd, currency: 'vnd', payment_intent: paymentIntent };
}

export function dispute(paymentIntent: string, amountVnd: number, status = 'needs_response') {
  return { id: `dp_${paymentIntent}`, object: 'dispute', amount: amountVnd, currency: 'vnd', charge: `ch_${paymentIntent}`, payment_intent: paymentIntent, status };
}

const signer = new Stripe('sk_test_signer_only');

// The Stripe-Signature header for a payload, made by the library's own helper.
export function signatureFor(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

// Posts one signed event to a webhook URL, as Stripe does.
export async function deliver(url: string, secret: string, event: object): Promise<Response> {
  const payload = JSON.stringify(event);
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signatureFor(payload, secret) }, body: payload });
}
