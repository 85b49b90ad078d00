// The data errors a commune officer can make in the field, against a real database on each driver:
// "2.000" bricks read as 2, one household registered twice, one company as three donors, a house
// called funded with half its money, and the same photo for two houses.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import {
  accountsAction, advanceStageAction, allocateAction, decideDisbursementAction, importHouseholdsAction, proposeDisbursementAction, inKindAction, mergeDonorsAction, officeCashAction, registerHouseholdAction,
  unmergeDonorAction, uploadPhotoAction, withdrawConsentAction, withdrawDonorNameAction, giveConsentAction,
} from '../../src/staff/actions';
import { listAudit } from '../../src/staff/audit';
import { verifyLedger } from '../../src/domain/verify';
import { sixMonthReport } from '../../src/staff/report';
import { give } from './world';
import { buildStaffWorld, contextOf, formOf, PASSWORD, paymentFormOf, recordsDigest, usePhotosDir, type StaffWorld } from './staff-world';
import { readReceipt } from '../../src/staff/receipts';
import { loadSession, signIn } from '../../src/staff/accounts';
import { housesStillShort, listAccounts } from '../../src/staff/queries';
import type { FreshDb } from './harness';
import { refusal } from '../refusal';

export function staffDataSuite(driver: string, fresh: FreshDb): void {
  describe(`staff data entry errors (${driver})`, () => {
    let handle: DbHandle;
    let world: StaffWorld;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildStaffWorld(handle.db);
    });
    afterEach(async () => {
      await handle?.close();
    });
    const state = () => recordsDigest(handle.db);

    describe('quantities and amounts are read the Vietnamese way', () => {
      it('saves "2.000" bricks as two thousand, computes the line total from the unit price, and refuses "2.50" saying why', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const house = world.houses[0]!;
        // item0Value is the old form's name for the value; the form now names the total and the unit price.
        const done = await inKindAction(thu, formOf({
          house: house.publicCode, donorName: 'Công ty Gạch Tuynel', donorKind: 'business', receivedOn: '2025-03-10',
          item0Name: 'Gạch đặc', item0Quantity: '2.000', item0Unit: 'viên', item0UnitPrice: '1.500', item0Value: '3.000.000',
          item1Name: 'Xi măng PCB40', item1Quantity: '1,5', item1Unit: 'tấn', item1Total: '2.400.000',
        }));
        const [gift] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.kind, 'in_kind'));
        const items = (gift!.details as { items: { name: string; quantity: number; unitPriceVnd: number; valueVnd: number }[] }).items;
        expect(items.map((i) => [i.name, i.quantity, i.valueVnd])).toEqual([['Gạch đặc', 2000, 3_000_000], ['Xi măng PCB40', 1.5, 2_400_000]]);
        expect(items.map((i) => i.unitPriceVnd)).toEqual([1_500, 1_600_000]);
        expect(gift!.amountVnd).toBe(5_400_000);
        expect(done.vi).toContain('Gạch đặc: 2.000 viên × 1.500 ₫ = 3.000.000 ₫');
        expect(done.vi).toContain('Xi măng PCB40: 1,5 tấn × 1.600.000 ₫ = 2.400.000 ₫');

        const before = await state();
        const ambiguous = await refusal(() => inKindAction(thu, formOf({
          house: house.publicCode, donorName: 'Bà Lan', receivedOn: '2025-03-10', item0Name: 'Tôn', item0Quantity: '2.50', item0Unit: 'tấm', item0Total: '500.000',
        })));
        expect(ambiguous).toMatchObject({ status: 400, code: 'invalid_field', details: { field: 'item0Quantity' } });
        expect(ambiguous.message).toMatch(/^Dòng 1, số lượng: "2\.50" không rõ nghĩa/);
        const mismatch = await refusal(() => inKindAction(thu, formOf({
          house: house.publicCode, donorName: 'Bà Lan', receivedOn: '2025-03-10', item0Name: 'Tôn', item0Quantity: '20', item0Unit: 'tấm', item0UnitPrice: '120.000', item0Total: '120.000',
        })));
        expect(mismatch.message).toMatch(/20 tấm × 120\.000 ₫ = 2\.400\.000 ₫, không khớp thành tiền 120\.000 ₫/);
        expect(await refusal(() => officeCashAction(thu, formOf({ amount: '1,234', receiptNo: 'BL-1', donorName: 'A', targetType: 'general', receivedOn: '2025-03-10' }))))
          .toMatchObject({ code: 'invalid_field', details: { field: 'amount' } });
        expect(await state()).toBe(before);
        expect((await listAudit(handle.db, { action: 'in_kind.record', outcome: 'refused' })).length).toBe(2);
      });

      it('reads a household budget typed with dots in an import, and refuses a fraction of a đồng there with its row', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const header = 'ma_xa,ho_ten,cccd,ho_ngheo,so_nguoi,loai,kinh_phi,bien_ban,ngay_duyet';
        const csv = [header, 'T-D-A,Lò Văn Mới,,nghèo,5,xây mới,"45.000.000",BB-7,01/08/2024', 'T-D-A,Lò Thị Hai,,nghèo,4,xây mới,"45.000.000,5",BB-7,01/08/2024'].join('\n');
        const form = formOf({}, 'import-numbers-0001');
        form.set('file', new File([csv], 'ho.csv', { type: 'text/csv' }));
        const error = await refusal(() => importHouseholdsAction(thu, form));
        expect((error.details as { row: number; vi: string }[])).toEqual([expect.objectContaining({ row: 3, vi: expect.stringMatching(/^Kinh phí: phải là số đồng nguyên/) })]);
        const good = formOf({}, 'import-numbers-0002');
        good.set('file', new File([csv.split('\n').slice(0, 2).join('\n')], 'ho.csv', { type: 'text/csv' }));
        const done = await importHouseholdsAction(thu, good);
        const [house] = await handle.db.select().from(schema.houses).where(eq(schema.houses.publicCode, done.vi.match(/: (\S+)\.$/)![1]!));
        expect(house!.budgetVnd).toBe(45_000_000);
      });
    });

    describe('one household, one house code', () => {
      const register = (fields: Record<string, string> = {}) => formOf({
        commune: 'T-D-A', headFullName: 'Lý Thị Mai', nationalId: '001200009999', povertyStatus: 'poor', members: '3', type: 'new_build',
        source: 'central_campaign', minutesRef: 'BB-09/2025', approvedOn: '2025-03-01', ...fields,
      });

      it('refuses a national ID already registered, naming the house that has it, and changes nothing', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const first = await registerHouseholdAction(thu, register());
        const code = first.vi.match(/nhà (\S+)\./)![1]!;
        const before = await state();
        // Another spelling of the name and another commune: the ID alone decides.
        const error = await refusal(() => registerHouseholdAction(thu, register({ headFullName: 'Lý Thị  Mai', commune: 'T-D-A', notDuplicate: 'on' })));
        expect(error).toMatchObject({ status: 409, code: 'duplicate_national_id', details: { field: 'nationalId', existing: [{ link: expect.stringMatching(/^\/staff\/houses\/\d+$/) }] } });
        expect(error.message).toContain(code);
        const world0 = world.houses[0]!;
        const again = await refusal(() => registerHouseholdAction(thu, register({ nationalId: '006200000000', headFullName: 'Người Khác' })));
        expect(again.message).toContain(world0.publicCode);
        expect(await state()).toBe(before);
      });

      it('asks for confirmation when the commune already has a head of household of that name, and accepts it confirmed', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const namesake = { nationalId: '', headFullName: 'hoàng văn  thử 1' };
        const error = await refusal(() => registerHouseholdAction(thu, register(namesake)));
        expect(error).toMatchObject({ status: 409, code: 'possible_duplicate', details: { field: 'headFullName' } });
        expect(error.message).toContain(world.houses[0]!.publicCode);
        // The same name in another commune is another family.
        const duc = await contextOf(handle.db, 'duc');
        await registerHouseholdAction(duc, register({ ...namesake, commune: 'T-D-B' }));
        const confirmed = await registerHouseholdAction(thu, register({ ...namesake, notDuplicate: 'on' }));
        expect(confirmed.vi).toMatch(/Đã đăng ký nhà/);
        expect(await listAudit(handle.db, { action: 'house.register' })).toMatchObject([{ outcome: 'ok' }, { outcome: 'ok' }, { outcome: 'refused', details: { code: 'possible_duplicate' } }]);
      });

      it('applies the same rule to an imported list, in the file and against the database', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const csv = ['ma_xa,ho_ten,cccd,ho_ngheo,so_nguoi,loai,bien_ban,ngay_duyet,khac_ho',
          'T-D-A,Hoàng Văn Thử 2,,nghèo,4,sửa chữa,BB-2,01/08/2024,',
          'T-D-A,Hoàng Văn Thử 3,,nghèo,4,sửa chữa,BB-2,01/08/2024,có',
          'T-D-A,Mới Một,001200000123,nghèo,4,sửa chữa,BB-2,01/08/2024,',
          'T-D-A,Mới Hai,001200000123,nghèo,4,sửa chữa,BB-2,01/08/2024,'].join('\n');
        const form = formOf({}, 'import-dup-000001');
        form.set('file', new File([csv], 'ho.csv', { type: 'text/csv' }));
        const error = await refusal(() => importHouseholdsAction(thu, form));
        const problems = error.details as { row: number; vi: string }[];
        expect(problems.map((p) => p.row)).toEqual([2, 5]);
        expect(problems[0]!.vi).toContain(world.houses[1]!.publicCode);
        expect(problems[1]!.vi).toMatch(/Trùng với dòng 4 của tệp/);
      });
    });

    describe('words', () => {
      it('accepts phones with spaces and +84, and names a bad field in Vietnamese without schema paths', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const fields = { commune: 'T-D-A', headFullName: 'Ma Văn Sáng', povertyStatus: 'poor', members: '5', type: 'repair', minutesRef: 'BB-3', approvedOn: '2025-03-01' };
        const error = await refusal(() => registerHouseholdAction(thu, formOf({ ...fields, phone: '09-12' })));
        expect(error).toMatchObject({ status: 400, code: 'invalid_input', details: { field: 'phone' } });
        expect(error.message).toMatch(/^Dữ liệu không hợp lệ: Điện thoại của hộ: Số điện thoại không hợp lệ/);
        expect(error.message).not.toMatch(/household\.|[A-Za-z]+ must/);
        await registerHouseholdAction(thu, formOf({ ...fields, phone: '+84 912 345 679' }));
        const [row] = await handle.db.select().from(schema.households).where(eq(schema.households.headFullName, 'Ma Văn Sáng'));
        expect(row!.phone).toBe('0912345679');
      });
    });

    describe('one donor, one record', () => {
      it('reuses a donor by tax code, phone or email, so the report lists a company once', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const cash = (fields: Record<string, string>) => officeCashAction(thu, formOf({ receiptNo: `BL-${Math.random()}`.slice(0, 12), targetType: 'general', receivedOn: '2025-03-10', amount: '10.000.000', donorKind: 'business', ...fields }));
        await cash({ donorName: 'Công ty TNHH Xây dựng Bắc Sơn', donorTaxCode: '4700123456' });
        const second = await cash({ donorName: 'Cty Bắc Sơn', donorTaxCode: '4700123456', donorPhone: '0209 381 234' });
        expect(second.vi).toMatch(/Ghi cho người ủng hộ đã có \(#\d+, trùng mã số thuế\)/);
        expect(second.vi).not.toContain('4700123456');
        const third = await cash({ donorName: 'Công ty Bắc Sơn', donorPhone: '+84 209 381 234' });
        expect(third.vi).toMatch(/trùng số điện thoại/);
        // Anonymity is the donor's choice per record: an anonymous gift is not put under the public name.
        await cash({ anonymous: 'on', donorTaxCode: '4700123456' });
        const donors = await handle.db.select().from(schema.donors).where(sql`${schema.donors.kind} = 'business'`);
        expect(donors).toHaveLength(2);
        const report = await sixMonthReport(handle.db, '2025-01-01', '2025-06-30');
        expect(report.contributors.filter((c) => /Bắc Sơn/.test(c.name))).toEqual([expect.objectContaining({ name: 'Công ty TNHH Xây dựng Bắc Sơn', cashVnd: 30_000_000 })]);
      });

      it('lets an approver merge two records of one donor and undo it, each in the audit log', async () => {
        const a = await give(handle.db, world, { donor: { kind: 'business', displayName: 'HTX Nông nghiệp Yên Lạc' }, receivedAt: '2025-02-01T03:00:00Z', amountVnd: 5_000_000 });
        const b = await give(handle.db, world, { donor: { kind: 'business', displayName: 'Hợp tác xã Yên Lạc' }, receivedAt: '2025-02-02T03:00:00Z', amountVnd: 7_000_000 });
        const gift = async (id: number) => (await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, id)))[0]!;
        const [ga, gb] = [await gift(a.result.contributionId), await gift(b.result.contributionId)];
        const yenLac = async () => (await sixMonthReport(handle.db, '2025-01-01', '2025-06-30')).contributors.filter((c) => /Yên Lạc/.test(c.name)).map((c) => [c.name, c.totalVnd]);
        expect(await yenLac()).toEqual([['Hợp tác xã Yên Lạc', 7_000_000], ['HTX Nông nghiệp Yên Lạc', 5_000_000]]);

        const hanh = await contextOf(handle.db, 'hanh');
        const merge = { fromId: String(gb.donorId), intoId: String(ga.donorId), reason: 'Cùng một hợp tác xã (giấy chứng nhận số 12)' };
        expect(await refusal(() => mergeDonorsAction(hanh, formOf({ ...merge, reason: '' })))).toMatchObject({ code: 'invalid_field' });
        const done = await mergeDonorsAction(hanh, formOf(merge));
        expect(done.vi).toMatch(/Đã gộp người ủng hộ #\d+ \(Hợp tác xã Yên Lạc, 1 khoản\)/);
        expect(await yenLac()).toEqual([['HTX Nông nghiệp Yên Lạc', 12_000_000]]);
        expect(await refusal(() => mergeDonorsAction(hanh, formOf({ ...merge, fromId: merge.intoId, intoId: merge.fromId })))).toMatchObject({ code: 'merge_cycle' });
        const anonymous = await give(handle.db, world, { donor: { kind: 'individual', displayName: null, anonymous: true } });
        const [anon] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, anonymous.result.contributionId));
        expect(await refusal(() => mergeDonorsAction(hanh, formOf({ ...merge, fromId: String(anon!.donorId) })))).toMatchObject({ code: 'anonymity_differs' });

        await unmergeDonorAction(hanh, formOf({ donorId: merge.fromId, reason: 'Gộp nhầm: hai hợp tác xã khác nhau' }));
        expect(await yenLac()).toEqual([['Hợp tác xã Yên Lạc', 7_000_000], ['HTX Nông nghiệp Yên Lạc', 5_000_000]]);
        const log = await listAudit(handle.db, { action: 'donor.' });
        expect(log.map((e) => `${e.action}:${e.outcome}`)).toEqual(['donor.unmerge:ok', 'donor.merge:refused', 'donor.merge:refused', 'donor.merge:ok', 'donor.merge:refused']);
        expect(log[3]!.details).toMatchObject({ fromId: gb.donorId, intoId: ga.donorId, reason: merge.reason, gifts: 1 });
        expect(log[0]!.details).toMatchObject({ donorId: gb.donorId, wasMergedInto: ga.donorId });
        // The gifts themselves were never edited.
        expect((await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, gb.id)))[0]!.donorId).toBe(gb.donorId);
      });
    });

    describe('withdrawing a name from publication', () => {
      it('an administrator withdraws a donor\'s name and a household\'s consent; anyone else is refused; each is audited', async () => {
        const named = await give(handle.db, world, { donor: { kind: 'individual', displayName: 'Bà Lò Thị Rút' }, amountVnd: 2_000_000 });
        const [gift] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, named.result.contributionId));
        const [admin, hanh] = [await contextOf(handle.db, 'admin'), await contextOf(handle.db, 'hanh')];
        expect(await refusal(() => withdrawDonorNameAction(hanh, formOf({ donorId: String(gift!.donorId) })))).toMatchObject({ status: 403, code: 'forbidden' });
        const done = await withdrawDonorNameAction(admin, formOf({ donorId: String(gift!.donorId) }));
        expect(done.vi).toMatch(/nay là "Nhà hảo tâm"; 1 bản ghi công khai đã rút tên/);
        const [stillNamed] = await queryRows<{ n: string | number }>(handle.db, sql`SELECT count(*) AS n FROM public_records WHERE body LIKE '%Lò Thị Rút%'`);
        expect(Number(stillNamed!.n)).toBe(0);
        expect(await refusal(() => withdrawDonorNameAction(admin, formOf({ donorId: '987654' })))).toMatchObject({ status: 404 });
        const house = world.houses[0]!;
        expect(await refusal(() => withdrawConsentAction(hanh, formOf({ houseCode: house.publicCode })))).toMatchObject({ status: 403 });
        expect((await withdrawConsentAction(admin, formOf({ houseCode: house.publicCode.toLowerCase() }))).vi).toMatch(/vốn chỉ công bố chữ cái đầu/);
        const log = await listAudit(handle.db, { action: 'donor.withdraw_name' });
        expect(log.map((e) => `${e.actor}:${e.outcome}`)).toEqual(['admin:refused', 'admin:ok', 'hanh:refused']);
        expect((await listAudit(handle.db, { action: 'household.withdraw_consent' })).map((e) => `${e.actor}:${e.outcome}`)).toEqual(['admin:ok', 'hanh:refused']);
        // Consent given later, in writing: the full name is committed; a second time changes nothing.
        expect(await refusal(() => giveConsentAction(hanh, formOf({ houseCode: house.publicCode })))).toMatchObject({ status: 403 });
        expect((await giveConsentAction(admin, formOf({ houseCode: house.publicCode }))).vi).toMatch(/hộ đồng ý công bố họ tên chủ hộ/);
        expect((await giveConsentAction(admin, formOf({ houseCode: house.publicCode }))).vi).toMatch(/đã công bố họ tên chủ hộ; không có gì thay đổi/);
        const [household] = await queryRows<{ publish_full_name: boolean }>(handle.db, sql`SELECT d.publish_full_name FROM houses h JOIN households d ON d.id = h.household_id WHERE h.id = ${house.houseId}`);
        expect(household!.publish_full_name).toBe(true);
        expect((await listAudit(handle.db, { action: 'household.give_consent' })).map((e) => `${e.actor}:${e.outcome}`)).toEqual(['admin:ok', 'admin:ok', 'hanh:refused']);
        expect((await verifyLedger(handle.db)).ok).toBe(true);
      });
    });

    describe('"funded" is a claim about money', () => {
      it('refuses "funded" for a house the ledger shows half funded unless a reason is stated, and allows it once funded', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const [half, full] = world.houses;
        await give(handle.db, world, { amountVnd: 15_000_000, target: { type: 'house', houseId: half!.houseId } });
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId: full!.houseId } });
        const before = await state();
        const error = await refusal(() => advanceStageAction(thu, formOf({ stage: 'funded', on: '2025-03-01' }), half!.houseId));
        expect(error).toMatchObject({ status: 409, code: 'not_funded', details: { field: 'reason' } });
        expect(error.message).toMatch(/15\.000\.000 ₫ trên dự toán 30\.000\.000 ₫.*còn thiếu 15\.000\.000 ₫.*"Đã đủ kinh phí"/);
        expect(error.message).not.toMatch(/funded/);
        expect(await refusal(() => advanceStageAction(thu, formOf({ stage: 'funded', on: '2025-03-01', reason: 'đủ' }), half!.houseId))).toMatchObject({ code: 'not_funded' });
        expect(await state()).toBe(before);

        await advanceStageAction(thu, formOf({ stage: 'funded', on: '2025-03-01' }), full!.houseId);
        const reason = 'Hộ tự góp 15 triệu đồng, có biên bản xác nhận của xã';
        const done = await advanceStageAction(thu, formOf({ stage: 'funded', on: '2025-03-01', reason }), half!.houseId);
        expect(done.vi).toContain(reason);
        const rows = await handle.db.select().from(schema.houses).where(sql`${schema.houses.id} IN (${half!.houseId}, ${full!.houseId})`).orderBy(schema.houses.id);
        expect(rows.map((h) => [h.fundedOn, h.fundedReason])).toEqual([['2025-03-01', reason], ['2025-03-01', null]]);
      });
    });

    describe('one truck for several houses', () => {
      it('splits a truck across three houses and the commune in one receipt; goods beyond a house\'s need are held by the commune, not refused', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const [a, b, full] = world.houses;
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId: full!.houseId } });
        const truck = {
          donorName: 'Công ty Xi măng Bắc Kạn', donorKind: 'business', receivedOn: '2025-04-02', house: a!.publicCode,
          item0Name: 'Xi măng PCB40', item0Quantity: '3', item0Unit: 'tấn', item0UnitPrice: '1.600.000',
          item1House: b!.publicCode.toLowerCase(), item1Name: 'Xi măng PCB40', item1Quantity: '2,5', item1Unit: 'tấn', item1UnitPrice: '1.600.000',
          item2House: full!.publicCode, item2Name: 'Gạch đặc', item2Quantity: '2.000', item2Unit: 'viên', item2Total: '3.000.000',
        };
        const submission = 'truck-0001-xxxxxxxx';
        const done = await inKindAction(thu, formOf(truck, submission));
        expect(done.vi).toContain(`nhà ${a!.publicCode}: Xi măng PCB40: 3 tấn × 1.600.000 ₫ = 4.800.000 ₫`);
        expect(done.vi).toContain(`nhà ${b!.publicCode}: Xi măng PCB40: 2,5 tấn × 1.600.000 ₫ = 4.000.000 ₫`);
        expect(done.vi).toContain(`Nhà ${full!.publicCode} không còn thiếu đủ: 3.000.000 ₫ hàng dư được ghi cho Xã A giữ cho các nhà.`);

        const gifts = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.kind, 'in_kind'));
        expect(gifts).toHaveLength(1);
        expect(gifts[0]).toMatchObject({ amountVnd: 11_800_000, targetType: 'commune', targetAreaId: world.communeA, targetHouseId: null });
        const parts = (gifts[0]!.details as { parts: { houseCode: string; items: { quantity: number }[]; valueVnd: number; surplusVnd: number }[] }).parts;
        expect(parts.map((p) => [p.houseCode, p.items.map((i) => i.quantity), p.valueVnd, p.surplusVnd]))
          .toEqual([[a!.publicCode, [3], 4_800_000, 0], [b!.publicCode, [2.5], 4_000_000, 0], [full!.publicCode, [2000], 0, 3_000_000]]);
        const lines = await handle.db.select().from(schema.journalLines).where(eq(schema.journalLines.contributionId, gifts[0]!.id)).orderBy(schema.journalLines.lineNo);
        expect(lines.map((l) => [l.account, l.houseId, l.areaId, l.amountVnd])).toEqual([
          ['in_kind_received', null, null, 11_800_000], ['house_in_kind', a!.houseId, null, -4_800_000],
          ['house_in_kind', b!.houseId, null, -4_000_000], ['commune_in_kind', null, world.communeA, -3_000_000],
        ]);
        const houses = await handle.db.select().from(schema.houses).where(sql`${schema.houses.id} IN (${a!.houseId}, ${b!.houseId}, ${full!.houseId})`).orderBy(schema.houses.id);
        expect(houses.map((h) => h.allocatedVnd)).toEqual([4_800_000, 4_000_000, 30_000_000]);

        // The same form sent again records nothing twice; the ledger still verifies.
        const before = await state();
        expect((await inKindAction(thu, formOf(truck, submission))).replayed).toBe(true);
        expect(await state()).toBe(before);
        expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
        // The six-monthly report counts the commune's goods with the houses' goods.
        const report = await sixMonthReport(handle.db, '2025-01-01', '2025-06-30');
        expect(report.province.money.inKindVnd).toBe(11_800_000);
        expect(report.areas.map((x) => x.money.inKindVnd)).toEqual([11_800_000]);
      });

      it('keeps goods with the commune when no house is named, and refuses an unknown house beside its card and a house of another commune', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const admin = await contextOf(handle.db, 'admin');
        const held = await inKindAction(thu, formOf({ donorName: 'Bà Lan', receivedOn: '2025-04-03', commune: 'T-D-A', item0Name: 'Tôn', item0Quantity: '40', item0Unit: 'tấm', item0Total: '4.000.000' }));
        expect(held.vi).toMatch(/Xã A giữ cho các nhà: Tôn: 40 tấm × 100\.000 ₫ = 4\.000\.000 ₫/);
        const before = await state();
        expect(await refusal(() => inKindAction(thu, formOf({ donorName: 'Bà Lan', receivedOn: '2025-04-03', item0Name: 'Tôn', item0Quantity: '4', item0Unit: 'tấm', item0Total: '400.000' }))))
          .toMatchObject({ status: 400, details: { field: 'house' } });
        const unknown = await refusal(() => inKindAction(thu, formOf({
          donorName: 'Bà Lan', receivedOn: '2025-04-03', house: world.houses[0]!.publicCode,
          item0Name: 'Tôn', item0Quantity: '4', item0Unit: 'tấm', item0Total: '400.000', item1House: 'BK-99999', item1Name: 'Gạch', item1Quantity: '10', item1Unit: 'viên', item1Total: '20.000',
        })));
        expect(unknown).toMatchObject({ status: 400, details: { field: 'item1House' } });
        expect(unknown.message).toMatch(/Không tìm thấy nhà mã "BK-99999"/);
        const other = await refusal(() => inKindAction(admin, formOf({ donorName: 'Bà Lan', receivedOn: '2025-04-03', commune: 'T-D-B', house: world.houses[0]!.publicCode, item0Name: 'Tôn', item0Quantity: '4', item0Unit: 'tấm', item0Total: '400.000' })));
        expect(other).toMatchObject({ code: 'house_outside_commune' });
        expect(other.message).toMatch(/không thuộc xã Xã B/);
        expect(await refusal(() => inKindAction(thu, formOf({ donorName: 'Bà Lan', receivedOn: '2025-04-03', commune: 'T-D-B', item0Name: 'Tôn', item0Quantity: '4', item0Unit: 'tấm', item0Total: '400.000' }))))
          .toMatchObject({ status: 403, code: 'out_of_scope' });
        expect(await state()).toBe(before);
      });
    });

    describe('payments say who, how, from where, when, with proof', () => {
      const photos = usePhotosDir();
      const stored = () => { try { return readdirSync(join(photos(), 'receipts')).sort(); } catch { return []; } };

      it('records the household head, the method, the source account, the date and a receipt photo stripped of its metadata; a resent form stores nothing twice', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const house = world.houses[0]!;
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId: house.houseId } });
        const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#2e86c1' } })
          .withExif({ IFD0: { Artist: 'Nguyen Van Ghi 0912345678' } }).jpeg().toBuffer();
        expect(photo.includes('0912345678')).toBe(true);
        const form = () => paymentFormOf({ house: house.publicCode, amount: '10.000.000', purpose: 'Tạm ứng đợt 1', method: 'transfer', sourceAccount: 'TK Quỹ Vì người nghèo tại Agribank' }, photo, 'payment-0001-xxxxxxxx');
        const done = await proposeDisbursementAction(thu, form());
        expect(done.vi).toMatch(/^Đã ghi đề nghị chi #\d+ 10\.000\.000 ₫ cho nhà .* \(chuyển khoản, người nhận H\.V\.T\.1\., ngày 20\/04\/2025\)/);
        expect(done.vi).not.toContain('Hoàng Văn Thử');
        const [row] = await handle.db.select().from(schema.disbursements);
        expect(row).toMatchObject({ recipientName: 'Hoàng Văn Thử 1', method: 'transfer', sourceAccount: 'TK Quỹ Vì người nghèo tại Agribank', paidOn: '2025-04-20', receiptKind: 'photo', status: 'pending' });
        expect(stored()).toEqual([row!.receiptFile]);
        const kept = await readReceipt(row!.receiptFile!);
        expect(kept.includes('0912345678')).toBe(false);
        expect((await sharp(kept).metadata()).exif).toBeUndefined();

        const before = await state();
        expect((await proposeDisbursementAction(thu, form())).replayed).toBe(true);
        expect(await state()).toBe(before);
        expect(stored()).toEqual([row!.receiptFile]);
      });

      it('refuses a missing or active receipt, a missing method or name, beside each field, and keeps no file', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const house = world.houses[0]!;
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId: house.houseId } });
        const fields = { house: house.publicCode, amount: '5.000.000', purpose: 'Đợt 2' };
        const before = await state();
        const files = stored();
        const scripted = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n%%EOF\n', 'latin1');
        const active = await refusal(() => proposeDisbursementAction(thu, paymentFormOf(fields, scripted)));
        expect(active).toMatchObject({ status: 415, code: 'active_pdf', details: { field: 'receipt' } });
        expect(active.message).toMatch(/mã chạy/);
        expect(await refusal(() => proposeDisbursementAction(thu, paymentFormOf(fields, null)))).toMatchObject({ status: 400, details: { field: 'receipt' } });
        expect(await refusal(() => proposeDisbursementAction(thu, paymentFormOf(fields, Buffer.from('hello'))))).toMatchObject({ status: 415, details: { field: 'receipt' } });
        expect(await refusal(() => proposeDisbursementAction(thu, paymentFormOf({ ...fields, method: '' })))).toMatchObject({ details: { field: 'method' } });
        expect(await refusal(() => proposeDisbursementAction(thu, paymentFormOf({ ...fields, recipient: 'other', recipientName: '' })))).toMatchObject({ details: { field: 'recipientName' } });
        expect(await refusal(() => proposeDisbursementAction(thu, paymentFormOf({ ...fields, paidOn: '2999-01-01' })))).toMatchObject({ details: { field: 'paidOn' } });
        // Over what the house holds: refused by the rule after the file was stored, and the file is removed.
        expect(await refusal(() => proposeDisbursementAction(thu, paymentFormOf({ ...fields, amount: '50.000.000' })))).toMatchObject({ status: 409 });
        expect(await state()).toBe(before);
        expect(stored()).toEqual(files);
      });

      it('asks for a rejection\'s reason in words, beside the field, and names the status in Vietnamese when it is decided again', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const hanh = await contextOf(handle.db, 'hanh');
        const house = world.houses[0]!;
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId: house.houseId } });
        await proposeDisbursementAction(thu, paymentFormOf({ house: house.publicCode, amount: '5.000.000', purpose: 'Đợt 2', recipient: 'other', recipientName: 'Lò Thị Mai' }));
        const [row] = await handle.db.select().from(schema.disbursements);
        expect(row!.recipientName).toBe('Lò Thị Mai');
        const before = await state();
        const short = await refusal(() => decideDisbursementAction(hanh, formOf({ decision: 'reject', reason: 'sai' }), row!.id));
        expect(short).toMatchObject({ status: 400, details: { field: 'reason' } });
        expect(short.message).toMatch(/Từ chối cần lý do bằng lời/);
        expect(await state()).toBe(before);
        const done = await decideDisbursementAction(hanh, formOf({ decision: 'reject', reason: 'Biên bản thiếu chữ ký của chủ hộ' }), row!.id);
        expect(done.vi).toBe(`Đã từ chối khoản chi #${row!.id}: Biên bản thiếu chữ ký của chủ hộ`);
        const again = await refusal(() => decideDisbursementAction(hanh, formOf({ decision: 'approve' }), row!.id));
        expect(again.message).toBe(`Khoản chi #${row!.id} đã được xử lý (đã từ chối).`);
      });
    });

    describe('accounts through the web', () => {
      it('lets an administrator add a recorder, change the role and areas, set a new password; the account page names the areas', async () => {
        const admin = await contextOf(handle.db, 'admin');
        const password = 'Rừng-xanh-suối-trong-2025';
        const created = await accountsAction(admin, formOf({ change: 'create', username: 'Mai.xa', displayName: 'Lò Thị Mai', role: 'recorder', areas: 'T-D-A, T-D-B', password }));
        expect(created.vi).toMatch(/Đã tạo tài khoản mai\.xa \(Người ghi sổ\)/);
        expect((await listAccounts(handle.db)).find((a) => a.username === 'mai.xa')).toMatchObject({ areaNames: 'Xã A, Xã B', areaCodes: 'T-D-A, T-D-B', role: 'recorder' });
        const mai = await signIn(handle.db, { username: 'mai.xa', password, ip: '127.0.0.31' });
        expect((await loadSession(handle.db, mai.token))!.communeIds).toEqual(new Set([world.communeA, world.communeB]));

        expect(await refusal(() => accountsAction(admin, formOf({ change: 'create', username: 'lan', displayName: 'Lan', role: 'recorder', areas: '', password })))).toMatchObject({ status: 400 });
        expect(await refusal(() => accountsAction(admin, formOf({ change: 'create', username: 'mai.xa', displayName: 'Mai', role: 'auditor', areas: '', password })))).toMatchObject({ code: 'username_taken' });

        const access = await accountsAction(admin, formOf({ change: 'access', username: 'mai.xa', role: 'approver', areas: '' }));
        expect(access.vi).toMatch(/Đã đặt vai trò Người phê duyệt cho mai\.xa/);
        expect(await loadSession(handle.db, mai.token)).toBeUndefined();
        expect(await refusal(() => accountsAction(admin, formOf({ change: 'reset', username: 'mai.xa', password: 'ngan' })))).toMatchObject({ status: 400 });
        await accountsAction(admin, formOf({ change: 'reset', username: 'mai.xa', password: 'Mây-trắng-bay-về-2026' }));
        const { user } = await signIn(handle.db, { username: 'mai.xa', password: 'Mây-trắng-bay-về-2026', ip: '127.0.0.32' });
        expect(user).toMatchObject({ role: 'approver', areaIds: [] });
        const disabled = await accountsAction(admin, formOf({ change: 'disable', username: 'mai.xa' }));
        expect(disabled.vi).toBe('Đã vô hiệu hóa tài khoản mai.xa.');
        expect((await listAudit(handle.db, { action: 'account' })).map((e) => `${e.action}:${e.outcome}`)).toContain('account.access:ok');
      });
    });

    describe('approvers limited to areas', () => {
      usePhotosDir();
      it('shows a limited approver only the houses still short in their areas, refuses allocating or deciding elsewhere, and logs each account change once', async () => {
        const admin = await contextOf(handle.db, 'admin');
        const password = PASSWORD;
        await accountsAction(admin, formOf({ change: 'create', username: 'binh', displayName: 'Hà Văn Bình', role: 'approver', areas: 'T-D-B', password }));
        await accountsAction(admin, formOf({ change: 'create', username: 'dung', displayName: 'Lý Thị Dung', role: 'approver', areas: 'T-D', password }));
        expect(await refusal(() => accountsAction(admin, formOf({ change: 'create', username: 'kiem2', displayName: 'K', role: 'auditor', areas: 'T-D', password })))).toMatchObject({ status: 400 });
        const created = await listAudit(handle.db, { action: 'account.create', actor: 'admin' });
        expect(created.map((e) => `${e.target}:${e.outcome}`)).toEqual(['user:kiem2:refused', 'user:dung:ok', 'user:binh:ok']);
        expect(created[1]!.details).toMatchObject({ role: 'approver', areaCodes: ['T-D'] });

        const house = world.houses[0]!;
        await give(handle.db, world, { amountVnd: 40_000_000, target: { type: 'general' } });
        const binh = await contextOf(handle.db, 'binh');
        const dung = await contextOf(handle.db, 'dung');
        expect(binh.communeIds).toEqual(new Set([world.communeB]));
        expect(await housesStillShort(handle.db, binh.communeIds)).toEqual([]);
        const seen = await housesStillShort(handle.db, dung.communeIds);
        expect(seen.map((h) => h.publicCode)).toEqual(world.houses.map((h) => h.publicCode));
        expect(seen[0]).toMatchObject({ commune: 'Xã A', district: 'Huyện Thử', suggestion: { pool: 'general', amountVnd: seen[0]!.shortVnd } });

        const before = await state();
        const fields = { house: house.publicCode, pool: 'general', amount: '1.000.000', decisionRef: 'QĐ 5/QĐ-MTTQ' };
        expect(await refusal(() => allocateAction(binh, formOf(fields)))).toMatchObject({ status: 403, code: 'out_of_scope' });
        expect(await state()).toBe(before);
        expect((await allocateAction(dung, formOf(fields))).vi).toMatch(/Đã phân bổ 1\.000\.000 ₫ cho nhà/);

        const thu = await contextOf(handle.db, 'thu');
        await proposeDisbursementAction(thu, paymentFormOf({ house: house.publicCode, amount: '500.000', purpose: 'Đợt 1' }));
        const [payment] = await handle.db.select().from(schema.disbursements);
        expect(await refusal(() => decideDisbursementAction(binh, formOf({ decision: 'approve' }), payment!.id))).toMatchObject({ code: 'out_of_scope' });
        expect((await decideDisbursementAction(dung, formOf({ decision: 'approve' }), payment!.id)).vi).toMatch(/Đã duyệt khoản chi/);
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

      it('warns before the same picture is stored for a second house, even re-saved, and records the confirmation', async () => {
        const thu = await contextOf(handle.db, 'thu');
        const [first, second] = world.houses;
        const picture = sharp({ create: { width: 320, height: 240, channels: 3, background: '#777' } }).composite([
          { input: { create: { width: 160, height: 240, channels: 3, background: '#c33' } }, left: 0, top: 0 },
          { input: { create: { width: 80, height: 120, channels: 3, background: '#33c' } }, left: 200, top: 60 },
        ]);
        const jpeg = await picture.clone().jpeg({ quality: 90 }).toBuffer();
        const resaved = await sharp(jpeg).resize(300).jpeg({ quality: 60 }).toBuffer();
        const upload = (houseId: number, bytes: Buffer, extra: Record<string, string> = {}) => {
          const form = formOf({ stage: 'approved', ...extra });
          form.set('photo', new File([new Uint8Array(bytes)], 'IMG_1.jpg', { type: 'image/jpeg' }));
          return uploadPhotoAction(thu, form, houseId);
        };
        await upload(first!.houseId, jpeg);
        const before = await state();
        const same = await refusal(() => upload(second!.houseId, jpeg));
        expect(same).toMatchObject({ status: 409, code: 'duplicate_photo', details: { field: 'photo', existing: [{ link: `/staff/houses/${first!.houseId}` }] } });
        expect(same.message).toContain(first!.publicCode);
        expect(await refusal(() => upload(second!.houseId, resaved))).toMatchObject({ code: 'duplicate_photo' });
        expect(await state()).toBe(before);
        const other = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#2a2' } }).composite([
          { input: { create: { width: 100, height: 100, channels: 3, background: '#fff' } }, left: 10, top: 120 }]).jpeg().toBuffer();
        await upload(second!.houseId, other);
        await upload(second!.houseId, jpeg, { confirmSamePhoto: 'on' });
        expect(await handle.db.select().from(schema.photos)).toHaveLength(3);
        const [confirmed] = await listAudit(handle.db, { action: 'photo.upload', outcome: 'ok' });
        expect(confirmed!.details).toMatchObject({ sameAs: [first!.publicCode] });
      });
    });
  });
}
