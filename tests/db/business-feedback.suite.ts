// Businesses and the public's questions, on one driver: a company's gifts by tax code are one private
// donor record, its confirmation (one gift, or a year) states the gifts and where they went and never
// comes out for a wrong tax code; questions are recorded without personal data, answered with an audit
// entry, and published only when staff say so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { giftConfirmation, yearConfirmation } from '../../src/confirmations/gifts';
import { answerFeedback, feedbackByCode, feedbackForm, publishedFeedback, submitFeedback } from '../../src/feedback/feedback';
import { importStatement } from '../../src/payments/bank-import';
import { parseStatement } from '../../src/payments/bank-statement';
import { createPledge, readPledgeForm, type PledgeRequest } from '../../src/payments/pledges';
import { readStatementFile } from '../../src/payments/statement-file';
import { vietcombankCsv } from '../../scripts/lib/statement-fixture';
import { refusal } from '../refusal';
import type { FreshDb } from './harness';
import { buildWorld, type World } from './world';

export function businessFeedbackSuite(driver: string, fresh: FreshDb): void {
  describe(`businesses and the public's questions (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    let dir: string;
    const codes: string[] = [];

    // The donation form as a business fills it, read by the same code as the page.
    const businessPledge = (fields: Record<string, string>): PledgeRequest => {
      const read = readPledgeForm({ target: 'house', house: world.houses[0]!.publicCode, amount: '3.000.000', displayName: 'Công ty Hòa Bình', method: 'bank_transfer', ...fields });
      if (!read.ok) throw new Error(JSON.stringify(read.errors));
      return read.request;
    };

    beforeAll(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db, 2);
      dir = mkdtempSync(join(tmpdir(), 'ancu-business-'));
      // Two gifts typed two ways under one tax code, one gift from someone else; the bank pays all three.
      const first = await createPledge(handle.db, businessPledge({ companyName: 'Công ty TNHH Hòa Bình', taxCode: '0101234567' }));
      const second = await createPledge(handle.db, businessPledge({ companyName: 'Công ty TNHH Hòa Bình', taxCode: ' 0101 234 567 ', amount: '2.000.000' }));
      const other = await createPledge(handle.db, businessPledge({ companyName: 'Chi nhánh Sơn Lâm', taxCode: '0309876543001', displayName: 'Sơn Lâm' }));
      codes.push(first.pledge.receiptCode, second.pledge.receiptCode, other.pledge.receiptCode);
      const path = join(dir, 'statement.csv');
      writeFileSync(path, vietcombankCsv([
        { date: '05/03/2025', creditVnd: 3_000_000, memo: `CT TNHH HOA BINH ${codes[0]} ung ho` },
        { date: '06/03/2025', creditVnd: 2_000_000, memo: `HOA BINH ${codes[1]}` },
        { date: '07/03/2025', creditVnd: 3_000_000, memo: `SON LAM ${codes[2]}` },
      ]));
      const file = await readStatementFile(path);
      const report = await importStatement(handle.db, parseStatement(file.table), file);
      expect(report).toMatchObject({ matched: 3 });
    });
    afterAll(async () => {
      await handle?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('refuses a company without a tax code, a tax code of the wrong length, and keeps the tax code in one form', () => {
      const errors = (fields: Record<string, string>) => {
        const read = readPledgeForm({ target: 'general', amount: '200000', anonymous: 'on', method: 'bank_transfer', ...fields });
        return read.ok ? [] : read.errors.map((e) => [e.field, e.vi]);
      };
      expect(errors({ companyName: 'Công ty A' })).toEqual([['taxCode', expect.stringContaining('10 chữ số')]]);
      expect(errors({ taxCode: '0101234567' })).toEqual([['companyName', expect.stringContaining('mã số thuế')]]);
      expect(errors({ companyName: 'Công ty A', taxCode: '01012345' })).toEqual([['taxCode', expect.stringContaining('10 chữ số')]]);
      expect(errors({ companyName: 'Công ty A', taxCode: '0101234567-00' })).toHaveLength(1);
      const read = readPledgeForm({ target: 'general', amount: '200000', anonymous: 'on', method: 'bank_transfer', companyName: 'Công ty A', taxCode: '0309876543 001' });
      expect(read.ok && read.request.business).toEqual({ companyName: 'Công ty A', taxCode: '0309876543-001' });
    });

    it('records a returning business as one private donor, found by its tax code however it was typed', async () => {
      const rows = await queryRows<{ receipt_code: string; donor_id: number; kind: string; tax_code: string }>(handle.db, sql`
        SELECT c.receipt_code, c.donor_id, d.kind, d.tax_code FROM contributions c JOIN donors d ON d.id = c.donor_id ORDER BY c.id`);
      const byCode = new Map(rows.map((r) => [r.receipt_code, r]));
      expect(byCode.get(codes[0]!)).toMatchObject({ kind: 'business', tax_code: '0101234567' });
      expect(Number(byCode.get(codes[1]!)!.donor_id)).toBe(Number(byCode.get(codes[0]!)!.donor_id));
      expect(byCode.get(codes[2]!)).toMatchObject({ kind: 'business', tax_code: '0309876543-001' });
      expect(Number(byCode.get(codes[2]!)!.donor_id)).not.toBe(Number(byCode.get(codes[0]!)!.donor_id));
    });

    it("confirms one gift by receipt code and tax code: the company, the amount and the house it reached", async () => {
      const doc = await giftConfirmation(handle.db, { code: codes[1]!, taxCode: '0101234567' });
      expect(doc.company).toEqual({ name: 'Công ty TNHH Hòa Bình', taxCode: '0101234567' });
      expect(doc.gifts).toHaveLength(1);
      expect(doc.gifts[0]).toMatchObject({ receiptCode: codes[1], amountVnd: 2_000_000, channel: 'bank_transfer', inPoolVnd: 0 });
      expect(doc.gifts[0]!.houses).toEqual([{ code: world.houses[0]!.publicCode, commune: 'Xã A', amountVnd: 2_000_000 }]);
      const [entry] = await queryRows<{ id: number; hash: string }>(handle.db, sql`
        SELECT e.id, e.hash FROM journal_entries e JOIN contributions c ON c.id = e.contribution_id WHERE c.receipt_code = ${codes[1]!} AND e.kind = 'contribution'`);
      expect(doc.gifts[0]).toMatchObject({ entryId: Number(entry!.id), entryHash: entry!.hash });
      expect(doc.totalVnd).toBe(2_000_000);
    });

    it('gives nothing for a receipt code with another tax code, or for a pledge not yet paid', async () => {
      const wrong = await refusal(() => giftConfirmation(handle.db, { code: codes[0]!, taxCode: '0309876543-001' }));
      expect(wrong).toMatchObject({ status: 404, message: expect.stringContaining('Không tìm thấy') });
      const unpaid = await createPledge(handle.db, businessPledge({ companyName: 'Công ty TNHH Hòa Bình', taxCode: '0101234567' }));
      expect(await refusal(() => giftConfirmation(handle.db, { code: unpaid.pledge.receiptCode, taxCode: '0101234567' }))).toMatchObject({ status: 404 });
    });

    it("confirms a company's year: both gifts, their total, nothing from another company or another year", async () => {
      const doc = await yearConfirmation(handle.db, { taxCode: '0101234567', year: 2025 });
      expect(doc.year).toBe(2025);
      expect(doc.gifts.map((g) => g.receiptCode)).toEqual([codes[0], codes[1]]);
      expect(doc.totalVnd).toBe(5_000_000);
      expect(await refusal(() => yearConfirmation(handle.db, { taxCode: '0101234567', year: 2024 }))).toMatchObject({ status: 404 });
    });

    it('records a question without personal data and gives it a tracking code', async () => {
      const parse = (fields: Record<string, string>) => feedbackForm.safeParse({ topic: 'house', question: 'Nhà này đã làm móng chưa ạ?', ...fields });
      expect(parse({ question: 'Gọi tôi: 0912 345 678 nhé' }).error?.issues[0]?.message).toContain('số điện thoại');
      expect(parse({ question: 'Email tôi: an@example.com, xin trả lời' }).error?.issues[0]?.message).toContain('email');
      expect(parse({ question: 'ngắn' }).error?.issues[0]?.message).toContain('ít nhất 10');
      expect(parse({ topic: 'nothing' }).success).toBe(false);
      expect(parse({ houseCode: 'nha 12' }).error?.issues[0]?.message).toContain('BK-00012');
      expect(await refusal(() => submitFeedback(handle.db, parse({ houseCode: 'T-99999' }).data!))).toMatchObject({ status: 404 });
      const before = await handle.db.select().from(schema.feedback);
      expect(before).toEqual([]);

      const row = await submitFeedback(handle.db, parse({ houseCode: world.houses[1]!.publicCode.toLowerCase() }).data!);
      expect(row.trackingCode).toMatch(/^GY[0-9A-Z]{8}$/);
      expect(await feedbackByCode(handle.db, row.trackingCode)).toMatchObject({ status: 'open', houseCode: world.houses[1]!.publicCode, answer: null });
      expect(await publishedFeedback(handle.db)).toEqual([]);
    });

    it('publishes an answer only when staff choose to, with an audit entry for each answer', async () => {
      const asked = await submitFeedback(handle.db, { topic: 'selection', question: 'Vì sao hộ bên cạnh không được chọn?' });
      const staff = { actor: 'canbo1', ip: '127.0.0.1' };
      await answerFeedback(handle.db, staff, { id: asked.id, answer: 'Hộ đó đã được hỗ trợ năm 2023.', publish: false });
      expect((await publishedFeedback(handle.db)).map((f) => f.id)).not.toContain(asked.id);
      await answerFeedback(handle.db, staff, { id: asked.id, answer: 'Hộ đó đã được hỗ trợ năm 2023 theo biên bản số 4.', publish: true });
      const published = await publishedFeedback(handle.db);
      expect(published.find((f) => f.id === asked.id)).toMatchObject({ question: asked.question, answer: 'Hộ đó đã được hỗ trợ năm 2023 theo biên bản số 4.', answeredBy: 'canbo1' });
      const audits = await handle.db.select().from(schema.auditLog).where(eq(schema.auditLog.target, `feedback:${asked.id}`));
      expect(audits.map((a) => [a.actor, a.action, (a.details as { published: boolean }).published])).toEqual([['canbo1', 'feedback.answer', false], ['canbo1', 'feedback.answer', true]]);
      expect(await refusal(() => answerFeedback(handle.db, staff, { id: 999_999, answer: 'Không có', publish: true }))).toMatchObject({ status: 404 });
    });
  });
}
