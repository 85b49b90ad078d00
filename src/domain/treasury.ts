// Treasury movements on the database path: card money paid out by Stripe and office cash deposited
// arriving in the bank account, and bank charges paid from the general fund. Each posts once by its
// reference (payout id, deposit slip, bank row) whichever reports it first: the webhook, a staff form,
// the statement import or the bank feed. The rules are the rulebook's (src/ledger/rules.ts).
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { describeEntry, OPENING_BALANCE_DONOR } from '../ledger/descriptions';
import { formatDate, formatVnd } from '../i18n/format';
import { recordCashContributions, type CashResult } from './contributions';
import { DomainError } from './errors';
import { bankCharge, cashTransfer } from '../ledger/rules';
import { lockPoolLots, postEntry, runOnce, type Outcome } from './journal';
import { treasuryRecord } from './public-records';
import { amountVnd, idempotencyKey } from './schemas';
import { freeText } from './text';
import { parseInput } from './validate';
import { TRANSFER_WINDOW_MS, type TransferCandidate } from '../payments/matching';

const { treasuryMovements, campaigns } = schema;

export type TransferKind = 'payout' | 'deposit';

export const transferInput = z.object({
  kind: z.enum(['payout', 'deposit']),
  /** Stripe's payout id (po_…), or the bank's deposit slip number. */
  reference: z.string().trim().regex(/^[0-9A-Za-z_./-]{1,60}$/, 'Số chứng từ chỉ gồm chữ, số và - _ . / / The reference holds letters, digits and - _ . / only'),
  amountVnd,
  occurredAt: z.coerce.date(),
  recordedBy: freeText(1, 100).nullish(),
});

export const bankChargeInput = z.object({
  idempotencyKey,
  /** The bank row's key: one charge per statement line. */
  reference: freeText(1, 200),
  amountVnd,
  occurredAt: z.coerce.date(),
});

export interface MovementResult { movementId: number; entryId: number }

// The one idempotency key of a movement: the same payout from the webhook and from the statement is one posting.
export const movementKey = (kind: TransferKind, reference: string) => `treasury:${kind}:${reference}`;

// Card money or office cash arriving in the bank: posted once per reference; the first report's date stands.
export async function recordCashTransfer(db: Db | Tx, raw: unknown, bankRowId: number | null = null): Promise<Outcome<MovementResult>> {
  const input = parseInput(transferInput, raw);
  return runOnce(db, movementKey(input.kind, input.reference), { kind: input.kind, reference: input.reference, amountVnd: input.amountVnd }, async (tx) => {
    const draft = cashTransfer({
      from: input.kind === 'payout' ? 'cash_card' : 'cash_office', amountVnd: input.amountVnd, occurredAt: input.occurredAt,
      description: input.kind === 'payout' ? describeEntry.payout(input.reference) : describeEntry.deposit(input.reference),
    });
    const entry = await postEntry(tx, { ...draft, record: treasuryRecord(input) });
    const [movement] = await tx.insert(treasuryMovements).values({
      kind: input.kind, reference: input.reference, amountVnd: input.amountVnd, occurredAt: input.occurredAt, entryId: entry.id, bankRowId, recordedBy: input.recordedBy ?? null,
    }).returning({ id: treasuryMovements.id });
    if (bankRowId === null) await claimWaitingRow(tx, input.kind, input.reference, movement!.id, input.amountVnd, input.occurredAt);
    return { movementId: movement!.id, entryId: entry.id };
  });
}

