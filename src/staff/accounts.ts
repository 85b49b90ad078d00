// Staff accounts, sign-in with throttling, and server-side sessions stored as token hashes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, schema, type Db } from '../../db/client';
import { DomainError } from '../domain/errors';
import { parseInput } from '../domain/validate';
import { audit } from './audit';
import { assertAcceptablePassword, hashPassword, verifyAgainstDummy, verifyPassword } from './password';
import { staffRoles } from './permissions';
import { ADDRESS_POLICY, ALERT_FAILURES, CLEARED, PAIR_POLICY, afterFailure, gate, type Gate, type ThrottlePolicy, type ThrottleState } from './throttle';

const { staffUsers, staffSessions, loginThrottle, areas } = schema;

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
// lastSeen is written at most this often, so browsing does not write on every page.
const TOUCH_EVERY_MS = 60_000;

export type StaffUser = typeof staffUsers.$inferSelect;
export interface SignedIn {
  user: StaffUser;
  csrfToken: string;
  /** Communes a recorder may record for; null means every area (roles that do not record). */
  communeIds: Set<number> | null;
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

// Compares secrets in constant time, so a wrong guess says nothing about how close it was.
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// Secure, host-only, HttpOnly cookie everywhere but plain-HTTP localhost, where browsers refuse Secure.
export function sessionCookie(url: URL): { name: string; secure: boolean } {
  const local = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return local ? { name: 'ancu_staff', secure: false } : { name: '__Host-ancu_staff', secure: true };
}

const access = {
  role: z.enum(staffRoles),
  areaCodes: z.array(z.string().trim().min(1)).default([]),
};
// A recorder always works within areas; an approver may be limited to some (none: the whole province);
// administrators and auditors are not limited.
const recorderHasAreas = [(u: { role: string; areaCodes: string[] }) => (u.role === 'recorder' ? u.areaCodes.length > 0 : u.role === 'approver' || u.areaCodes.length === 0), {
  message: 'Người ghi sổ cần địa bàn; người phê duyệt có thể có hoặc không; vai trò khác thì không / A recorder needs areas; an approver may have some; other roles take none',
}] as const;

export const newUserInput = z.object({
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, 'Tên đăng nhập 3–40 ký tự a-z, 0-9, . _ - / Usernames are 3–40 characters a-z, 0-9, . _ -'),
  displayName: z.string().trim().min(2).max(100),
  ...access,
  password: z.string(),
}).refine(...recorderHasAreas);

async function areaIdsOf(db: Db, codes: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const code of codes) {
    const [area] = await db.select({ id: areas.id }).from(areas).where(eq(areas.code, code));
    if (!area) throw new DomainError(400, 'area_unknown', `Không có địa bàn mã "${code}".`, `No area with code "${code}".`);
    ids.push(area.id);
  }
  return ids;
}

// Creates an account (or, with reset, sets a new password and unlocks it); the password never leaves as text.
// The command line and the first-admin link are audited here; a staff form (loggedByCaller) writes its own one line.
export async function saveStaffUser(db: Db, raw: unknown, options: { reset?: boolean; actor?: string; loggedByCaller?: boolean } = {}): Promise<StaffUser> {
  const input = parseInput(newUserInput, raw);
  assertAcceptablePassword(input.password, input.username);
  const areaIds = await areaIdsOf(db, input.areaCodes);
  const values = { displayName: input.displayName, role: input.role, areaIds, passwordHash: await hashPassword(input.password), ...CLEARED };
  const [saved] = options.reset
    ? await db.update(staffUsers).set(values).where(eq(staffUsers.username, input.username)).returning()
    : await db.insert(staffUsers).values({ username: input.username, ...values }).onConflictDoNothing().returning();
  if (!saved) {
    throw options.reset
      ? new DomainError(404, 'not_found', `Không có tài khoản "${input.username}".`, `No account "${input.username}".`)
      : new DomainError(409, 'username_taken', `Tên đăng nhập "${input.username}" đã có; dùng --reset để đặt lại mật khẩu.`, `Username "${input.username}" exists; use --reset to set a new password.`);
  }
  if (options.reset) await db.delete(staffSessions).where(eq(staffSessions.userId, saved.id));
  if (!options.loggedByCaller) await audit(db, { actor: options.actor ?? 'cli', action: options.reset ? 'account.reset' : 'account.create', outcome: 'ok', target: `user:${saved.username}`, details: { role: saved.role, areaCodes: input.areaCodes } });
  return saved;
}

