// POST /api/bank/feed: the live bank feed (src/payments/bank-feed.ts). An accepted notification asks for
// a live publish, so a confirmed gift reaches its house and ledger pages within seconds.
import type { APIRoute } from 'astro';
import { feedSettings, handleBankFeed } from '../../../payments/bank-feed';
import { paymentsRuntime } from '../../../payments/runtime';
import { requestLivePublish } from '../../../publish/live-publish';

export const prerender = false;

export const POST: APIRoute = async ({ request }) => {
  const { db } = paymentsRuntime();
  const response = await handleBankFeed(db, feedSettings(), request);
  if (response.status === 200) requestLivePublish(db);
  return response;
};
