// Payments to households: one person records, a different person approves, and only then it posts.
import { describeEntry } from '../ledger/descriptions';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { schema, type Db } from '../../db/client';
import { paymentMethods, receiptKinds } from '../../db/schema';
import { publicRecord } from '../ledger/public-record';
import { disbursement, oneHouse } from '../ledger/rules';
import { houseState, lockHouse } from './contributions';
import { DomainError, notFound } from './errors';
import { postEntry, runOnce, type Outcome } from './journal';
import { disbursementDecisionInput, disbursementInput, isoDate } from './schemas';
import { freeText } from './text';
import { parseInput } from './validate';

const { disbursements } = schema;

// To whom and how the money went, from which of the fund's accounts, when, and the paper that proves it
// (private: the public sees the payment, the household by its head's initials). The staff form asks for all.
export const paymentDetails = z.object({
  recipientName: freeText(2, 120),
  method: z.enum(paymentMethods),
  sourceAccount: freeText(2, 120),
  paidOn: isoDate,
  receiptFile: z.string().regex(/^[0-9a-f]{32}\.(jpg|pdf)$/),
  receiptKind: z.enum(receiptKinds),
});

const proposalInput = disbursementInput.extend(paymentDetails.partial().shape);

export const paymentMethodNames = { cash: ['tiền mặt', 'cash'], transfer: ['chuyển khoản', 'bank transfer'] } as const;
export const disbursementStatusNames = { pending: ['chờ duyệt', 'pending'], approved: ['đã duyệt', 'approved'], rejected: ['đã từ chối', 'rejected'] } as const;

export async function proposeDisbursement(db: Db, raw: unknown): Promise<Outcome<{ disbursementId: number }>> {
  const input = parseInput(proposalInput, raw);
  const { idempotencyKey, ...request } = input;
  // The moment of recording is not part of what was asked: a form sent again a minute later replays.
  const { recordedAt: _at, ...asked } = request;
  return runOnce(db, idempotencyKey, asked, async (tx) => {
    const house = await lockHouse(tx, input.houseId);
    // The same rule as at approval, so a payment that could never post is refused when recorded.
    disbursement(oneHouse(houseState(house)), { houseId: house.id, amountVnd: input.amountVnd, occurredAt: input.recordedAt, description: '' });
    const [created] = await tx.insert(disbursements).values(request).returning({ id: disbursements.id });
    return { disbursementId: created!.id };
  });
}

export interface DecisionResult {
  disbursementId: number;
  status: 'approved' | 'rejected';
  entryId: number | null;
}

// Approval posts the payment; the approver must differ from the recorder (the database checks too).
export async function decideDisbursement(db: Db, raw: unknown): Promise<Outcome<DecisionResult>> {
  const input = parseInput(disbursementDecisionInput, raw);
  const { idempotencyKey, ...request } = input;
  return runOnce(db, idempotencyKey, request, async (tx) => {
    const [pending] = await tx.select().from(disbursements).where(eq(disbursements.id, input.disbursementId)).for('update');
    if (!pending) throw notFound(`khoản chi #${input.disbursementId}`, `Payment #${input.disbursementId}`);
    if (pending.status !== 'pending') {
      throw new DomainError(409, 'already_decided', `Khoản chi #${pending.id} đã được xử lý (${disbursementStatusNames[pending.status][0]}).`,
        `Payment #${pending.id} was already decided (${disbursementStatusNames[pending.status][1]}).`);
    }
    if (pending.recordedBy === input.decidedBy) {
      throw new DomainError(403, 'four_eyes', 'Người ghi khoản chi không được tự duyệt; cần một người duyệt khác.',
        'Whoever recorded a payment cannot decide on it; another approver is needed.');
    }
    const decided = { decidedBy: input.decidedBy, decidedAt: input.decidedAt, decisionReason: input.reason ?? null };
    if (!input.approve) {
      await tx.update(disbursements).set({ ...decided, status: 'rejected' }).where(eq(disbursements.id, pending.id));
      return { disbursementId: pending.id, status: 'rejected', entryId: null };
    }
    const house = await lockHouse(tx, pending.houseId);
    const draft = disbursement(oneHouse(houseState(house)), {
      houseId: house.id, amountVnd: pending.amountVnd, occurredAt: input.decidedAt,
      description: describeEntry.disbursement(house.publicCode, pending.purpose),
    });
    const record = publicRecord('disbursement', { amount_vnd: pending.amountVnd, house_code: house.publicCode, purpose: pending.purpose });
    const entry = await postEntry(tx, { ...draft, record });
    await tx.update(disbursements).set({ ...decided, status: 'approved', entryId: entry.id }).where(eq(disbursements.id, pending.id));
    return { disbursementId: pending.id, status: 'approved', entryId: entry.id };
  });
}
