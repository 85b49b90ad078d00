// The staff workspace against a real database, run once per driver: accounts, sign-in throttling,
// sessions, the append-only audit log, the form actions (scope, idempotency, four eyes), the
// household import, photos and the six-monthly report's totals.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, ne, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { campaignTotals } from '../../src/domain/totals';
import { verifyLedger } from '../../src/domain/verify';
import { generateDemo } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import { recordInKind, recordLabour, recordStateBudget } from '../../src/domain/contributions';
import { reverseEntry } from '../../src/domain/corrections';
import { accountsUnderAttack, endSession, loadSession, manageAccount, saveStaffUser, signIn, tokenHash, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/staff/accounts';
import {
  advanceStageAction, decideDisbursementAction, importHouseholdsAction, labourAction, officeCashAction, proposeDisbursementAction,
  registerHouseholdAction, reverseAction, uploadPhotoAction,
} from '../../src/staff/actions';
import { listAudit } from '../../src/staff/audit';
import { sixMonthReport } from '../../src/staff/report';
import { reportCsv } from '../../src/staff/report-render';
import { ADDRESS_POLICY, ALERT_FAILURES, PAIR_POLICY } from '../../src/staff/throttle';
import { give, nextKey } from './world';
import { buildStaffWorld, contextOf, formOf, PASSWORD, paymentFormOf, recordsDigest, usePhotosDir, type StaffWorld } from './staff-world';

const state = (handle: DbHandle) => recordsDigest(handle.db);
import type { FreshDb } from './harness';
import { refusal } from '../refusal';

const at = (iso: string) => new Date(iso);

export function staffSuite(driver: string, fresh: FreshDb): void {
  describe(`staff workspace (${driver})`, () => {
    let handle: DbHandle;
    let world: StaffWorld;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildStaffWorld(handle.db);
    });
    afterEach(async () => {
      await handle?.close();
    });

    describe('accounts', () => {
      it('stores only an argon2id hash at OWASP parameters, and refuses weak passwords and duplicate names', async () => {
        const [row] = await handle.db.select().from(schema.staffUsers).where(eq(schema.staffUsers.username, 'thu'));
        expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        expect(row!.passwordHash).not.toContain(PASSWORD);
        expect(await refusal(() => saveStaffUser(handle.db, { username: 'moi', displayName: 'Mới', role: 'auditor', password: 'password1' }))).toMatchObject({ status: 400, code: 'weak_password' });
        expect(await refusal(() => saveStaffUser(handle.db, { username: 'moi', displayName: 'Mới', role: 'auditor', password: 'ngắn' }))).toMatchObject({ code: 'weak_password' });
        expect(await refusal(() => saveStaffUser(handle.db, { username: 'moi', displayName: 'Mới', role: 'recorder', password: PASSWORD }))).toMatchObject({ code: 'invalid_input' });
        expect(await refusal(() => saveStaffUser(handle.db, { username: 'THU', displayName: 'Xx', role: 'auditor', password: PASSWORD }))).toMatchObject({ status: 409, code: 'username_taken' });
        const created = await listAudit(handle.db, { action: 'account.create' });
        expect(created.map((e) => e.target).sort()).toEqual(['user:admin', 'user:chung', 'user:duc', 'user:hanh', 'user:kiem', 'user:thu']);
      });
    });

    describe('sign-in', () => {
      it('keeps only the hash of the session token, and logs the sign-in', async () => {
        const { token } = await signIn(handle.db, { username: 'Thu ', password: PASSWORD, ip: '127.0.0.21' });
        const sessions = await handle.db.select().from(schema.staffSessions);
        expect(sessions).toHaveLength(1);
        expect(sessions[0]!.idHash).toBe(tokenHash(token));
        expect(JSON.stringify(sessions)).not.toContain(token);
        expect((await loadSession(handle.db, token))?.user.username).toBe('thu');
        expect(await listAudit(handle.db, { action: 'sign_in', actor: 'thu' })).toMatchObject([{ outcome: 'ok', ip: '127.0.0.21' }]);
      });

      it('gives the same answer for an unknown user and a wrong password', async () => {
        const unknown = await refusal(() => signIn(handle.db, { username: 'nobody', password: PASSWORD, ip: '127.0.0.22' }));
        const wrong = await refusal(() => signIn(handle.db, { username: 'thu', password: 'wrong-password-1', ip: '127.0.0.22' }));
        expect(unknown).toMatchObject({ status: 401, code: 'bad_credentials' });
        expect(wrong.message).toBe(unknown.message);
      });

      it('slows one address guessing an account, never locks the owner out from another address, and alerts administrators', async () => {
        let clock = at('2025-03-01T01:00:00Z');
        const tryAs = (password: string, ip: string) => signIn(handle.db, { username: 'hanh', password, ip, now: clock });
        for (let i = 0; i < 20; i++) {
          const refused = await refusal(() => tryAs('wrong-password-1', '127.0.0.31'));
          expect(refused.code).not.toBe('locked');
          // Past each wait: the attacker is slowed, never given a lock that would also shut out the owner.
          clock = new Date(clock.getTime() + PAIR_POLICY.lockMs + 1000);
        }
        await refusal(() => tryAs('wrong-password-1', '127.0.0.31'));
        // Slowed: from the attacking address even the right password must wait.
        expect(await refusal(() => tryAs(PASSWORD, '127.0.0.31'))).toMatchObject({ status: 429, code: 'slowed' });
        const alerts = await accountsUnderAttack(handle.db, clock);
        expect(alerts).toMatchObject([{ username: 'hanh', addresses: 1 }]);
        expect(alerts[0]!.failures).toBeGreaterThanOrEqual(ALERT_FAILURES);
        // The owner, from their own address, signs in at once with the right password.
        expect((await tryAs(PASSWORD, '127.0.0.99')).user.username).toBe('hanh');
        await manageAccount(handle.db, 'hanh', 'unlock');
        expect(await accountsUnderAttack(handle.db, clock)).toEqual([]);
        // Unlocking forgets the account's failures; the address keeps its own, wider throttle.
        expect(await refusal(() => tryAs(PASSWORD, '127.0.0.31'))).toMatchObject({ status: 429, code: 'slowed' });
      });

      it('answers an unknown username exactly as a real one through slowing, in similar time', async () => {
        const clock = at('2025-03-01T01:00:00Z');
        const answers = async (username: string, ip: string) => {
          const seen: string[] = [];
          for (let i = 0; i < PAIR_POLICY.slowAfter + 4; i++) {
            const refused = await refusal(() => signIn(handle.db, { username, password: 'wrong-password-1', ip, now: clock }));
            seen.push(`${refused.status} ${refused.code} ${refused.messageEn}`);
          }
          return seen;
        };
        const real = await answers('thu', '127.0.0.51');
        expect(real).toContain('401 bad_credentials Wrong username or password.');
        expect(real.at(-1)).toMatch(/^429 slowed/);
        expect(await answers('khong-co-ai', '127.0.0.52')).toEqual(real);
        // Timing: an unknown name still costs an argon2 verification (loose bound: machines are busy).
        const time = async (username: string, ip: string) => {
          const started = performance.now();
          await refusal(() => signIn(handle.db, { username, password: 'wrong-password-2', ip }));
          return performance.now() - started;
        };
        const known: number[] = [];
        const unknown: number[] = [];
        for (let i = 0; i < 3; i++) {
          known.push(await time('duc', `127.0.1.${i}`));
          unknown.push(await time(`khong-co-${i}`, `127.0.2.${i}`));
        }
        const median = (xs: number[]) => xs.sort((x, y) => x - y)[1]!;
        expect(median(unknown)).toBeGreaterThan(median(known) / 3);
        expect(median(unknown)).toBeLessThan(median(known) * 3);
      });

      it('locks a client address that tries many accounts, but not other addresses', async () => {
        let clock = at('2025-03-01T01:00:00Z');
        for (let i = 0; i < ADDRESS_POLICY.lockAfter; i++) {
          // Past each wait (at most the lock period), within the time failures are remembered.
          clock = new Date(clock.getTime() + ADDRESS_POLICY.lockMs + 60_000);
          await refusal(() => signIn(handle.db, { username: `guess${i}`, password: 'wrong-password-1', ip: '127.0.0.66', now: clock }));
        }
        expect(await refusal(() => signIn(handle.db, { username: 'chung', password: PASSWORD, ip: '127.0.0.66', now: clock }))).toMatchObject({ code: 'locked' });
        expect((await signIn(handle.db, { username: 'chung', password: PASSWORD, ip: '127.0.0.67', now: clock })).user.username).toBe('chung');
        expect((await listAudit(handle.db, { action: 'sign_in', outcome: 'refused' })).length).toBe(ADDRESS_POLICY.lockAfter + 1);
      });

      it('ends a session after inactivity, at its absolute lifetime, at sign-out, and when the account is disabled', async () => {
        const start = at('2025-03-01T01:00:00Z');
        const later = (ms: number) => new Date(start.getTime() + ms);
        const idle = await signIn(handle.db, { username: 'thu', password: PASSWORD, ip: '127.0.0.23', now: start });
        expect(await loadSession(handle.db, idle.token, later(SESSION_IDLE_MS - 1000))).toBeDefined();
        expect(await loadSession(handle.db, idle.token, later(2 * SESSION_IDLE_MS))).toBeUndefined();
        expect(await loadSession(handle.db, idle.token, later(SESSION_IDLE_MS))).toBeUndefined();

        const busy = await signIn(handle.db, { username: 'thu', password: PASSWORD, ip: '127.0.0.23', now: start });
        let clock = start.getTime();
        while (clock + 20 * 60_000 < start.getTime() + SESSION_ABSOLUTE_MS) {
          clock += 20 * 60_000;
          expect(await loadSession(handle.db, busy.token, new Date(clock))).toBeDefined();
        }
        expect(await loadSession(handle.db, busy.token, later(SESSION_ABSOLUTE_MS + 1))).toBeUndefined();

        const out = await signIn(handle.db, { username: 'thu', password: PASSWORD, ip: '127.0.0.23' });
        await endSession(handle.db, out.token);
        expect(await loadSession(handle.db, out.token)).toBeUndefined();

        const disabled = await signIn(handle.db, { username: 'duc', password: PASSWORD, ip: '127.0.0.23' });
        await manageAccount(handle.db, 'duc', 'disable');
        expect(await loadSession(handle.db, disabled.token)).toBeUndefined();
        // With the right password the account's owner is told it is disabled; a wrong one reveals nothing.
        const told = await refusal(() => signIn(handle.db, { username: 'duc', password: PASSWORD, ip: '127.0.0.24' }));
        expect(told).toMatchObject({ status: 403, code: 'account_disabled' });
        expect(told.message).toMatch(/đã bị quản trị viên vô hiệu hóa/);
        expect(await refusal(() => signIn(handle.db, { username: 'duc', password: 'sai-mat-khau-roi', ip: '127.0.0.24' }))).toMatchObject({ code: 'bad_credentials' });
      });
    });

    describe('the audit log', () => {
      it('refuses UPDATE, DELETE and TRUNCATE whoever asks', async () => {
        const before = (await listAudit(handle.db, {})).length;
        for (const statement of ["UPDATE audit_log SET actor = 'someone'", 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
          const error = await handle.db.execute(sql.raw(statement)).then(() => undefined, (e: Error) => `${e.message} ${(e.cause as Error | undefined)?.message ?? ''}`);
          expect(error).toMatch(/append-only/);
        }
        expect((await listAudit(handle.db, {})).length).toBe(before);
      });
    });

    describe('recording through the forms', () => {
      it('records 40 labour days of an army unit at the estimate, once for a double submission, and logs it', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const house = world.houses[0]!;
        const form = formOf({ house: house.publicCode.toLowerCase(), organisation: 'Đại đội 1, Bộ CHQS tỉnh', unit: 'army', people: '20', days: '2', workedOn: '2025-03-10' });
        const first = await labourAction(thu, form);
        const second = await labourAction(thu, form);
        expect(first.vi).toMatch(/40 ngày công/);
        expect(first.vi).toMatch(/8\.000\.000 ₫/);
        expect(first.vi).toMatch(/ước tính/);
        expect(second.replayed).toBe(true);
        const labour = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.kind, 'labour'));
        expect(labour).toHaveLength(1);
        expect(labour[0]).toMatchObject({ amountVnd: 8_000_000, targetHouseId: house.houseId, labourUnit: 'army', details: { personDays: 40, organisation: 'Đại đội 1, Bộ CHQS tỉnh' } });
        expect(await listAudit(handle.db, { action: 'labour.record' })).toMatchObject([{ outcome: 'ok', actor: 'thu', details: { replayed: true } }, { outcome: 'ok', details: { personDays: 40, replayed: false } }]);
      });

      it('asks which kind of unit sent the people, beside the field, and the database refuses labour without one', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const before = await state(handle);
        const missing = await refusal(() => labourAction(thu, formOf({ house: world.houses[0]!.publicCode, organisation: 'Đội tình nguyện', people: '5', days: '1', workedOn: '2025-03-10' })));
        expect(missing).toMatchObject({ status: 400, details: { field: 'unit' } });
        expect(missing.message).toBe('Dữ liệu không hợp lệ: Loại đơn vị: chưa chọn (quân đội, đoàn thanh niên, phụ nữ, bà con hay đơn vị khác)');
        expect(await refusal(() => labourAction(thu, formOf({ house: world.houses[0]!.publicCode, organisation: 'Đội', unit: 'police', people: '5', days: '1', workedOn: '2025-03-10' })))).toMatchObject({ details: { field: 'unit' } });
        expect(await state(handle)).toBe(before);
        const [donor] = await handle.db.insert(schema.donors).values({ kind: 'organisation', displayName: 'Đội tình nguyện' }).returning();
        const insert = (unit: string | null, kind = 'labour') => handle.db.execute(sql`INSERT INTO contributions (receipt_code, campaign_id, donor_id, kind, amount_vnd, target_type, received_at, labour_unit)
          VALUES (${`AC${Math.random().toString(36).slice(2, 10).toUpperCase()}`}, ${world.campaignId}, ${donor!.id}, ${kind}, 1000, 'general', now(), ${unit})`);
        for (const [unit, kind] of [[null, 'labour'], ['police', 'labour'], ['army', 'cash']] as const) {
          const failure = await insert(unit, kind).then(() => 'inserted', (error: { cause?: unknown }) => String(error.cause ?? error));
          expect(failure).toMatch(/contributions_labour_unit/);
        }
      });

      it('refuses a recorder outside their areas, changing nothing, and logs the refusal', async () => {
        const duc = await contextOf(handle.db, 'duc');
        const before = await state(handle);
        const error = await refusal(() => labourAction(duc, formOf({ house: world.houses[0]!.publicCode, organisation: 'Đoàn xã', unit: 'youth_union', people: '3', days: '1', workedOn: '2025-03-10' })));
        expect(error).toMatchObject({ status: 403, code: 'out_of_scope' });
        expect(await state(handle)).toBe(before);
        expect(await listAudit(handle.db, { action: 'labour.record' })).toMatchObject([{ outcome: 'refused', actor: 'duc', details: { code: 'out_of_scope' } }]);
      });

      it('needs a receipt number for office cash and a reason to reverse, and registers a household once per submission', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const cash = { amount: '2.000.000', donorName: 'Cô Lan', targetType: 'commune', targetCode: 'T-D-A', receivedOn: '2025-03-10' };
        expect(await refusal(() => officeCashAction(thu, formOf(cash)))).toMatchObject({ status: 400 });
        const done = await officeCashAction(thu, formOf({ ...cash, receiptNo: 'BL-0042' }));
        expect(done.vi).toMatch(/BL-0042/);
        const [gift] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.channel, 'office'));
        expect(gift).toMatchObject({ amountVnd: 2_000_000, details: { officeReceiptNo: 'BL-0042' } });

        const register = formOf({ commune: 'T-D-A', headFullName: 'Lý Thị Mai', povertyStatus: 'near_poor', members: '3', type: 'new_build', source: 'central_campaign', minutesRef: 'BB-09/2025', approvedOn: '2025-03-01' });
        const houses = (await handle.db.select().from(schema.houses)).length;
        const registered = await registerHouseholdAction(thu, register);
        expect((await registerHouseholdAction(thu, register)).replayed).toBe(true);
        expect(await handle.db.select().from(schema.houses)).toHaveLength(houses + 1);
        const [house] = await handle.db.select().from(schema.houses).where(eq(schema.houses.publicCode, registered.vi.match(/nhà (\S+)\./)![1]!));
        expect(house!.budgetVnd).toBe(60_000_000);

        const hanh = await contextOf(handle.db, 'hanh');
        // The first entry with money (the houses' registrations are record entries, with nothing to reverse).
        const [first] = await handle.db.select({ id: schema.journalEntries.id }).from(schema.journalEntries).where(ne(schema.journalEntries.kind, 'record')).orderBy(schema.journalEntries.id).limit(1);
        expect(await refusal(() => reverseAction(hanh, formOf({ entryId: String(first!.id), reason: '' })))).toMatchObject({ status: 400 });
        expect((await reverseAction(hanh, formOf({ entryId: String(first!.id), reason: 'Ghi nhầm số tiền' }))).vi).toMatch(new RegExp(`Đã đảo bút toán #${first!.id}`));
        expect((await verifyLedger(handle.db)).ok).toBe(true);
      });

      it('moves a house through its stages only forward, with dates', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const id = world.houses[0]!.houseId;
        expect(await refusal(() => advanceStageAction(thu, formOf({ stage: 'completed', on: '2025-03-01' }), id))).toMatchObject({ code: 'stage_order' });
        await advanceStageAction(thu, formOf({ stage: 'funded', on: '2025-03-01', reason: 'Hộ tự góp đủ phần còn thiếu (biên bản xã)' }), id);
        expect(await refusal(() => advanceStageAction(thu, formOf({ stage: 'under_construction', on: '2025-02-01' }), id))).toMatchObject({ code: 'stage_date' });
        await advanceStageAction(thu, formOf({ stage: 'under_construction', on: '2025-03-05' }), id);
        const [house] = await handle.db.select().from(schema.houses).where(eq(schema.houses.id, id));
        expect(house).toMatchObject({ fundedOn: '2025-03-01', constructionOn: '2025-03-05' });
      });
    });

    describe('payments need a second person', () => {
      usePhotosDir();
      it('refuses an approver deciding a payment they recorded, posts when another approves, and keeps the reasons', async () => {
        const house = world.houses[0]!;
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId: house.houseId } });
        const thu = await contextOf(handle.db, 'thu');
        await proposeDisbursementAction(thu, paymentFormOf({ house: house.publicCode, amount: '10.000.000', purpose: 'Tạm ứng đợt 1' }));
        await proposeDisbursementAction(thu, paymentFormOf({ house: house.publicCode, amount: '5.000.000', purpose: 'Đợt 2' }));
        const [first, second] = await handle.db.select().from(schema.disbursements).orderBy(schema.disbursements.id);
        // thu is promoted to approver: the payments thu recorded are still not thu's to decide.
        await saveStaffUser(handle.db, { username: 'thu', displayName: 'THU', role: 'approver', password: PASSWORD }, { reset: true });
        const thuApprover = await contextOf(handle.db, 'thu');
        const before = await state(handle);
        expect(await refusal(() => decideDisbursementAction(thuApprover, formOf({ decision: 'approve' }), first!.id))).toMatchObject({ status: 403, code: 'four_eyes' });
        expect(await state(handle)).toBe(before);
        const hanh = await contextOf(handle.db, 'hanh');
        const approved = await decideDisbursementAction(hanh, formOf({ decision: 'approve' }), first!.id);
        expect(approved.vi).toMatch(/Đã duyệt/);
        expect(await refusal(() => decideDisbursementAction(hanh, formOf({ decision: 'reject' }), second!.id))).toMatchObject({ status: 400 });
        await decideDisbursementAction(hanh, formOf({ decision: 'reject', reason: 'Thiếu chứng từ đợt 2' }), second!.id);
        const rows = await handle.db.select().from(schema.disbursements).orderBy(schema.disbursements.id);
        expect(rows.map((r) => [r.status, r.recordedBy, r.decidedBy, r.decisionReason])).toEqual([['approved', 'thu', 'hanh', null], ['rejected', 'thu', 'hanh', 'Thiếu chứng từ đợt 2']]);
        expect(rows[0]!.entryId).not.toBeNull();
        const [paid] = await handle.db.select().from(schema.houses).where(eq(schema.houses.id, house.houseId));
        expect(paid!.disbursedVnd).toBe(10_000_000);
        expect((await listAudit(handle.db, { action: 'disbursement' })).map((e) => `${e.action}:${e.outcome}:${e.actor}`)).toEqual([
          'disbursement.reject:ok:hanh', 'disbursement.reject:refused:hanh', 'disbursement.approve:ok:hanh', 'disbursement.approve:refused:thu', 'disbursement.propose:ok:thu', 'disbursement.propose:ok:thu',
        ]);
      });
    });

    describe('household import', () => {
      const header = 'ma_xa,ho_ten,cong_khai_ten,cccd,dien_thoai,dia_chi,ho_ngheo,so_nguoi,loai,nguon,kinh_phi,bien_ban,ngay_duyet';
      const file = (csv: string) => new File([csv], 'ho.csv', { type: 'text/csv' });

      it('lists every bad row with its number and imports nothing until the file is clean; a re-upload does not duplicate', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const bad = [header,
          'T-D-A,Nông Văn Một,có,001200000001,,,nghèo,4,xây mới,,,BB-1,01/08/2024',
          'T-D-Z,Nông Văn Hai,,,,,nghèo,4,xây mới,,,BB-1,01/08/2024',
          'T-D-B,Nông Văn Ba,,,,,nghèo,4,xây mới,,,BB-1,01/08/2024',
          'T-D-A,Nông Văn Bốn,,12345,,,nghèo,4,sửa chữa,,,BB-1,01/08/2024',
          'T-D-A,Nông Văn Năm,,,,,giàu,4,sửa chữa,,,BB-1,01/08/2024',
          'T-D-A,Nông Văn Sáu,,001200000001,,,nghèo,4,sửa chữa,,,BB-1,01/08/2024',
        ].join('\n');
        const before = await state(handle);
        const error = await refusal(() => importHouseholdsAction(thu, withFile(formOf({}, 'import-bad-0000001'), file(bad))));
        expect(error.code).toBe('import_rows');
        expect((error.details as { row: number }[]).map((p) => p.row)).toEqual([3, 4, 5, 6, 7]);
        expect(JSON.stringify(error.details)).toMatch(/T-D-Z/);
        expect(await state(handle)).toBe(before);

        const good = [header,
          'T-D-A,Nông Văn Một,có,001200000001,0912000111,"Thôn Nà Khoang, xã A",nghèo,4,xây mới,,,BB-1,01/08/2024',
          'T-D-A,"Hà Thị Hai",,,,,cận nghèo,2,sửa chữa,national_target_programme,,BB-1,2024-08-01',
        ].join('\r\n');
        const form = withFile(formOf({}, 'import-good-000001'), file(good));
        const done = await importHouseholdsAction(thu, form);
        expect(done.vi).toMatch(/Đã nhập 2 hộ/);
        expect((await importHouseholdsAction(thu, withFile(formOf({}, 'import-good-000001'), file(good)))).replayed).toBe(true);
        const imported = await handle.db.select().from(schema.households).where(sql`${schema.households.headFullName} IN ('Nông Văn Một', 'Hà Thị Hai')`);
        expect(imported.map((h) => [h.headFullName, h.headInitials, h.publishFullName, h.povertyStatus]).sort()).toEqual([['Hà Thị Hai', 'H.T.H.', false, 'near_poor'], ['Nông Văn Một', 'N.V.M.', true, 'poor']]);
        const budgets = await queryRows<{ budget_vnd: string }>(handle.db, sql`SELECT h.budget_vnd FROM houses h JOIN households d ON d.id = h.household_id WHERE d.head_full_name = 'Hà Thị Hai'`);
        expect(Number(budgets[0]!.budget_vnd)).toBe(20_000_000);
      });
    });

    describe('photos', () => {
      let dir: string;
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'ancu-photos-'));
        process.env.PHOTOS_DIR = dir;
      });
      afterAll(() => {
        delete process.env.PHOTOS_DIR;
        rmSync(dir, { recursive: true, force: true });
      });

      it('stores an accepted photo under a random name outside the code, once per submission, and refuses a script', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const id = world.houses[0]!.houseId;
        const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#a63' } }).jpeg().withExif({ IFD0: { Make: 'PhoneCo' } }).toBuffer();
        const form = withFile(formOf({ stage: 'approved' }, 'photo-upload-00001'), new File([new Uint8Array(jpeg)], 'IMG_2041.jpg', { type: 'image/jpeg' }));
        await uploadPhotoAction(thu, form, id);
        expect((await uploadPhotoAction(thu, withFile(formOf({ stage: 'approved' }, 'photo-upload-00001'), new File([new Uint8Array(jpeg)], 'IMG_2041.jpg')), id)).replayed).toBe(true);
        const photos = await handle.db.select().from(schema.photos);
        expect(photos).toHaveLength(1);
        expect(photos[0]).toMatchObject({ houseId: id, stage: 'approved', width: 400, height: 300, createdBy: 'thu' });
        expect(photos[0]!.storedName).toMatch(/^[0-9a-f]{32}\.jpg$/);
        expect(readdirSync(dir).filter((f) => f.endsWith('.jpg'))).toContain(photos[0]!.storedName);
        const php = withFile(formOf({ stage: 'approved' }), new File(['<?php phpinfo(); ?>'], 'shell.jpg', { type: 'image/jpeg' }));
        expect(await refusal(() => uploadPhotoAction(thu, php, id))).toMatchObject({ status: 415 });
        const duc = await contextOf(handle.db, 'duc');
        expect(await refusal(() => uploadPhotoAction(duc, withFile(formOf({ stage: 'approved' }), new File([new Uint8Array(jpeg)], 'a.jpg')), id))).toMatchObject({ code: 'out_of_scope' });
        expect(await handle.db.select().from(schema.photos)).toHaveLength(1);
      });
    });
  });

  describe(`six-monthly report (${driver})`, () => {
    let handle: DbHandle;
    beforeAll(async () => {
      handle = await fresh();
      await loadDemo(handle, generateDemo({ seed: 11, houses: 60, cashContributions: 1500, today: '2025-10-31' }));
    });
    afterAll(async () => {
      await handle?.close();
    });

    it('has totals equal to the ledger: counters, campaign totals and journal sums', async () => {
      // A reversal and fresh activity make sure corrections are counted as the ledger counts them.
      const [house] = await handle.db.select().from(schema.houses).where(sql`budget_vnd - allocated_vnd >= 5000000`).limit(1);
      const labour = await recordLabour(handle.db, { idempotencyKey: nextKey(), campaignId: 1, houseId: house!.id, organisation: 'Tiểu đoàn 1', unit: 'army', people: 10, days: 1.5, workedOn: '2025-05-01', donor: { kind: 'organisation', displayName: 'Tiểu đoàn 1' } });
      await reverseEntry(handle.db, { idempotencyKey: nextKey(), entryId: labour.result.entryId, reason: 'Ghi trùng', requestedBy: 'hanh', occurredAt: '2025-05-02T03:00:00Z' });
      await recordInKind(handle.db, { idempotencyKey: nextKey(), campaignId: 1, houseId: house!.id, items: [{ name: 'Xi măng', quantity: 20, unit: 'bao', valueVnd: 2_000_000 }], receivedAt: '2025-05-03T03:00:00Z', donor: { kind: 'business', displayName: 'Công ty Vật liệu X' } });
      await recordStateBudget(handle.db, { idempotencyKey: nextKey(), campaignId: 1, houseId: house!.id, amountVnd: 1_000_000, programme: 'national_target_programme', decisionRef: 'QĐ 9', receivedAt: '2025-05-04T03:00:00Z' });

      const report = await sixMonthReport(handle.db, '2024-01-01', '2025-12-31');
      const totals = await campaignTotals(handle.db, 1);
      const [sums] = await queryRows<Record<string, string>>(handle.db, sql`
        SELECT sum(allocated_vnd) AS allocated, sum(cash_allocated_vnd) AS cash_allocated, sum(disbursed_vnd) AS disbursed FROM houses`);
      const m = report.province.money;
      expect(m.disbursedVnd).toBe(Number(sums!.disbursed));
      expect(m.disbursedVnd).toBe(totals.disbursedVnd);
      expect(m.allocatedCashVnd).toBe(Number(sums!.cash_allocated));
      expect(m.allocatedCashVnd + m.stateBudgetVnd + m.inKindVnd).toBe(Number(sums!.allocated));
      expect(m.stateBudgetVnd).toBe(totals.stateBudgetVnd);
      expect(m.inKindVnd).toBe(totals.inKindVnd);
      expect(m.labourEstimateVnd).toBe(totals.labourEstimateVnd);
      expect(m.labourPersonDays).toBe(totals.labourPersonDays);
      expect(m.cashDonationsVnd + m.cardFeesVnd).toBe(totals.cashVnd);
      expect(m.cashByChannel.bank_transfer + m.cashByChannel.card + m.cashByChannel.office).toBe(m.cashDonationsVnd);
      // Every đồng of cash received is in a house, a commune pool or the general fund.
      expect(m.designatedVnd + m.communePoolVnd + m.generalFundVnd).toBe(m.cashDonationsVnd);
      // Bank charges are paid from the general fund: what the pools hold is net of them.
      expect(m.bankChargesVnd).toBeGreaterThan(0);
      expect(totals.generalPoolVnd + totals.communePoolsVnd).toBe(m.generalFundVnd + m.communePoolVnd - m.fundAllocatedVnd - m.bankChargesVnd);
      expect(report.province.toDate.approved).toBe(totals.houses.total);
      expect(report.province.toDate.handedOver).toBe(totals.houses.handed_over);
      // The areas add up to the province for everything that belongs to a house.
      for (const key of ['stateBudgetVnd', 'inKindVnd', 'labourEstimateVnd', 'labourPersonDays', 'fundAllocatedVnd', 'designatedVnd', 'communePoolVnd', 'disbursedVnd'] as const) {
        expect(report.areas.reduce((sum, a) => sum + a.money[key], 0)).toBe(m[key]);
      }
      expect(report.areas.reduce((sum, a) => sum + a.toDate.handedOver, 0)).toBe(report.province.toDate.handedOver);
      expect(report.ledger.entries).toBe(totals.entries);
    });

    it('adds up: two half-years make the year, and the CSV carries the same figures', async () => {
      const year = await sixMonthReport(handle.db, '2025-01-01', '2025-12-31');
      const first = await sixMonthReport(handle.db, '2025-01-01', '2025-06-30');
      const second = await sixMonthReport(handle.db, '2025-07-01', '2025-12-31');
      for (const key of ['cashDonationsVnd', 'stateBudgetVnd', 'inKindVnd', 'labourPersonDays', 'fundAllocatedVnd', 'disbursedVnd'] as const) {
        expect(first.province.money[key] + second.province.money[key]).toBe(year.province.money[key]);
      }
      expect(first.province.inPeriod.handedOver + second.province.inPeriod.handedOver).toBe(year.province.inPeriod.handedOver);
      expect(first.province.money.cashDonationsVnd).toBeGreaterThan(0);
      const csv = reportCsv(first);
      const [header, provinceRow] = csv.split('\r\n').map((line) => line.split(','));
      expect(provinceRow![header!.indexOf('Tiền quỹ đã chi cho hộ (đ) / Fund money paid to households (VND)')]).toBe(String(first.province.money.disbursedVnd));
      expect(first.contributors.length).toBeGreaterThan(0);
      expect(first.contributors.every((c) => c.name !== 'Nhà hảo tâm' && c.name !== 'Ngân sách nhà nước')).toBe(true);
      expect(await refusal(() => sixMonthReport(handle.db, '2025-07-01', '2025-06-30'))).toMatchObject({ status: 400 });
    });
  });
}

function withFile(form: FormData, file: File): FormData {
  form.set(file.name.endsWith('.csv') ? 'file' : 'photo', file);
  return form;
}
