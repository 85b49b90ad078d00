// State budget support paid to a household by the commune or district, recorded from the paying
// body's document. One payment is one document for one house: the same document recorded again (by
// the form or a re-uploaded file) returns the first result, with a different amount it is refused.
import { z } from 'zod';
import { schema, type Db, type Tx } from '../../db/client';
import { describeEntry } from '../ledger/descriptions';
import { publicRecord } from '../ledger/public-record';
import { oneHouse, statePayment } from '../ledger/rules';
import { houseState, lockHouse } from './contributions';
import { DomainError } from './errors';
import { postEntry, runOnce, type Outcome } from './journal';
import { amountVnd, id, isoDate } from './schemas';
import { freeText } from './text';
import { parseInput } from './validate';

export const statePaymentInput = z.object({
  houseId: id,
  amountVnd,
  paidOn: isoDate,
  /** The commune's or district's payment document (phiếu chi, ủy nhiệm chi): public, it proves the payment. */
  documentRef: freeText(2, 150),
  recordedBy: freeText(1, 100),
  recordedAt: z.coerce.date(),
});

export interface StatePaymentResult {
  statePaymentId: number;
  entryId: number;
  houseCode: string;
}

// Posts the payment once per house and document; the house row is locked so two payments of the same
// support see each other, and the rule refuses anything beyond the support recorded and not yet paid.
export async function recordStatePayment(db: Db | Tx, raw: unknown): Promise<Outcome<StatePaymentResult>> {
  const input = parseInput(statePaymentInput, raw);
  const paidAt = new Date(`${input.paidOn}T00:00:00+07:00`);
  // 2025-02-30 parses as a later day: a real date reads back as itself.
  const real = !Number.isNaN(paidAt.getTime()) && new Date(`${input.paidOn}T00:00:00Z`).toISOString().startsWith(input.paidOn);
  if (!real || paidAt > input.recordedAt) {
    throw new DomainError(400, 'invalid_field', `Ngày chi ${input.paidOn} không hợp lệ hoặc ở tương lai.`, `The payment date ${input.paidOn} is not a valid past date.`, { field: 'paidOn' });
  }
  const { recordedBy, recordedAt, ...asked } = input;
  const key = `state_payment:${input.houseId}:${input.documentRef}`;
  try {
    return await runOnce(db, key, asked, async (tx) => {
      const house = await lockHouse(tx, input.houseId);
      const draft = statePayment(oneHouse(houseState(house)), {
        houseId: house.id, amountVnd: input.amountVnd, occurredAt: paidAt, description: describeEntry.statePayment(house.publicCode, input.documentRef),
      });
      const record = publicRecord('state_payment', { amount_vnd: input.amountVnd, document_ref: input.documentRef, house_code: house.publicCode, paid_on: input.paidOn });
      const entry = await postEntry(tx, { ...draft, record });
      const [row] = await tx.insert(schema.statePayments).values({
        houseId: house.id, amountVnd: input.amountVnd, paidOn: input.paidOn, documentRef: input.documentRef, recordedBy, recordedAt, entryId: entry.id,
      }).returning({ id: schema.statePayments.id });
      return { statePaymentId: row!.id, entryId: entry.id, houseCode: house.publicCode };
    });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'idempotency_conflict') {
      throw new DomainError(409, 'state_payment_conflict', `Chứng từ "${input.documentRef}" đã được ghi cho nhà này với số tiền hoặc ngày khác; không có gì thay đổi. Nếu ghi sai, hãy đảo bút toán cũ trước.`,
        `Document "${input.documentRef}" was already recorded for this house with another amount or date; nothing changed. If it was wrong, reverse the earlier entry first.`);
    }
    throw error;
  }
}
