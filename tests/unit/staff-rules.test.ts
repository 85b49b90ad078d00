// The staff workspace's pure rules: the route table against the page files, who may do what,
// sign-in throttling, the password policy, form fields, CSV parsing and the report's CSV.
import { describe, expect, it } from 'vitest';
import { staffPageRoutes } from './staff-pages';
import { can, decide, grants, matchStaffRoute, permissions, staffRoles, staffRoutes } from '../../src/staff/permissions';
import { ADDRESS_POLICY, PAIR_POLICY, CLEARED, afterFailure, gate, type ThrottleState } from '../../src/staff/throttle';
import { passwordProblems, PASSWORD_MIN_SCORE } from '../../src/staff/password';
import { decimal, pastDate, vnd, todayInVietnam } from '../../src/staff/forms';
import { parseCsv, planImport } from '../../src/staff/households-import';
import { safeNextPath } from '../../src/staff/page';
import { sessionCookie } from '../../src/staff/accounts';
import { defaultPeriod, halfYearOf, periodWithData } from '../../src/staff/report-period';

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('the staff route table', () => {
  it('has exactly one entry for every page and endpoint file under src/pages/staff', () => {
    const files = staffPageRoutes();
    expect(files.length).toBeGreaterThan(15);
    expect(staffRoutes.map((r) => r.pattern).sort()).toEqual(files);
  });

  it('matches concrete paths to their route, with or without a trailing slash, and nothing else', () => {
    expect(matchStaffRoute('/staff')?.pattern).toBe('/staff');
    expect(matchStaffRoute('/staff/')?.pattern).toBe('/staff');
    expect(matchStaffRoute('/staff/houses/12')?.pattern).toBe('/staff/houses/[id]');
    expect(matchStaffRoute('/staff/houses/12/x')).toBeUndefined();
    expect(matchStaffRoute('/staff/report.csv')?.pattern).toBe('/staff/report.csv');
    expect(matchStaffRoute('/staff/reportXcsv')).toBeUndefined();
    expect(matchStaffRoute('/staff/secret')).toBeUndefined();
  });

  it('lets no one but the sign-in page through without a session, and every GET needs a permission', () => {
    for (const route of staffRoutes) {
      for (const method of ['GET', 'POST'] as const) {
        const decision = decide(route, method, undefined);
        if (!route.methods[method]) expect(decision.kind).toBe('method_not_allowed');
        else if (route.pattern === '/staff/login') expect(decision.kind).toBe('allow');
        else expect(decision.kind).toBe('sign_in');
      }
      expect(decide(route, 'DELETE', 'administrator').kind).toBe('method_not_allowed');
    }
  });

  it('gives auditors nothing that changes state, recorders no decisions, approvers no records, administrators no money; only approvers and administrators publish and resend emails; only administrators withdraw names', () => {
    const posts = staffRoutes.filter((r) => r.methods.POST && r.methods.POST !== 'public');
    const postAllowed = (role: (typeof staffRoles)[number]) => posts.filter((r) => decide(r, 'POST', role).kind === 'allow').map((r) => r.pattern).sort();
    expect(postAllowed('auditor')).toEqual(['/staff/logout']);
    // The report page's one form sets the districts' house targets: administrators only.
    expect(postAllowed('administrator')).toEqual(['/staff/accounts', '/staff/logout', '/staff/mail', '/staff/publish', '/staff/report', '/staff/withdrawals']);
    expect(staffRoles.filter((role) => can(role, 'publication.withdraw'))).toEqual(['administrator']);
    expect(staffRoles.filter((role) => can(role, 'areas.manage'))).toEqual(['administrator']);
    expect(postAllowed('recorder')).toEqual(['/staff/bank-deposits', '/staff/corrections/request', '/staff/disbursements', '/staff/feedback', '/staff/households', '/staff/households/import', '/staff/houses/[id]', '/staff/in-kind', '/staff/labour', '/staff/logout', '/staff/office-cash', '/staff/opening-balance', '/staff/state-budget', '/staff/state-payments']);
    expect(postAllowed('approver')).toEqual(['/staff/allocations', '/staff/corrections', '/staff/disbursements/[id]', '/staff/donors', '/staff/logout', '/staff/mail', '/staff/payment-reviews', '/staff/publish']);
    expect(staffRoles.filter((role) => can(role, 'mail.manage'))).toEqual(['administrator', 'approver']);
    expect(staffRoles.filter((role) => can(role, 'bank.memo.read'))).toEqual(['recorder', 'approver']);
    expect(can('auditor', 'audit.read') && can('administrator', 'audit.read')).toBe(true);
    expect(can('recorder', 'audit.read') || can('approver', 'audit.read')).toBe(false);
    for (const role of staffRoles) expect(grants[role].every((p) => permissions.includes(p))).toBe(true);
  });
});