// A statement credit that came before the payout or deposit was reported waits for it in the review
// queue (in the bank's words, or naming the payout the card account could not cover yet); the transfer,
// once posted, is shown by that row (the nearest in date), and the review closes.
async function claimWaitingRow(tx: Tx, kind: TransferKind, reference: string, movementId: number, amountVnd: number, occurredAt: Date): Promise<void> {
  const from = new Date(occurredAt.getTime() - TRANSFER_WINDOW_MS.before).toISOString();
  const to = new Date(occurredAt.getTime() + TRANSFER_WINDOW_MS.after).toISOString();
  const [waiting] = await queryRows<{ row_id: number; review_id: number }>(tx, sql`
    SELECT r.id AS row_id, p.id AS review_id FROM bank_statement_rows r JOIN payment_reviews p ON p.bank_row_id = r.id
    WHERE r.status = 'review' AND p.resolved_at IS NULL
      AND (p.reason = ${kind === 'payout' ? 'stripe_payout' : 'cash_deposit'} OR (p.reason = 'posting_refused' AND strpos(r.memo, ${reference}) > 0))
      AND r.credit_vnd = ${amountVnd} AND r.booked_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
    ORDER BY abs(extract(epoch FROM r.booked_at - ${occurredAt.toISOString()}::timestamptz)), r.id
    LIMIT 1 FOR UPDATE OF r, p`);
  if (!waiting) return;
  await tx.update(schema.bankStatementRows).set({ status: 'matched' }).where(eq(schema.bankStatementRows.id, waiting.row_id));
  await tx.update(schema.paymentReviews).set({ resolvedAt: new Date(), resolvedBy: 'system', resolution: `${kind} recorded` }).where(eq(schema.paymentReviews.id, waiting.review_id));
  await tx.update(treasuryMovements).set({ bankRowId: waiting.row_id }).where(eq(treasuryMovements.id, movementId));
}

// A bank charge, paid from the general fund's oldest gifts; refused (pool_insufficient) when the fund is short.
export async function recordBankCharge(db: Db | Tx, raw: unknown, bankRowId: number | null = null): Promise<Outcome<MovementResult>> {
  const input = parseInput(bankChargeInput, raw);
  const { idempotencyKey: key, ...request } = input;
  return runOnce(db, key, request, async (tx) => {
    const lots = await lockPoolLots(tx, 'general', input.amountVnd);
    const { draft } = bankCharge({ openLots: () => lots }, { amountVnd: input.amountVnd, occurredAt: input.occurredAt, description: describeEntry.bankCharge(input.reference) });
    const entry = await postEntry(tx, { ...draft, record: treasuryRecord({ kind: 'bank_charge', ...request }) });
    const [movement] = await tx.insert(treasuryMovements).values({
      kind: 'bank_charge', reference: input.reference, amountVnd: input.amountVnd, occurredAt: input.occurredAt, entryId: entry.id, bankRowId,
    }).returning({ id: treasuryMovements.id });
    return { movementId: movement!.id, entryId: entry.id };
  });
}


// Posted transfers of these amounts no bank row has claimed, near the rows' dates, locked so two imports cannot both claim one.
export async function unclaimedTransfers(tx: Tx, amounts: number[], from: Date, to: Date): Promise<TransferCandidate[]> {
  if (amounts.length === 0) return [];
  const rows = await tx.select({ id: treasuryMovements.id, kind: treasuryMovements.kind, reference: treasuryMovements.reference, amountVnd: treasuryMovements.amountVnd, occurredAt: treasuryMovements.occurredAt })
    .from(treasuryMovements)
    .where(and(isNull(treasuryMovements.bankRowId), inArray(treasuryMovements.kind, ['payout', 'deposit']), inArray(treasuryMovements.amountVnd, [...new Set(amounts)]),
      gte(treasuryMovements.occurredAt, from), lte(treasuryMovements.occurredAt, to)))
    .orderBy(asc(treasuryMovements.id))
    .for('update');
  return rows as TransferCandidate[];
}

// The bank row that showed a movement posted earlier; false when another row already showed it.
export async function claimMovement(tx: Tx, movementId: number, bankRowId: number): Promise<boolean> {
  const claimed = await tx.update(treasuryMovements).set({ bankRowId })
    .where(and(eq(treasuryMovements.id, movementId), or(isNull(treasuryMovements.bankRowId), eq(treasuryMovements.bankRowId, bankRowId))))
    .returning({ id: treasuryMovements.id });
  return claimed.length > 0;
}

/** The donor the bank's interest is recorded from: it goes to the general fund like any gift. */
export const BANK_INTEREST_DONOR = 'Ngân hàng (lãi tiền gửi)';

