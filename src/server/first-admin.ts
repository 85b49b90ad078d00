// The first administrator of a database without staff: `npm start` prints a one-time link (a random token,
// shown only in the terminal, valid 30 minutes, usable once) to a form that creates that account.
// The token lives only in the server's memory, as its SHA-256; a restart prints a new one.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../../db/client';
import { DomainError } from '../domain/errors';
import { saveStaffUser } from '../staff/accounts';
import { escapeHtml } from '../staff/html';

export const FIRST_ADMIN_PATH = '/first-admin';
export const FIRST_ADMIN_TTL_MS = 30 * 60 * 1000;
const BODY_LIMIT_BYTES = 8 * 1024;

export interface FirstAdminToken {
  hash: Buffer;
  expiresAt: number;
  /** Taken while a submission is being processed, and for good once one succeeds. */
  state: 'open' | 'busy' | 'used';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

// A fresh token and what the server keeps of it.
export function newFirstAdminToken(now = Date.now()): { token: string; kept: FirstAdminToken } {
  const token = randomBytes(32).toString('base64url');
  return { token, kept: { hash: sha256(token), expiresAt: now + FIRST_ADMIN_TTL_MS, state: 'open' } };
}

// Usable means: the same token (compared in constant time), not expired, not used or in use.
export function tokenUsable(kept: FirstAdminToken | null, token: unknown, now = Date.now()): boolean {
  if (!kept || kept.state !== 'open' || now > kept.expiresAt || typeof token !== 'string' || token.length > 100) return false;
  return timingSafeEqual(sha256(token), kept.hash);
}

export async function hasStaff(db: Db): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM staff_users`);
  return (row?.n ?? 0) > 0;
}

const formSchema = z.object({
  token: z.string().max(100),
  username: z.string().max(60),
  name: z.string().max(120),
  password: z.string().max(1024),
  repeat: z.string().max(1024),
});

function page(res: ServerResponse, status: number, body: string): void {
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quản trị viên đầu tiên / First administrator</title><meta name="robots" content="noindex">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}label{display:block;margin:.8rem 0}input{display:block;width:100%;padding:.5rem;font-size:1rem}.en{color:#555}.error{border-left:4px solid #b00020;padding-left:.8rem}button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}</style>
</head><body><h1>Quản trị viên đầu tiên <span class="en">/ First administrator</span></h1>${body}</body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
  res.end(html);
}

const gone = (res: ServerResponse) => page(res, 410, `<p>Liên kết này không còn dùng được (đã dùng, hết 30 phút, hoặc đã có tài khoản nhân viên). Tạo tài khoản bằng <code>npm run staff:add -- --username TÊN --role administrator</code>, hoặc khởi động lại máy chủ để có liên kết mới khi chưa có tài khoản nào.</p>
<p class="en" lang="en">This link can no longer be used (used, older than 30 minutes, or staff accounts exist). Create an account with <code>npm run staff:add -- --username NAME --role administrator</code>, or restart the server for a new link while there is no account.</p>`);

function form(res: ServerResponse, status: number, token: string, values: { username?: string; name?: string }, error?: DomainError): void {
  const problem = error ? `<div class="error" role="alert"><p>${escapeHtml(error.message)}</p><p class="en" lang="en">${escapeHtml(error.messageEn)}</p></div>` : '';
  page(res, status, `${problem}<form method="post" action="${FIRST_ADMIN_PATH}">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<label>Tên đăng nhập <span class="en">Username</span><input name="username" required maxlength="60" autocomplete="username" value="${escapeHtml(values.username ?? '')}"></label>
<label>Họ tên <span class="en">Display name</span><input name="name" required maxlength="120" value="${escapeHtml(values.name ?? '')}"></label>
<label>Mật khẩu <span class="en">Password</span><input name="password" type="password" required minlength="8" maxlength="128" autocomplete="new-password"></label>
<label>Nhập lại <span class="en">Repeat</span><input name="repeat" type="password" required minlength="8" maxlength="128" autocomplete="new-password"></label>
<button type="submit">Tạo tài khoản quản trị / Create the administrator</button></form>`);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// GET shows the form when the link is good; POST creates the administrator once and sends to sign-in.
export async function firstAdminHandler(req: IncomingMessage, res: ServerResponse, db: Db, kept: FirstAdminToken | null): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' || req.method === 'HEAD') {
    const token = url.searchParams.get('token');
    if (!tokenUsable(kept, token) || (await hasStaff(db))) return gone(res);
    return form(res, 200, token!, {});
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'GET, HEAD, POST' });
    res.end();
    return;
  }
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return page(res, 415, '<p>Chỉ nhận dữ liệu biểu mẫu. <span class="en">Only form submissions are accepted.</span></p>');
  const body = await readBody(req);
  if (body === null) return page(res, 413, '<p>Dữ liệu gửi lên quá lớn. <span class="en">The submission is too large.</span></p>');
  const parsed = formSchema.safeParse(Object.fromEntries(new URLSearchParams(body)));
  if (!parsed.success || !tokenUsable(kept, parsed.data.token) || (await hasStaff(db))) return gone(res);
  const { token, username, name, password, repeat } = parsed.data;
  if (password !== repeat) {
    return form(res, 400, token, { username, name }, new DomainError(400, 'password_mismatch', 'Hai lần nhập mật khẩu không khớp.', 'The two passwords differ.'));
  }
  kept!.state = 'busy'; // a second submission meanwhile finds the link taken
  try {
    await saveStaffUser(db, { username, displayName: name, role: 'administrator', password }, { actor: 'first-admin-link' });
    kept!.state = 'used';
  } catch (error) {
    kept!.state = 'open';
    if (error instanceof DomainError) return form(res, error.status, token, { username, name }, error);
    throw error;
  }
  res.writeHead(303, { Location: '/staff/login', 'Cache-Control': 'no-store' });
  res.end();
}
