// Glue between Astro pages and the staff actions: the signed-in context, running a posted form,
// and keeping what was typed when a submission is refused.
import type { AstroGlobal } from 'astro';
import { sharedDatabase } from '../../db/client';
import { DomainError } from '../domain/errors';
import type { ActionContext, Done } from './actions';
import { randomToken } from './accounts';
import type { RowProblem } from './households-import';
import { refusalPage } from './guard';
import { can, decide, staffRouteByPattern, type Permission } from './permissions';
import type { StaffQuery } from './query-params';

export interface Outcome extends Partial<Done> {
  ok: boolean;
  vi: string;
  en: string;
  rows?: RowProblem[];
}

// Defence in depth: each staff page and endpoint calls this first with its own route pattern, so it
// renders only when the gate authorised this very route and the role may use it, even if the gate
// were bypassed or had matched another route. Returns the refusal to send, or undefined to go on.
export function requireStaffRoute(context: { locals: App.Locals; request: Request }, pattern: string): Response | undefined {
  const { locals, request } = context;
  const decision = locals.staffRoute === pattern ? decide(staffRouteByPattern(pattern), request.method, locals.staff?.user.role) : { kind: 'not_found' as const };
  switch (decision.kind) {
    case 'allow':
      return undefined;
    case 'not_found':
      return refusalPage(404, 'Không có trang này.', 'No such page.');
    case 'method_not_allowed':
      return refusalPage(405, 'Phương thức không được phép.', 'Method not allowed.', { Allow: decision.allowed.join(', ') });
    case 'sign_in':
      return refusalPage(401, 'Cần đăng nhập.', 'Sign-in required.');
    case 'forbidden':
      return refusalPage(403, 'Vai trò của bạn không có quyền này.', 'Your role does not allow this.');
  }
}

// The route's query as the gate parsed it (src/staff/query-params.ts): pages never read the raw URL.
export function staffQuery<P extends string>(astro: { locals: App.Locals }, pattern: P): StaffQuery<P> {
  return (astro.locals.staffRoute === pattern ? astro.locals.query ?? {} : {}) as StaffQuery<P>;
}

// The guard has already refused any request without a session, so a page can rely on one.
export function actionContext(astro: AstroGlobal): ActionContext {
  const staff = astro.locals.staff;
  if (!staff) throw new Error('staff page rendered without a session: is src/middleware.ts in place?');
  return { ...staff, db: sharedDatabase().db };
}

export function allowed(astro: AstroGlobal, permission: Permission): boolean {
  const staff = astro.locals.staff;
  return !!staff && can(staff.user.role, permission);
}

// Runs the posted form through an action; a refusal sets the HTTP status and comes back as an outcome.
export async function handlePost(astro: AstroGlobal, run: (ctx: ActionContext, form: FormData) => Promise<Done>): Promise<Outcome | undefined> {
  if (astro.request.method !== 'POST' || !astro.locals.form) return undefined;
  try {
    return { ok: true, ...(await run(actionContext(astro), astro.locals.form)) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    astro.response.status = error.status;
    const rows = error.code === 'import_rows' ? (error.details as RowProblem[]) : undefined;
    return { ok: false, vi: error.message, en: error.messageEn, rows };
  }
}

// A field's value to show again: what was typed after a refusal, else the default.
export function sticky(astro: AstroGlobal, outcome: Outcome | undefined, name: string, fallback = ''): string {
  if (!outcome || outcome.ok) return fallback;
  const value = astro.locals.form?.get(name);
  return typeof value === 'string' ? value : fallback;
}

export const newSubmissionId = () => randomToken(18);

// Only a path inside the workspace may follow sign-in, so the login link cannot send anyone elsewhere.
export function safeNextPath(next: string | null): string {
  return next && /^\/staff(\/[A-Za-z0-9\-_/.?=&%]*)?$/.test(next) && !next.startsWith('//') ? next : '/staff';
}
