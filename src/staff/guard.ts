// The one gate in front of every /staff/ request: route known, signed in, role allowed, body within
// its limit, CSRF token valid. Pages behind it only render and call actions.
import type { APIContext, MiddlewareNext } from 'astro';
import { sharedDatabase } from '../../db/client';
import { escapeHtml } from './html';
import { audit } from './audit';
import { loadSession, sameSecret, sessionCookie } from './accounts';
import { BodyTooLarge, FORM_TYPES, readForm } from '../request-body';
import { staffHeaders } from '../security-headers';
import { decide, FORM_BODY_BYTES, type StaffRoute } from './permissions';
import { parseStaffQuery } from './query-params';

// Control and invisible characters (NUL, ESC, bidi overrides, zero-width); line breaks and tabs are text.
const CONTROL = /(?![\n\r\t])[\p{Cc}\p{Cf}]/u;

export const LOGIN_CSRF_COOKIE = 'ancu_login_csrf';

// A short bilingual page for refusals the gate gives before any page renders.
export function refusalPage(status: number, vi: string, en: string, headers: Record<string, string> = {}): Response {
  const body = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem"><h1>${escapeHtml(vi)}</h1><p lang="en">${escapeHtml(en)}</p>
<p><a href="/staff">Về trang làm việc / Back to the workspace</a></p></body></html>`;
  return new Response(body, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...staffHeaders, ...headers } });
}

// `route` is the staff route Astro matched (by its pattern), undefined when the path only looks like one.
export async function staffGuard(context: APIContext, next: MiddlewareNext, route: StaffRoute | undefined): Promise<Response> {
  const { request, url } = context;
  const db = sharedDatabase().db;
  const ip = context.locals.ip ?? 'unknown';
  const cookie = sessionCookie(url);
  const signedIn = route ? await loadSession(db, context.cookies.get(cookie.name)?.value) : undefined;
  const decision = decide(route, request.method, signedIn?.user.role);
  switch (decision.kind) {
    case 'not_found':
      return refusalPage(404, 'Không có trang này.', 'No such page.');
    case 'method_not_allowed':
      return refusalPage(405, 'Phương thức không được phép.', 'Method not allowed.', { Allow: decision.allowed.join(', ') });
    case 'sign_in':
      if (request.method === 'GET' || request.method === 'HEAD') {
        return new Response(null, { status: 303, headers: { Location: `/staff/login?next=${encodeURIComponent(url.pathname + url.search)}`, ...staffHeaders } });
      }
      return refusalPage(401, 'Cần đăng nhập.', 'Sign-in required.');
    case 'forbidden':
      await audit(db, { actor: signedIn!.user.username, action: 'access_denied', outcome: 'refused', target: `${request.method} ${url.pathname.slice(0, 200)}`, details: { permission: decision.permission }, ip });
      return refusalPage(403, 'Vai trò của bạn không có quyền này.', 'Your role does not allow this.');
  }
  context.locals.staff = signedIn ? { ...signedIn, ip } : undefined;
  context.locals.staffRoute = route!.pattern;
  const query = parseStaffQuery(route!.pattern, url.searchParams);
  if (!query.ok) return refusalPage(400, `Tham số không hợp lệ: ${query.vi}.`, `Invalid parameter: ${query.en}.`);
  context.locals.query = query.query;
  if (request.method === 'POST') {
    const type = request.headers.get('content-type') ?? '';
    if (!FORM_TYPES.test(type)) {
      return refusalPage(415, 'Chỉ nhận dữ liệu biểu mẫu.', 'Only form submissions are accepted.');
    }
    let form: FormData;
    try {
      form = await readForm(request, route!.maxBodyBytes ?? FORM_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return refusalPage(413, 'Dữ liệu gửi lên quá lớn.', 'The submission is too large.');
      return refusalPage(400, 'Biểu mẫu không đọc được.', 'The form could not be read.');
    }
    for (const value of form.values()) {
      if (typeof value === 'string' && CONTROL.test(value)) {
        return refusalPage(400, 'Biểu mẫu chứa ký tự điều khiển hoặc ký tự ẩn; hãy gõ lại.', 'The form contains control or invisible characters; type it again.');
      }
    }
    const sent = form.get('csrf');
    const expected = signedIn ? signedIn.csrfToken : context.cookies.get(LOGIN_CSRF_COOKIE)?.value;
    if (typeof sent !== 'string' || !expected || !sameSecret(sent, expected)) {
      await audit(db, { actor: signedIn?.user.username ?? null, action: 'csrf_refused', outcome: 'refused', target: `POST ${url.pathname.slice(0, 200)}`, ip });
      return refusalPage(403, 'Phiên biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang và gửi lại.', 'The form token is missing or invalid; reload the page and submit again.');
    }
    context.locals.form = form;
  }
  return next();
}
