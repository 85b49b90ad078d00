// Bank transfers: VietQR pledges confirmed by importing the bank statement, on PGlite and PostgreSQL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import writeXlsxFile from 'write-excel-file/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema, type DbHandle } from '../../db/client';
import { DomainError } from '../../src/domain/errors';
import { verifyLedger } from '../../src/domain/verify';
import { parseGeneric, parseStatement } from '../../src/payments/bank-statement';
import { importStatement, reconcile } from '../../src/payments/bank-import';
import { createPledge, pledgeView, type PledgeRequest } from '../../src/payments/pledges';
import { fundBankAccount } from '../../src/payments/config';
import { donatePage, receiptPage } from '../../src/payments/donate-page';
import { parseVietQr } from '../../src/payments/vietqr';
import { readStatementFile } from '../../src/payments/statement-file';
import { vietcombankCsv, type FixtureRow } from '../../scripts/lib/statement-fixture';
import { buildWorld, give, nextKey, type World } from '../db/world';
import { decideDisbursement, proposeDisbursement } from '../../src/domain/disbursements';
import type { FreshDb } from '../db/harness';
import { intakeState } from './intake-world';

const dir = mkdtempSync(join(tmpdir(), 'ancu-bank-'));
let fileCounter = 0;

// Writes a statement file and reads it back as the import command would.
async function statementFile(rows: FixtureRow[], openingVnd = 0) {
  const path = join(dir, `statement-${++fileCounter}.csv`);
  writeFileSync(path, vietcombankCsv(rows, { openingVnd }));
  return readStatementFile(path);
}

async function importFile(handle: DbHandle, file: Awaited<ReturnType<typeof statementFile>>, batchSize?: number) {
  return importStatement(handle.db, parseStatement(file.table), file, { batchSize });
}

