// Every route under /staff/, enumerated from the page files, against the built server: anonymous
// requests and requests from roles without the right are refused and change nothing; a form without
// its session's CSRF token is refused; GET never changes anything; cookies are HttpOnly and SameSite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { max } from 'drizzle-orm';
import { schema, type DbHandle } from '../../db/client';
import { proposeDisbursement } from '../../src/domain/disbursements';
import { can, matchStaffRoute, staffRoles, type Role } from '../../src/staff/permissions';
import { changedTables, tableDigests, type Digests } from '../db/digest';
import { buildStaffWorld, PASSWORD, recordsDigest, signInEveryRole } from '../db/staff-world';
import { give, nextKey } from '../db/world';
import { staffPageRoutes } from '../unit/staff-pages';
import type { RunningServer } from './browser';
import { acceptingForm, ensureBuilt, stageServer, type StagedServer } from './staff-server';

// A session's last-seen time is touched by browsing, by design; nothing else may change.
const SESSION_BOOKKEEPING = { staff_sessions: ['last_seen_at'] };

const drivers = (['pglite', 'postgres'] as const).filter((d) => d === 'pglite' || process.env.DATABASE_URL);

for (const driver of drivers) {
  describe(`staff routes on the built server (${driver})`, () => {
    let staged: StagedServer;
    let server: RunningServer;
    let sessions: Record<Role, { token: string; csrf: string }>;
    let houseId = 0;
    let houseCode = '';
    // The gift's entry: the houses' registrations are record entries before it.
    let giftEntryId = 0;
    let disbursementId = 0;
    let before: Digests;
    // Every table's content while the server is stopped (PGlite has one owner at a time).
    const digestsNow = async () => tableDigests((await staged.open()).db, { ignoreColumns: SESSION_BOOKKEEPING });
    const pausedDigests = async () => {
      await server.stop();
      const digests = await digestsNow();
      server = await staged.start();
      return digests;
    };

    beforeAll(async () => {
      await ensureBuilt();
      staged = await stageServer(driver, async (handle) => {
        const world = await buildStaffWorld(handle.db);
        houseId = world.houses[0]!.houseId;
        houseCode = world.houses[0]!.publicCode;
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId } });
        giftEntryId = (await handle.db.select({ id: max(schema.journalEntries.id) }).from(schema.journalEntries))[0]!.id!;
        disbursementId = (await proposeDisbursement(handle.db, { idempotencyKey: nextKey(), houseId, amountVnd: 1_000_000, purpose: 'Đợt 1', recordedBy: 'thu', recordedAt: new Date() })).result.disbursementId;
        sessions = await signInEveryRole(handle.db);
      });
      before = await digestsNow();
      server = await staged.start();
    }, 600_000);

    afterAll(async () => {
      await server?.stop();
      await staged?.cleanup();
    });

    const pathOf = (pattern: string) => pattern.replace('/staff/houses/[id]', `/staff/houses/${houseId}`).replace('/staff/disbursements/[id]', `/staff/disbursements/${disbursementId}`);
    // A body every form would accept, so that a refusal can only come from the gate.
    const body = (csrf?: string) => acceptingForm(houseCode, csrf);
    const request = (method: string, path: string, role?: Role, form?: URLSearchParams) => fetch(`${server.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(role ? { Cookie: `ancu_staff=${sessions[role].token}` } : {}),
        ...(method !== 'GET' ? { Origin: server.url } : {}),
        ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form,
    });

    it('refuses every route to anonymous and wrong-role requests, every GET renders for the right roles, and nothing changes', async () => {
      const routes = staffPageRoutes();
      expect(routes.length).toBeGreaterThan(15);
      const outcomes: string[] = [];
      const expectStatus = async (label: string, response: Response, expected: number, location?: RegExp) => {
        const text = await response.text();
        if (response.status !== expected || (location && !location.test(response.headers.get('location') ?? ''))) {
          outcomes.push(`${label}: got ${response.status} ${response.headers.get('location') ?? ''} ${text.slice(0, 200)}`);
        }
      };
      for (const pattern of routes) {
        const route = matchStaffRoute(pattern)!;
        expect(route, pattern).toBeDefined();
        const path = pathOf(pattern);
        if (pattern === '/staff/login') continue;
        if (route.methods.GET) await expectStatus(`anonymous GET ${path}`, await request('GET', path), 303, /^\/staff\/login\?next=/);
        if (route.methods.POST) await expectStatus(`anonymous POST ${path}`, await request('POST', path, undefined, body()), 401);
        await expectStatus(`anonymous PUT ${path}`, await request('PUT', path), 405);
        for (const role of staffRoles) {
          for (const method of ['GET', 'POST'] as const) {
            const needed = route.methods[method];
            if (!needed || needed === 'public') continue;
            if (!can(role, needed)) {
              await expectStatus(`${role} ${method} ${path}`, await request(method, path, role, method === 'POST' ? body(sessions[role].csrf) : undefined), 403);
            } else if (method === 'GET') {
              await expectStatus(`${role} GET ${path}`, await request('GET', path, role), 200);
            }
          }
        }
      }
      expect(outcomes).toEqual([]);
      // Nothing but the audit log (refusals are recorded there, append-only) changed, in any table, row or column.
      expect(changedTables(before, await pausedDigests())).toEqual(['audit_log']);
    }, 300_000);

    it('refuses a form without its session\'s CSRF token, then accepts the same form with it', async () => {
      const labour = () => new URLSearchParams({ submission: `csrf-test-${Math.random().toString(36).slice(2)}-000`, house: houseCode, organisation: 'Đại đội 2', unit: 'army', people: '4', days: '1', workedOn: '2025-03-02' });
      const withToken = (token?: string) => { const form = labour(); if (token !== undefined) form.set('csrf', token); return form; };
      const refusedFrom = await pausedDigests();
      for (const form of [withToken(), withToken(''), withToken('x'.repeat(43)), withToken(sessions.approver.csrf)]) {
        const response = await request('POST', '/staff/labour', 'recorder', form);
        expect(response.status).toBe(403);
        expect(await response.text()).toMatch(/CSRF|biểu mẫu/);
      }
      const login = await fetch(`${server.url}/staff/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url }, body: new URLSearchParams({ username: 'thu', password: PASSWORD, csrf: 'guess' }) });
      expect(login.status).toBe(403);
      expect(changedTables(refusedFrom, await pausedDigests())).toEqual(['audit_log']);
      const accepted = await request('POST', '/staff/labour', 'recorder', withToken(sessions.recorder.csrf));
      expect(accepted.status).toBe(200);
      expect(await accepted.text()).toMatch(/Đã ghi 4 ngày công của Đại đội 2/);
    });

    it('finds an entry by house code in words; a recorder files a correction request and an approver refuses it', async () => {
      const found = await (await request('GET', `/staff/corrections?q=${houseCode}&entry=${giftEntryId}`, 'recorder')).text();
      // The gift to the house and the labour form above both name it.
      expect(found).toMatch(/Kết quả <span class="en">Results<\/span> \(2\)/);
      expect(found).toMatch(new RegExp(`<a href="\\?entry=${giftEntryId}">#${giftEntryId}</a></td><td>[^<]+</td><td>[^<]+</td><td>mã nhà / house`));
      expect(found).toMatch(new RegExp(`Tiền cho nhà <span class="en">Money for the house</span></td><td>${houseCode}</td><td>Xã A</td>`));
      const filed = await request('POST', '/staff/corrections/request', 'recorder', new URLSearchParams({
        csrf: sessions.recorder.csrf, submission: `corr-${Math.random().toString(36).slice(2)}-000`, entryId: String(giftEntryId), whatIsWrong: 'Ghi nhầm nhà, đúng là nhà bên cạnh.',
      }));
      expect(filed.status).toBe(200);
      expect(await filed.text()).toMatch(new RegExp(`Đã gửi yêu cầu điều chỉnh #1 cho bút toán #${giftEntryId}`));
      const listed = await (await request('GET', '/staff/corrections', 'approver')).text();
      expect(listed).toContain('Ghi nhầm nhà, đúng là nhà bên cạnh.');
      expect(listed).toContain('value="refuse"');
      const decided = await request('POST', '/staff/corrections', 'approver', new URLSearchParams({
        csrf: sessions.approver.csrf, submission: `corr-${Math.random().toString(36).slice(2)}-001`, requestId: '1', decision: 'refuse', reason: 'Biên bản ghi đúng nhà này',
      }));
      expect(decided.status).toBe(200);
      expect(await decided.text()).toMatch(/Đã từ chối yêu cầu điều chỉnh #1/);
    });

    it('signs in with an HttpOnly SameSite cookie, ends the session at sign-out, and left the records as they were', async () => {
      const page = await fetch(`${server.url}/staff/login`);
      const loginCookie = page.headers.getSetCookie().find((c) => c.startsWith('ancu_login_csrf='))!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const signedIn = await fetch(`${server.url}/staff/login?next=/staff/audit`, {
        method: 'POST', redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url, Cookie: loginCookie.split(';')[0]! },
        body: new URLSearchParams({ username: 'kiem', password: PASSWORD, csrf }),
      });
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get('location')).toBe('/staff/audit');
      const session = signedIn.headers.getSetCookie().find((c) => c.startsWith('ancu_staff='))!;
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/SameSite=Strict/i);
      expect(session).toMatch(/Path=\//);
      const cookie = session.split(';')[0]!;
      const audit = await fetch(`${server.url}/staff/audit`, { headers: { Cookie: cookie } });
      expect(audit.status).toBe(200);
      expect(audit.headers.get('cache-control')).toBe('no-store');
      const html = await audit.text();
      expect(html).toMatch(/access_denied/);
      expect(html).toMatch(/csrf_refused/);
      const token = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
      const out = await fetch(`${server.url}/staff/logout`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url, Cookie: cookie }, body: new URLSearchParams({ csrf: token }) });
      expect(out.status).toBe(303);
      const after = await fetch(`${server.url}/staff/audit`, { redirect: 'manual', headers: { Cookie: cookie } });
      expect(after.status).toBe(303);

      // Only the accepted labour form above changed the records: one contribution and one entry.
      await server.stop();
      const handle: DbHandle = await staged.open();
      const digest = await recordsDigest(handle.db);
      expect(digest).toMatch(/contributions:2:/);
      expect(digest).toMatch(new RegExp(`journal_entries:${giftEntryId + 1}:`));
      expect(digest).toMatch(/disbursements:1:/);
      expect(digest).toMatch(/households:3:/);
    });
  });
}
