// POST /api/bank/feed: the live bank feed (src/payments/bank-feed.ts).
import type { APIRoute } from 'astro';
import { feedSettings, handleBankFeed } from '../../../payments/bank-feed';
import { paymentsRuntime } from '../../../payments/runtime';

export const prerender = false;

export const POST: APIRoute = async ({ request }) => handleBankFeed(paymentsRuntime().db, feedSettings(), request);