export function bankSuite(driver: string, fresh: FreshDb): void {
  describe(`bank transfers and statement import (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db);
    });
    afterEach(async () => { await handle?.close(); });

    const pledge = async (request: Partial<PledgeRequest> = {}) => (await createPledge(handle.db, {
      target: { type: 'general' }, amountVnd: 500_000, displayName: 'Chị Lan', anonymous: false, email: 'lan@example.vn', method: 'bank_transfer', ...request,
    })).pledge;

    it('confirms a transfer whose mangled memo carries the receipt code, allocating as the donor chose', async () => {
      const house = world.houses[1]!;
      const p = await pledge({ target: { type: 'house', houseCode: house.publicCode }, amountVnd: 2_000_000 });
      const mangled = `MBVCB.8812345.${p.receiptCode.toLowerCase().replace(/(.{4})/g, '$1 ')}.CT tu 0123456789 TRAN THI LAN toi 0011000000000`;
      const file = await statementFile([{ date: '05/09/2024 09:30', reference: 'FT24249001', creditVnd: 2_000_000, memo: mangled }], 10_000_000);
      const report = await importFile(handle, file);
      expect(report).toMatchObject({ alreadyImported: false, newRows: 1, matched: 1, matchedVnd: 2_000_000, review: {} });
      const view = await pledgeView(handle.db, p.receiptCode);
      expect(view?.pledge.status).toBe('confirmed');
      expect(view?.split).toEqual({ houseVnd: 2_000_000, communeVnd: 0, generalVnd: 0, feeVnd: 0 });
      const [contribution] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, view!.pledge.contributionId!));
      expect(contribution).toMatchObject({ receiptCode: p.receiptCode, channel: 'bank_transfer', targetHouseId: house.houseId });
      const [row] = await handle.db.select().from(schema.bankStatementRows);
      expect(row).toMatchObject({ status: 'matched', matchedCode: p.receiptCode, contributionId: contribution!.id });
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('changes nothing when the same statement, or another statement repeating its rows, is imported again', async () => {
      const p = await pledge({ amountVnd: 300_000 });
      const rows: FixtureRow[] = [
        { date: '05/09/2024', reference: 'FT1', creditVnd: 300_000, memo: `IBFT ${p.receiptCode}` },
        { date: '05/09/2024', creditVnd: 70_000, memo: 'ung ho dong bao' },
        { date: '05/09/2024', creditVnd: 70_000, memo: 'ung ho dong bao' },
      ];
      const file = await statementFile(rows);
      const first = await importFile(handle, file);
      expect(first).toMatchObject({ newRows: 3, matched: 1, review: { no_code: 2 } });
      const after = await intakeState(handle.db);
      expect(await importFile(handle, file)).toMatchObject({ alreadyImported: true });
      const overlapping = await statementFile([...rows, { date: '06/09/2024', reference: 'FT9', creditVnd: 90_000, memo: 'AC2222' }]);
      const second = await importFile(handle, overlapping);
      expect(second).toMatchObject({ alreadyImported: false, newRows: 1, matched: 0, review: { no_code: 1 } });
      const final = await intakeState(handle.db);
      expect({ ...final, bank_rows: 0, statements: 0, reviews: 0, keys: 0 }).toEqual({ ...after, bank_rows: 0, statements: 0, reviews: 0, keys: 0 });
      expect([final.bank_rows, final.reviews]).toEqual([4, 3]);
    });

    it('queues every row it cannot post, with its reason, and guesses nothing', async () => {
      const matched = await pledge({ amountVnd: 100_000 });
      const wrongAmount = await pledge({ amountVnd: 500_000 });
      const card = await pledge({ amountVnd: 100_000, method: 'bank_transfer' });
      await handle.db.update(schema.pledges).set({ method: 'card' }).where(eq(schema.pledges.id, card.id));
      const other = await pledge({ amountVnd: 100_000 });
      const file = await statementFile([
        { date: '05/09/2024', reference: 'A', creditVnd: 100_000, memo: `CK ${matched.receiptCode}` },
        { date: '05/09/2024', reference: 'B', creditVnd: 100_000, memo: `CK ${matched.receiptCode} lan 2` },
        { date: '05/09/2024', reference: 'C', creditVnd: 450_000, memo: `CK ${wrongAmount.receiptCode}` },
        { date: '05/09/2024', reference: 'D', creditVnd: 100_000, memo: `CK ${card.receiptCode}` },
        { date: '05/09/2024', reference: 'E', creditVnd: 100_000, memo: `CK ${matched.receiptCode} ${other.receiptCode}` },
        { date: '05/09/2024', reference: 'F', creditVnd: 100_000, memo: 'ung ho khong ghi ma' },
        { date: '05/09/2024', reference: 'G', debitVnd: 50_000, memo: 'Phi dich vu' },
      ], 1_000_000);
      const report = await importFile(handle, file, 3);
      // The bank's charge is posted, paid by the general fund from the one gift it holds.
      expect(report).toMatchObject({ newRows: 7, matched: 1, debits: 1, paymentsMatched: 0, movements: 1, reviewVnd: 850_000 });
      expect(report.review).toEqual({ pledge_not_pending: 1, amount_mismatch: 1, pledge_is_card: 1, multiple_codes: 1, no_code: 1 });
      const reviews = await handle.db.select().from(schema.paymentReviews).orderBy(schema.paymentReviews.id);
      expect(reviews.map((r) => r.reason)).toEqual(['pledge_not_pending', 'amount_mismatch', 'pledge_is_card', 'multiple_codes', 'no_code']);
      expect((await pledgeView(handle.db, wrongAmount.receiptCode))?.pledge.status).toBe('pending');
      expect((await pledgeView(handle.db, other.receiptCode))?.pledge.status).toBe('pending');
      const r = await reconcile(handle.db, report.statementId);
      expect(r).toMatchObject({ openingBalanceVnd: 1_000_000, closingBalanceVnd: 1_900_000, creditsVnd: 950_000, debitsVnd: 50_000, selfConsistent: true, matchedVnd: 100_000, awaitingReviewVnd: 850_000, ledgerBankVnd: 50_000, differenceVnd: 1_850_000 });
    });

    it('matches each debit to the approved payment it paid, once; strangers, and a charge the general fund cannot pay, wait for review', async () => {
      const [a, b] = world.houses;
      await give(handle.db, world, { amountVnd: 20_000_000, target: { type: 'house', houseId: a!.houseId } });
      await give(handle.db, world, { amountVnd: 20_000_000, target: { type: 'house', houseId: b!.houseId } });
      const pay = async (houseId: number, amountVnd: number, approve = true) => {
        const { result } = await proposeDisbursement(handle.db, { idempotencyKey: nextKey(), houseId, amountVnd, purpose: 'Đợt 1', recordedBy: 'An', recordedAt: '2024-09-02' });
        if (approve) await decideDisbursement(handle.db, { idempotencyKey: nextKey(), disbursementId: result.disbursementId, decidedBy: 'Bình', decidedAt: '2024-09-03T02:00:00Z', approve: true });
        return result.disbursementId;
      };
      const toA = await pay(a!.houseId, 10_000_000);
      const toB = await pay(b!.houseId, 10_000_000);
      const pending = await pay(b!.houseId, 3_000_000, false);
      const file = await statementFile([
        { date: '04/09/2024', reference: 'P1', debitVnd: 10_000_000, memo: `Chi tra ho gia dinh ${b!.publicCode} dot 1` },
        { date: '05/09/2024', reference: 'P2', debitVnd: 10_000_000, memo: 'Chi tra ho gia dinh' },
        { date: '05/09/2024', reference: 'P3', debitVnd: 10_000_000, memo: 'Chi tra ho gia dinh lan nua' },
        { date: '05/09/2024', reference: 'P4', debitVnd: 3_000_000, memo: 'Chi chua duyet' },
        { date: '30/09/2024', reference: 'P5', debitVnd: 11_000, memo: 'Phi quan ly tai khoan' },
      ], 50_000_000);
      const report = await importFile(handle, file);
      expect(report).toMatchObject({ debits: 5, paymentsMatched: 2, review: { unmatched_debit: 2, posting_refused: 1 } });
      const rows = await handle.db.select().from(schema.bankStatementRows).orderBy(schema.bankStatementRows.lineNo);
      expect(rows.map((r) => [r.reference, r.status, r.disbursementId])).toEqual([
        ['P1', 'matched', toB], ['P2', 'matched', toA], ['P3', 'review', null], ['P4', 'review', null], ['P5', 'review', null],
      ]);
      expect(rows.some((r) => r.disbursementId === pending)).toBe(false);
      // Another statement repeating the month claims nothing twice.
      const again = await statementFile([{ date: '04/09/2024', reference: 'P1', debitVnd: 10_000_000, memo: `Chi tra ho gia dinh ${b!.publicCode} dot 1` }], 50_000_000);
      expect(await importFile(handle, again)).toMatchObject({ newRows: 0, paymentsMatched: 0 });
    });

    it('refuses a file with a broken row whole, naming the line, and changes nothing', async () => {
      const p = await pledge({ amountVnd: 100_000 });
      const good = vietcombankCsv([
        { date: '05/09/2024', reference: 'A', creditVnd: 100_000, memo: `CK ${p.receiptCode}` },
        { date: '05/09/2024', reference: 'B', creditVnd: 20_000, memo: 'x' },
      ]);
      const path = join(dir, 'broken.csv');
      writeFileSync(path, good.replace('"20,000"', '"twenty"'));
      const before = await intakeState(handle.db);
      const file = await readStatementFile(path);
      const error = await (async () => importFile(handle, file))().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).status).toBe(400);
      expect((error as DomainError).messageEn).toMatch(/^Line 7: Credit "twenty" is not a number/);
      expect(await intakeState(handle.db)).toEqual(before);
    });

    it('reads an XLSX export and a generic layout with column mapping', async () => {
      const p = await pledge({ amountVnd: 150_000, target: { type: 'commune', areaId: world.communeA } });
      const q = await pledge({ amountVnd: 250_000 });
      const path = join(dir, 'statement.xlsx');
      await writeXlsxFile([
        [{ value: 'Số tài khoản / Account number:' }, { value: '0011000000000' }],
        ['STT', 'Ngày giao dịch', 'Số tham chiếu', 'Số tiền ghi nợ', 'Số tiền ghi có', 'Số dư', 'Nội dung chi tiết'].map((value) => ({ value })),
        [{ value: 1, type: Number }, { value: new Date(Date.UTC(2024, 8, 5)), type: Date, format: 'dd/mm/yyyy' }, { value: 'X1' }, null, { value: 150_000, type: Number }, { value: 150_000, type: Number }, { value: `chuyen tien ${p.receiptCode}` }],
      ]).toFile(path);
      const xlsx = await readStatementFile(path);
      const report = await importStatement(handle.db, parseStatement(xlsx.table), xlsx);
      expect(report).toMatchObject({ matched: 1, matchedVnd: 150_000 });
      expect((await pledgeView(handle.db, p.receiptCode))?.split).toMatchObject({ communeVnd: 150_000 });
      const csvPath = join(dir, 'generic.csv');
      writeFileSync(csvPath, `Posting date,Amount,Narrative\n2024-09-06,250000,TRANSFER ${q.receiptCode.toLowerCase()}\n`);
      const generic = await readStatementFile(csvPath);
      const second = await importStatement(handle.db, parseGeneric(generic.table, { date: 'Posting date', amount: 'Amount', memo: 'Narrative' }), generic);
      expect(second).toMatchObject({ matched: 1 });
      expect((await pledgeView(handle.db, q.receiptCode))?.pledge.status).toBe('confirmed');
    });

    it('refuses a pledge for a fully funded house (suggesting its commune) and bad amounts, changing nothing', async () => {
      const house = world.houses[0]!;
      await createPledge(handle.db, { target: { type: 'house', houseCode: house.publicCode }, amountVnd: 30_000_000, displayName: null, anonymous: true, email: null, method: 'bank_transfer' })
        .then(async ({ pledge: p }) => importFile(handle, await statementFile([{ date: '05/09/2024', reference: 'Z', creditVnd: 30_000_000, memo: p.receiptCode }])));
      const before = await intakeState(handle.db);
      const error = await pledge({ target: { type: 'house', houseCode: house.publicCode } }).catch((e: unknown) => e as DomainError);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ status: 409, code: 'house_fully_funded', details: { suggestCommuneId: world.communeA } });
      expect((error as DomainError).message).toMatch(/đã đủ kinh phí.*Xã A/);
      expect(await intakeState(handle.db)).toEqual(before);
    });
    it('serves the form without Stripe: the card option says so, a card POST is refused, a bank POST gets a VietQR receipt', async () => {
      const runtime = { db: handle.db, bank: fundBankAccount({}) };
      const get = await donatePage(runtime, new Request(`http://127.0.0.1/ung-ho?house=${world.houses[0]!.publicCode}`), 'vi');
      expect(get).toMatchObject({ status: 200, model: { cardEnabled: false, values: { target: 'house', house: world.houses[0]!.publicCode }, house: { remainingVnd: 30_000_000 } } });
      const post = (fields: Record<string, string>) => donatePage(runtime, new Request('http://127.0.0.1/ung-ho', { method: 'POST', body: new URLSearchParams(fields) }), 'vi');
      const before = await intakeState(handle.db);
      const card = await post({ target: 'general', amountQuick: '200000', anonymous: 'on', method: 'card' });
      expect(card).toMatchObject({ status: 409, model: { notice: { en: expect.stringMatching(/not configured/) } } });
      const fraction = await post({ target: 'general', amount: '200.000,5', anonymous: 'on', method: 'bank_transfer' });
      expect(fraction).toMatchObject({ status: 400, model: { errors: [{ field: 'amount', vi: expect.stringMatching(/số đồng nguyên/) }] } });
      expect(await intakeState(handle.db)).toEqual(before);
      const bank = await post({ target: 'commune', commune: String(world.communeA), amount: '250.000', displayName: 'Tổ dân phố 3', method: 'bank_transfer' });
      expect(bank).toMatchObject({ redirect: expect.stringMatching(/^\/ung-ho\/AC[0-9A-Z]{8}$/) });
      const code = (bank as { redirect: string }).redirect.split('/').at(-1)!;
      const receipt = await receiptPage(runtime, code, 'vi');
      expect(receipt?.qr?.svg).toMatch(/^<svg/);
      expect(parseVietQr(receipt!.qr!.payload)).toMatchObject({ '38.01.00': '970436', '38.01.01': '0011000000000', '54': '250000', '62.08': code });
    });
  });
}