describe('sign-in throttling', () => {
  const at = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms);
  const fail = (times: number, policy = ADDRESS_POLICY) => {
    let state: ThrottleState = CLEARED;
    let clock = 0;
    for (let i = 0; i < times; i++) {
      state = afterFailure(state, at(clock), policy);
      clock = state.lockedUntil ? state.lockedUntil.getTime() - at(0).getTime() : clock;
    }
    return state;
  };

  it('allows an address its first failures freely, then slows with a doubling wait, then locks for the lock period', () => {
    expect(fail(ADDRESS_POLICY.slowAfter).lockedUntil).toBeNull();
    const slowed = fail(ADDRESS_POLICY.slowAfter + 2);
    const wait = slowed.lockedUntil!.getTime() - slowed.lastFailedAt!.getTime();
    expect(wait).toBe(2000);
    expect(gate(slowed, slowed.lastFailedAt!, ADDRESS_POLICY)).toMatchObject({ open: false, reason: 'slowed', retryAfterMs: 2000 });
    expect(gate(slowed, slowed.lockedUntil!, ADDRESS_POLICY).open).toBe(true);
    const locked = fail(ADDRESS_POLICY.lockAfter);
    expect(gate(locked, locked.lastFailedAt!, ADDRESS_POLICY)).toMatchObject({ open: false, reason: 'locked', retryAfterMs: ADDRESS_POLICY.lockMs });
  });

  it('locks an address again at once after the lock expires if the next try fails too', () => {
    const locked = fail(ADDRESS_POLICY.lockAfter);
    const again = afterFailure(locked, locked.lockedUntil!, ADDRESS_POLICY);
    expect(gate(again, locked.lockedUntil!, ADDRESS_POLICY)).toMatchObject({ open: false, reason: 'locked' });
  });

  it('only ever slows one address guessing one account, the wait capped, never a lock', () => {
    for (const times of [PAIR_POLICY.slowAfter + 1, 20, 200]) {
      const state = fail(times, PAIR_POLICY);
      const closed = gate(state, state.lastFailedAt!, PAIR_POLICY);
      expect(closed).toMatchObject({ open: false, reason: 'slowed' });
      expect(state.lockedUntil!.getTime() - state.lastFailedAt!.getTime()).toBeLessThanOrEqual(PAIR_POLICY.lockMs);
    }
    expect(fail(PAIR_POLICY.slowAfter, PAIR_POLICY).lockedUntil).toBeNull();
  });

  it('forgets old failures that never reached a lock, and gives an address more room than a pair', () => {
    const twice = fail(2, PAIR_POLICY);
    const later = afterFailure(twice, new Date(twice.lastFailedAt!.getTime() + PAIR_POLICY.forgetMs + 1), PAIR_POLICY);
    expect(later.failedCount).toBe(1);
    expect(ADDRESS_POLICY.slowAfter).toBeGreaterThan(PAIR_POLICY.slowAfter);
    expect(gate(fail(PAIR_POLICY.slowAfter + 1), at(0), ADDRESS_POLICY).open).toBe(true);
  });
});

describe('password policy', () => {
  it('refuses short, overlong, common and username-containing passwords, and accepts a long passphrase', () => {
    expect(passwordProblems('Ab1!xyz')).toHaveLength(1);
    expect(passwordProblems('a'.repeat(129)).map(([, en]) => en).join()).toMatch(/at most 128/);
    expect(passwordProblems('password').map(([, en]) => en).join()).toMatch(/too easy to guess/);
    expect(passwordProblems('Iloveyou').map(([, en]) => en).join()).toMatch(/too easy to guess/);
    expect(passwordProblems('thu-secret-2025', 'thu').map(([, en]) => en).join()).toMatch(/username/);
    expect(passwordProblems('mùa lúa chín vàng trên bản Nà Khoang')).toEqual([]);
    expect(passwordProblems('Mùa-lúa-chín-2025')).toEqual([]);
  });

  it('refuses the guessable passwords an audit found, by zxcvbn score below 3 with Vietnamese words counted', () => {
    for (const weak of ['aaaaaaaa', 'abcdefgh', 'Password1!', 'matkhau123', 'anCu2024', 'Summer2024', 'x'.repeat(64) + 'Yz9', 'Nguyen1990', 'yeuem2025']) {
      expect(passwordProblems(weak).map(([, en]) => en).join(), weak).toMatch(/too easy to guess/);
    }
    expect(PASSWORD_MIN_SCORE).toBe(3);
    for (const strong of ['gạo nếp ba trăng tròn', 'Tr0ub4dor&3x-k', 'correct horse battery staple']) expect(passwordProblems(strong), strong).toEqual([]);
  });
});