// Bank money that no pledge names (interest, the balance brought forward) is a gift to the general fund of
// the campaign running then, so it has a receipt code, a pool lot and lineage; a refusal comes back as text.
export async function recordGeneralFundIncome(tx: Tx, input: { key: string; amountVnd: number; receivedAt: Date; donorName: string }): Promise<CashResult | string> {
  const [campaign] = await tx.select({ id: campaigns.id }).from(campaigns).where(lte(campaigns.startsOn, input.receivedAt.toISOString().slice(0, 10))).orderBy(desc(campaigns.startsOn), desc(campaigns.id)).limit(1);
  if (!campaign) return 'no campaign to record the money in';
  const [reply] = await recordCashContributions(tx, [{
    idempotencyKey: input.key, campaignId: campaign.id, channel: 'bank_transfer', amountVnd: input.amountVnd, target: { type: 'general' },
    receivedAt: input.receivedAt, donor: { kind: 'organisation', displayName: input.donorName },
  }]);
  if (reply instanceof Error) throw reply;
  return reply!.result;
}

export const openingBalanceInput = z.object({
  amountVnd,
  /** The day the fund starts keeping its bank account in An Cư; the balance is the bank's at its start. */
  asOf: z.coerce.date(),
  recordedBy: freeText(1, 100),
});

// One opening balance per ledger: the fund's one bank account.
const OPENING_BALANCE_KEY = 'treasury:opening_balance:cash_bank';

// The money already in the bank account when the fund starts using An Cư, as the bank's statement states
// it: posted once, before any bank transaction in the ledger, so the ledger's bank account starts where
// the bank's does. Recorded again with the same figures it replays; with others it is refused.
export async function recordOpeningBalance(db: Db, raw: unknown): Promise<Outcome<MovementResult>> {
  const input = parseInput(openingBalanceInput, raw);
  const [recorded] = await db.select().from(treasuryMovements).where(eq(treasuryMovements.kind, 'opening_balance'));
  if (recorded && (recorded.amountVnd !== input.amountVnd || recorded.occurredAt.getTime() !== input.asOf.getTime())) {
    throw new DomainError(409, 'opening_balance_recorded',
      `Số dư đầu kỳ chỉ ghi một lần và đã được ghi: ${formatVnd(recorded.amountVnd)} ngày ${formatDate(recorded.occurredAt)} (bút toán #${recorded.entryId}); không có gì thay đổi.`,
      `The opening balance is recorded once and already was: ${formatVnd(recorded.amountVnd, 'en')} on ${formatDate(recorded.occurredAt)} (entry #${recorded.entryId}); nothing changed.`);
  }
  return runOnce(db, OPENING_BALANCE_KEY, { amountVnd: input.amountVnd, asOf: input.asOf.toISOString() }, async (tx) => {
    const [earlier] = await queryRows<{ occurred_at: Date | string }>(tx, sql`
      SELECT e.occurred_at FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      WHERE l.account = 'cash_bank' AND e.occurred_at < ${input.asOf.toISOString()}::timestamptz ORDER BY e.occurred_at LIMIT 1`);
    if (earlier) {
      throw new DomainError(409, 'opening_after_activity',
        `Sổ đã có giao dịch ngân hàng ngày ${formatDate(earlier.occurred_at)}, trước ngày ${formatDate(input.asOf)}: số dư đầu kỳ phải là ngày đầu tiên.`,
        `The ledger already holds a bank transaction on ${formatDate(earlier.occurred_at)}, before ${formatDate(input.asOf)}: the opening balance must come first.`);
    }
    const gift = await recordGeneralFundIncome(tx, { key: `${OPENING_BALANCE_KEY}:gift`, amountVnd: input.amountVnd, receivedAt: input.asOf, donorName: OPENING_BALANCE_DONOR });
    if (typeof gift === 'string') {
      throw new DomainError(409, 'no_campaign', `Chưa có chiến dịch nào bắt đầu trước ngày ${formatDate(input.asOf)}.`, `No campaign starts on or before ${formatDate(input.asOf)}.`);
    }
    const [movement] = await tx.insert(treasuryMovements).values({
      kind: 'opening_balance', reference: 'cash_bank', amountVnd: input.amountVnd, occurredAt: input.asOf, entryId: gift.entryId, recordedBy: input.recordedBy,
    }).returning({ id: treasuryMovements.id });
    return { movementId: movement!.id, entryId: gift.entryId };
  });
}
