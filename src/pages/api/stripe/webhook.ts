// POST /api/stripe/webhook: Stripe's events, verified on the raw body (src/payments/stripe.ts). An accepted
// event asks for a live publish, so a confirmed card gift reaches its house and ledger pages within seconds.
import type { APIRoute } from 'astro';
import { handleStripeWebhook } from '../../../payments/stripe';
import { paymentsRuntime } from '../../../payments/runtime';
import { requestLivePublish } from '../../../publish/live-publish';

export const prerender = false;

export const POST: APIRoute = async ({ request }) => {
  const runtime = paymentsRuntime();
  if (!runtime.stripe) {
    return new Response(JSON.stringify({ error: 'card_not_configured', message: 'Thanh toán thẻ chưa được cấu hình.', messageEn: 'Card payment is not configured.' }),
      { status: 503, headers: { 'content-type': 'application/json; charset=utf-8' } });
  }
  const response = await handleStripeWebhook({ db: runtime.db, stripe: runtime.stripe.client, webhookSecret: runtime.stripe.settings.webhookSecret }, request);
  if (response.status === 200) requestLivePublish(runtime.db);
  return response;
};
