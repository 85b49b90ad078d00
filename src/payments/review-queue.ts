// Staff working through the review queue: list what waits, then post a bank row to the pledge it
// pays, to a commune's pool or to the general fund, or close an item with a note. Framework-free; the staff actions call it.
import { and, asc, desc, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import { schema, type Db, type Tx } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { recordCashContribution } from '../domain/contributions';
import { DomainError, notFound } from '../domain/errors';
import { formatDate, formatVnd } from '../i18n/format';
import { bankPostingKey, confirmTransfer, markConfirmed } from './bank-import';
import { pledgeStatusNames } from './review-names';

const { paymentReviews, bankStatementRows, pledges } = schema;

export const REVIEW_PAGE = 100;

export interface ReviewFilter {
  source?: 'stripe' | 'bank';
  reason?: string;
  resolved?: boolean;
}

// Oldest open items first (they have waited longest); resolved ones newest first.
export async function listReviews(db: Db, filter: ReviewFilter) {
  const where: SQL[] = [filter.resolved ? isNotNull(paymentReviews.resolvedAt) : isNull(paymentReviews.resolvedAt)];
  if (filter.source) where.push(eq(paymentReviews.source, filter.source));
  if (filter.reason) where.push(eq(paymentReviews.reason, filter.reason));
  return db.select({ review: paymentReviews, row: bankStatementRows, pledgeCode: pledges.receiptCode })
    .from(paymentReviews)
    .leftJoin(bankStatementRows, eq(bankStatementRows.id, paymentReviews.bankRowId))
    .leftJoin(pledges, eq(pledges.id, paymentReviews.pledgeId))
    .where(and(...where))
    .orderBy(filter.resolved ? desc(paymentReviews.resolvedAt) : asc(paymentReviews.createdAt), asc(paymentReviews.id))
    .limit(REVIEW_PAGE);
}

// The reasons that currently have open items, for the filter's choices.
export async function openReasons(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ reason: paymentReviews.reason }).from(paymentReviews).where(isNull(paymentReviews.resolvedAt)).orderBy(paymentReviews.reason);
  return rows.map((r) => r.reason);
}

export async function reviewItem(db: Db, id: number) {
  const [item] = await db.select({ review: paymentReviews, row: bankStatementRows, pledge: pledges })
    .from(paymentReviews)
    .leftJoin(bankStatementRows, eq(bankStatementRows.id, paymentReviews.bankRowId))
    .leftJoin(pledges, eq(pledges.id, paymentReviews.pledgeId))
    .where(eq(paymentReviews.id, id));
  return item;
}

export type Resolution =
  | { how: 'pledge'; receiptCode: string; /** The row's amount, when staff accept that it differs from the pledge. */ acceptAmountVnd: number | null }
  | { how: 'general_fund'; donorName: string | null }
  /** A commune's pool takes what its houses still lack; the rulebook sends the rest to the general fund. */
  | { how: 'commune_pool'; areaId: number; donorName: string | null }
  | { how: 'note' };

export interface Resolved {
  reviewId: number;
  how: Resolution['how'];
  amountVnd: number | null;
  contributionId: number | null;
  receiptCode: string | null;
  /** Where a pooled posting went, as the rulebook split it (the commune's pool, the rest to the general fund). */
  split?: { communeVnd: number; generalVnd: number };
}

const refuse = (code: string, vi: string, en: string) => new DomainError(409, code, vi, en);

// One decision on one item, in the caller's transaction: the item is locked so two people cannot both
// post it, and the money goes in under the bank row's own key so it can never post twice.
export async function resolveReview(tx: Tx, reviewId: number, resolution: Resolution, by: { username: string; note: string | null; at: Date }): Promise<Resolved> {
  const [review] = await tx.select().from(paymentReviews).where(eq(paymentReviews.id, reviewId)).for('update');
  if (!review) throw notFound(`mục đối soát #${reviewId}`, `Review item #${reviewId}`);
  if (review.resolvedAt) {
    throw refuse('review_resolved', `Mục #${reviewId} đã được ${review.resolvedBy} xử lý ngày ${formatDate(review.resolvedAt)}.`, `Item #${reviewId} was already resolved by ${review.resolvedBy} on ${formatDate(review.resolvedAt)}.`);
  }
  const needsNote = resolution.how === 'note' || (resolution.how === 'pledge' && resolution.acceptAmountVnd !== null);
  if (needsNote && (by.note ?? '').length < 3) {
    throw new DomainError(400, 'invalid_input', 'Hãy ghi lý do (ít nhất 3 ký tự).', 'Write down why (at least 3 characters).');
  }
  let posted: Omit<Resolved, 'reviewId' | 'how'> = { amountVnd: review.amountVnd, contributionId: null, receiptCode: null };
  if (resolution.how !== 'note') {
    if (review.source !== 'bank' || review.bankRowId === null) {
      throw new DomainError(400, 'not_a_bank_row', 'Chỉ một dòng sao kê ngân hàng mới có thể ghi sổ ở đây; mục thẻ chỉ được ghi chú và đóng.', 'Only a bank statement row can be posted here; card items can only be noted and closed.');
    }
    const [row] = await tx.select().from(bankStatementRows).where(eq(bankStatementRows.id, review.bankRowId)).for('update');
    if (!row || row.creditVnd <= 0) throw notFound(`khoản tiền vào của mục #${reviewId}`, `The credit of item #${reviewId}`);
    if (row.contributionId !== null) {
      throw refuse('already_posted', `Dòng sao kê này đã được ghi sổ (đóng góp #${row.contributionId}).`, `This statement row is already posted (contribution #${row.contributionId}).`);
    }
    posted = resolution.how === 'pledge' ? await postToPledge(tx, row, resolution)
      : await postToPool(tx, row, resolution.donorName, resolution.how === 'commune_pool' ? { type: 'commune', areaId: resolution.areaId } : { type: 'general' });
  }
  const commune = resolution.how === 'commune_pool' ? (await tx.select({ name: schema.areas.name }).from(schema.areas).where(eq(schema.areas.id, resolution.areaId)))[0]?.name : undefined;
  const how = resolution.how === 'pledge' ? `pledge ${posted.receiptCode}` : resolution.how === 'commune_pool' ? `commune_pool ${commune}` : resolution.how;
  await tx.update(paymentReviews).set({ resolvedAt: by.at, resolvedBy: by.username, resolution: by.note ? `${how}: ${by.note}` : how })
    .where(eq(paymentReviews.id, reviewId));
  return { reviewId, how: resolution.how, ...posted };
}

