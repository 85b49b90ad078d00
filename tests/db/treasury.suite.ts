// Treasury movements on both databases: Stripe payouts (signed webhook and statement credit), office
// deposits, bank charges and interest each post once, under duplicates and in any order; no cash
// account goes below zero, whichever path posts and however postings race.
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, schema, type Db, type DbHandle } from '../../db/client';
import { allocateFromPool } from '../../src/domain/allocations';
import { decideDisbursement, proposeDisbursement } from '../../src/domain/disbursements';
import { DomainError } from '../../src/domain/errors';
import { recordCashTransfer } from '../../src/domain/treasury';
import { verifyLedger } from '../../src/domain/verify';
import { importRows, noRows } from '../../src/payments/bank-import';
import type { WebhookDeps } from '../../src/payments/stripe';
import { startStripeStandIn, stripeEvent, type StripeStandIn } from '../../scripts/lib/stripe-stand-in';
import { intakeDeps, intakeState, postWebhook } from '../payments/intake-world';
import type { FreshDb } from './harness';
import { expectPostings, fulfilled, race, RACE_NOTE, refusalCodes } from './race';
import { buildWorld, give, nextKey } from './world';
import { buildStaffWorld, contextOf, formOf } from './staff-world';
import { bankDepositAction, openingBalanceAction } from '../../src/staff/actions';
import { refusal } from '../refusal';

const day = (d: number, hour = 9) => new Date(Date.UTC(2024, 8, d, hour - 7));

// One bank transaction as the statement import and the bank feed both post it: kept by its key, matched, posted.
async function bankRow(db: Db, key: string, row: { creditVnd?: number; debitVnd?: number; memo: string; bookedAt: Date }) {
  const counts = noRows();
  await db.transaction((tx) => importRows(tx, null, [{ key, row: { lineNo: 1, reference: key, balanceVnd: null, virtualAccount: null, creditVnd: row.creditVnd ?? 0, debitVnd: row.debitVnd ?? 0, memo: row.memo, bookedAt: row.bookedAt } }], counts));
  return counts;
}

// Each cash account's balance from the journal, and as the database keeps it for its CHECK: always equal.
async function cash(db: Db) {
  const journal = await queryRows<{ account: string; total: string | number }>(db, sql`
    SELECT a.account, coalesce(sum(l.amount_vnd), 0) AS total FROM (VALUES ('cash_bank'), ('cash_card'), ('cash_office')) a(account)
    LEFT JOIN journal_lines l ON l.account = a.account GROUP BY a.account ORDER BY a.account`);
  const kept = await queryRows<{ account: string; balance_vnd: string | number }>(db, sql`SELECT account, balance_vnd FROM cash_balances ORDER BY account`);
  const fromJournal = Object.fromEntries(journal.map((r) => [r.account, Number(r.total)]));
  expect(Object.fromEntries(kept.map((r) => [r.account, Number(r.balance_vnd)]))).toEqual(fromJournal);
  return fromJournal;
}

const payoutEvent = (id: string, amountVnd: number, currency = 'vnd') =>
  stripeEvent('payout.paid', { id, object: 'payout', amount: amountVnd, currency, arrival_date: Math.floor(day(6).getTime() / 1000), status: 'paid' });

