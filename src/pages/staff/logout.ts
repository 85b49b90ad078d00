// Sign-out ends the session on the server, not only in the browser.
import type { APIRoute } from 'astro';
import { sharedDatabase } from '../../../db/client';
import { endSession, sessionCookie } from '../../staff/accounts';
import { audit } from '../../staff/audit';

export const prerender = false;

export const POST: APIRoute = async ({ cookies, url, locals, redirect }) => {
  const cookie = sessionCookie(url);
  const token = cookies.get(cookie.name)?.value;
  const db = sharedDatabase().db;
  if (token) await endSession(db, token);
  await audit(db, { actor: locals.staff?.user.username ?? null, action: 'sign_out', outcome: 'ok', ip: locals.ip });
  cookies.delete(cookie.name, { path: '/' });
  return redirect('/staff/login', 303);
};
