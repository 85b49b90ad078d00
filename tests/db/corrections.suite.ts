// Corrections in the staff workspace, against a real database on each driver: finding an entry by
// what staff hold (receipt, house code, donor), reading it in words, and a recorder's request that an
// approver approves (the reversal is posted) or refuses, with the refusals the four-eyes rule needs.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema, type DbHandle } from '../../db/client';
import { decideCorrectionAction, inKindAction, officeCashAction, requestCorrectionAction } from '../../src/staff/actions';
import { findEntries, listCorrectionRequests } from '../../src/domain/corrections';
import { entriesInScope, entryForCorrection } from '../../src/staff/queries';
import { listAudit } from '../../src/staff/audit';
import { verifyLedger } from '../../src/domain/verify';
import { buildStaffWorld, contextOf, formOf, recordsDigest, type StaffWorld } from './staff-world';
import type { FreshDb } from './harness';
import { refusal } from '../refusal';

export function correctionsSuite(driver: string, fresh: FreshDb): void {
  describe(`corrections in the staff workspace (${driver})`, () => {
    let handle: DbHandle;
    let world: StaffWorld;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildStaffWorld(handle.db);
    });
    afterEach(async () => {
      await handle?.close();
    });

    // One in-kind gift for the first house (recorded by thu) and one office-cash gift from a company.
    async function twoGifts() {
      const thu = await contextOf(handle.db, 'thu');
      const house = world.houses[0]!;
      await inKindAction(thu, formOf({
        house: house.publicCode, donorName: 'Công ty Gạch Tuynel', donorKind: 'business', receivedOn: '2025-03-10',
        item0Name: 'Gạch đặc', item0Quantity: '2.000', item0Unit: 'viên', item0UnitPrice: '1.500',
      }));
      await officeCashAction(thu, formOf({
        receiptNo: 'BL-77', targetType: 'general', receivedOn: '2025-03-11', amount: '10.000.000', donorKind: 'business',
        donorName: 'Công ty TNHH Xây dựng Bắc Sơn', donorTaxCode: '4700123456', donorPhone: '0209 381 234', donorEmail: 'ketoan@bacson.vn',
      }));
      const gifts = await handle.db.select({ id: schema.contributions.id, kind: schema.contributions.kind, receiptCode: schema.contributions.receiptCode }).from(schema.contributions);
      const entryOf = async (kind: string) => {
        const gift = gifts.find((g) => g.kind === kind)!;
        const [entry] = await handle.db.select({ id: schema.journalEntries.id }).from(schema.journalEntries).where(eq(schema.journalEntries.contributionId, gift.id));
        return { entryId: entry!.id, receiptCode: gift.receiptCode };
      };
      return { house, inKind: await entryOf('in_kind'), cash: await entryOf('cash') };
    }

    it('finds an entry by its number, receipt code, house code and donor (name, or privately tax code, phone, email)', async () => {
      const { house, inKind, cash } = await twoGifts();
      const ids = async (q: string) => (await findEntries(handle.db, q)).map((e) => e.id);
      expect(await ids(`#${cash.entryId}`)).toEqual([cash.entryId]);
      expect(await ids(cash.receiptCode.toLowerCase())).toEqual([cash.entryId]);
      expect(await ids(house.publicCode)).toContain(inKind.entryId);
      expect(await ids(house.publicCode)).not.toContain(cash.entryId);
      expect(await ids('bắc sơn')).toEqual([cash.entryId]);
      expect(await ids('4700123456')).toEqual([cash.entryId]);
      expect(await ids('0209.381.234')).toEqual([cash.entryId]);
      expect(await ids('KETOAN@BACSON.VN')).toEqual([cash.entryId]);
      expect(await ids('Gạch Tuynel')).toEqual([inKind.entryId]);
      expect(await ids('không có ai')).toEqual([]);
      // A wildcard typed by staff is a character, not "everything".
      expect(await ids('%')).toEqual([]);
      expect((await findEntries(handle.db, cash.receiptCode))[0]!.matchedBy).toBe('receipt');
      expect((await refusal(() => findEntries(handle.db, ''))).status).toBe(400);
    });

    it('lets a recorder find and ask about entries of their communes only; approvers see every entry', async () => {
      const { inKind, cash } = await twoGifts();
      const thu = await contextOf(handle.db, 'thu');
      const duc = await contextOf(handle.db, 'duc');
      const hanh = await contextOf(handle.db, 'hanh');
      const both = [inKind.entryId, cash.entryId];
      const scope = (ctx: typeof thu) => entriesInScope(handle.db, both, { communeIds: ctx.communeIds, username: ctx.user.username });
      // thu recorded both (the office cash for the general fund touches no commune); duc, of the other commune, neither.
      expect(await scope(thu)).toEqual(new Set(both));
      expect(await scope(duc)).toEqual(new Set());
      expect(await scope(hanh)).toEqual(new Set(both));
      expect(await entriesInScope(handle.db, both, { communeIds: thu.communeIds, username: 'someone' })).toEqual(new Set([inKind.entryId]));
      const before = await recordsDigest(handle.db);
      const outside = await refusal(() => requestCorrectionAction(duc, formOf({ entryId: String(inKind.entryId), whatIsWrong: 'Số lượng gạch ghi nhầm' })));
      expect(outside).toMatchObject({ status: 403, code: 'out_of_scope' });
      expect(await recordsDigest(handle.db)).toBe(before);
      expect((await requestCorrectionAction(thu, formOf({ entryId: String(inKind.entryId), whatIsWrong: 'Số lượng gạch ghi nhầm' }))).vi).toMatch(/Đã gửi yêu cầu điều chỉnh/);
    });

    it('shows the entry in words: accounts, house, commune, donor, items and who recorded it', async () => {
      const { house, inKind, cash } = await twoGifts();
      const gift = (await entryForCorrection(handle.db, inKind.entryId))!;
      expect(gift.receiptCode).toBe(inKind.receiptCode);
      expect(gift.donor).toEqual({ name: 'Công ty Gạch Tuynel', anonymous: false });
      expect(gift.items).toEqual(['Gạch đặc: 2.000 viên × 1.500 ₫ = 3.000.000 ₫']);
      expect(gift.recorder).toBe('THU');
      expect(gift.lines.map((l) => l.accountVi)).toEqual(expect.arrayContaining(['Hiện vật đã nhận', 'Hiện vật cho nhà']));
      expect(gift.lines.find((l) => l.account === 'house_in_kind')).toMatchObject({ houseCode: house.publicCode, areaName: 'Xã A', accountEn: 'Goods for the house' });
      const money = (await entryForCorrection(handle.db, cash.entryId))!;
      expect(money.lines.map((l) => l.accountVi)).toEqual(expect.arrayContaining(['Tiền mặt tại văn phòng', 'Quỹ chung (chưa phân bổ)']));
      // Private identifiers found the entry but are never shown with it.
      expect(JSON.stringify(money)).not.toMatch(/4700123456|0209|ketoan/);
    });

    it('a recorder files a request; another approver approves it and the reversal is posted, audited once each', async () => {
      const { cash } = await twoGifts();
      const thu = await contextOf(handle.db, 'thu');
      const hanh = await contextOf(handle.db, 'hanh');
      const filed = await requestCorrectionAction(thu, formOf({ entryId: String(cash.entryId), whatIsWrong: 'Số tiền đúng là 1.000.000 ₫, ghi nhầm thêm một số 0.' }));
      expect(filed.vi).toMatch(/Đã gửi yêu cầu điều chỉnh #\d+/);
      const [request] = await listCorrectionRequests(handle.db);
      expect(request).toMatchObject({ entryId: cash.entryId, status: 'pending', requestedBy: 'thu' });
      // A second open request for the same entry is refused.
      expect((await refusal(() => requestCorrectionAction(thu, formOf({ entryId: String(cash.entryId), whatIsWrong: 'Lặp lại yêu cầu cũ cho cùng bút toán.' })))).code).toBe('request_open');

      const approved = await decideCorrectionAction(hanh, formOf({ requestId: String(request!.id), decision: 'approve', reason: 'Đã đối chiếu biên lai BL-77' }));
      const [after] = await listCorrectionRequests(handle.db);
      expect(after).toMatchObject({ status: 'approved', decidedBy: 'hanh', decisionReason: 'Đã đối chiếu biên lai BL-77' });
      expect(approved.vi).toContain(`được đảo bằng #${after!.reversalEntryId}`);
      const [reversal] = await handle.db.select().from(schema.journalEntries).where(eq(schema.journalEntries.id, after!.reversalEntryId!));
      expect(reversal).toMatchObject({ kind: 'reversal', reversesEntryId: cash.entryId });
      // The published reason cites the request and the approver's words, never the recorder's private text.
      expect(reversal!.reason).toContain(`Yêu cầu điều chỉnh #${request!.id} — Đã đối chiếu biên lai BL-77`);
      expect(reversal!.reason).not.toContain('ghi nhầm thêm một số 0');
      expect((await verifyLedger(handle.db)).ok).toBe(true);
      expect((await entryForCorrection(handle.db, after!.reversalEntryId!))!.recorder).toBe('HANH');
      expect((await listAudit(handle.db, { action: 'correction.request', outcome: 'ok' })).length).toBe(1);
      expect((await refusal(() => requestCorrectionAction(thu, formOf({ entryId: String(cash.entryId), whatIsWrong: 'Yêu cầu lại sau khi đã đảo bút toán.' })))).code).toBe('already_reversed');
      expect((await refusal(() => requestCorrectionAction(thu, formOf({ entryId: String(after!.reversalEntryId), whatIsWrong: 'Đảo ngược lại bút toán đảo này.' })))).code).toBe('is_reversal');
      expect((await listAudit(handle.db, { action: 'correction.decide', outcome: 'ok' })).length).toBe(1);

      // Decided once: a second approver's decision is refused and changes nothing.
      const before = await recordsDigest(handle.db);
      const chung = await contextOf(handle.db, 'chung');
      expect((await refusal(() => decideCorrectionAction(chung, formOf({ requestId: String(request!.id), decision: 'refuse', reason: 'Không đồng ý' })))).code).toBe('already_decided');
      expect(await recordsDigest(handle.db)).toBe(before);
      expect((await listCorrectionRequests(handle.db))[0]!.status).toBe('approved');
      expect((await listAudit(handle.db, { action: 'correction.decide', outcome: 'refused' })).length).toBe(1);
    });

    it('refuses with a reason, never one\'s own request, and refuses bad input in Vietnamese changing nothing', async () => {
      const { inKind } = await twoGifts();
      const thu = await contextOf(handle.db, 'thu');
      const hanh = await contextOf(handle.db, 'hanh');
      const before = await recordsDigest(handle.db);
      const tooShort = await refusal(() => requestCorrectionAction(thu, formOf({ entryId: String(inKind.entryId), whatIsWrong: 'sai' })));
      expect(tooShort.status).toBe(400);
      expect((await refusal(() => requestCorrectionAction(thu, formOf({ entryId: '999999', whatIsWrong: 'Bút toán này không có thật.' })))).code).toBe('not_found');
      expect(await listCorrectionRequests(handle.db)).toEqual([]);
      expect(await recordsDigest(handle.db)).toBe(before);

      await requestCorrectionAction(thu, formOf({ entryId: String(inKind.entryId), whatIsWrong: 'Gạch ghi cho nhầm nhà, đúng là nhà bên cạnh.' }));
      const [request] = await listCorrectionRequests(handle.db);
      // Whoever asked cannot decide, even holding an approver's role; the database refuses it too.
      const own = await refusal(() => decideCorrectionAction({ ...hanh, user: { ...hanh.user, username: 'thu' } }, formOf({ requestId: String(request!.id), decision: 'approve', reason: 'Tự duyệt' })));
      expect(own).toMatchObject({ status: 403, code: 'own_request' });
      expect(own.message).toMatch(/không thể tự duyệt/);
      await expect(handle.db.update(schema.correctionRequests).set({ status: 'refused', decidedBy: 'thu', decisionReason: 'x' }).where(eq(schema.correctionRequests.id, request!.id))).rejects.toThrow();
      expect((await refusal(() => decideCorrectionAction(hanh, formOf({ requestId: String(request!.id), decision: 'refuse', reason: '' })))).status).toBe(400);
      expect((await refusal(() => decideCorrectionAction(hanh, formOf({ requestId: String(request!.id), decision: 'delete', reason: 'Xoá đi' })))).status).toBe(400);

      const refusedDone = await decideCorrectionAction(hanh, formOf({ requestId: String(request!.id), decision: 'refuse', reason: 'Biên bản giao nhận ghi đúng nhà này' }));
      expect(refusedDone.vi).toContain('Đã từ chối');
      expect((await listCorrectionRequests(handle.db))[0]).toMatchObject({ status: 'refused', decidedBy: 'hanh', reversalEntryId: null, decisionReason: 'Biên bản giao nhận ghi đúng nhà này' });
      // A refusal posts nothing.
      const reversals = await handle.db.select().from(schema.journalEntries).where(eq(schema.journalEntries.kind, 'reversal'));
      expect(reversals).toEqual([]);
      expect((await refusal(() => decideCorrectionAction(hanh, formOf({ requestId: String(request!.id), decision: 'approve', reason: 'Đổi ý' })))).code).toBe('already_decided');
      expect((await listAudit(handle.db, { action: 'correction.decide', outcome: 'refused' })).length).toBe(4);
    });
  });
}
