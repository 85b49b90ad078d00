// The one gate in front of every /staff/ request: route known, signed in, role allowed, body within
// its limit, CSRF token valid. Pages behind it only render and call actions.
import type { APIContext, MiddlewareNext } from 'astro';
import { sharedDatabase } from '../../db/client';
import { escapeHtml } from './html';
import { audit } from './audit';
import { loadSession, sameSecret, sessionCookie } from './accounts';
import { decide, FORM_BODY_BYTES, matchStaffRoute } from './permissions';

export const LOGIN_CSRF_COOKIE = 'ancu_login_csrf';

// Shared with the production server (src/server/http.ts), which sends all but Cache-Control on every response.
export const securityHeaders: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

// A short bilingual page for refusals the gate gives before any page renders.
export function refusalPage(status: number, vi: string, en: string, headers: Record<string, string> = {}): Response {
  const body = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem"><h1>${escapeHtml(vi)}</h1><p lang="en">${escapeHtml(en)}</p>
<p><a href="/staff">Về trang làm việc / Back to the workspace</a></p></body></html>`;
  return new Response(body, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...securityHeaders, ...headers } });
}

// The client address as Astro's Node adapter gives it: the first X-Forwarded-For entry when there is
// one, so in production a reverse proxy must set that header (README, staff workspace section).
export function clientIp(context: Pick<APIContext, 'clientAddress'>): string {
  try {
    return context.clientAddress;
  } catch {
    return 'unknown';
  }
}

class BodyTooLarge extends Error {}

// Reads a form body up to a limit, stopping as soon as it is passed, so a huge upload costs nothing.
export async function readForm(request: Request, maxBytes: number): Promise<FormData> {
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw new BodyTooLarge();
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new BodyTooLarge();
      }
      chunks.push(value);
    }
  }
  return new Response(Buffer.concat(chunks), { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
}

export async function staffGuard(context: APIContext, next: MiddlewareNext): Promise<Response> {
  const { request, url } = context;
  const route = matchStaffRoute(url.pathname);
  const db = sharedDatabase().db;
  const ip = clientIp(context);
  const cookie = sessionCookie(url);
  const signedIn = route ? await loadSession(db, context.cookies.get(cookie.name)?.value) : undefined;
  const decision = decide(route, request.method, signedIn?.user.role);
  switch (decision.kind) {
    case 'not_found':
      return refusalPage(404, 'Không có trang này.', 'No such page.');
    case 'method_not_allowed':
      return refusalPage(405, 'Phương thức không được phép.', 'Method not allowed.', { Allow: decision.allowed.join(', ') });
    case 'sign_in':
      if (request.method === 'GET') {
        return new Response(null, { status: 303, headers: { Location: `/staff/login?next=${encodeURIComponent(url.pathname + url.search)}`, ...securityHeaders } });
      }
      return refusalPage(401, 'Cần đăng nhập.', 'Sign-in required.');
    case 'forbidden':
      await audit(db, { actor: signedIn!.user.username, action: 'access_denied', outcome: 'refused', target: `${request.method} ${url.pathname}`, details: { permission: decision.permission }, ip });
      return refusalPage(403, 'Vai trò của bạn không có quyền này.', 'Your role does not allow this.');
  }
  context.locals.staff = signedIn ? { ...signedIn, ip } : undefined;
  context.locals.ip = ip;
  if (request.method === 'POST') {
    const type = request.headers.get('content-type') ?? '';
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
      return refusalPage(415, 'Chỉ nhận dữ liệu biểu mẫu.', 'Only form submissions are accepted.');
    }
    let form: FormData;
    try {
      form = await readForm(request, route!.maxBodyBytes ?? FORM_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return refusalPage(413, 'Dữ liệu gửi lên quá lớn.', 'The submission is too large.');
      return refusalPage(400, 'Biểu mẫu không đọc được.', 'The form could not be read.');
    }
    const sent = form.get('csrf');
    const expected = signedIn ? signedIn.csrfToken : context.cookies.get(LOGIN_CSRF_COOKIE)?.value;
    if (typeof sent !== 'string' || !expected || !sameSecret(sent, expected)) {
      await audit(db, { actor: signedIn?.user.username ?? null, action: 'csrf_refused', outcome: 'refused', target: `POST ${url.pathname}`, ip });
      return refusalPage(403, 'Phiên biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang và gửi lại.', 'The form token is missing or invalid; reload the page and submit again.');
    }
    context.locals.form = form;
  }
  const response = await next();
  for (const [name, value] of Object.entries(securityHeaders)) response.headers.set(name, value);
  return response;
}
