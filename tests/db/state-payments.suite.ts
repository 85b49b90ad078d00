// State support paid to households by the commune or district, on each driver: the staff form and the
// CSV upload post through the one rule, refuse beyond the support recorded and not yet paid, and a
// refusal (a broken line, an overpayment, another recorder's area) changes nothing; a re-upload is a no-op.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { recordStateBudget } from '../../src/domain/contributions';
import { registerHouseProject } from '../../src/domain/houses';
import { recordStatePayment } from '../../src/domain/state-payments';
import { verifyLedger } from '../../src/domain/verify';
import { importStatePaymentsAction, statePaymentAction } from '../../src/staff/actions';
import { importStatePayments } from '../../src/staff/state-payments-import';
import { refusal } from '../refusal';
import { buildStaffWorld, contextOf, formOf, type StaffWorld } from './staff-world';
import { nextKey } from './world';
import type { FreshDb } from './harness';

export function statePaymentsSuite(driver: string, fresh: FreshDb): void {
  describe(`state support paid to households (${driver})`, () => {
    let handle: DbHandle;
    let world: StaffWorld;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildStaffWorld(handle.db, 2);
      // 20.000.000 ₫ of state support recorded for each house.
      for (const house of world.houses) {
        await recordStateBudget(handle.db, {
          idempotencyKey: nextKey('sb'), campaignId: world.campaignId, houseId: house.houseId, amountVnd: 20_000_000,
          programme: 'national_target_programme', decisionRef: '45/QĐ-UBND', receivedAt: new Date('2025-03-01T03:00:00Z'),
        });
      }
    });
    afterEach(async () => {
      await handle?.close();
    });

    // Everything a refusal must leave as it was.
    async function state() {
      const [row] = await queryRows<Record<string, string | number>>(handle.db, sql`
        SELECT (SELECT count(*) FROM journal_entries) AS entries, (SELECT count(*) FROM state_payments) AS payments,
               (SELECT coalesce(sum(state_paid_vnd), 0) FROM houses) AS paid,
               (SELECT coalesce(sum(amount_vnd), 0) FROM journal_lines WHERE account = 'house_state_paid') AS lines`);
      return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
    }
    const fileForm = (csv: string) => {
      const form = formOf({ what: 'file' });
      form.set('file', new File([csv], 'ngan-sach-da-chi.csv', { type: 'text/csv' }));
      return form;
    };
    const [a, b] = [() => world.houses[0]!, () => world.houses[1]!];

    it('the form records a payment once per document; refuses another amount under it, more than is unpaid, and another area, changing nothing', async () => {
      const thu = await contextOf(handle.db, 'thu');
      const fields = { house: a().publicCode, amount: '12.000.000', paidOn: '2025-04-02', documentRef: 'UNC 15/2025' };
      const done = await statePaymentAction(thu, formOf(fields));
      expect(done.replayed).toBe(false);
      expect(done.vi).toContain('12.000.000');
      expect(await state()).toMatchObject({ payments: 1, paid: 12_000_000, lines: 12_000_000 });
      const [house] = await handle.db.select().from(schema.houses).where(sql`id = ${a().houseId}`);
      expect(house).toMatchObject({ stateAllocatedVnd: 20_000_000, statePaidVnd: 12_000_000, disbursedVnd: 0, allocatedVnd: 20_000_000 });

      // The same document again (a new form) is the same payment.
      expect((await statePaymentAction(thu, formOf(fields))).replayed).toBe(true);
      const before = await state();
      expect((await refusal(() => statePaymentAction(thu, formOf({ ...fields, amount: '13.000.000' })))).code).toBe('state_payment_conflict');
      const over = await refusal(() => statePaymentAction(thu, formOf({ ...fields, amount: '8.000.001', documentRef: 'UNC 16/2025' })));
      expect(over.code).toBe('state_overpaid');
      expect(over.message).toContain('8000000');
      const duc = await contextOf(handle.db, 'duc');
      expect((await refusal(() => statePaymentAction(duc, formOf({ ...fields, amount: '1.000', documentRef: 'UNC 17/2025' })))).code).toBe('out_of_scope');
      expect((await refusal(() => statePaymentAction(thu, formOf({ ...fields, paidOn: '2999-01-01', documentRef: 'UNC 18/2025' })))).code).toBe('invalid_field');
      expect(await state()).toEqual(before);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('a house with no state support recorded cannot be paid any', async () => {
      const bare = await registerHouseProject(handle.db, {
        campaignId: world.campaignId, areaId: world.communeA, type: 'repair', minutesRef: 'BB-9', approvedOn: '2024-08-01',
        household: { headFullName: 'Lường Văn Chín', povertyStatus: 'poor', members: 3, nationalId: '006200000099', phone: '0912000999' },
      });
      const before = await state();
      const error = await refusal(() => recordStatePayment(handle.db, { houseId: bare.houseId, amountVnd: 1, paidOn: '2025-04-02', documentRef: 'UNC 1', recordedBy: 'thu', recordedAt: new Date() }));
      expect(error.code).toBe('state_overpaid');
      expect(await state()).toEqual(before);
    });

    it('a CSV posts every row in one go, a re-upload posts nothing twice, and a broken line refuses the whole file naming it', async () => {
      const thu = await contextOf(handle.db, 'thu');
      const csv = `\uFEFFMã nhà;Số tiền;Ngày chi;Số chứng từ\r\n${a().publicCode};20.000.000;02/04/2025;UNC 20/2025\r\n${b().publicCode};5.000.000;2025-04-03;UNC 21/2025\r\n`;
      const first = await importStatePaymentsAction(thu, fileForm(csv));
      expect(first.vi).toContain('Đã ghi 2 khoản (25.000.000');
      expect(await state()).toMatchObject({ payments: 2, paid: 25_000_000 });
      const again = await importStatePaymentsAction(thu, fileForm(csv));
      expect(again.replayed).toBe(true);
      expect(await state()).toMatchObject({ payments: 2, paid: 25_000_000 });

      const before = await state();
      // Line 3 is fine; line 4's house is unknown: nothing of the file is written.
      const unknown = `ma_nha,so_tien,ngay_chi,so_chung_tu\n${b().publicCode},1.000.000,04/04/2025,UNC 22/2025\nT-00999,1.000.000,04/04/2025,UNC 23/2025\n`;
      const refusedUnknown = await refusal(() => importStatePaymentsAction(thu, fileForm(unknown)));
      expect(refusedUnknown.message).toMatch(/^Dòng 3: Không có nhà mã "T-00999"/);
      // An amount that cannot be read.
      expect((await refusal(() => importStatePaymentsAction(thu, fileForm(`ma_nha,so_tien,ngay_chi,so_chung_tu\n${b().publicCode},"1,5",04/04/2025,UNC 24/2025\n`)))).message).toMatch(/^Dòng 2: Số tiền/);
      // Line 2 posts, line 3 overpays: the ledger's refusal, named by its line, and line 2 rolled back with it.
      const overpaid = `ma_nha,so_tien,ngay_chi,so_chung_tu\n${b().publicCode},10.000.000,04/04/2025,UNC 25/2025\n${b().publicCode},5.000.001,05/04/2025,UNC 26/2025\n`;
      const refusedOver = await refusal(() => importStatePaymentsAction(thu, fileForm(overpaid)));
      expect(refusedOver.message).toMatch(/^Dòng 3: Nhà .* chỉ còn 5000000/);
      // A house of another recorder's area, and a missing column.
      const duc = await contextOf(handle.db, 'duc');
      expect((await refusal(() => importStatePaymentsAction(duc, fileForm(`ma_nha,so_tien,ngay_chi,so_chung_tu\n${b().publicCode},1.000,04/04/2025,UNC 27/2025\n`)))).message).toContain('ngoài phạm vi');
      expect((await refusal(() => importStatePaymentsAction(thu, fileForm(`ma_nha,so_tien,ngay_chi\n${b().publicCode},1.000,04/04/2025\n`)))).message).toContain('Thiếu cột so_chung_tu');
      expect(await state()).toEqual(before);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('the file and the form name the same payment the same way: a row already typed in the form is a replay', async () => {
      await recordStatePayment(handle.db, { houseId: a().houseId, amountVnd: 3_000_000, paidOn: '2025-04-02', documentRef: 'UNC 30/2025', recordedBy: 'thu', recordedAt: new Date() });
      const result = await importStatePayments(handle.db, `ma_nha,so_tien,ngay_chi,so_chung_tu\n${a().publicCode},3.000.000,02/04/2025,UNC 30/2025\n`, { recordedBy: 'hanh', communeIds: null });
      expect(result).toEqual({ recorded: 0, replayed: 1, totalVnd: 0 });
      expect(await state()).toMatchObject({ payments: 1, paid: 3_000_000 });
    });
  });
}
