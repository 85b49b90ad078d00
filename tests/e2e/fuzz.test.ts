// The fuzz suite: against the built server, on each database, a bounded corpus of bad values (empty,
// huge, NUL and other control characters, bidi overrides, SQL and HTML, odd numbers, malformed UTF-8
// and percent-encoding, wrong content types, truncated multipart) goes to every on-demand route and
// every parameter it reads, anonymously and as each role. Pass: no 5xx, no personal data in any log
// line, and every table's content unchanged but the audit log and the sign-in throttle. Then the
// audit's findings one by one: body and rate limits on /ung-ho, HEAD, headers, forged client addresses.
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { PLEDGES_PER_ADDRESS } from '../../src/payments/runtime';
import { securityHeaders } from '../../src/security-headers';
import { can, matchStaffRoute, staffRoles, type Role } from '../../src/staff/permissions';
import { queryParamsOf } from '../../src/staff/query-params';
import { ADDRESS_POLICY } from '../../src/staff/throttle';
import { tableDigests, SECURITY_BOOKKEEPING } from '../db/digest';
import { buildStaffWorld, PASSWORD, signInEveryRole } from '../db/staff-world';
import { give } from '../db/world';
import { staffPageRoutes } from '../unit/staff-pages';
import type { RunningServer } from './browser';
import { rawRequest, type RawResponse } from './raw-http';
import { acceptingForm, ensureBuilt, stageServer, type StagedServer } from './staff-server';

const drivers = (['pglite', 'postgres'] as const).filter((d) => d === 'pglite' || process.env.DATABASE_URL);

const LEAK_EMAIL = 'ro-ri@example.com';
// Personal data of the test world that no log line may carry (household ID numbers, phone, a donor's email).
const PERSONAL = ['006200000000', '006200000001', '0912345678', 'donor-private@example.com', LEAK_EMAIL];

// Bad values, each sent percent-encoded; RAW ones are sent as written (malformed percent-encoding and UTF-8).
const BAD = [
  '', ' ', 'x'.repeat(3000), '\u0000', 'a\u0000b', '\u0007\u001b[31m', 'a\r\nb', '\u202Egnp.exe', 'zero\u200Bwidth', "' OR 1=1 --", '1; DROP TABLE donors',
  '<script>alert(1)</script>', '"><img src=x>', '1e309', '-0', '0x10', '９', '9007199254740993', '99999999999', '-1', '1.5', 'NaN', '../../etc/passwd', LEAK_EMAIL,
  ...fc.sample(fc.string({ unit: 'binary', maxLength: 24 }), { numRuns: 6, seed: 20250301 }),
];
const RAW = ['%', '%zz', '%C0%AF', '%FF%FE', '%E2%80', '%00'];

const encoded = () => [...BAD.map(encodeURIComponent), ...RAW];

