// The donor-facing mail routes, kept out of Astro so tests can drive them with plain Requests:
// one-click unsubscribe (RFC 8058) and the email erasure form.
import type { Db } from '../../db/client';
import { localePath, ui, type Lang } from '../i18n/ui';
import { eraseEmail, erasureForm, unsubscribe, unsubscribeToken } from './privacy';
import { escapeHtml } from '../staff/html';


function page(status: number, lang: Lang, body: string): Response {
  const w = ui[lang].privacy;
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<meta name="robots" content="noindex"><title>${escapeHtml(w.unsubscribeTitle)}</title></head>`
    + `<body style="font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5"><h1>${escapeHtml(w.unsubscribeTitle)}</h1>${body}`
    + `<p><a href="${localePath(lang, '/rieng-tu/')}">${escapeHtml(w.link)}</a></p></body></html>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
}

// GET shows a button (link scanners must not unsubscribe anyone); POST, from the button or a mail
// provider's one-click request, unsubscribes. The token is the only authority needed.
export async function handleUnsubscribe(db: Db, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const lang: Lang = url.searchParams.get('lang') === 'en' || /^en\b/i.test(request.headers.get('accept-language') ?? '') ? 'en' : 'vi';
  const w = ui[lang].privacy;
  const token = unsubscribeToken.safeParse(url.searchParams.get('t') ?? '');
  if (!token.success) return page(400, lang, `<p>${escapeHtml(w.unsubscribeBad)}</p>`);
  if (request.method === 'POST') {
    const done = await unsubscribe(db, token.data);
    return page(done ? 200 : 404, lang, `<p>${escapeHtml(done ? w.unsubscribeDone : w.unsubscribeBad)}</p>`);
  }
  const action = `${url.pathname}?t=${encodeURIComponent(token.data)}${lang === 'en' ? '&lang=en' : ''}`;
  return page(200, lang, `<p>${escapeHtml(w.unsubscribeAsk)}</p><form method="post" action="${escapeHtml(action)}">`
    + `<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(w.unsubscribeButton)}</button></form>`);
}

export interface ErasureModel { lang: Lang; values: { receiptCode: string; email: string }; errors: { field: string; message: string }[]; done: boolean }

// GET shows the form; POST validates it and erases when the code and address belong together.
// The answer after a valid POST is the same either way, so the form cannot test who gave.
export async function erasurePage(db: Db, request: Request, lang: Lang, ip: string | null): Promise<{ status: number; model: ErasureModel }> {
  const empty = { receiptCode: new URL(request.url).searchParams.get('code')?.slice(0, 20) ?? '', email: '' };
  if (request.method !== 'POST') return { status: 200, model: { lang, values: empty, errors: [], done: false } };
  const form = await request.formData();
  const values = { receiptCode: String(form.get('receiptCode') ?? '').slice(0, 40), email: String(form.get('email') ?? '').slice(0, 300) };
  const parsed = erasureForm.safeParse(values);
  const w = ui[lang].privacy;
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.path[0] === 'email' ? w.badEmail : w.badCode }));
    return { status: 400, model: { lang, values, errors, done: false } };
  }
  await eraseEmail(db, parsed.data, ip);
  return { status: 200, model: { lang, values: { receiptCode: parsed.data.receiptCode, email: '' }, errors: [], done: true } };
}
