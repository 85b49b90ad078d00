// Sign-out ends the session on the server, not only in the browser.
import type { APIRoute } from 'astro';
import { sharedDatabase } from '../../../db/client';
import { endSession, sessionCookie } from '../../staff/accounts';
import { audit } from '../../staff/audit';
import { requireStaffRoute } from '../../staff/page';

export const prerender = false;

export const POST: APIRoute = async (context) => {
  const refused = requireStaffRoute(context, '/staff/logout');
  if (refused) return refused;
  const { cookies, url, locals, redirect } = context;
  const cookie = sessionCookie(url);
  const token = cookies.get(cookie.name)?.value;
  const db = sharedDatabase().db;
  if (token) await endSession(db, token);
  await audit(db, { actor: locals.staff?.user.username ?? null, action: 'sign_out', outcome: 'ok', ip: locals.ip });
  cookies.delete(cookie.name, { path: '/' });
  return redirect('/staff/login', 303);
};