for (const driver of drivers) {
  describe(`fuzzing every route (${driver})`, () => {
    let staged: StagedServer;
    let server: RunningServer;
    let sessions: Record<Role, { token: string; csrf: string }>;
    let houseId = 0;
    let houseCode = '';
    let receipt = '';
    let before: Record<string, string>;
    let log = '';

    const start = async () => {
      server = await staged.start();
      server.process.stdout!.on('data', (chunk) => (log += chunk));
      server.process.stderr!.on('data', (chunk) => (log += chunk));
    };

    beforeAll(async () => {
      await ensureBuilt();
      staged = await stageServer(driver, async (handle) => {
        const world = await buildStaffWorld(handle.db);
        houseId = world.houses[0]!.houseId;
        houseCode = world.houses[0]!.publicCode;
        const gift = await give(handle.db, world, { amountVnd: 2_000_000, target: { type: 'house', houseId }, donor: { kind: 'individual', displayName: 'Người Thử', email: 'donor-private@example.com' } });
        receipt = (await queryRows<{ code: string }>(handle.db, sql`SELECT receipt_code AS code FROM contributions WHERE id = ${gift.result.contributionId}`))[0]!.code;
        sessions = await signInEveryRole(handle.db);
        before = await tableDigests(handle.db, SECURITY_BOOKKEEPING);
      });
      await start();
    }, 600_000);

    afterAll(async () => {
      await server?.stop();
      await staged?.cleanup();
    });

    const send = (method: string, path: string, role?: Role, headers: Record<string, string> = {}, body?: string | Buffer) =>
      rawRequest(server.url, method, path, { Origin: server.url, ...(role ? { Cookie: `ancu_staff=${sessions[role].token}` } : {}), ...headers }, body);

    it('answers every bad value on every route and parameter without a 5xx, logs no personal data, and changes no row', async () => {
      const failures: string[] = [];
      let sent = 0;
      const check = (label: string, response: RawResponse) => {
        sent++;
        if (response.status >= 500) failures.push(`${label} → ${response.status} ${response.body.subarray(0, 120).toString()}`);
      };
      const values = encoded();
      // Staff routes: each parameter the route reads, each bad value, taking turns among anonymous and the roles that may GET it.
      for (const pattern of staffPageRoutes()) {
        const route = matchStaffRoute(pattern)!;
        const path = pattern.replace('[id]', String(houseId));
        const getters: (Role | undefined)[] = [undefined, ...staffRoles.filter((role) => route.methods.GET && route.methods.GET !== 'public' && can(role, route.methods.GET))];
        for (const param of queryParamsOf(pattern)) {
          for (const [i, value] of values.entries()) check(`GET ${path}?${param}=${value}`, await send(i % 2 ? 'GET' : 'HEAD', `${path}?${param}=${value}`, getters[i % getters.length]));
        }
        if (pattern.includes('[id]')) {
          for (const [i, value] of values.entries()) check(`GET ${pattern} id=${value}`, await send('GET', pattern.replace('[id]', value), getters[i % getters.length]));
        }
        // Forms: every field set to the bad value (so no form can pass), as a role that may post.
        const needed = route.methods.POST;
        if (needed && needed !== 'public' && pattern !== '/staff/logout') {
          const poster = staffRoles.find((role) => can(role, needed))!;
          const fields = [...acceptingForm(houseCode).keys()].filter((k) => k !== 'submission');
          for (const value of BAD) {
            const form = new URLSearchParams({ csrf: sessions[poster].csrf, submission: `fuzz-${sent}-0000000000` });
            for (const field of fields) form.set(field, value);
            check(`POST ${path} fields=${JSON.stringify(value).slice(0, 30)}`, await send('POST', path, poster, { 'Content-Type': 'application/x-www-form-urlencoded' }, form.toString()));
          }
          for (const [type, body] of BODIES) check(`POST ${path} ${type}`, await send('POST', path, poster, { 'Content-Type': type }, body));
        }
      }
      // Public on-demand routes and their parameters.
      const publicRoutes: [string, string[]][] = [
        ['/api/search', ['q', 'code', 'amount', 'min', 'max', 'from', 'to', 'page', 'lang']], ['/api/lookup', ['code', 'lang']],
        ['/ung-ho', ['house', 'commune']], ['/en/ung-ho', ['house', 'commune']], [`/ung-ho/${receipt}`, ['x']],
      ];
      for (const [path, params] of publicRoutes) {
        for (const param of params) for (const value of values) check(`GET ${path}?${param}=${value}`, await send('GET', `${path}?${param}=${value}`));
      }
      for (const value of values) {
        for (const base of ['/ung-ho/', '/en/ung-ho/', '/photos/']) check(`GET ${base}${value}`, await send('GET', `${base}${value}`));
      }
      // The donation form: each field bad in turn, the others valid for a card gift, which this server (no Stripe keys)
      // refuses only after every field has been read: so each value goes all the way through validation, and no pledge is made.
      const pledge = { target: 'commune', house: houseCode, commune: '1', amount: '200.000', amountQuick: '', displayName: 'Người Thử', anonymous: '', email: '', method: 'card' };
      for (const field of ['target', 'house', 'commune', 'amount', 'amountQuick', 'displayName', 'anonymous', 'email', 'method']) {
        for (const value of BAD.filter((v) => v !== LEAK_EMAIL)) {
          const response = await send('POST', '/ung-ho', undefined, { 'Content-Type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ ...pledge, [field]: value, email: field === 'email' ? value : LEAK_EMAIL }).toString());
          check(`POST /ung-ho ${field}=${JSON.stringify(value).slice(0, 30)}`, response);
          if (response.status === 303) failures.push(`POST /ung-ho ${field}=${JSON.stringify(value).slice(0, 30)} was accepted`);
        }
      }
      for (const [type, body] of BODIES) check(`POST /ung-ho ${type}`, await send('POST', '/ung-ho', undefined, { 'Content-Type': type }, body));
      // Without Stripe keys the webhook says it is not configured (503, so Stripe retries once keys are set); nothing else.
      const webhook = await send('POST', '/api/stripe/webhook', undefined, { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' }, '{"id":"evt_x"');
      expect([webhook.status, JSON.parse(webhook.body.toString()).error]).toEqual([503, 'card_not_configured']);
      // Sign-in with bad values (a few: the address throttle is real).
      const page = await send('GET', '/staff/login');
      const cookie = String(page.headers['set-cookie']).split(';')[0]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.body.toString())![1]!;
      for (const value of BAD.slice(0, ADDRESS_POLICY.slowAfter - 2)) {
        check(`POST /staff/login username=${JSON.stringify(value).slice(0, 30)}`, await send('POST', '/staff/login', undefined, { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ csrf, username: value, password: value }).toString()));
      }
      expect(sent).toBeGreaterThan(1500);
      expect(failures).toEqual([]);
      for (const secret of PERSONAL) expect(log, `a log line carries ${secret}`).not.toContain(secret);
      await server.stop();
      const handle = await staged.open();
      expect(await tableDigests(handle.db, SECURITY_BOOKKEEPING)).toEqual(before);
      await start();
    }, 900_000);

    it('limits /ung-ho bodies (streamed, not trusting Content-Length), refuses wrong content types, and keeps values out of the logs', async () => {
      const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
      const big = `displayName=${'x'.repeat(100 * 1024)}`;
      expect((await send('POST', '/ung-ho', undefined, form, big)).status).toBe(413);
      // A chunked body with no Content-Length is counted as it streams.
      const chunked = await new Promise<number>((resolve, reject) => {
        const url = new URL(server.url);
        import('node:http').then(({ request }) => {
          const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/ung-ho', headers: { ...form, Origin: server.url, 'Transfer-Encoding': 'chunked' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
          req.on('error', reject);
          for (let i = 0; i < 40; i++) req.write(`a${i}=${'y'.repeat(1024)}&`);
          req.end();
        }, reject);
      });
      expect(chunked).toBe(413);
      expect((await send('POST', '/ung-ho', undefined, { 'Content-Type': 'text/plain' }, 'target=general')).status).toBe(415);
      expect((await send('POST', '/ung-ho', undefined, { 'Content-Type': 'application/json' }, '{"target":"general"}')).status).toBe(415);
      expect((await send('POST', '/ung-ho', undefined, { 'Content-Type': 'multipart/form-data; boundary=zz' }, '--zz\r\nContent-Disposition: form-data; name="target"\r\n\r\ngen')).status).toBe(400);
      const nul = await send('POST', '/ung-ho', undefined, form, new URLSearchParams({ target: 'general', amount: '200.000', displayName: 'A\u0000B', email: LEAK_EMAIL, method: 'bank_transfer' }).toString());
      expect(nul.status).toBe(400);
      expect(nul.body.toString()).toMatch(/ký tự điều khiển/);
      expect(log).not.toContain(LEAK_EMAIL);
    });

    it('answers HEAD wherever GET works and sends the security headers on every on-demand response', async () => {
      for (const [path, role] of [['/staff/login', undefined], ['/staff', 'auditor'], ['/staff/report.csv', 'auditor'], ['/ung-ho', undefined], ['/api/search?q=ab', undefined], [`/api/lookup?code=${receipt}`, undefined]] as const) {
        const head = await send('HEAD', path, role);
        expect(head.status, `HEAD ${path}`).toBe(200);
        expect(head.body.length).toBe(0);
        for (const [name, value] of Object.entries(securityHeaders)) expect(head.headers[name.toLowerCase()], `${name} on ${path}`).toBe(value);
      }
      for (const path of ['/staff/nope', '/api/search?q=%00', '/ung-ho?house=%00']) {
        const response = await send('GET', path);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.headers['content-security-policy']).toBe(securityHeaders['Content-Security-Policy']);
      }
    });

    it('refuses the parameters that gave 500s with a 400', async () => {
      expect((await send('GET', '/api/search?q=%00')).status).toBe(400);
      expect((await send('GET', '/staff/households?q=%00', 'recorder')).status).toBe(400);
      expect((await send('GET', '/staff/audit?before=1e309', 'auditor')).status).toBe(400);
      expect((await send('GET', '/staff/payment-reviews?item=99999999999', 'approver')).status).toBe(400);
      expect((await send('GET', '/staff/houses/99999999999', 'approver')).status).toBe(404);
    });

    it('shows a household\'s private fields to its recorder and approvers only', async () => {
      const page = async (role: Role) => (await send('GET', `/staff/houses/${houseId}`, role)).body.toString();
      expect(await page('recorder')).toContain('006200000000');
      expect(await page('approver')).toContain('006200000000');
      expect(await page('auditor')).not.toContain('006200000000');
      expect(await page('administrator')).not.toContain('006200000000');
    });

    it('rate-limits pledges per address with a bilingual "try again in N minutes" page', async () => {
      const pledge = new URLSearchParams({ target: 'general', amount: '200.000', anonymous: 'on', method: 'bank_transfer' }).toString();
      const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
      for (let i = 0; i < PLEDGES_PER_ADDRESS; i++) expect((await send('POST', '/ung-ho', undefined, form, pledge)).status).toBe(303);
      const limited = await send('POST', '/ung-ho', undefined, form, pledge);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body.toString()).toMatch(/thử lại sau \d+ phút/);
      const english = await send('POST', '/en/ung-ho', undefined, form, pledge);
      expect(english.status).toBe(429);
      expect(english.body.toString()).toMatch(/try again in \d+ minutes/);
    });

    it('uses the socket address, not X-Forwarded-For: a rotating forged header neither escapes the throttle nor reaches the audit log', async () => {
      const page = await send('GET', '/staff/login');
      const cookie = String(page.headers['set-cookie']).split(';')[0]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.body.toString())![1]!;
      const statuses: number[] = [];
      for (let i = 0; i < ADDRESS_POLICY.slowAfter + 2; i++) {
        const response = await send('POST', '/staff/login', undefined, { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': `203.0.113.${i}, ${'9'.repeat(8000)}` },
          new URLSearchParams({ csrf, username: `khach${i}`, password: 'wrong-password-1' }).toString());
        statuses.push(response.status);
      }
      expect(statuses.at(-1)).toBe(429);
      // The right password from this address now waits too: the address throttle held.
      const owner = await send('POST', '/staff/login', undefined, { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': '198.51.100.1' }, new URLSearchParams({ csrf, username: 'kiem', password: PASSWORD }).toString());
      expect(owner.status).toBe(429);
      await server.stop();
      const handle = await staged.open();
      const addresses = await queryRows<{ ip: string | null }>(handle.db, sql`SELECT DISTINCT ip FROM audit_log WHERE action = 'sign_in' AND outcome = 'refused'`);
      expect(addresses.map((a) => a.ip)).toEqual(['127.0.0.1']);
    });
  });
}

// Bodies no form should be: wrong types, truncated or malformed multipart, broken encodings, too big.
const BODIES: [string, string | Buffer][] = [
  ['text/plain', 'target=general'],
  ['application/json', '{"target":'],
  ['multipart/form-data', '--x\r\n'],
  ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb'],
  ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n=1+1\r\n--x--\r\n'],
  ['application/x-www-form-urlencoded', '%zz=%&a=%C0%AF&b=%FF'],
  ['application/x-www-form-urlencoded', Buffer.from([0xff, 0xfe, 0x3d, 0x00, 0xc0])],
  ['application/x-www-form-urlencoded', `a=${'x'.repeat(70 * 1024)}`],
];
