// Payments to households: one person records, a different person approves, and only then it posts.
import { describeEntry } from '../ledger/descriptions';
import { eq } from 'drizzle-orm';
import { schema, type Db } from '../../db/client';
import { publicRecord } from '../ledger/public-record';
import { disbursement, oneHouse } from '../ledger/rules';
import { houseState, lockHouse } from './contributions';
import { DomainError, notFound } from './errors';
import { postEntry, runOnce, type Outcome } from './journal';
import { disbursementDecisionInput, disbursementInput } from './schemas';
import { parseInput } from './validate';

const { disbursements } = schema;

export async function proposeDisbursement(db: Db, raw: unknown): Promise<Outcome<{ disbursementId: number }>> {
  const input = parseInput(disbursementInput, raw);
  const { idempotencyKey, ...request } = input;
  return runOnce(db, idempotencyKey, request, async (tx) => {
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
      throw new DomainError(409, 'already_decided', `Khoản chi #${pending.id} đã được xử lý (${pending.status}).`,
        `Payment #${pending.id} was already decided (${pending.status}).`);
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