describe('form fields', () => {
  it('reads amounts as staff type them and refuses anything that is not whole đồng', () => {
    expect(vnd(form({ a: '1.500.000' }), 'a')).toBe(1_500_000);
    expect(vnd(form({ a: '1 500 000 ₫' }), 'a')).toBe(1_500_000);
    // A refusal names the field, says why, and tells the page which field to show it beside.
    expect(() => vnd(form({ amount: '1500,5' }), 'amount')).toThrow(/^Số tiền: phải là số đồng nguyên/);
    expect(() => vnd(form({ amount: '-5' }), 'amount')).toThrow(/không được là số âm/);
    expect(() => vnd(form({ amount: '' }), 'amount')).toThrow(/Số tiền: chưa nhập/);
    expect(decimal(form({ d: '2,5' }), 'd')).toBe(2.5);
    expect(decimal(form({ d: '2.000' }), 'd')).toBe(2000);
    expect(() => decimal(form({ days: 'hai' }), 'days')).toThrow(expect.objectContaining({ code: 'invalid_field', details: { field: 'days' } }));
  });

  it('accepts real past calendar dates only', () => {
    const now = new Date('2025-06-30T20:00:00Z'); // already 1 July in Vietnam
    expect(todayInVietnam(now)).toBe('2025-07-01');
    expect(pastDate(form({ d: '2025-07-01' }), 'd', now)).toBe('2025-07-01');
    expect(() => pastDate(form({ d: '2025-07-02' }), 'd', now)).toThrow(/tương lai/);
    expect(() => pastDate(form({ d: '2025-02-30' }), 'd', now)).toThrow(/không hợp lệ/);
    expect(() => pastDate(form({ d: '30/06/2025' }), 'd', now)).toThrow(/không hợp lệ/);
  });

  it('sends sign-in only back into the workspace', () => {
    expect(safeNextPath('/staff/labour?house=BK-00001')).toBe('/staff/labour?house=BK-00001');
    expect(safeNextPath('https://evil.example/staff')).toBe('/staff');
    expect(safeNextPath('//evil.example')).toBe('/staff');
    expect(safeNextPath('/staffing')).toBe('/staff');
    expect(safeNextPath(null)).toBe('/staff');
  });

  it('uses a Secure __Host- cookie everywhere except plain-HTTP localhost', () => {
    expect(sessionCookie(new URL('http://127.0.0.1:4321/staff'))).toEqual({ name: 'ancu_staff', secure: false });
    expect(sessionCookie(new URL('http://localhost/staff'))).toEqual({ name: 'ancu_staff', secure: false });
    expect(sessionCookie(new URL('https://ancu.example.vn/staff'))).toEqual({ name: '__Host-ancu_staff', secure: true });
    expect(sessionCookie(new URL('http://ancu.example.vn/staff'))).toEqual({ name: '__Host-ancu_staff', secure: true });
  });

  it('offers the last finished half-year as the default report period', () => {
    expect(defaultPeriod(new Date('2025-08-10T00:00:00Z'))).toEqual({ from: '2025-01-01', to: '2025-06-30' });
    expect(defaultPeriod(new Date('2026-02-01T00:00:00Z'))).toEqual({ from: '2025-07-01', to: '2025-12-31' });
    // 30 June 18:00 UTC is already 1 July in Vietnam: the first half-year has ended.
    expect(defaultPeriod(new Date('2025-06-30T18:00:00Z'))).toEqual({ from: '2025-01-01', to: '2025-06-30' });
    expect(halfYearOf('2025-06-30')).toEqual({ from: '2025-01-01', to: '2025-06-30' });
    expect(halfYearOf('2025-07-01')).toEqual({ from: '2025-07-01', to: '2025-12-31' });
    expect(periodWithData(new Date('2027-02-01T00:00:00Z'), '2025-03-04')).toEqual({ from: '2025-01-01', to: '2025-06-30' });
    expect(periodWithData(new Date('2027-02-01T00:00:00Z'), null)).toEqual({ from: '2026-07-01', to: '2026-12-31' });
  });
});

describe('household spreadsheet', () => {
  it('parses quoted fields, doubled quotes, line breaks in quotes, a BOM and semicolons', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n"two\nlines",3\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', '3']]);
    expect(parseCsv('a;b\n1,5;2\n')).toEqual([['a', 'b'], ['1,5', '2']]);
  });

  it('maps Vietnamese values and names missing columns', () => {
    const plan = planImport('ma_xa;ho_ten;ho_ngheo;so_nguoi;loai;bien_ban;ngay_duyet\nT-D-A;Lý Văn Bảy;cận nghèo;5;xây mới;BB-7;05/08/2024\n');
    expect(plan.problems).toEqual([]);
    expect(plan.rows[0]).toMatchObject({ row: 2, commune: 'T-D-A', input: { type: 'new_build', approvedOn: '2024-08-05', household: { povertyStatus: 'near_poor', members: 5 } } });
    expect(planImport('ma_xa,ho_ten\nX,Y\n').problems[0]!.en).toMatch(/Missing columns: ho_ngheo, so_nguoi, loai, bien_ban, ngay_duyet/);
  });
});
