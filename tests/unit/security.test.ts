// The security rules that need no server: the client address behind proxies, formula-safe CSV, the
// free-text schema, the staff query schemas, the rate limiter, and that every staff page checks its
// own route (defence in depth) and reads only parsed query values.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseAddress, parseTrustProxy, resolveClientAddress } from '../../src/client-address';
import { freeText, hasControlCharacters } from '../../src/domain/text';
import { csvField, csvRow } from '../../src/publish/csv';
import { RateLimiter } from '../../src/rate-limit';
import { securityHeaders, staffHeaders } from '../../src/security-headers';
import { allowedMethods, decide, looksLikeStaffPath, maySeeHouseholdPrivate, routeOfPageFile, staffRouteByPattern, staffRoutes } from '../../src/staff/permissions';
import { parseStaffQuery, queryParamsOf } from '../../src/staff/query-params';
import { staffPageRoutes } from './staff-pages';

describe('client address', () => {
  const none = parseTrustProxy('');
  it('is the socket address unless TRUST_PROXY is set, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('127.0.0.1', '6.6.6.6', none)).toBe('127.0.0.1');
    expect(resolveClientAddress('::ffff:10.1.2.3', '6.6.6.6, 7.7.7.7', none)).toBe('10.1.2.3');
    expect(resolveClientAddress(undefined, null, none)).toBe('unknown');
  });

  it('takes the address the trusted proxy appended: by hop count or by the proxies named', () => {
    expect(resolveClientAddress('127.0.0.1', '6.6.6.6, 203.0.113.9', parseTrustProxy('1'))).toBe('203.0.113.9');
    expect(resolveClientAddress('127.0.0.1', '6.6.6.6, 203.0.113.9, 10.0.0.2', parseTrustProxy('2'))).toBe('203.0.113.9');
    const listed = parseTrustProxy('loopback, 10.0.0.0/8');
    expect(resolveClientAddress('127.0.0.1', '6.6.6.6, 203.0.113.9, 10.0.0.2', listed)).toBe('203.0.113.9');
    // A client that is not behind the listed proxies cannot forward anything.
    expect(resolveClientAddress('198.51.100.7', '6.6.6.6', listed)).toBe('198.51.100.7');
    expect(resolveClientAddress('127.0.0.1', '2001:db8::1', listed)).toBe('2001:db8::1');
  });

  it('caps what it keeps: a huge or malformed header gives the nearest trusted address, never the text', () => {
    const huge = `${'9'.repeat(8000)}, ${'1.2.3.4, '.repeat(2000)}x`;
    const address = resolveClientAddress('127.0.0.1', huge, parseTrustProxy('1'));
    expect(address).toBe('127.0.0.1');
    expect(resolveClientAddress('127.0.0.1', '<script>', parseTrustProxy('1'))).toBe('127.0.0.1');
    expect(resolveClientAddress('127.0.0.1', `1.2.3.4, ${'a'.repeat(100)}`, parseTrustProxy('loopback'))).toBe('127.0.0.1');
    expect(normaliseAddress(`1.2.3.4${' '.repeat(50)}x`)).toBeUndefined();
    expect(() => parseTrustProxy('proxy.example')).toThrow(/TRUST_PROXY/);
  });
});

describe('formula-safe CSV', () => {
  it('neutralises cells a spreadsheet would run, and keeps everything else exact', () => {
    for (const attack of ['=HYPERLINK("http://x","y")', '+cmd|calc', '@SUM(A1:A2)', '-1+1', '\t=1', '\r=1', '  =1']) {
      const field = csvField(attack);
      expect(field.startsWith('"\''), attack).toBe(true);
    }
    expect(csvRow(['Nguyễn Văn A', 1_000_000, -500, null, 'a,b', 'say "hi"'])).toBe('Nguyễn Văn A,1000000,-500,,"a,b","say ""hi"""\r\n');
  });

  it('is the only CSV writer: no other module quotes CSV fields itself', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : /\.(ts|astro|mjs)$/.test(name) ? [path] : [];
    });
    const writers = [...files('src'), ...files('scripts')].filter((file) => /replace\(\/"\/g, '""'\)/.test(readFileSync(file, 'utf8')));
    // The statement fixture imitates a bank's own export (every field quoted), for import tests: it is the bank's CSV, not ours.
    expect(writers.sort()).toEqual([join('scripts', 'lib', 'statement-fixture.ts'), join('src', 'publish', 'csv.ts')]);
  });
});