// A new role or new areas for an account; its sessions end, so the next sign-in works under the new scope.
// Only the accounts form calls it, and that form's action writes the audit line.
export async function setAccess(db: Db, username: string, raw: unknown): Promise<StaffUser> {
  const input = parseInput(z.object(access).refine(...recorderHasAreas), raw);
  const areaIds = await areaIdsOf(db, input.areaCodes);
  const [saved] = await db.update(staffUsers).set({ role: input.role, areaIds }).where(eq(staffUsers.username, username)).returning();
  if (!saved) throw new DomainError(404, 'not_found', `Không có tài khoản "${username}".`, `No account "${username}".`);
  await db.delete(staffSessions).where(eq(staffSessions.userId, saved.id));
  return saved;
}

function refusalOf(closed: Exclude<Gate, { open: true }>): DomainError {
  const minutes = Math.ceil(closed.retryAfterMs / 60_000);
  const seconds = Math.ceil(closed.retryAfterMs / 1000);
  return closed.reason === 'locked'
    ? new DomainError(429, 'locked', `Địa chỉ mạng này tạm khóa do đăng nhập sai nhiều lần; thử lại sau ${minutes} phút.`,
      `This network address is locked after repeated failed sign-ins; try again in ${minutes} minutes.`, { retryAfterMs: closed.retryAfterMs })
    : new DomainError(429, 'slowed', `Đăng nhập sai nhiều lần; vui lòng đợi ${seconds} giây rồi thử lại.`,
      `Too many failed sign-ins; wait ${seconds} seconds and try again.`, { retryAfterMs: closed.retryAfterMs });
}

const badCredentials = () => new DomainError(401, 'bad_credentials', 'Tên đăng nhập hoặc mật khẩu không đúng.', 'Wrong username or password.');

export interface SignInResult {
  token: string;
  user: StaffUser;
}

// The throttle row of one account name tried from one address; an address's own row is keyed by the
// address alone (which has no space), so the two kinds never collide.
const pairKey = (ip: string, username: string) => `${ip} ${username}`;

// Checks the address and the account-and-address throttles before the password. The same steps run
// for an unknown username as for a real one (a dummy hash is verified), so neither the answers nor
// the time taken tell which usernames exist; every attempt lands in the audit log.
export async function signIn(db: Db, input: { username: string; password: string; ip: string; now?: Date }): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const username = input.username.trim().toLowerCase().slice(0, 60);
  const pair = pairKey(input.ip, username);
  const refuse = async (error: DomainError) => {
    await audit(db, { actor: username || null, action: 'sign_in', outcome: 'refused', target: `user:${username}`, details: { reason: error.code }, ip: input.ip });
    return error;
  };
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.address, [input.ip, pair]));
  const stateOf = (key: string) => rows.find((r) => r.address === key) ?? CLEARED;
  for (const [key, policy] of [[input.ip, ADDRESS_POLICY], [pair, PAIR_POLICY]] as const) {
    const closed = gate(stateOf(key), now, policy);
    if (!closed.open) throw await refuse(refusalOf(closed));
  }
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.username, username));
  const valid = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!valid) {
    const counted = await recordFailure(db, input.ip, pair, now);
    if (counted.failedCount === ADDRESS_POLICY.lockAfter) {
      await audit(db, { actor: null, action: 'address.locked', outcome: 'ok', target: `address:${input.ip}`, ip: input.ip });
    }
    throw await refuse(badCredentials());
  }
  // Told only to whoever knows the password, so the answer still says nothing about which usernames exist.
  if (user!.disabled) {
    throw await refuse(new DomainError(403, 'account_disabled', 'Tài khoản này đã bị quản trị viên vô hiệu hóa; hãy liên hệ quản trị viên để mở lại.',
      'This account has been disabled by an administrator; ask an administrator to enable it again.'));
  }
  await db.delete(loginThrottle).where(eq(loginThrottle.address, pair));
  const token = randomToken();
  await db.insert(staffSessions).values({
    idHash: tokenHash(token), userId: user!.id, csrfToken: randomToken(), ip: input.ip,
    createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
  });
  await audit(db, { actor: user!.username, action: 'sign_in', outcome: 'ok', target: `user:${user!.username}`, ip: input.ip });
  return { token, user: user! };
}

