// GET /api/lookup?code=AC… — one receipt code: the contribution, its journal entry and the houses it paid for (JSON);
// a pledge still waiting for its money answers { status: "pledged", pledge }.
import type { APIRoute } from 'astro';
import { sharedDatabase } from '../../../db/client';
import { errorJson, json, requestLang } from '../../publish/http';
import { lookupCode } from '../../publish/live';

export const prerender = false;

export const GET: APIRoute = async ({ url, request }) => {
  try {
    const found = await lookupCode(sharedDatabase().db, Object.fromEntries(url.searchParams));
    return json(found.status === 'confirmed' ? { status: found.status, ...found.gift } : found);
  } catch (error) {
    return errorJson(error, requestLang(url, request), '/api/lookup');
  }
};
