// Plumbing for the live public endpoints: the answer's language, JSON bodies, and refusals as clear 4xx.
import { DomainError, pgErrorOf } from '../domain/errors';
import { logEvent } from '../log';
import type { Lang } from '../i18n/ui';

// English when asked by ?lang=en or an Accept-Language that prefers it; Vietnamese otherwise.
export function requestLang(url: URL, request: Request): Lang {
  const asked = url.searchParams.get('lang');
  if (asked === 'en' || asked === 'vi') return asked;
  return /^\s*en\b/i.test(request.headers.get('accept-language') ?? '') ? 'en' : 'vi';
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
}

// A DomainError keeps its status and message; anything else is logged (its kind and database error
// code only: a failed query's message carries the values it was given) and answered as a plain 500.
export function errorJson(error: unknown, lang: Lang, route = 'unknown'): Response {
  if (error instanceof DomainError) {
    return json({ error: error.code, message: lang === 'en' ? error.messageEn : error.message, message_vi: error.message, message_en: error.messageEn }, error.status);
  }
  logEvent('error', 'api_failed', { route, status: 500, error: error instanceof Error ? error.name : 'unknown', dbCode: pgErrorOf(error)?.code });
  return json({ error: 'internal', message: lang === 'en' ? 'Something went wrong on the server; try again later.' : 'Máy chủ gặp lỗi; vui lòng thử lại sau.' }, 500);
}
