// The six-monthly Standing Committee report against a real database, run once per driver:
// the default period, the official layout, the wide CSV and the PDF, each checked against the ledger.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema, type DbHandle } from '../../db/client';
import { saveStaffUser } from '../../src/staff/accounts';
import { setTargetsAction } from '../../src/staff/actions';
import { listAudit } from '../../src/staff/audit';
import { contextOf, formOf, PASSWORD } from './staff-world';
import { refusal } from '../refusal';
import { recordInKind, recordLabour, recordStateBudget } from '../../src/domain/contributions';
import { reverseEntry } from '../../src/domain/corrections';
import { defaultReportPeriod, sixMonthReport } from '../../src/staff/report';
import { reportCsv, reportDocument } from '../../src/staff/report-render';
import { reportPdf } from '../../src/staff/report-pdf';
import { buildWorld, nextKey, type World } from './world';
import type { FreshDb } from './harness';

export function reportSuite(driver: string, fresh: FreshDb): void {
  describe(`six-monthly report (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db);
    });
    afterEach(async () => {
      await handle?.close();
    });

    // State budget on a given day: the simplest entry with a date of our choosing.
    const budgetOn = (day: string) => recordStateBudget(handle.db, { idempotencyKey: nextKey(), campaignId: world.campaignId, houseId: world.houses[0]!.houseId, amountVnd: 1_000_000, programme: 'national_target_programme', decisionRef: `QĐ ${day}`, receivedAt: `${day}T03:00:00Z` });

    it('opens on the last finished half-year that has entries, not on an empty one', async () => {
      const later = new Date('2031-03-01T00:00:00Z');
      expect(await defaultReportPeriod(handle.db, later)).toEqual({ from: '2030-07-01', to: '2030-12-31' });
      await budgetOn('2025-03-10');
      expect(await defaultReportPeriod(handle.db, later)).toEqual({ from: '2025-01-01', to: '2025-06-30' });
      await budgetOn('2029-08-01');
      expect(await defaultReportPeriod(handle.db, later)).toEqual({ from: '2029-07-01', to: '2029-12-31' });
      // While the half-year holding the entry is still running, the report opens on the finished one before it.
      expect(await defaultReportPeriod(handle.db, new Date('2029-09-01T00:00:00Z'))).toEqual({ from: '2025-01-01', to: '2025-06-30' });
    });

    it('carries the official heading, the period and the three signatures on the printable page', async () => {
      await budgetOn('2025-03-10');
      const html = reportDocument(await sixMonthReport(handle.db, '2025-01-01', '2025-06-30'), '2025-07-04');
      const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      expect(text).toContain('ỦY BAN MTTQ VIỆT NAM TỈNH THỬ');
      expect(text).toContain('QUỸ "VÌ NGƯỜI NGHÈO" Số: ……/BC-QVNN');
      expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập – Tự do – Hạnh phúc Thử, ngày 04 tháng 07 năm 2025');
      expect(text).toContain('Từ ngày 01/01/2025 đến ngày 30/06/2025');
      expect(text.indexOf('NGƯỜI LẬP BIỂU')).toBeGreaterThan(text.indexOf('Sổ cái'));
      expect(text).toMatch(/NGƯỜI LẬP BIỂU .* KẾ TOÁN .* TM\. BAN THƯỜNG TRỰC/);
    });

    it('counts houses by stage at the period end and by kind of work, per district and in the commune annex, adding up to the province', async () => {
      // One house finished in the period: its dates as the stage actions would have set them.
      await handle.db.execute(sql`UPDATE houses SET funded_on = '2024-09-01', construction_on = '2025-02-01', completed_on = '2025-05-01' WHERE id = ${world.houses[0]!.houseId}`);
      await budgetOn('2025-03-10');
      const report = await sixMonthReport(handle.db, '2025-01-01', '2025-06-30');
      expect(report.province.mix).toEqual({ stageNow: { approved: 2, funded: 0, under_construction: 0, completed: 1, handed_over: 0 }, newBuild: 0, repair: 3, newBuildCompletedInPeriod: 0, repairCompletedInPeriod: 1 });
      // At the end of the previous half-year the same house was still under way.
      expect((await sixMonthReport(handle.db, '2024-07-01', '2024-12-31')).province.mix.stageNow).toEqual({ approved: 2, funded: 1, under_construction: 0, completed: 0, handed_over: 0 });
      expect(report.areas.map((a) => [a.code, a.mix.repair, a.money.stateBudgetVnd])).toEqual([['T-D', 3, 1_000_000]]);
      expect(report.communes.map((c) => [c.code, c.districtCode, c.mix.repair, c.mix.stageNow.completed, c.money.stateBudgetVnd])).toEqual([['T-D-A', 'T-D', 3, 1, 1_000_000], ['T-D-B', 'T-D', 0, 0, 0]]);
      expect(report.province.money.stateBudgetVnd).toBe(1_000_000);
      const text = reportDocument(report, '2025-07-04').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      expect(text).toContain('Phụ lục: theo xã');
      expect(text).toMatch(/Xã A T-D-A 2 0 0 1 0 0 3 0 \/ 1/);
    });

    it('writes a wide CSV: one row a place, one column a figure, whole đồng, the same figures as the report', async () => {
      await handle.db.execute(sql`UPDATE houses SET funded_on = '2024-09-01', construction_on = '2025-02-01', completed_on = '2025-05-01' WHERE id = ${world.houses[0]!.houseId}`);
      await budgetOn('2025-03-10');
      const report = await sixMonthReport(handle.db, '2025-01-01', '2025-06-30');
      const lines = reportCsv(report).split('\r\n').filter(Boolean).map((line) => line.split(','));
      const [header, ...rows] = lines;
      expect(rows.map((r) => r.slice(0, 4))).toEqual([['Tỉnh / Province', '', 'province', 'Thử'], ['Huyện / District', 'T-D', 'T-D', 'Huyện Thử'], ['Xã / Commune', 'T-D', 'T-D-A', 'Xã A'], ['Xã / Commune', 'T-D', 'T-D-B', 'Xã B']]);
      expect(lines.every((line) => line.length === header!.length)).toBe(true);
      const column = (label: string) => rows.map((r) => r[header!.indexOf(label)]);
      expect(column('Ngân sách nhà nước (đ) / State budget (VND)')).toEqual(['1000000', '1000000', '1000000', '0']);
      expect(column('Sửa chữa hoàn thành trong kỳ / Repair completed in period')).toEqual(['1', '1', '1', '0']);
      expect(column('Mục tiêu (nhà) / Target (houses)')).toEqual([String(report.campaign.targetHouses), '', '', '']);
      expect(column('Tiền mặt ủng hộ sau phí thẻ (đ) / Cash donations net of card fees (VND)')).toEqual([String(report.province.money.cashDonationsVnd), '', '', '']);
      // Money is written as whole đồng, never formatted with separators or a currency sign.
      for (const row of rows) for (const cell of row.slice(4)) expect(cell).toMatch(/^(-?\d+)?$/);
    });

    it('writes a PDF of the same report: heading, district table, commune annex and signatures, as text a reader can extract', async () => {
      await handle.db.execute(sql`UPDATE houses SET funded_on = '2024-09-01', construction_on = '2025-02-01', completed_on = '2025-05-01' WHERE id = ${world.houses[0]!.houseId}`);
      await budgetOn('2025-03-10');
      const report = await sixMonthReport(handle.db, '2025-01-01', '2025-06-30');
      const dir = mkdtempSync(join(tmpdir(), 'ancu-report-'));
      try {
        const file = join(dir, 'report.pdf');
        writeFileSync(file, await reportPdf(report, '2025-07-04'));
        const text = (await promisify(execFile)('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })).stdout.replace(/\s+/g, ' ');
        expect(text).toContain('ỦY BAN MTTQ VIỆT NAM TỈNH THỬ');
        expect(text).toContain('Độc lập – Tự do – Hạnh phúc');
        expect(text).toContain('Thử, ngày 04 tháng 07 năm 2025');
        expect(text).toContain('Từ ngày 01/01/2025 đến ngày 30/06/2025');
        expect(text).toMatch(/Huyện Thử 2 0 0 1 0 0 ?\/ ?3 1\.000\.000 ₫ 0 ?₫ 0 ?₫ 0 ?₫ 0 0 ?₫/);
        expect(text).toMatch(/Phụ lục: theo xã .*Xã A 2 0 0 1 0 0 ?\/ ?3 1\.000\.000 ₫.*Xã B 0 0 0 0 0 0 ?\/ ?0 0 ?₫/);
        expect(text).toMatch(/NGƯỜI LẬP BIỂU\s+KẾ TOÁN\s+TM\. BAN THƯỜNG TRỰC/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('counts labour days by kind of unit (a reversal taken back) and shows the district target an administrator set beside the houses completed', async () => {
      const houseId = world.houses[0]!.houseId;
      const labour = (unit: string, people: number, workedOn: string) => recordLabour(handle.db, {
        idempotencyKey: nextKey(), campaignId: world.campaignId, houseId, organisation: `Đơn vị ${unit}`, unit, people, days: 2, workedOn, donor: { kind: 'organisation', displayName: `Đơn vị ${unit}` },
      });
      await labour('army', 20, '2025-03-01');
      await labour('youth_union', 5, '2025-03-02');
      const wrong = await labour('neighbours', 7, '2025-03-03');
      await reverseEntry(handle.db, { idempotencyKey: nextKey(), entryId: wrong.result.entryId, reason: 'Ghi nhầm', requestedBy: 'hanh', occurredAt: '2025-03-04T03:00:00Z' });
      await labour('womens_union', 3, '2025-08-01');
      await handle.db.execute(sql`UPDATE houses SET funded_on = '2024-09-01', construction_on = '2025-02-01', completed_on = '2025-05-01' WHERE id = ${houseId}`);

      await saveStaffUser(handle.db, { username: 'admin', displayName: 'Quản trị', role: 'administrator', password: PASSWORD });
      const admin = await contextOf(handle.db, 'admin');
      const before = await handle.db.select().from(schema.areas).orderBy(schema.areas.id);
      const zero = await refusal(() => setTargetsAction(admin, formOf({ 'target-T-D': '0' })));
      expect(zero).toMatchObject({ status: 400, details: { field: 'target-T-D' } });
      expect(zero.message).toBe('Mục tiêu của Huyện Thử phải lớn hơn 0 (để trống nếu chưa có).');
      expect((await refusal(() => setTargetsAction(admin, formOf({ 'target-T-D': '1,5' })))).details).toMatchObject({ field: 'target-T-D' });
      expect(await handle.db.select().from(schema.areas).orderBy(schema.areas.id)).toEqual(before);
      expect((await setTargetsAction(admin, formOf({ 'target-T-D': '1.200' }))).vi).toBe('Đã lưu mục tiêu: Huyện Thử 1.200 nhà.');
      expect(await listAudit(handle.db, { action: 'area.targets' })).toMatchObject([{ outcome: 'ok', details: { targets: { 'T-D': 1200 } } }, { outcome: 'refused' }, { outcome: 'refused' }]);

      const report = await sixMonthReport(handle.db, '2025-01-01', '2025-06-30');
      expect(report.province.labourDaysByUnit).toEqual({ army: 40, youth_union: 10, womens_union: 0, neighbours: 0, other: 0 });
      expect(report.areas[0]).toMatchObject({ code: 'T-D', targetHouses: 1200, labourDaysByUnit: { army: 40, youth_union: 10 } });
      expect(report.province.money.labourPersonDays).toBe(50);
      const text = reportDocument(report, '2025-07-04').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      expect(text).toContain('Huyện Thử T-D 0 1 1 0 1 / 1.200 (0,1%)');
      expect(text).toContain('— theo loại đơn vị — by kind of unit Quân đội và biên phòng 40; Đoàn Thanh niên 10');
      const lines = reportCsv(report).split('\r\n').filter(Boolean).map((line) => line.split(','));
      const column = (name: string) => lines.slice(1).map((cells) => cells[lines[0]!.indexOf(name)]);
      expect(column('Mục tiêu (nhà) / Target (houses)')).toEqual([String(report.campaign.targetHouses), '1200', '', '']);
      expect(column('Ngày công — Quân đội và biên phòng / Labour days — Army and border guards')).toEqual(['40', '40', '40', '0']);
    });

    it('lists goods by item in their own units, across gifts, leaving out reversed gifts and other periods', async () => {
      const houseId = world.houses[0]!.houseId;
      const gift = (receivedAt: string, items: { name: string; quantity: number; unit: string; valueVnd: number }[]) =>
        recordInKind(handle.db, { idempotencyKey: nextKey(), campaignId: world.campaignId, houseId, items, receivedAt, donor: { kind: 'business', displayName: 'Công ty Vật liệu X' } });
      await gift('2025-03-01T03:00:00Z', [{ name: 'Xi măng', quantity: 2.5, unit: 'tấn', valueVnd: 4_000_000 }, { name: 'Gạch', quantity: 2000, unit: 'viên', valueVnd: 3_000_000 }]);
      await gift('2025-04-01T03:00:00Z', [{ name: 'xi măng ', quantity: 1, unit: 'tấn', valueVnd: 1_600_000 }]);
      const wrong = await gift('2025-04-02T03:00:00Z', [{ name: 'Gạch', quantity: 500, unit: 'viên', valueVnd: 750_000 }]);
      await reverseEntry(handle.db, { idempotencyKey: nextKey(), entryId: wrong.result.entryId, reason: 'Ghi nhầm', requestedBy: 'hanh', occurredAt: '2025-04-03T03:00:00Z' });
      await gift('2025-08-01T03:00:00Z', [{ name: 'Tôn', quantity: 30, unit: 'tấm', valueVnd: 2_000_000 }]);
      const report = await sixMonthReport(handle.db, '2025-01-01', '2025-06-30');
      expect(report.inKindItems).toEqual([
        { name: 'Xi măng', unit: 'tấn', quantity: 3.5, valueVnd: 5_600_000 },
        { name: 'Gạch', unit: 'viên', quantity: 2000, valueVnd: 3_000_000 },
      ]);
      // The items add up to the ledger's in-kind total for the period.
      expect(report.inKindItems.reduce((sum, item) => sum + item.valueVnd, 0)).toBe(report.province.money.inKindVnd);
      expect(reportDocument(report, '2025-07-04').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')).toContain('Xi măng 3,5 tấn 5.600.000 ₫');
    });
  });
}
