// A test world with staff: the small campaign of world.ts plus one account per role, a second
// recorder for the other commune and a second approver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { queryRows, type Db } from '../../db/client';
import { signIn, saveStaffUser, loadSession, type StaffUser } from '../../src/staff/accounts';
import type { ActionContext } from '../../src/staff/actions';
import type { Role } from '../../src/staff/permissions';
import { buildWorld, type World } from './world';

export const PASSWORD = 'Mùa-lúa-chín-2025';

export interface StaffWorld extends World {
  users: Record<'admin' | 'thu' | 'duc' | 'hanh' | 'chung' | 'kiem', StaffUser>;
}

export async function buildStaffWorld(db: Db, houseCount?: number): Promise<StaffWorld> {
  const world = await buildWorld(db, houseCount);
  const add = (username: string, role: string, areaCodes: string[] = []) =>
    saveStaffUser(db, { username, displayName: username.toUpperCase(), role, areaCodes, password: PASSWORD });
  const users = {
    admin: await add('admin', 'administrator'),
    thu: await add('thu', 'recorder', ['T-D-A']),
    duc: await add('duc', 'recorder', ['T-D-B']),
    hanh: await add('hanh', 'approver'),
    chung: await add('chung', 'approver'),
    kiem: await add('kiem', 'auditor'),
  };
  return { ...world, users };
}

// One signed-in session (cookie token and CSRF token) for each role of the staff world.
export const roleUsernames: Record<Role, string> = { administrator: 'admin', recorder: 'thu', approver: 'hanh', auditor: 'kiem' };

export async function signInEveryRole(db: Db): Promise<Record<Role, { token: string; csrf: string }>> {
  const sessions = {} as Record<Role, { token: string; csrf: string }>;
  for (const role of Object.keys(roleUsernames) as Role[]) {
    const { token } = await signIn(db, { username: roleUsernames[role], password: PASSWORD, ip: '127.0.0.1' });
    sessions[role] = { token, csrf: (await loadSession(db, token))!.csrfToken };
  }
  return sessions;
}

// Signs in and returns what a page would get, as the guard builds it.
export async function contextOf(db: Db, username: string, ip = '127.0.0.11'): Promise<ActionContext & { token: string }> {
  const { token } = await signIn(db, { username, password: PASSWORD, ip });
  const session = await loadSession(db, token);
  return { ...session!, db, ip, token };
}

let submissions = 0;
// A form as the browser posts it, with a fresh submission id unless one is given.
export function formOf(fields: Record<string, string>, submission = `sub-${++submissions}-${Date.now().toString(36)}-xxxx`): FormData {
  const form = new FormData();
  form.set('submission', submission);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

// Photos and receipts of the enclosing describe go to a temporary folder, removed afterwards; returns its path.
export function usePhotosDir(): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ancu-photos-'));
    process.env.PHOTOS_DIR = dir;
  });
  afterAll(() => {
    delete process.env.PHOTOS_DIR;
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

// A plain one-page PDF, as a scanner writes a signed handover record.
export const PLAIN_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

// A payment form as the browser posts it: the fields the form asks for, a PDF receipt, and any overrides.
export function paymentFormOf(fields: Record<string, string>, receipt: Buffer | null = PLAIN_PDF, submission?: string): FormData {
  const form = formOf({ method: 'cash', sourceAccount: 'Quỹ tiền mặt văn phòng MTTQ huyện', paidOn: '2025-04-20', ...fields }, submission);
  if (receipt) form.set('receipt', new File([new Uint8Array(receipt)], 'bien-ban.pdf'));
  return form;
}

// A fingerprint of every table money and records live in (not the sign-in bookkeeping or the audit log).
export async function recordsDigest(db: Db): Promise<string> {
  const tables = ['journal_entries', 'journal_lines', 'contributions', 'donors', 'households', 'houses', 'disbursements', 'allocations', 'pool_lots', 'photos', 'idempotency_keys', 'staff_users'];
  const parts = [];
  for (const table of tables) {
    const columns = table === 'staff_users' ? 'username, role, area_ids, password_hash, disabled' : 't';
    const [row] = await queryRows<{ digest: string | null; n: string }>(db, sql.raw(`SELECT md5(string_agg(r::text, '|' ORDER BY r::text)) AS digest, count(*) AS n FROM (SELECT ${columns} FROM ${table} t) r`));
    parts.push(`${table}:${row!.n}:${row!.digest}`);
  }
  return parts.join(' ');
}