export function treasurySuite(driver: string, fresh: FreshDb): void {
  // The first test on PGlite also migrates the template database: slow on a loaded machine.
  describe(`treasury movements (${driver})`, { timeout: 180_000 }, () => {
    let standIn: StripeStandIn;
    const opened: DbHandle[] = [];
    const open = async (poolSize?: number) => {
      const handle = await fresh(poolSize ? { poolSize } : {});
      opened.push(handle);
      return handle;
    };
    beforeAll(async () => { standIn = await startStripeStandIn(); });
    afterAll(async () => { await standIn.close(); });
    afterEach(async () => { await Promise.all(opened.splice(0).map((h) => h.close())); });

    it('a Stripe payout moves card money to the bank once, whether the signed webhook or the statement reports it first, however often', async () => {
      const handle = await open();
      const world = await buildWorld(handle.db);
      const deps: WebhookDeps = intakeDeps(handle.db, standIn);
      await give(handle.db, world, { channel: 'card', amountVnd: 1_000_000, feeVnd: 33_000 });
      // Webhook first (twice, as two deliveries), then the bank's credit names the payout.
      expect((await postWebhook(deps, payoutEvent('po_1AAAAAAAAAAAA', 500_000))).body).toMatchObject({ outcome: 'noted' });
      expect((await postWebhook(deps, payoutEvent('po_1AAAAAAAAAAAA', 500_000))).body).toMatchObject({ outcome: 'already_done' });
      expect(await bankRow(handle.db, 'ref:1', { creditVnd: 500_000, memo: 'STRIPE PAYOUT po_1AAAAAAAAAAAA', bookedAt: day(6) })).toMatchObject({ movements: 1, review: {} });
      // The statement first, then the webhook: still one posting.
      expect(await bankRow(handle.db, 'ref:2', { creditVnd: 300_000, memo: 'STRIPE po_1BBBBBBBBBBBB', bookedAt: day(7) })).toMatchObject({ movements: 1, review: {} });
      expect((await postWebhook(deps, payoutEvent('po_1BBBBBBBBBBBB', 300_000))).body).toMatchObject({ outcome: 'already_done' });
      // The same statement line again changes nothing.
      expect(await bankRow(handle.db, 'ref:2', { creditVnd: 300_000, memo: 'STRIPE po_1BBBBBBBBBBBB', bookedAt: day(7) })).toMatchObject({ newRows: 0, movements: 0 });
      await expectPostings(handle, sql`kind = 'payout'`, 2);
      // The fee left at gift time: the card account held the net 967.000 ₫, and 800.000 ₫ reached the bank.
      expect(await cash(handle.db)).toEqual({ cash_bank: 800_000, cash_card: 167_000, cash_office: 0 });
      const movements = await handle.db.select().from(schema.treasuryMovements).orderBy(schema.treasuryMovements.id);
      expect(movements.map((m) => [m.kind, m.reference, m.amountVnd, m.bankRowId !== null])).toEqual([['payout', 'po_1AAAAAAAAAAAA', 500_000, true], ['payout', 'po_1BBBBBBBBBBBB', 300_000, true]]);
      // More than the card account holds: refused, queued for staff, nothing posted.
      const before = await intakeState(handle.db);
      expect((await postWebhook(deps, payoutEvent('po_1CCCCCCCCCCCC', 200_000))).body).toMatchObject({ outcome: 'review', detail: 'posting_refused' });
      expect(await intakeState(handle.db)).toMatchObject({ ...before, reviews: Number(before.reviews) + 1, keys: Number(before.keys) + 1 });
      await expectPostings(handle, sql`kind = 'payout'`, 2);
    });

    it('a payout credit the bank shows before Stripe reports it waits, then the payout.paid webhook claims it: one posting, nothing left in review, either order', async () => {
      const handle = await open();
      const world = await buildWorld(handle.db);
      const deps: WebhookDeps = intakeDeps(handle.db, standIn);
      await give(handle.db, world, { channel: 'card', amountVnd: 2_000_000, feeVnd: 0 });
      const openReviews = async () => (await handle.db.select().from(schema.paymentReviews)).filter((r) => r.resolvedAt === null);
      // The bank's words only (no payout id): the credit waits for Stripe's report.
      expect(await bankRow(handle.db, 'ref:early', { creditVnd: 700_000, memo: 'STRIPE PAYMENTS SINGAPORE CHUYEN TIEN', bookedAt: day(6, 8) })).toMatchObject({ movements: 0, review: { stripe_payout: 1 } });
      expect(await openReviews()).toHaveLength(1);
      // payout.paid, delivered twice: posted once, shown by the waiting row, its review closed.
      expect((await postWebhook(deps, payoutEvent('po_1EEEEEEEEEEEE', 700_000))).body).toMatchObject({ outcome: 'noted' });
      expect((await postWebhook(deps, payoutEvent('po_1EEEEEEEEEEEE', 700_000))).body).toMatchObject({ outcome: 'already_done' });
      // The reverse order: Stripe first, then the bank's credit in its words claims that payout.
      expect((await postWebhook(deps, payoutEvent('po_1FFFFFFFFFFFF', 400_000))).body).toMatchObject({ outcome: 'noted' });
      expect(await bankRow(handle.db, 'ref:late', { creditVnd: 400_000, memo: 'STRIPE PAYMENTS SINGAPORE', bookedAt: day(7) })).toMatchObject({ movements: 1, review: {} });
      // A credit naming its payout that the card account could not cover yet (the gift's own webhook late):
      // refused and waiting; once the gift and the payout are reported, the payout claims that row too.
      expect(await bankRow(handle.db, 'ref:named', { creditVnd: 1_000_000, memo: 'STRIPE po_1GGGGGGGGGGGG', bookedAt: day(6) })).toMatchObject({ movements: 0, review: { posting_refused: 1 } });
      await give(handle.db, world, { channel: 'card', amountVnd: 1_000_000, feeVnd: 0 });
      expect((await postWebhook(deps, payoutEvent('po_1GGGGGGGGGGGG', 1_000_000))).body).toMatchObject({ outcome: 'noted' });
      await expectPostings(handle, sql`kind = 'payout'`, 3);
      expect(await openReviews()).toEqual([]);
      const rows = await handle.db.select().from(schema.bankStatementRows).orderBy(schema.bankStatementRows.id);
      expect(rows.map((r) => [r.rowKey, r.status])).toEqual([['ref:early', 'matched'], ['ref:late', 'matched'], ['ref:named', 'matched']]);
      const movements = await handle.db.select().from(schema.treasuryMovements).orderBy(schema.treasuryMovements.id);
      expect(movements.map((m) => [m.reference, m.bankRowId])).toEqual([['po_1EEEEEEEEEEEE', rows[0]!.id], ['po_1FFFFFFFFFFFF', rows[1]!.id], ['po_1GGGGGGGGGGGG', rows[2]!.id]]);
      expect(await cash(handle.db)).toEqual({ cash_bank: 2_100_000, cash_card: 900_000, cash_office: 0 });
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('office cash deposited is recorded once, claimed by the statement credit in either order, and never more than the office holds', async () => {
      const handle = await open();
      const world = await buildWorld(handle.db);
      await give(handle.db, world, { channel: 'office', amountVnd: 2_000_000 });
      const deposit = { kind: 'deposit', reference: 'GNT-0001', amountVnd: 1_500_000, occurredAt: day(3), recordedBy: 'An' };
      const first = await recordCashTransfer(handle.db, deposit);
      expect((await recordCashTransfer(handle.db, deposit)).replayed).toBe(true);
      expect(await bankRow(handle.db, 'ref:dep', { creditVnd: 1_500_000, memo: 'NOP TIEN MAT QUY VI NGUOI NGHEO', bookedAt: day(4) })).toMatchObject({ movements: 1, review: {} });
      const [movement] = await handle.db.select().from(schema.treasuryMovements).where(eq(schema.treasuryMovements.id, first.result.movementId));
      expect(movement!.bankRowId).not.toBeNull();
      expect(await cash(handle.db)).toEqual({ cash_bank: 1_500_000, cash_card: 0, cash_office: 500_000 });
      const refused = await recordCashTransfer(handle.db, { ...deposit, reference: 'GNT-0002', amountVnd: 600_000 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).code).toBe('cash_overdrawn');
      // The same slip number with another amount is a different request: refused, nothing changes.
      expect(((await recordCashTransfer(handle.db, { ...deposit, amountVnd: 1_000 }).catch((e: unknown) => e)) as DomainError).code).toBe('idempotency_conflict');
      await expectPostings(handle, sql`kind = 'deposit'`, 1);
      // A deposit credit staff have not recorded waits for them, with its reason.
      expect(await bankRow(handle.db, 'ref:dep2', { creditVnd: 400_000, memo: 'Nop tien mat', bookedAt: day(9) })).toMatchObject({ movements: 0, review: { cash_deposit: 1 } });
      // Recorded afterwards, the deposit is shown by that row, and the review closes: any order, once.
      await give(handle.db, world, { channel: 'office', amountVnd: 400_000 });
      const late = await recordCashTransfer(handle.db, { ...deposit, reference: 'GNT-0003', amountVnd: 400_000, occurredAt: day(8) });
      const [claimed] = await handle.db.select().from(schema.treasuryMovements).where(eq(schema.treasuryMovements.id, late.result.movementId));
      const [row] = await handle.db.select().from(schema.bankStatementRows).where(eq(schema.bankStatementRows.id, claimed!.bankRowId!));
      expect(row).toMatchObject({ rowKey: 'ref:dep2', status: 'matched' });
      const [review] = await handle.db.select().from(schema.paymentReviews).where(eq(schema.paymentReviews.bankRowId, row!.id));
      expect(review).toMatchObject({ reason: 'cash_deposit', resolvedBy: 'system', resolution: 'deposit recorded' });
      expect(review!.resolvedAt).not.toBeNull();
    });

    it('staff record a deposit by its slip on the staff form: once, and refused clearly beyond the office cash', async () => {
      const handle = await open();
      const world = await buildStaffWorld(handle.db);
      await give(handle.db, world, { channel: 'office', amountVnd: 3_000_000 });
      const thu = await contextOf(handle.db, 'thu');
      const form = { slipNo: 'GNT-2025-0007', amount: '2.500.000', depositedOn: '2025-03-10' };
      expect((await bankDepositAction(thu, formOf(form))).vi).toMatch(/2\.500\.000 ₫.*GNT-2025-0007/);
      expect((await bankDepositAction(thu, formOf(form))).replayed).toBe(true);
      expect(await cash(handle.db)).toEqual({ cash_bank: 2_500_000, cash_card: 0, cash_office: 500_000 });
      const before = await intakeState(handle.db);
      expect(await refusal(() => bankDepositAction(thu, formOf({ ...form, slipNo: 'GNT-2025-0008' })))).toMatchObject({ status: 409, code: 'cash_overdrawn' });
      expect(await refusal(() => bankDepositAction(thu, formOf({ ...form, slipNo: 'số 8' })))).toMatchObject({ status: 400 });
      expect(await intakeState(handle.db)).toEqual(before);
      const [movement] = await handle.db.select().from(schema.treasuryMovements);
      expect(movement).toMatchObject({ kind: 'deposit', reference: 'GNT-2025-0007', recordedBy: 'thu', bankRowId: null });
    });

    it('staff record the bank account\'s opening balance once, before any bank transaction; another figure is refused clearly and changes nothing', async () => {
      const handle = await open();
      const world = await buildStaffWorld(handle.db);
      await give(handle.db, world, { amountVnd: 400_000, receivedAt: day(3) });
      const thu = await contextOf(handle.db, 'thu');
      const before = await intakeState(handle.db);
      // After money already in the ledger's bank account: it would not be an opening balance.
      expect(await refusal(() => openingBalanceAction(thu, formOf({ amount: '8.000.000', asOf: '2024-09-04' })))).toMatchObject({ status: 409, code: 'opening_after_activity' });
      expect(await refusal(() => openingBalanceAction(thu, formOf({ amount: '8.000.000', asOf: 'mai' })))).toMatchObject({ status: 400 });
      expect(await intakeState(handle.db)).toEqual(before);
      const form = { amount: '8.000.000', asOf: '2024-09-01' };
      expect((await openingBalanceAction(thu, formOf(form))).vi).toMatch(/8\.000\.000 ₫ ngày 01\/09\/2024/);
      expect((await openingBalanceAction(thu, formOf(form))).replayed).toBe(true);
      const after = await intakeState(handle.db);
      expect(await refusal(() => openingBalanceAction(thu, formOf({ ...form, amount: '9.000.000' })))).toMatchObject({ status: 409, code: 'opening_balance_recorded' });
      expect(await intakeState(handle.db)).toEqual(after);
      await expectPostings(handle, sql`kind = 'contribution' AND occurred_at = '2024-08-31T17:00:00Z'`, 1);
      expect(await cash(handle.db)).toEqual({ cash_bank: 8_400_000, cash_card: 0, cash_office: 0 });
      const [movement] = await handle.db.select().from(schema.treasuryMovements);
      expect(movement).toMatchObject({ kind: 'opening_balance', reference: 'cash_bank', amountVnd: 8_000_000, recordedBy: 'thu', bankRowId: null });
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('a bank charge is paid by the general fund from its oldest gift, once; interest joins the general fund; a charge the fund cannot pay waits', async () => {
      const handle = await open();
      const world = await buildWorld(handle.db);
      const { result: oldest } = await give(handle.db, world, { amountVnd: 100_000, receivedAt: day(1) });
      await give(handle.db, world, { amountVnd: 100_000, receivedAt: day(2) });
      const charge = { debitVnd: 11_000, memo: 'Phi quan ly tai khoan T9', bookedAt: day(30) };
      expect(await bankRow(handle.db, 'ref:fee', charge)).toMatchObject({ movements: 1, review: {} });
      expect(await bankRow(handle.db, 'ref:fee', charge)).toMatchObject({ newRows: 0, movements: 0 });
      expect(await bankRow(handle.db, 'ref:int', { creditVnd: 5_432, memo: 'Tra lai tien gui T9', bookedAt: day(30) })).toMatchObject({ movements: 1, review: {} });
      await expectPostings(handle, sql`kind = 'bank_charge'`, 1);
      const lines = await queryRows<{ account: string; contribution_id: number | null; amount_vnd: string | number }>(handle.db, sql`
        SELECT l.account, l.contribution_id, l.amount_vnd FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id WHERE e.kind = 'bank_charge' ORDER BY l.line_no`);
      expect(lines.map((l) => [l.account, l.contribution_id, Number(l.amount_vnd)])).toEqual([
        ['pool_general', oldest.contributionId, 11_000], ['cash_bank', null, -11_000], ['bank_charges', null, 11_000], ['bank_charges_borne', null, -11_000],
      ]);
      const lots = await handle.db.select().from(schema.poolLots).orderBy(schema.poolLots.seq);
      expect(lots.map((l) => l.remainingVnd)).toEqual([89_000, 100_000, 5_432]);
      const [interest] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.id, lots[2]!.contributionId));
      expect(interest).toMatchObject({ channel: 'bank_transfer', amountVnd: 5_432, targetType: 'general' });
      expect(await cash(handle.db)).toEqual({ cash_bank: 194_432, cash_card: 0, cash_office: 0 });
      // More than the general fund holds: the ledger refuses, the row waits for staff, nothing moves.
      expect(await bankRow(handle.db, 'ref:fee2', { debitVnd: 500_000, memo: 'Thu phi dich vu', bookedAt: day(30) })).toMatchObject({ movements: 0, review: { posting_refused: 1 } });
      await expectPostings(handle, sql`kind = 'bank_charge'`, 1);
    });

    it('each movement commits its public record (a bank charge\'s without the row key that names the account); a movement changed behind the application\'s back is caught naming its entry', async () => {
      const handle = await open();
      const world = await buildWorld(handle.db);
      await give(handle.db, world, { channel: 'office', amountVnd: 2_000_000 });
      await give(handle.db, world, { channel: 'card', amountVnd: 1_000_000, feeVnd: 33_000 });
      const deposit = await recordCashTransfer(handle.db, { kind: 'deposit', reference: 'GNT-0001', amountVnd: 1_500_000, occurredAt: day(3), recordedBy: 'An' });
      const payout = await recordCashTransfer(handle.db, { kind: 'payout', reference: 'po_1AAAAAAAAAAAA', amountVnd: 500_000, occurredAt: day(4) });
      const rowKey = 'h:0071000123456:5f1c0ffee:1';
      expect(await bankRow(handle.db, rowKey, { debitVnd: 11_000, memo: 'Phi quan ly tai khoan T9', bookedAt: day(30) })).toMatchObject({ movements: 1 });
      const records = await queryRows<{ entry_id: string | number; body: string; commitment: string }>(handle.db, sql`
        SELECT r.entry_id, r.body, e.commitment FROM public_records r JOIN journal_entries e ON e.id = r.entry_id WHERE r.kind = 'treasury' ORDER BY r.entry_id`);
      expect(records.map((r) => JSON.parse(r.body))).toEqual([
        { amount_vnd: 1_500_000, kind: 'deposit', occurred_at: day(3).toISOString(), reference: 'GNT-0001' },
        { amount_vnd: 500_000, kind: 'payout', occurred_at: day(4).toISOString(), reference: 'po_1AAAAAAAAAAAA' },
        { amount_vnd: 11_000, kind: 'bank_charge', occurred_at: day(30).toISOString(), reference: null },
      ]);
      expect(records.every((r) => r.commitment !== null)).toBe(true);
      expect(Number(records[0]!.entry_id)).toBe(deposit.result.entryId);
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
      const asSuperuser = (statement: ReturnType<typeof sql>) => handle.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL session_replication_role = replica`);
        await tx.execute(statement);
      });
      for (const [change, undo] of [
        [sql`UPDATE treasury_movements SET amount_vnd = 400000 WHERE entry_id = ${payout.result.entryId}`, sql`UPDATE treasury_movements SET amount_vnd = 500000 WHERE entry_id = ${payout.result.entryId}`],
        [sql`UPDATE treasury_movements SET reference = 'po_1ZZZZZZZZZZZZ' WHERE entry_id = ${payout.result.entryId}`, sql`UPDATE treasury_movements SET reference = 'po_1AAAAAAAAAAAA' WHERE entry_id = ${payout.result.entryId}`],
        [sql`UPDATE treasury_movements SET kind = 'payout', reference = 'GNT-0009' WHERE entry_id = ${deposit.result.entryId}`, sql`UPDATE treasury_movements SET kind = 'deposit', reference = 'GNT-0001' WHERE entry_id = ${deposit.result.entryId}`],
      ] as [ReturnType<typeof sql>, ReturnType<typeof sql>][]) {
        await asSuperuser(change);
        const report = await verifyLedger(handle.db);
        expect(report.ok).toBe(false);
        expect(report.fault?.reason).toMatch(/the treasury shown now/);
        expect([payout.result.entryId, deposit.result.entryId]).toContain(report.fault?.entryId);
        await asSuperuser(undo);
      }
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
    });

    it('a payment to a household the bank account cannot cover is refused with the rulebook\'s code and changes nothing', async () => {
      const handle = await open();
      const world = await buildWorld(handle.db);
      const houseId = world.houses[0]!.houseId;
      // Card money for the house is still at the processor: the bank holds nothing yet.
      await give(handle.db, world, { channel: 'card', amountVnd: 10_000_000, target: { type: 'house', houseId } });
      const { result } = await proposeDisbursement(handle.db, { idempotencyKey: nextKey(), houseId, amountVnd: 5_000_000, purpose: 'Đợt 1', recordedBy: 'An', recordedAt: '2024-09-03' });
      const refused = await decideDisbursement(handle.db, { idempotencyKey: nextKey(), disbursementId: result.disbursementId, decidedBy: 'Bình', decidedAt: '2024-09-04', approve: true }).catch((e: unknown) => e);
      expect((refused as DomainError).code).toBe('cash_overdrawn');
      await expectPostings(handle, sql`kind = 'disbursement'`, 0);
      expect(await cash(handle.db)).toEqual({ cash_bank: 0, cash_card: 10_000_000, cash_office: 0 });
    });

    it(`two payments that together would overdraw the bank account: exactly one posts ${RACE_NOTE}`, async () => {
      const handle = await open(4);
      const world = await buildWorld(handle.db);
      const [a, b] = world.houses;
      await give(handle.db, world, { amountVnd: 10_000_000, target: { type: 'house', houseId: a!.houseId } });
      await give(handle.db, world, { channel: 'card', amountVnd: 10_000_000, target: { type: 'house', houseId: b!.houseId } });
      const proposals = [];
      for (const house of [a!, b!]) {
        proposals.push((await proposeDisbursement(handle.db, { idempotencyKey: nextKey(), houseId: house.houseId, amountVnd: 8_000_000, purpose: 'Đợt 1', recordedBy: 'An', recordedAt: '2024-09-03' })).result.disbursementId);
      }
      const outcomes = await race(handle, proposals.map((disbursementId) => () => decideDisbursement(handle.db, { idempotencyKey: nextKey(), disbursementId, decidedBy: 'Bình', decidedAt: '2024-09-04', approve: true })));
      expect(fulfilled(outcomes)).toHaveLength(1);
      expect(refusalCodes(outcomes)).toEqual(['cash_overdrawn']);
      await expectPostings(handle, sql`kind = 'disbursement'`, 1);
      expect((await cash(handle.db)).cash_bank).toBe(2_000_000);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('an allocation of card money does not touch cash; the house may be paid once the payout arrives', async () => {
      const handle = await open();
      const world = await buildWorld(handle.db);
      const houseId = world.houses[0]!.houseId;
      await give(handle.db, world, { channel: 'card', amountVnd: 6_000_000, feeVnd: 0 });
      await allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId, fromAreaId: null, amountVnd: 6_000_000, decisionRef: 'QĐ 1', createdBy: 'An', occurredAt: day(3) });
      await recordCashTransfer(handle.db, { kind: 'payout', reference: 'po_1DDDDDDDDDDDD', amountVnd: 6_000_000, occurredAt: day(5) });
      const { result } = await proposeDisbursement(handle.db, { idempotencyKey: nextKey(), houseId, amountVnd: 6_000_000, purpose: 'Đợt 1', recordedBy: 'An', recordedAt: '2024-09-06' });
      await decideDisbursement(handle.db, { idempotencyKey: nextKey(), disbursementId: result.disbursementId, decidedBy: 'Bình', decidedAt: '2024-09-06', approve: true });
      expect(await cash(handle.db)).toEqual({ cash_bank: 0, cash_card: 0, cash_office: 0 });
    });
  });
}
