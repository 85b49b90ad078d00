// GET /api/search?q=&code=&amount=&min=&max=&from=&to=&page= — live search of the ledger (JSON).
import type { APIRoute } from 'astro';
import { sharedDatabase } from '../../../db/client';
import { errorJson, json, requestLang } from '../../publish/http';
import { searchContributions } from '../../publish/live';

export const prerender = false;

export const GET: APIRoute = async ({ url, request }) => {
  const started = performance.now();
  try {
    const found = await searchContributions(sharedDatabase().db, Object.fromEntries(url.searchParams));
    return json({ ...found, elapsed_ms: Math.round(performance.now() - started) });
  } catch (error) {
    return errorJson(error, requestLang(url, request), '/api/search');
  }
};