// Counts one failure against the address and the pair under row locks; returns the address's new state.
async function recordFailure(db: Db, ip: string, pair: string, now: Date): Promise<ThrottleState> {
  return db.transaction(async (tx) => {
    let addressState: ThrottleState = CLEARED;
    for (const [key, policy] of [[ip, ADDRESS_POLICY], [pair, PAIR_POLICY]] as [string, ThrottlePolicy][]) {
      await tx.insert(loginThrottle).values({ address: key }).onConflictDoNothing();
      const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.address, key)).for('update');
      const next = afterFailure(row!, now, policy);
      await tx.update(loginThrottle).set(next).where(eq(loginThrottle.address, key));
      if (key === ip) addressState = next;
    }
    return addressState;
  });
}

export interface AccountUnderAttack {
  username: string;
  failures: number;
  addresses: number;
  lastFailedAt: Date;
}

// Real accounts with many recent failed sign-ins, summed over every address: shown to administrators.
export async function accountsUnderAttack(db: Db, now = new Date()): Promise<AccountUnderAttack[]> {
  const since = new Date(now.getTime() - PAIR_POLICY.forgetMs);
  const rows = await queryRows<{ username: string; failures: string | number; addresses: string | number; last: Date | string }>(db, sql`
    SELECT u.username, sum(t.failed_count) AS failures, count(*) AS addresses, max(t.last_failed_at) AS last
    FROM login_throttle t JOIN staff_users u ON u.username = substr(t.address, position(' ' in t.address) + 1)
    WHERE position(' ' in t.address) > 0 AND t.last_failed_at > ${since.toISOString()}::timestamptz
    GROUP BY u.username HAVING sum(t.failed_count) >= ${ALERT_FAILURES} ORDER BY u.username`);
  return rows.map((r) => ({ username: r.username, failures: Number(r.failures), addresses: Number(r.addresses), lastFailedAt: new Date(r.last) }));
}

// The signed-in user for a session token, or undefined once it is idle too long, past its lifetime or the account is disabled.
export async function loadSession(db: Db, token: string | undefined, now = new Date()): Promise<SignedIn | undefined> {
  if (!token || token.length > 100) return undefined;
  const idHash = tokenHash(token);
  const [row] = await db.select({ session: staffSessions, user: staffUsers }).from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId)).where(eq(staffSessions.idHash, idHash));
  if (!row) return undefined;
  const idle = now.getTime() - row.session.lastSeenAt.getTime() > SESSION_IDLE_MS;
  if (idle || row.session.expiresAt <= now || row.user.disabled) {
    await db.delete(staffSessions).where(eq(staffSessions.idHash, idHash));
    return undefined;
  }
  if (now.getTime() - row.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.idHash, idHash));
  }
  return { user: row.user, csrfToken: row.session.csrfToken, communeIds: await communesInScope(db, row.user) };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.idHash, tokenHash(token)));
}

// A recorder's (or a limited approver's) areas may be districts or the province: their scope is every
// commune beneath them. An approver without areas, and the other roles, act everywhere (null).
export async function communesInScope(db: Db, user: Pick<StaffUser, 'role' | 'areaIds'>): Promise<Set<number> | null> {
  if (user.role !== 'recorder' && !(user.role === 'approver' && user.areaIds.length > 0)) return null;
  if (user.areaIds.length === 0) return new Set();
  const rows = await queryRows<{ id: number }>(db, sql`
    WITH RECURSIVE scope AS (
      SELECT id, level FROM areas WHERE id IN (${sql.join(user.areaIds.map((id) => sql`${id}`), sql`, `)})
      UNION SELECT a.id, a.level FROM areas a JOIN scope s ON a.parent_id = s.id)
    SELECT id FROM scope WHERE level = 'commune'`);
  return new Set(rows.map((r) => Number(r.id)));
}

// Administrator actions on an account: unlock clears the failure count, disable also ends its sessions.
export async function manageAccount(db: Db, username: string, change: 'unlock' | 'disable' | 'enable' | 'end_sessions'): Promise<StaffUser> {
  const set = { unlock: CLEARED, disable: { disabled: true }, enable: { disabled: false }, end_sessions: {} }[change];
  // Unlocking forgets the failures against this account from every address.
  if (change === 'unlock') await db.execute(sql`DELETE FROM login_throttle WHERE position(' ' in address) > 0 AND substr(address, position(' ' in address) + 1) = ${username}`);
  const [user] = Object.keys(set).length > 0
    ? await db.update(staffUsers).set(set).where(eq(staffUsers.username, username)).returning()
    : await db.select().from(staffUsers).where(eq(staffUsers.username, username));
  if (!user) throw new DomainError(404, 'not_found', `Không có tài khoản "${username}".`, `No account "${username}".`);
  if (change === 'disable' || change === 'end_sessions') await db.delete(staffSessions).where(eq(staffSessions.userId, user.id));
  return user;
}
