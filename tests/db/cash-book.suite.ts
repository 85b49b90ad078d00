// The two-sided sao kê and the monthly reconciliation as published: transfers confirmed by a statement,
// a payment to a household matched to its debit, a credit left for staff; on one driver.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '../../db/client';
import { sql } from 'drizzle-orm';
import { decideDisbursement, proposeDisbursement } from '../../src/domain/disbursements';
import { importStatement, reconcile } from '../../src/payments/bank-import';
import { recordOpeningBalance } from '../../src/domain/treasury';
import { OPENING_BALANCE_DONOR } from '../../src/ledger/descriptions';
import { DomainError } from '../../src/domain/errors';
import { feedPayload, postFeedTransaction } from '../../src/payments/bank-feed';
import { parseStatement } from '../../src/payments/bank-statement';
import { createPledge } from '../../src/payments/pledges';
import { readStatementFile } from '../../src/payments/statement-file';
import { CASH_BOOK_FILES, type CashBookIndex, type CashBookRow } from '../../src/publish/cash-book';
import { publishDataset } from '../../src/publish/export';
import { generatePrivateKey, signerFromPrivateKey } from '../../src/publish/tlog/signer';
import { verifyDataset } from '../../src/publish/verify-dataset';
import { forgeWithKey } from './forge';
import { FILES, type Checkpoint, type PublicContribution } from '../../src/publish/format';
import { recordInKind, recordLabour } from '../../src/domain/contributions';
import { bankSheet, sheetCsv } from '../../scripts/lib/statement-fixture';
import { buildWorld, nextKey, type World } from './world';
import type { FreshDb } from './harness';

