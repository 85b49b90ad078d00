// GET /api/lookup?code=AC… — one receipt code: the contribution, its journal entry and the houses it paid for (JSON).
import type { APIRoute } from 'astro';
import { sharedDatabase } from '../../../db/client';
import { errorJson, json, requestLang } from '../../publish/http';
import { lookupReceipt } from '../../publish/live';

export const prerender = false;

export const GET: APIRoute = async ({ url, request }) => {
  try {
    return json(await lookupReceipt(sharedDatabase().db, Object.fromEntries(url.searchParams)));
  } catch (error) {
    return errorJson(error, requestLang(url, request), '/api/lookup');
  }
};
