// Importing a parsed bank statement: each new credit row is matched by receipt code and amount to a
// pending bank-transfer pledge and confirmed through the domain; each debit to the approved payment
// it paid; anything else waits for staff in the review queue with its reason. Rows are keyed, so
// importing the same statement twice changes nothing.
import { and, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import { jsonRows, queryRows, schema, type Db, type Tx } from '../../db/client';
import { recordCashContributions } from '../domain/contributions';
import { DomainError } from '../domain/errors';
import { runOnce } from '../domain/journal';
import { enqueueReceipts } from '../mail/outbox';
import { receiptCodesIn, rowKeys, type ParsedStatement, type StatementRow } from './bank-statement';
import { BANK_INTEREST_DONOR, claimMovement, recordBankCharge, recordCashTransfer, recordGeneralFundIncome, unclaimedTransfers } from '../domain/treasury';
import { decideCredit, decideDebit, type Decision, type PaymentCandidate, type ReviewReason } from './matching';
import { pledgeDonor, type Pledge } from './pledges';
import { codesOfVirtualAccounts } from './virtual-accounts';

const { bankStatements, bankStatementRows, pledges, disbursements, houses } = schema;

/** What became of the rows posted: new, matched, paid out, or waiting for staff and why. */
export interface RowCounts {
  newRows: number;
  matched: number;
  matchedVnd: number;
  debits: number;
  paymentsMatched: number;
  /** Payouts, deposits, charges and interest posted or recognised. */
  movements: number;
  review: Partial<Record<ReviewReason, number>>;
  reviewVnd: number;
}

export interface ImportReport extends RowCounts {
  statementId: number;
  alreadyImported: boolean;
  rows: number;
}

export const noRows = (): RowCounts => ({ newRows: 0, matched: 0, matchedVnd: 0, debits: 0, paymentsMatched: 0, movements: 0, review: {}, reviewVnd: 0 });

// Imports in batches of rows, one transaction each: a crash part-way leaves whole batches, and a
// re-run skips the rows already in (by key) and carries on.
export async function importStatement(
  db: Db,
  parsed: ParsedStatement,
  file: { name: string; sha256: string },
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 1000;
  const [created] = await db.insert(bankStatements).values({
    fileSha256: file.sha256, fileName: file.name, layout: parsed.layout, accountNo: parsed.accountNo,
    openingBalanceVnd: parsed.openingBalanceVnd, closingBalanceVnd: parsed.closingBalanceVnd, rowCount: parsed.rows.length,
  }).onConflictDoNothing().returning();
  const [statement] = created ? [created] : await db.select().from(bankStatements).where(eq(bankStatements.fileSha256, file.sha256));
  const report: ImportReport = { statementId: statement!.id, alreadyImported: !created && statement!.completedAt !== null, rows: parsed.rows.length, ...noRows() };
  if (report.alreadyImported) return report;
  const keys = rowKeys(parsed);
  for (let start = 0; start < parsed.rows.length; start += batchSize) {
    const batch = parsed.rows.slice(start, start + batchSize).map((row, i) => ({ row, key: keys[start + i]! }));
    // The batch's own key claims the batch: a concurrent import of the same file waits, then skips it.
    await runOnce(db, `bank-batch:${file.sha256}:${start}`, { rows: batch.length, first: batch[0]!.key }, (tx) => importRows(tx, statement!.id, batch, report));
    options.onProgress?.(Math.min(start + batchSize, parsed.rows.length), parsed.rows.length);
  }
  await db.update(bankStatements).set({ completedAt: new Date() }).where(eq(bankStatements.id, statement!.id));
  return report;
}

export interface RowsOptions {
  /** Gifts posted without a savepoint (recordCashContributions); a database refusal throws PipelineFailed. */
  pipelined?: boolean;
  /** Queued with the last writes (the caller's result and COMMIT), so they share one round trip. */
  finish?: () => Promise<unknown>;
}

// Matches, keeps and posts bank rows not seen before, in the caller's transaction: a statement's batch,
// or transactions the bank feed reported (statementId null), each counted in its own report when
// `report` is a function of the row key. A row already kept, by key, is skipped.
// The writes after the gifts' chain append go out together, so the chain lock is not held through
// one round trip each.
export async function importRows(tx: Tx, statementId: number | null, batch: { row: StatementRow; key: string }[], report: RowCounts | ((rowKey: string) => RowCounts), options: RowsOptions = {}): Promise<{ rows: number }> {
  const countsOf = typeof report === 'function' ? report : () => report;
  const existing = new Set((await tx.select({ key: bankStatementRows.rowKey }).from(bankStatementRows).where(inArray(bankStatementRows.rowKey, batch.map((b) => b.key)))).map((r) => r.key));
  const fresh = batch.filter((b) => !existing.has(b.key));
  if (fresh.length === 0) return { rows: 0 };
  // A credit names its pledge by the virtual account it was sent to, or by the code in its memo.
  const byAccount = await codesOfVirtualAccounts(tx, [...new Set(fresh.flatMap((b) => (b.row.virtualAccount ? [b.row.virtualAccount] : [])))]);
  const codesOf = (row: StatementRow) => [...new Set([...(row.virtualAccount && byAccount.has(row.virtualAccount) ? [byAccount.get(row.virtualAccount)!] : []), ...receiptCodesIn(row.memo)])];
  const codesByKey = new Map(fresh.map((b) => [b.key, b.row.creditVnd > 0 ? codesOf(b.row) : []]));
  const allCodes = [...new Set([...codesByKey.values()].flat())];
  const found = allCodes.length === 0 ? [] : await tx.select().from(pledges).where(inArray(pledges.receiptCode, allCodes)).orderBy(pledges.id).for('update');
  const pledgesByCode = new Map(found.map((p) => [p.receiptCode, p]));
  let payments = await unclaimedPayments(tx, fresh.map((b) => b.row).filter((row) => row.debitVnd > 0));
  const uncoded = fresh.filter((b) => b.row.creditVnd > 0 && codesByKey.get(b.key)!.length === 0).map((b) => b.row);
  let transfers = uncoded.length === 0 ? [] : await unclaimedTransfers(tx, uncoded.map((row) => row.creditVnd),
    new Date(Math.min(...uncoded.map((row) => row.bookedAt.getTime())) - 11 * 86_400_000), new Date(Math.max(...uncoded.map((row) => row.bookedAt.getTime())) + 4 * 86_400_000));
  const decisions = fresh.map((b) => {
    const decision: Decision = b.row.debitVnd > 0 ? decideDebit(b.row, payments) : decideCredit(b.row, codesByKey.get(b.key)!, pledgesByCode, transfers);
    // A posted transfer is shown by one bank row: the first claims it.
    if (decision.status === 'transfer') transfers = transfers.filter((t) => t.reference !== decision.reference || t.kind !== decision.kind);
    // Two rows paying one pledge in the same batch: the first confirms it, the second waits for review.
    if (decision.status === 'matched') pledgesByCode.set(decision.code, { ...decision.pledge, status: 'confirmed' });
    // A payment leaves the bank once: the first debit claims it.
    if (decision.status === 'paid') payments = payments.filter((p) => p.id !== decision.payment.id);
    return { ...b, decision };
  });
  // One JSON parameter instead of twelve per row: a thousand-row insert stays one cheap statement.
  const inserted = await queryRows<{ id: number; row_key: string }>(tx, sql`
    INSERT INTO bank_statement_rows (statement_id, row_key, line_no, booked_at, reference, credit_vnd, debit_vnd, balance_vnd, memo, matched_code, pledge_id, disbursement_id, status)
    SELECT ${statementId}, r.row_key, r.line_no, r.booked_at, r.reference, r.credit_vnd, r.debit_vnd, r.balance_vnd, r.memo, r.matched_code, r.pledge_id, r.disbursement_id, r.status
    FROM jsonb_to_recordset(${JSON.stringify(decisions.map(({ row, key, decision }) => ({
      row_key: key, line_no: row.lineNo, booked_at: row.bookedAt.toISOString(), reference: row.reference, credit_vnd: row.creditVnd,
      debit_vnd: row.debitVnd, balance_vnd: row.balanceVnd, memo: row.memo,
      matched_code: 'code' in decision ? decision.code ?? null : null,
      pledge_id: 'pledge' in decision ? decision.pledge?.id ?? null : null,
      disbursement_id: decision.status === 'paid' ? decision.payment.id : null,
      status: decision.status === 'review' ? 'review' : 'matched',
    })))}::jsonb) AS r(row_key text, line_no integer, booked_at timestamptz, reference text, credit_vnd bigint, debit_vnd bigint,
      balance_vnd bigint, memo text, matched_code text, pledge_id integer, disbursement_id integer, status text)
    ON CONFLICT (row_key) DO NOTHING
    RETURNING id, row_key`);
  const idByKey = new Map(inserted.map((r) => [r.row_key, Number(r.id)]));
  const reviews: { key: string; rowId: number; reason: ReviewReason; detail: string; pledgeId: number | null; amountVnd: number }[] = [];
  const confirmed: ConfirmedTransfer[] = [];
  const newDecisions = decisions.filter((d) => idByKey.has(d.key));
  // Every matched row of the batch posts as one batch of gifts: one commit, one chain extension.
  const matched = newDecisions.flatMap((d) => (d.decision.status === 'matched' ? [{ pledge: d.decision.pledge, row: d.row, key: d.key }] : []));
  const postedByKey = new Map((await confirmTransfers(tx, matched, options.pipelined)).map((posted, i) => [matched[i]!.key, posted]));
  for (const { row, key, decision } of newDecisions) {
    const rowId = idByKey.get(key)!;
    const counts = countsOf(key);
    counts.newRows++;
    if (row.debitVnd > 0) counts.debits++;
    if (decision.status === 'paid') counts.paymentsMatched++;
    else if (decision.status === 'transfer' || decision.status === 'charge' || decision.status === 'interest') {
      const refused = await postMovement(tx, decision, row, key, rowId);
      if (refused) reviews.push({ key, rowId, reason: 'posting_refused', detail: refused, pledgeId: null, amountVnd: row.creditVnd || row.debitVnd });
      else counts.movements++;
    } else if (decision.status === 'review') reviews.push({ key, rowId, reason: decision.reason, detail: decision.detail, pledgeId: decision.pledge?.id ?? null, amountVnd: row.creditVnd || row.debitVnd });
    else {
      const posted = postedByKey.get(key)!;
      if (typeof posted === 'string') {
        reviews.push({ key, rowId, reason: 'posting_refused', detail: posted, pledgeId: decision.pledge.id, amountVnd: row.creditVnd });
      } else {
        confirmed.push({ pledge_id: decision.pledge.id, row_id: rowId, contribution_id: posted, confirmed_at: row.bookedAt.toISOString() });
        counts.matched++;
        counts.matchedVnd += row.creditVnd;
      }
    }
  }
  for (const r of reviews) {
    const counts = countsOf(r.key);
    counts.review[r.reason] = (counts.review[r.reason] ?? 0) + 1;
    counts.reviewVnd += r.amountVnd;
  }
  const refusedRows = reviews.filter((r) => r.reason === 'posting_refused').map((r) => r.rowId);
  await Promise.all([
    markConfirmed(tx, confirmed),
    refusedRows.length === 0 ? undefined : tx.update(bankStatementRows).set({ status: 'review' }).where(inArray(bankStatementRows.id, refusedRows)).then(() => undefined),
    reviews.length === 0 ? undefined : tx.execute(sql`
      INSERT INTO payment_reviews (source, reference, reason, detail, pledge_id, bank_row_id, amount_vnd)
      SELECT 'bank', r.reference, r.reason, r.detail, r.pledge_id, r.bank_row_id, r.amount_vnd
      FROM jsonb_to_recordset(${JSON.stringify(reviews.map((r) => ({ reference: r.key, reason: r.reason, detail: r.detail, pledge_id: r.pledgeId, bank_row_id: r.rowId, amount_vnd: r.amountVnd })))}::jsonb)
        AS r(reference text, reason text, detail text, pledge_id integer, bank_row_id integer, amount_vnd bigint)
      ON CONFLICT (source, reference) DO NOTHING`).then(() => undefined),
    options.finish?.(),
  ]);
  return { rows: fresh.length };
}

// Posts what a bank row shows of the fund's own money (or claims the payout or deposit already posted),
// each once by its own key; a refusal comes back as text for review and changes nothing.
async function postMovement(tx: Tx, decision: Extract<Decision, { status: 'transfer' | 'charge' | 'interest' }>, row: StatementRow, key: string, rowId: number): Promise<string | undefined> {
  try {
    if (decision.status === 'charge') {
      await recordBankCharge(tx, { idempotencyKey: bankPostingKey(key), reference: key, amountVnd: row.debitVnd, occurredAt: row.bookedAt }, rowId);
    } else if (decision.status === 'transfer') {
      const { result, replayed } = await recordCashTransfer(tx, { kind: decision.kind, reference: decision.reference, amountVnd: row.creditVnd, occurredAt: row.bookedAt }, rowId);
      if (replayed && !(await claimMovement(tx, result.movementId, rowId))) return `${decision.reference}: already shown by another bank row`;
    } else {
      const gift = await recordGeneralFundIncome(tx, { key: bankPostingKey(key), amountVnd: row.creditVnd, receivedAt: row.bookedAt, donorName: BANK_INTEREST_DONOR });
      if (typeof gift === 'string') return gift;
      await tx.update(bankStatementRows).set({ contributionId: gift.contributionId }).where(eq(bankStatementRows.id, rowId));
    }
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.messageEn;
    throw error;
  }
}

// Approved payments of the debits' amounts that no bank row has claimed, locked so two imports cannot both claim one.
async function unclaimedPayments(tx: Tx, debits: StatementRow[]): Promise<PaymentCandidate[]> {
  if (debits.length === 0) return [];
  const times = debits.map((row) => row.bookedAt.getTime());
  const rows = await tx.select({ id: disbursements.id, amountVnd: disbursements.amountVnd, decidedAt: disbursements.decidedAt, houseCode: houses.publicCode })
    .from(disbursements)
    .innerJoin(houses, eq(houses.id, disbursements.houseId))
    .leftJoin(bankStatementRows, eq(bankStatementRows.disbursementId, disbursements.id))
    .where(and(eq(disbursements.status, 'approved'), isNull(bankStatementRows.id), inArray(disbursements.amountVnd, [...new Set(debits.map((row) => row.debitVnd))]),
      gte(disbursements.decidedAt, new Date(Math.min(...times) - 32 * 86_400_000)), lte(disbursements.decidedAt, new Date(Math.max(...times) + 11 * 86_400_000))))
    .orderBy(disbursements.id)
    .for('update', { of: disbursements });
  return rows.map((r) => ({ ...r, decidedAt: r.decidedAt! }));
}

// The one idempotency key a bank row's money posts under, whoever posts it.
export const bankPostingKey = (rowKey: string) => `bank:${rowKey}`;

export interface ConfirmedTransfer { pledge_id: number; row_id: number; contribution_id: number; confirmed_at: string }

// Pledges and their bank rows point at the contribution that confirmed them: one statement for a whole batch;
// each donor's receipt email is queued in the same transaction.
// The three statements go out together (in this order), one round trip.
export async function markConfirmed(tx: Tx, confirmed: ConfirmedTransfer[]): Promise<void> {
  if (confirmed.length === 0) return;
  const values = sql`${jsonRows(confirmed, 'pledge_id integer, row_id integer, contribution_id integer, confirmed_at timestamptz')} AS v`;
  await Promise.all([
    tx.execute(sql`UPDATE pledges p SET status = 'confirmed', status_reason = NULL, contribution_id = v.contribution_id, confirmed_at = v.confirmed_at FROM ${values} WHERE p.id = v.pledge_id`).then(() => undefined),
    tx.execute(sql`
      UPDATE bank_statement_rows r SET contribution_id = v.contribution_id, pledge_id = v.pledge_id, matched_code = p.receipt_code, status = 'matched'
      FROM ${values} JOIN pledges p ON p.id = v.pledge_id WHERE r.id = v.row_id`).then(() => undefined),
    enqueueReceipts(tx, confirmed.map((c) => c.pledge_id)),
  ]);
}

// A matched transfer becomes the pledge's contribution, receipt code and all; a refusal comes back as text for review.
// The key is the bank row's, so a row can post once whether the importer or staff confirm it.
export async function confirmTransfer(tx: Tx, pledge: Pledge, row: Pick<StatementRow, 'creditVnd' | 'bookedAt'>, key: string): Promise<number | string> {
  return (await confirmTransfers(tx, [{ pledge, row, key }]))[0]!;
}

// Many matched transfers as one batch of gifts; each answers alone (contribution id, or refusal text).
export async function confirmTransfers(tx: Tx, items: { pledge: Pledge; row: Pick<StatementRow, 'creditVnd' | 'bookedAt'>; key: string }[], pipelined = false): Promise<(number | string)[]> {
  if (items.length === 0) return [];
  const replies = await recordCashContributions(tx, items.map(({ pledge, row, key }) => ({
    idempotencyKey: bankPostingKey(key), campaignId: pledge.campaignId, channel: 'bank_transfer', amountVnd: row.creditVnd,
    target: pledge.targetType === 'house' ? { type: 'house', houseId: pledge.targetHouseId }
      : pledge.targetType === 'commune' ? { type: 'commune', areaId: pledge.targetAreaId } : { type: 'general' },
    receivedAt: row.bookedAt, receiptCode: pledge.receiptCode,
    donor: pledgeDonor(pledge),
  })), { pipelined });
  return replies.map((reply, i) => {
    if (reply instanceof DomainError) return `${items[i]!.pledge.receiptCode}: ${reply.messageEn}`;
    if (reply instanceof Error) throw reply;
    return reply.result.contributionId;
  });
}

export interface Reconciliation {
  accountNo: string | null;
  openingBalanceVnd: number | null;
  closingBalanceVnd: number | null;
  creditsVnd: number;
  debitsVnd: number;
  /** Opening + credits − debits = closing, when the statement states both balances. */
  selfConsistent: boolean | null;
  matchedVnd: number;
  /** Credits minus debits of this statement still waiting for staff: money the ledger does not hold yet. */
  awaitingReviewVnd: number;
  ledgerBankVnd: number;
  /** The opening balance staff recorded for the account, if any. */
  ledgerOpeningVnd: number | null;
  differenceVnd: number | null;
}

// The statement's closing balance against the ledger's bank account (cash_bank) as it stands now.
export async function reconcile(db: Db, statementId: number): Promise<Reconciliation> {
  const [statement] = await db.select().from(bankStatements).where(eq(bankStatements.id, statementId));
  const [sums] = await queryRows<Record<string, string | number>>(db, sql`
    SELECT coalesce(sum(credit_vnd), 0) AS credits, coalesce(sum(debit_vnd), 0) AS debits,
           coalesce(sum(credit_vnd) FILTER (WHERE status = 'matched'), 0) AS matched,
           coalesce(sum(credit_vnd - debit_vnd) FILTER (WHERE status = 'review'), 0) AS review
    FROM bank_statement_rows WHERE statement_id = ${statementId}`);
  const [ledger] = await queryRows<{ balance: string | number }>(db, sql`SELECT coalesce(sum(amount_vnd), 0) AS balance FROM journal_lines WHERE account = 'cash_bank'`);
  const [ledgerOpening] = await db.select({ amountVnd: schema.treasuryMovements.amountVnd }).from(schema.treasuryMovements).where(eq(schema.treasuryMovements.kind, 'opening_balance'));
  const credits = Number(sums!.credits);
  const debits = Number(sums!.debits);
  const opening = statement!.openingBalanceVnd;
  const closing = statement!.closingBalanceVnd;
  const ledgerBankVnd = Number(ledger!.balance);
  return {
    accountNo: statement!.accountNo, openingBalanceVnd: opening, closingBalanceVnd: closing, creditsVnd: credits, debitsVnd: debits,
    selfConsistent: opening === null || closing === null ? null : opening + credits - debits === closing,
    matchedVnd: Number(sums!.matched), awaitingReviewVnd: Number(sums!.review), ledgerBankVnd, ledgerOpeningVnd: ledgerOpening?.amountVnd ?? null,
    differenceVnd: closing === null ? null : closing - ledgerBankVnd,
  };
}