describe('free text', () => {
  const name = freeText(1, 120);
  it('keeps Vietnamese intact, NFC-normalised', () => {
    const decomposed = 'Nguyễn Thị Ánh'.normalize('NFD');
    expect(name.parse(`  ${decomposed} `)).toBe('Nguyễn Thị Ánh'.normalize('NFC'));
    expect(name.parse('Công ty TNHH Đồng Tâm & Cộng sự (Hà Nội)')).toBe('Công ty TNHH Đồng Tâm & Cộng sự (Hà Nội)');
  });

  it('refuses control and invisible characters (Cc and Cf), line breaks only where text is multi-line', () => {
    for (const bad of ['a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'a\r\nb', 'admin\u202Egnp.exe', 'zero\u200Bwidth', 'b\uFEFFom', 'x\u2066y']) {
      expect(name.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(freeText(1, 300, { multiline: true }).parse('dòng 1\r\ndòng 2\tb')).toBe('dòng 1\ndòng 2\tb');
    expect(hasControlCharacters('dòng 1\ndòng 2', true)).toBe(false);
    expect(name.safeParse('x'.repeat(121)).success).toBe(false);
  });
});

describe('staff query parameters', () => {
  it('refuses the values that gave 500s, and accepts good ones', () => {
    const bad: [string, string][] = [
      ['/staff/audit', 'before=1e309'], ['/staff/audit', 'before=-0'], ['/staff/audit', 'from=2025-02-30'], ['/staff/payment-reviews', 'item=99999999999'],
      ['/staff/payment-reviews', 'item=0x10'], ['/staff/payment-reviews', 'item=%EF%BC%99'], ['/staff/households', 'q=%00'], ['/staff/households', 'page=1e3'],
      ['/staff/corrections', 'entry=9007199254740993'], ['/staff/labour', 'house=%3Cscript%3E'], ['/staff/audit', 'actor=%E2%80%AEadmin'],
    ];
    for (const [route, query] of bad) expect(parseStaffQuery(route, new URLSearchParams(query)).ok, `${route}?${query}`).toBe(false);
    expect(parseStaffQuery('/staff/audit', new URLSearchParams('before=120&outcome=ok&from=2025-01-01&actor='))).toEqual({ ok: true, query: { before: 120, outcome: 'ok', from: '2025-01-01' } });
    expect(parseStaffQuery('/staff/households', new URLSearchParams('q=Nguy%E1%BB%85n&page=2&unknown=%00'))).toEqual({ ok: true, query: { q: 'Nguyễn', page: 2 } });
    expect(queryParamsOf('/staff/payment-reviews')).toEqual(['source', 'reason', 'state', 'item']);
  });
});

describe('staff routes', () => {
  it('answer HEAD wherever GET works, with the same rule', () => {
    for (const route of staffRoutes) {
      if (route.methods.GET) {
        expect(allowedMethods(route)).toContain('HEAD');
        expect(decide(route, 'HEAD', 'auditor')).toEqual(decide(route, 'GET', 'auditor'));
        expect(decide(route, 'HEAD', undefined)).toEqual(decide(route, 'GET', undefined));
      }
    }
    expect(staffRouteByPattern('/staff/houses/[id]')?.pattern).toBe('/staff/houses/[id]');
    expect(staffRouteByPattern('//staff/report.csv')).toBeUndefined();
  });

  it('recognise a staff path however it is spelt, and no public path', () => {
    for (const path of ['//staff/report.csv', '/STAFF/report.csv', '/staff%2Freport.csv', '/./staff', '/%2e%2e/staff/x', '/staff;x', '/staff.']) expect(looksLikeStaffPath(path), path).toBe(true);
    for (const path of ['/', '/sao-ke/', '/en/ung-ho', '/staffing', '/du-lieu/houses.csv']) expect(looksLikeStaffPath(path), path).toBe(false);
  });

  it('each check their own route and role first, and read only parsed query values (defence in depth)', () => {
    const pages = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? pages(path) : /\.(astro|ts)$/.test(name) ? [path] : [];
    });
    const files = pages(join('src', 'pages', 'staff'));
    expect(files.map(routeOfPageFile).sort()).toEqual(staffPageRoutes());
    for (const file of files) {
      const pattern = routeOfPageFile(file);
      const source = readFileSync(file, 'utf8');
      expect(source, file).toContain(`requireStaffRoute(${file.endsWith('.ts') ? 'context' : 'Astro'}, '${pattern}')`);
      expect(source, file).not.toMatch(/searchParams/);
    }
  });

  it('show a household\'s private fields to approvers and the area\'s recorders only', () => {
    expect(maySeeHouseholdPrivate('approver', null, 7)).toBe(true);
    expect(maySeeHouseholdPrivate('recorder', new Set([7]), 7)).toBe(true);
    expect(maySeeHouseholdPrivate('recorder', new Set([8]), 7)).toBe(false);
    expect(maySeeHouseholdPrivate('administrator', null, 7)).toBe(false);
    expect(maySeeHouseholdPrivate('auditor', null, 7)).toBe(false);
  });
});

describe('security headers and rate limit', () => {
  it('are one definition, staff pages adding no-store', () => {
    expect(securityHeaders['Content-Security-Policy']).toMatch(/frame-ancestors 'none'/);
    expect(securityHeaders['X-Content-Type-Options']).toBe('nosniff');
    expect(staffHeaders).toMatchObject({ ...securityHeaders, 'Cache-Control': 'no-store' });
  });

  it('limits events per key within a sliding window, and says how long to wait', () => {
    const limiter = new RateLimiter(3, 60_000, 2);
    for (let i = 0; i < 3; i++) {
      expect(limiter.check('a', 1000 + i).ok).toBe(true);
      limiter.record('a', 1000 + i);
    }
    expect(limiter.check('a', 2000)).toEqual({ ok: false, retryAfterMs: 59_000 });
    expect(limiter.check('b', 2000).ok).toBe(true);
    expect(limiter.check('a', 61_001).ok).toBe(true);
    limiter.record('b', 2000);
    limiter.record('c', 2000);
    // Bounded memory: the least recently used key is forgotten.
    expect(limiter.check('a', 2000).ok).toBe(true);
  });
});