export function cashBookSuite(driver: string, fresh: FreshDb): void {
  describe(`two-sided sao kê and reconciliation (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    let dir: string;
    const read = <T>(path: string) => JSON.parse(readFileSync(join(dir, 'data', path), 'utf8')) as T;
    const signer = signerFromPrivateKey(generatePrivateKey('an-cu.test/journal'));
    // The published index.json edited and re-signed by someone holding the fund's key: verify-dataset's answer.
    const forgedIndex = async (edit: (index: CashBookIndex) => void) => {
      const forged = join(dir, 'forged');
      rmSync(forged, { recursive: true, force: true });
      cpSync(join(dir, 'data'), forged, { recursive: true });
      const index = read<CashBookIndex>(CASH_BOOK_FILES.index);
      edit(index);
      writeFileSync(join(forged, CASH_BOOK_FILES.index), `${JSON.stringify(index)}\n`);
      forgeWithKey(forged, signer, [CASH_BOOK_FILES.index]);
      return (await verifyDataset(forged, { key: signer.verifierKey })).fault;
    };
    beforeEach(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db);
      dir = mkdtempSync(join(tmpdir(), 'ancu-cash-book-'));
    });
    afterEach(async () => {
      await handle?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows money in and out of the bank with balances that end at the ledger, and ties the statement out to the rows awaiting review', async () => {
      const house = world.houses[0]!;
      const pledge = async (amountVnd: number) => (await createPledge(handle.db, {
        target: { type: 'house', houseCode: house.publicCode }, amountVnd, displayName: 'Chị Lan', anonymous: false, email: null, method: 'bank_transfer',
      })).pledge;
      const a = await pledge(5_000_000);
      const b = await pledge(7_000_000);
      // September: two transfers confirmed; October: the payment to the household, and a stranger's credit.
      const rows = [
        { date: '05/09/2024', reference: 'FT1', creditVnd: 5_000_000, memo: `ung ho ${a.receiptCode}` },
        { date: '20/09/2024', reference: 'FT2', creditVnd: 7_000_000, memo: `ung ho ${b.receiptCode}` },
      ];
      const september = join(dir, 'sep.csv');
      writeFileSync(september, sheetCsv(bankSheet('bidv', rows)));
      const sepFile = await readStatementFile(september);
      await importStatement(handle.db, parseStatement(sepFile.table), sepFile);
      const { result } = await proposeDisbursement(handle.db, { idempotencyKey: nextKey(), houseId: house.houseId, amountVnd: 9_000_000, purpose: 'Đợt 1', recordedBy: 'An', recordedAt: '2024-10-02' });
      await decideDisbursement(handle.db, { idempotencyKey: nextKey(), disbursementId: result.disbursementId, decidedBy: 'Bình', decidedAt: '2024-10-03T02:00:00Z', approve: true });
      const october = join(dir, 'oct.csv');
      writeFileSync(october, sheetCsv(bankSheet('bidv', [
        { date: '04/10/2024', reference: 'FT3', debitVnd: 9_000_000, memo: `Chi tra ${house.publicCode}` },
        { date: '15/10/2024', reference: 'FT4', creditVnd: 300_000, memo: 'ung ho' },
      ], { openingVnd: 12_000_000 })));
      const octFile = await readStatementFile(october);
      await importStatement(handle.db, parseStatement(octFile.table), octFile);

      // The bank feed reported a gift the October statement does not contain: named, and unexplained.
      const c = await pledge(200_000);
      await postFeedTransaction(handle.db, feedPayload.parse({
        id: 9, gateway: 'BIDV', transactionDate: '2024-10-20 08:00:00', accountNumber: '0011000000000', content: `CK ${c.receiptCode}`,
        transferType: 'in', transferAmount: 200_000, referenceCode: 'FT9',
      }));
      await recordInKind(handle.db, { idempotencyKey: nextKey(), campaignId: world.campaignId, houseId: house.houseId, receivedAt: '2024-09-01', donor: { kind: 'business', displayName: 'Công ty Xi măng' }, items: [{ name: 'Xi măng', quantity: 3, unit: 'tấn', valueVnd: 4_800_000 }] });
      await recordLabour(handle.db, { idempotencyKey: nextKey(), campaignId: world.campaignId, houseId: house.houseId, organisation: 'Ban Chỉ huy Quân sự huyện', unit: 'army', people: 10, days: 4, workedOn: '2024-09-05', donor: { kind: 'organisation', displayName: 'Ban Chỉ huy Quân sự huyện' } });
      await publishDataset(handle.db, join(dir, 'data'), { signer });
      expect((await verifyDataset(join(dir, 'data'), { key: signer.verifierKey })).fault).toBeUndefined();
      const index = read<CashBookIndex>(CASH_BOOK_FILES.index);
      const bank = index.accounts.find((x) => x.account === 'cash_bank')!;
      // Goods and labour on their own tabs, in their own units; neither touches a cash account.
      expect(index.units).toEqual({ in_kind: { gifts: 1, pages: 1 }, labour: { gifts: 1, pages: 1 } });
      expect(read<PublicContribution[]>(CASH_BOOK_FILES.units('in_kind', 1))[0]!.items).toEqual([{ name: 'Xi măng', quantity: 3, unit: 'tấn', value_vnd: 4_800_000 }]);
      expect(read<PublicContribution[]>(CASH_BOOK_FILES.units('labour', 1))[0]!.labour).toMatchObject({ people: 10, days: 4, person_days: 40 });
      expect(bank.months.map((m) => [m.month, m.opening_vnd, m.in_vnd, m.out_vnd, m.closing_vnd, m.pages])).toEqual([
        ['2024-09', 0, 12_000_000, 0, 12_000_000, 1], ['2024-10', 12_000_000, 200_000, 9_000_000, 3_200_000, 1],
      ]);
      const [ledger] = await queryRows<{ balance: number }>(handle.db, sql`SELECT coalesce(sum(amount_vnd), 0) AS balance FROM journal_lines WHERE account = 'cash_bank'`);
      expect(bank.months.at(-1)!.closing_vnd).toBe(Number(ledger!.balance));
      expect(read<Checkpoint>(FILES.checkpoint).account_balances.cash_bank).toBe(3_200_000);

      const sep = read<CashBookRow[]>(CASH_BOOK_FILES.page('cash_bank', '2024-09', 1));
      expect(sep.map((r) => [r.receipt_code, r.house_code, r.in_vnd, r.out_vnd, r.balance_vnd])).toEqual([
        [a.receiptCode, house.publicCode, 5_000_000, 0, 5_000_000], [b.receiptCode, house.publicCode, 7_000_000, 0, 12_000_000],
      ]);
      const oct = read<CashBookRow[]>(CASH_BOOK_FILES.page('cash_bank', '2024-10', 1));
      expect(oct.map((r) => [r.kind, r.house_code, r.in_vnd, r.out_vnd, r.balance_vnd])).toEqual([
        ['disbursement', house.publicCode, 0, 9_000_000, 3_000_000], ['contribution', house.publicCode, 200_000, 0, 3_200_000],
      ]);
      // The CSV holds exactly the rows the pages show, field for field.
      const csv = parse(readFileSync(join(dir, 'data', CASH_BOOK_FILES.csv('cash_bank', '2024-09')), 'utf8'), { columns: true }) as Record<string, string>[];
      expect(csv.map((r) => [r.receipt_code, Number(r.in_vnd), Number(r.out_vnd), Number(r.balance_vnd), r.description])).toEqual(sep.map((r) => [r.receipt_code, r.in_vnd, r.out_vnd, r.balance_vnd, r.description]));

      expect(index.reconciliation.map((m) => [m.month, m.account, m.statement_closing_vnd, m.ledger_closing_vnd, m.difference_vnd, m.awaiting_net_vnd, m.unexplained_vnd])).toEqual([
        ['2024-09', '…0000', 12_000_000, 12_000_000, 0, 0, 0], ['2024-10', '…0000', 3_300_000, 3_200_000, 100_000, 300_000, -200_000],
      ]);
      expect(index.reconciliation.map((m) => m.feed_only)).toEqual([[], [{ booked_at: '2024-10-20T01:00:00.000Z', in_vnd: 200_000, out_vnd: 0 }]]);
      expect(index.reconciliation[1]!.awaiting).toEqual([{ booked_at: '2024-10-14T17:00:00.000Z', in_vnd: 300_000, out_vnd: 0, reason: 'no_code' }]);
      expect(JSON.stringify(index)).not.toContain('ung ho');
      // The ledger's side of the reconciliation and its sums are recomputed; the statement's figures are not in the chain.
      expect(await forgedIndex((i) => { i.reconciliation[1]!.ledger_closing_vnd += 100_000; })).toMatchObject({ file: CASH_BOOK_FILES.index, reason: 'reconciliation[1] (2024-10): ledger_closing_vnd is 3300000, the chain gives 3200000' });
      expect(await forgedIndex((i) => { i.reconciliation[1]!.unexplained_vnd = 0; })).toMatchObject({ file: CASH_BOOK_FILES.index, reason: 'reconciliation[1] (2024-10): unexplained_vnd is 0, the chain gives -200000' });
      expect(await forgedIndex((i) => { i.units.labour.gifts = 2; })).toMatchObject({ file: CASH_BOOK_FILES.index, reason: 'units.labour: gifts is 2, the chain gives 1' });
    });

    it("starts the ledger's bank account at the statement's opening balance, recorded once, so the first month ties out and the sao kê shows it", async () => {
      const opening = { amountVnd: 20_000_000, asOf: '2024-08-31T17:00:00Z', recordedBy: 'An' };
      const { result } = await recordOpeningBalance(handle.db, opening);
      expect((await recordOpeningBalance(handle.db, opening)).replayed).toBe(true);
      const refused = await recordOpeningBalance(handle.db, { ...opening, amountVnd: 21_000_000 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).code).toBe('opening_balance_recorded');
      const path = join(dir, 'sep.csv');
      writeFileSync(path, sheetCsv(bankSheet('vietcombank', [
        { date: '05/09/2024', reference: 'FT1', creditVnd: 5_000_000, memo: 'ung ho khong ma' },
        { date: '30/09/2024', reference: 'FT2', debitVnd: 11_000, memo: 'Phi quan ly tai khoan' },
      ], { openingVnd: 20_000_000 })));
      const file = await readStatementFile(path);
      const report = await importStatement(handle.db, parseStatement(file.table), file);
      // The stranger's credit waits for staff: the one difference, and named.
      expect(await reconcile(handle.db, report.statementId)).toMatchObject({ openingBalanceVnd: 20_000_000, closingBalanceVnd: 24_989_000, ledgerOpeningVnd: 20_000_000, ledgerBankVnd: 19_989_000, differenceVnd: 5_000_000, awaitingReviewVnd: 5_000_000 });
      await publishDataset(handle.db, join(dir, 'data'), { signer });
      expect((await verifyDataset(join(dir, 'data'), { key: signer.verifierKey })).fault).toBeUndefined();
      const index = read<CashBookIndex>(CASH_BOOK_FILES.index);
      // The balance brought forward is its gift's bank line in the journal.
      expect(await forgedIndex((i) => { i.opening_balance!.amount_vnd = 25_000_000; })).toMatchObject({ file: CASH_BOOK_FILES.index, entryId: result.entryId, reason: 'opening_balance: amount_vnd is 25000000, the chain gives 20000000' });
      expect(await forgedIndex((i) => { i.opening_balance = null; })).toMatchObject({ file: CASH_BOOK_FILES.index, reason: expect.stringMatching(/committed as the balance brought forward/) });
      expect(index.opening_balance).toMatchObject({ as_of: '2024-08-31T17:00:00.000Z', amount_vnd: 20_000_000 });
      expect(index.reconciliation.map((m) => [m.month, m.statement_closing_vnd, m.ledger_closing_vnd, m.difference_vnd, m.unexplained_vnd])).toEqual([['2024-09', 24_989_000, 19_989_000, 5_000_000, 0]]);
      const rows = read<CashBookRow[]>(CASH_BOOK_FILES.page('cash_bank', '2024-09', 1));
      expect(rows.map((r) => [r.receipt_code, r.in_vnd, r.out_vnd, r.balance_vnd])).toEqual([[index.opening_balance!.receipt_code, 20_000_000, 0, 20_000_000], [null, 0, 11_000, 19_989_000]]);
      // Its receipt names where it came from, as the public ledger of gifts shows it.
      const gift = read<PublicContribution[]>(FILES.ledgerPage(1)).find((c) => c.receipt_code === index.opening_balance!.receipt_code);
      expect(JSON.stringify(gift)).toContain(OPENING_BALANCE_DONOR);
      const [posted] = await queryRows<{ kind: string }>(handle.db, sql`SELECT kind FROM journal_entries WHERE id = ${result.entryId}`);
      expect(posted!.kind).toBe('contribution');
    });
  });
}
