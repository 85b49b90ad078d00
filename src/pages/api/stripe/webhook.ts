// POST /api/stripe/webhook: Stripe's events, verified on the raw body (src/payments/stripe.ts).
import type { APIRoute } from 'astro';
import { handleStripeWebhook } from '../../../payments/stripe';
import { paymentsRuntime } from '../../../payments/runtime';

export const prerender = false;

export const POST: APIRoute = async ({ request }) => {
  const runtime = paymentsRuntime();
  if (!runtime.stripe) {
    return new Response(JSON.stringify({ error: 'card_not_configured', message: 'Thanh toán thẻ chưa được cấu hình.', messageEn: 'Card payment is not configured.' }),
      { status: 503, headers: { 'content-type': 'application/json; charset=utf-8' } });
  }
  return handleStripeWebhook({ db: runtime.db, stripe: runtime.stripe.client, webhookSecret: runtime.stripe.settings.webhookSecret }, request);
};