type BankRow = typeof bankStatementRows.$inferSelect;

// The importer's own confirmation, once a person has named the pledge (and accepted a different amount, if it differs).
async function postToPledge(tx: Tx, row: BankRow, resolution: Extract<Resolution, { how: 'pledge' }>) {
  const code = resolution.receiptCode.replace(/[^A-Z0-9]/gi, '').toUpperCase();
  const [pledge] = await tx.select().from(pledges).where(eq(pledges.receiptCode, code)).for('update');
  if (!pledge) throw notFound(`cam kết mã "${code}"`, `Pledge "${code}"`);
  if (pledge.method !== 'bank_transfer') {
    throw refuse('pledge_is_card', `${code} là cam kết trả bằng thẻ; khoản thẻ vẫn có thể đến, nên không ghép chuyển khoản vào đó. Hãy ghi vào quỹ chung hoặc ghi chú.`, `${code} is a card pledge; its card payment may still arrive, so a transfer is not matched to it. Post to the general fund or add a note.`);
  }
  if (pledge.status !== 'pending') {
    throw refuse('pledge_not_pending', `Cam kết ${code} đang ở trạng thái "${pledgeStatusNames[pledge.status]?.[0] ?? pledge.status}", không còn chờ tiền.`, `Pledge ${code} is ${pledge.status}, not waiting for money.`);
  }
  if (pledge.amountVnd !== row.creditVnd && resolution.acceptAmountVnd !== row.creditVnd) {
    throw refuse('amount_mismatch', `Cam kết ${code} là ${formatVnd(pledge.amountVnd)} nhưng đã nhận ${formatVnd(row.creditVnd)}. Đánh dấu "chấp nhận số tiền nhận được" và ghi lý do nếu đúng là khoản này.`,
      `Pledge ${code} is ${formatVnd(pledge.amountVnd)} but ${formatVnd(row.creditVnd)} arrived. Tick "accept the amount received" and give a reason if this is the right pledge.`);
  }
  const contributionId = await confirmTransfer(tx, pledge, row, row.rowKey);
  if (typeof contributionId === 'string') throw refuse('posting_refused', `Sổ cái từ chối: ${contributionId}`, `The ledger refused: ${contributionId}`);
  await markConfirmed(tx, [{ pledge_id: pledge.id, row_id: row.id, contribution_id: contributionId, confirmed_at: row.bookedAt.toISOString() }]);
  return { amountVnd: row.creditVnd, contributionId, receiptCode: code };
}

// Money with no pledge to follow goes where the approver decides: a commune's pool (as far as its houses
// still need it, the rulebook's split) or the general fund.
async function postToPool(tx: Tx, row: BankRow, donorName: string | null, target: { type: 'general' } | { type: 'commune'; areaId: number }) {
  const campaign = await currentCampaign(tx as unknown as Db);
  if (!campaign) throw refuse('no_campaign', 'Chưa có chiến dịch nào.', 'There is no campaign yet.');
  const { result } = await recordCashContribution(tx, {
    idempotencyKey: bankPostingKey(row.rowKey), campaignId: campaign.id, channel: 'bank_transfer', amountVnd: row.creditVnd,
    target, receivedAt: row.bookedAt,
    donor: { kind: 'individual', displayName: donorName, anonymous: donorName === null },
  });
  await tx.update(bankStatementRows).set({ contributionId: result.contributionId, status: 'matched' }).where(eq(bankStatementRows.id, row.id));
  return { amountVnd: row.creditVnd, contributionId: result.contributionId, receiptCode: result.receiptCode, split: { communeVnd: result.split.communeVnd, generalVnd: result.split.generalVnd } };
}
